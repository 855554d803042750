//! The metrics a comparison judges, their units and which direction is worse.

use serde::Serialize;

/// One compared figure of a (stage, request) row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    P50,
    P90,
    P99,
    #[serde(rename = "p99_9")]
    P999,
    Max,
    /// Successful requests per second over the measured window.
    Throughput,
    /// Failed / sent, as a fraction.
    ErrorRate,
    /// Target CPU seconds per 1,000 requests (from the run's probes).
    CpuPer1k,
}

/// How a metric's values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Micros,
    PerSecond,
    Fraction,
    CpuSeconds,
}

/// Every metric, in the order views show them.
pub const ALL_METRICS: [Metric; 8] = [
    Metric::P50,
    Metric::P90,
    Metric::P99,
    Metric::P999,
    Metric::Max,
    Metric::Throughput,
    Metric::ErrorRate,
    Metric::CpuPer1k,
];

/// The latency percentiles tested over per-second windows, with their percentile (0–100).
pub const TESTED_PERCENTILES: [(Metric, f64); 4] = [
    (Metric::P50, 50.0),
    (Metric::P90, 90.0),
    (Metric::P99, 99.0),
    (Metric::P999, 99.9),
];

impl Metric {
    /// Short label for tables: `p99.9`, `ok/s`, `errors`, `cpu/1k`.
    pub fn label(self) -> &'static str {
        match self {
            Metric::P50 => "p50",
            Metric::P90 => "p90",
            Metric::P99 => "p99",
            Metric::P999 => "p99.9",
            Metric::Max => "max",
            Metric::Throughput => "ok/s",
            Metric::ErrorRate => "errors",
            Metric::CpuPer1k => "cpu/1k req",
        }
    }

    /// The name used in `--tolerance` (aliases accepted by [`Metric::from_key`]).
    pub fn key(self) -> &'static str {
        match self {
            Metric::P50 => "p50",
            Metric::P90 => "p90",
            Metric::P99 => "p99",
            Metric::P999 => "p99.9",
            Metric::Max => "max",
            Metric::Throughput => "throughput",
            Metric::ErrorRate => "errors",
            Metric::CpuPer1k => "cpu",
        }
    }

    pub fn from_key(key: &str) -> Option<Metric> {
        Some(match key.trim().to_ascii_lowercase().as_str() {
            "p50" => Metric::P50,
            "p90" => Metric::P90,
            "p99" => Metric::P99,
            "p99.9" | "p999" | "p99_9" => Metric::P999,
            "max" => Metric::Max,
            "throughput" | "rate" | "rps" | "ok/s" => Metric::Throughput,
            "errors" | "error_rate" | "error-rate" => Metric::ErrorRate,
            "cpu" | "cpu_per_1k" | "cpu/1k" => Metric::CpuPer1k,
            _ => return None,
        })
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::Throughput => Unit::PerSecond,
            Metric::ErrorRate => Unit::Fraction,
            Metric::CpuPer1k => Unit::CpuSeconds,
            _ => Unit::Micros,
        }
    }

    /// True when a larger value is worse (all but throughput).
    pub fn higher_is_worse(self) -> bool {
        self != Metric::Throughput
    }

    /// Error rate changes are absolute (percentage points); the others relative.
    pub fn absolute_change(self) -> bool {
        self == Metric::ErrorRate
    }
}
