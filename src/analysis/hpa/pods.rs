//! The simulated pods of the scale target, as the HPA sees them.
//!
//! A pod created by a scale-up is `Pending` for the start-up delay, then `Running` and `Ready` at
//! once (its `startTime` and its readiness transition are both that moment) and serves its share.
//! A scale-down deletes pods at once, newest first, which also takes pending pods before ready
//! ones, as a ReplicaSet chooses. Initial pods have been ready for a long time.

use super::replica_calc::{CpuSample, PodInfo, PodPhase, ReadyCondition};

/// When the initial pods became ready: long before any window or initialization period.
const LONG_AGO_S: i64 = -1_000_000_000;

/// The pods of the target, as the times they become (or became) ready, ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pods {
    ready_at: Vec<i64>,
}

impl Pods {
    /// `n` pods, all ready since long ago.
    pub(crate) fn initial(n: u32) -> Self {
        Pods {
            ready_at: vec![LONG_AGO_S; n as usize],
        }
    }

    /// All pods, ready or not (the scale's replicas).
    pub(crate) fn count(&self) -> u32 {
        u32::try_from(self.ready_at.len()).unwrap_or(u32::MAX)
    }

    /// Pods ready and serving at `now`.
    pub(crate) fn ready(&self, now: i64) -> u32 {
        let n = self.ready_at.partition_point(|&r| r <= now);
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Scales to `n` pods at `now`: new pods become ready after `startup_s`; removal takes the
    /// newest first.
    pub(crate) fn scale_to(&mut self, n: u32, now: i64, startup_s: i64) {
        let n = n as usize;
        if n < self.ready_at.len() {
            self.ready_at.truncate(n);
        } else {
            // Later than every existing entry, so the order stays ascending.
            self.ready_at.resize(n, now.saturating_add(startup_s));
        }
    }

    /// The pods as the HPA's pod lister and metrics client see them at `now`. `sample` gives the
    /// latest metrics-server sample for a pod that became ready at the given time, if any.
    pub(crate) fn infos(
        &self,
        now: i64,
        request_milli: i64,
        sample: impl Fn(i64) -> Option<CpuSample>,
    ) -> Vec<PodInfo> {
        self.ready_at
            .iter()
            .map(|&ready_at| {
                if ready_at > now {
                    PodInfo {
                        phase: PodPhase::Pending,
                        deleting: false,
                        start_time_s: None,
                        ready: None,
                        sample: None,
                        request_milli,
                    }
                } else {
                    PodInfo {
                        phase: PodPhase::Running,
                        deleting: false,
                        start_time_s: Some(ready_at),
                        ready: Some(ReadyCondition {
                            ready: true,
                            last_transition_s: ready_at,
                        }),
                        sample: sample(ready_at),
                        request_milli,
                    }
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_up_delay_and_newest_first_removal() {
        let mut p = Pods::initial(2);
        p.scale_to(4, 100, 30);
        assert_eq!((p.count(), p.ready(129), p.ready(130)), (4, 2, 4));
        p.scale_to(5, 110, 30);
        p.scale_to(3, 120, 30);
        // The pending pod from t = 110 went first, then one of the t = 100 ones.
        assert_eq!((p.count(), p.ready(130), p.ready(1000)), (3, 3, 3));
        let infos = p.infos(120, 500, |_| None);
        assert_eq!(
            infos
                .iter()
                .filter(|i| i.phase == PodPhase::Pending)
                .count(),
            1
        );
    }
}
