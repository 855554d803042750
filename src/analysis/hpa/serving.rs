//! One second of serving: demand spread evenly over the ready pods, each serving up to its
//! capacity; what exceeds it waits in a queue that is served first when capacity frees up. CPU
//! follows the requests actually served, so a saturated pod shows (at most) its capacity's CPU.

use super::cost::CostModel;

/// The state carried from one second to the next.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Queue {
    /// Requests waiting, not yet served.
    pub(crate) backlog: f64,
}

/// What one second looked like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Second {
    /// Offered requests per second per ready pod (`None` without ready pods).
    pub(crate) per_pod_rps: Option<f64>,
    /// CPU cores used by each ready pod.
    pub(crate) per_pod_cpu_cores: f64,
    /// Predicted p99, ms.
    pub(crate) p99_ms: f64,
    /// Requests still queued at the end of the second.
    pub(crate) backlog: f64,
}

impl Queue {
    /// Serves one second of `demand_rps` with `ready` pods.
    pub(crate) fn serve(&mut self, demand_rps: f64, ready: u32, cost: &CostModel) -> Second {
        let offered = demand_rps + self.backlog;
        let capacity = f64::from(ready) * cost.capacity_rps_per_pod;
        let served = offered.min(capacity);
        self.backlog = offered - served;
        if ready == 0 {
            return Second {
                per_pod_rps: None,
                per_pod_cpu_cores: 0.0,
                p99_ms: cost.saturated_p99_ms,
                backlog: self.backlog,
            };
        }
        let per_pod_rps = demand_rps / f64::from(ready);
        let p99_ms = if self.backlog > 0.0 {
            cost.saturated_p99_ms
        } else {
            cost.latency_p99_ms(per_pod_rps)
        };
        Second {
            per_pod_rps: Some(per_pod_rps),
            per_pod_cpu_cores: served / f64::from(ready) * cost.cpu_seconds_per_request,
            p99_ms,
            backlog: self.backlog,
        }
    }
}

/// CPU cores per pod when `n` pods serve `demand_rps` steadily (no queue).
pub(crate) fn steady_cpu_cores(demand_rps: f64, n: u32, cost: &CostModel) -> f64 {
    if n == 0 {
        return 0.0;
    }
    (demand_rps / f64::from(n)).min(cost.capacity_rps_per_pod) * cost.cpu_seconds_per_request
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::hpa::cost::tests::demo_cost;

    #[test]
    fn queue_builds_and_drains() {
        let cost = demo_cost();
        let mut q = Queue::default();
        let s = q.serve(320.0, 3, &cost);
        assert_eq!(
            (s.backlog, s.p99_ms, s.per_pod_cpu_cores),
            (20.0, cost.saturated_p99_ms, 0.5)
        );
        let s = q.serve(320.0, 4, &cost);
        assert_eq!((s.backlog, s.per_pod_rps), (0.0, Some(80.0)));
        assert!((s.p99_ms - (40.0 + 40.0 * 10.0 / 15.0)).abs() < 1e-9);
        assert_eq!(q.serve(10.0, 0, &cost).per_pod_rps, None);
    }
}
