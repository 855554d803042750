//! Derived figures from a `RunResult`: totals per request, per stage, per run.

use super::histogram::LatencyHistogram;
use super::outcome::Outcome;
use super::result::{RequestResult, RunResult, StageResult};

/// Aggregate of a set of `RequestResult`s over a measured window.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub sent: u64,
    pub ok: u64,
    pub errors: u64,
    pub dropped: u64,
    pub measured_s: f64,
    /// Successful requests' latency from intended start.
    pub latency: LatencyHistogram,
    pub service_time: LatencyHistogram,
    pub error_latency: LatencyHistogram,
}

impl Summary {
    pub fn add_request(&mut self, r: &RequestResult) {
        self.dropped += r.dropped;
        for (outcome, o) in &r.outcomes {
            self.sent += o.count;
            if *outcome == Outcome::Ok {
                self.ok += o.count;
                self.latency.add(&o.latency);
                self.service_time.add(&o.service_time);
            } else {
                self.errors += o.count;
                self.error_latency.add(&o.latency);
            }
        }
    }

    /// Failed / sent; 0 when nothing was sent.
    pub fn error_rate(&self) -> f64 {
        if self.sent == 0 {
            0.0
        } else {
            self.errors as f64 / self.sent as f64
        }
    }

    pub fn dropped_rate(&self) -> f64 {
        let arrivals = self.sent + self.dropped;
        if arrivals == 0 {
            0.0
        } else {
            self.dropped as f64 / arrivals as f64
        }
    }

    /// Successful requests per second over the measured window.
    pub fn throughput(&self) -> f64 {
        if self.measured_s > 0.0 {
            self.ok as f64 / self.measured_s
        } else {
            0.0
        }
    }
}

impl StageResult {
    /// Measured totals of this stage, optionally for one request name.
    pub fn summary(&self, request: Option<&str>) -> Summary {
        let mut s = Summary {
            measured_s: self.measured_s,
            ..Summary::default()
        };
        for r in self
            .requests
            .iter()
            .filter(|r| request.is_none_or(|n| n == r.name))
        {
            s.add_request(r);
        }
        s
    }
}

impl RunResult {
    /// Measured totals over the selected stages (all when `stage` is `None`).
    pub fn summary(&self, stage: Option<&str>, request: Option<&str>) -> Summary {
        let mut total = Summary::default();
        for st in self
            .stages
            .iter()
            .filter(|s| stage.is_none_or(|n| n == s.name))
        {
            let s = st.summary(request);
            total.sent += s.sent;
            total.ok += s.ok;
            total.errors += s.errors;
            total.dropped += s.dropped;
            total.measured_s += s.measured_s;
            total.latency.add(&s.latency);
            total.service_time.add(&s.service_time);
            total.error_latency.add(&s.error_latency);
        }
        total
    }

    /// Every sample, measured and warm-up: (sent, dropped, per-outcome counts).
    pub fn all_counts(&self) -> (u64, u64, std::collections::BTreeMap<Outcome, u64>) {
        let mut sent = 0;
        let mut dropped = 0;
        let mut by = std::collections::BTreeMap::new();
        for st in &self.stages {
            for r in st.requests.iter().chain(&st.warmup) {
                dropped += r.dropped;
                for (o, res) in &r.outcomes {
                    sent += res.count;
                    *by.entry(*o).or_insert(0) += res.count;
                }
            }
        }
        (sent, dropped, by)
    }

    pub fn is_partial(&self) -> bool {
        self.run.status == super::result::RunStatus::Partial
    }
}
