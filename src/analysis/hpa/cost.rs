//! The per-pod cost model measured by a run: CPU seconds per request, the pod's capacity, and p99
//! latency as a piecewise-linear function of the per-pod request rate.
//!
//! Outside the measurements nothing is guessed: above the last measured rate, or above the pod's
//! capacity, p99 is the `saturated_p99_ms` breach value. Below the first point the first point's
//! p99 holds.

use serde::Serialize;

use super::error::HpaError;

/// Measured `(per-pod rps, p99 ms)` points, sorted by rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyCurve {
    points: Vec<(f64, f64)>,
}

impl LatencyCurve {
    /// Checks the points: at least one, finite, rates ≥ 0 and strictly increasing, p99 ≥ 0.
    pub fn new(points: Vec<(f64, f64)>) -> Result<Self, HpaError> {
        if points.is_empty() {
            return Err(HpaError::input(
                "cost.latency",
                "needs at least one (per_pod_rps, p99_ms) point",
            ));
        }
        for (i, &(rps, p99)) in points.iter().enumerate() {
            if !(rps.is_finite() && rps >= 0.0 && p99.is_finite() && p99 >= 0.0) {
                return Err(HpaError::input(
                    format!("cost.latency[{i}]"),
                    format!("({rps}, {p99}) must be finite and ≥ 0"),
                ));
            }
            if i > 0 && rps <= points[i - 1].0 {
                return Err(HpaError::input(
                    format!("cost.latency[{i}]"),
                    format!("rate {rps} does not increase over the previous point"),
                ));
            }
        }
        Ok(LatencyCurve { points })
    }

    /// The points.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// The highest measured rate.
    pub fn last_rps(&self) -> f64 {
        self.points.last().map_or(0.0, |p| p.0)
    }

    /// Interpolated p99 at `rps`, or `None` above the last measured point.
    pub fn p99_ms(&self, rps: f64) -> Option<f64> {
        let first = self.points.first()?;
        if rps <= first.0 {
            return Some(first.1);
        }
        self.points.windows(2).find_map(|w| {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            (rps <= x1).then(|| y0 + (y1 - y0) * (rps - x0) / (x1 - x0))
        })
    }

    /// The highest rate up to `limit` whose interpolated p99 is at most `slo_ms`.
    fn max_rps_within(&self, slo_ms: f64, limit: f64) -> Option<f64> {
        let (x0, y0) = *self.points.first()?;
        // Flat below the first point.
        let mut best = (y0 <= slo_ms && limit >= 0.0).then_some(x0.min(limit).max(0.0));
        for w in self.points.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            if x0 > limit {
                break;
            }
            // Clip the segment to the limit, then take the top of its feasible part.
            let x1c = x1.min(limit);
            let y1c = y0 + (y1 - y0) * (x1c - x0) / (x1 - x0);
            let top = match (y0 <= slo_ms, y1c <= slo_ms) {
                (_, true) => Some(x1c),
                (true, false) => Some(x0 + (x1c - x0) * (slo_ms - y0) / (y1c - y0)),
                (false, false) => None,
            };
            if let Some(top) = top {
                best = Some(best.map_or(top, |b| b.max(top)));
            }
        }
        best
    }
}

/// What serving one request costs a pod, and what latency it sees under load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostModel {
    /// CPU seconds one request consumes (measured: CPU cores used ÷ requests per second).
    pub cpu_seconds_per_request: f64,
    /// Requests per second one pod can serve; beyond it requests queue.
    pub capacity_rps_per_pod: f64,
    /// Measured p99 against per-pod rate.
    pub latency: LatencyCurve,
    /// The p99 reported when a pod is saturated or beyond the measurements (a breach value).
    pub saturated_p99_ms: f64,
}

/// The default breach value: one minute.
pub const DEFAULT_SATURATED_P99_MS: f64 = 60_000.0;

impl CostModel {
    /// A cost model with the default breach value.
    pub fn new(
        cpu_seconds_per_request: f64,
        capacity_rps_per_pod: f64,
        latency: LatencyCurve,
    ) -> Self {
        CostModel {
            cpu_seconds_per_request,
            capacity_rps_per_pod,
            latency,
            saturated_p99_ms: DEFAULT_SATURATED_P99_MS,
        }
    }

    /// Checks the numbers.
    pub fn validate(&self) -> Result<(), HpaError> {
        let positive = |field: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(HpaError::input(
                    format!("cost.{field}"),
                    format!("{v} must be a positive number"),
                ))
            }
        };
        positive("cpu_seconds_per_request", self.cpu_seconds_per_request)?;
        positive("capacity_rps_per_pod", self.capacity_rps_per_pod)?;
        positive("saturated_p99_ms", self.saturated_p99_ms)
    }

    /// Predicted p99 for a per-pod rate: interpolated within the measurements, the breach value
    /// above the capacity or the last measured rate.
    pub fn latency_p99_ms(&self, per_pod_rps: f64) -> f64 {
        if per_pod_rps > self.capacity_rps_per_pod {
            return self.saturated_p99_ms;
        }
        self.latency
            .p99_ms(per_pod_rps)
            .unwrap_or(self.saturated_p99_ms)
    }

    /// The highest per-pod rate that meets `slo_p99_ms` (within capacity and the measurements).
    pub fn max_rps_within_slo(&self, slo_p99_ms: f64) -> Option<f64> {
        let limit = self.capacity_rps_per_pod.min(self.latency.last_rps());
        self.latency.max_rps_within(slo_p99_ms, limit)
    }

    /// Per-pod rate at a CPU utilization (percent of `request_cores`).
    pub fn rps_at_utilization(&self, utilization_pct: f64, request_cores: f64) -> f64 {
        utilization_pct / 100.0 * request_cores / self.cpu_seconds_per_request
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// 5 ms of CPU per request, 100 rps per pod, p99 100 ms reached at 86.67 rps.
    pub(crate) fn demo_cost() -> CostModel {
        let curve = LatencyCurve::new(vec![
            (0.0, 20.0),
            (50.0, 25.0),
            (70.0, 40.0),
            (85.0, 80.0),
            (95.0, 200.0),
            (100.0, 400.0),
        ]);
        CostModel::new(0.005, 100.0, curve.unwrap())
    }

    #[test]
    fn interpolates_and_saturates() {
        let c = demo_cost();
        assert_eq!(c.latency_p99_ms(0.0), 20.0);
        assert_eq!(c.latency_p99_ms(60.0), 32.5);
        assert_eq!(c.latency_p99_ms(100.0), 400.0);
        assert_eq!(c.latency_p99_ms(100.5), DEFAULT_SATURATED_P99_MS);
        // Capacity above the last measurement: unmeasured rates are a breach too.
        let mut c = demo_cost();
        c.capacity_rps_per_pod = 150.0;
        assert_eq!(c.latency_p99_ms(120.0), DEFAULT_SATURATED_P99_MS);
    }

    #[test]
    fn highest_rate_within_slo() {
        let c = demo_cost();
        let r = c.max_rps_within_slo(100.0).unwrap();
        assert!((r - (85.0 + 10.0 * 20.0 / 120.0)).abs() < 1e-9, "{r}");
        assert_eq!(c.max_rps_within_slo(1000.0), Some(100.0));
        assert_eq!(c.max_rps_within_slo(10.0), None);
        assert_eq!(c.rps_at_utilization(100.0, 0.5), 100.0);
    }

    #[test]
    fn curve_must_increase() {
        assert!(LatencyCurve::new(vec![]).is_err());
        assert!(LatencyCurve::new(vec![(10.0, 1.0), (10.0, 2.0)]).is_err());
        assert!(LatencyCurve::new(vec![(f64::NAN, 1.0)]).is_err());
    }
}
