//! The load engine: turns a `Plan` into requests on the wire and samples in recorders.
//!
//! Work is dealt across engine threads (and, with `--segment`, across machines) by index:
//! arrival `j` of the open model, or user `k` of the closed model, belongs to segment `j mod N`
//! and, within it, to thread `(j / N) mod K`. The engine never prints; progress is published
//! through [`LiveCounters`].

mod arrival_gate;
mod clock;
pub mod connect;
pub mod exchange;
pub mod live;
mod pacer;
pub mod request;
pub mod schedule;
mod shard;
pub mod split;
pub mod stop;
pub mod timer;
mod tls;
mod worker;

pub use clock::Clock;
pub use live::{LiveCounters, LiveSnapshot};
pub use split::Segment;
pub use stop::StopSignal;

use crate::metrics::{Recorder, StageBounds};
use crate::scenario::{HttpVersion, LoadModel, Plan};
use http::Uri;
use shard::{run_shard, ShardSetup, ShardWork};
use split::share;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot start the engine's runtime: {0}")]
    Runtime(std::io::Error),
    #[error("{0}")]
    Setup(String),
    #[error("an engine thread failed: {0}")]
    Thread(String),
}

/// How to run a plan on this machine.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The resolved target (the demo target's address when the scenario says `demo`).
    pub target: Uri,
    pub segment: Segment,
    /// Engine threads; each runs its own event loop.
    pub threads: usize,
    /// After a stop, how long requests in flight may still complete.
    pub stop_grace: Duration,
}

pub struct EngineOutput {
    pub recorder: Recorder,
    pub threads: usize,
    pub connections_opened: u64,
}

/// Stage bounds of a plan in ns, for recorders.
pub fn stage_bounds(plan: &Plan) -> StageBounds {
    StageBounds::new(
        plan.load
            .stages
            .iter()
            .map(|s| (s.start.as_nanos() as u64, s.warmup.as_nanos() as u64)),
    )
}

/// Threads worth running: never more than there are workers (or HTTP/2 connections) to share.
pub fn thread_count(plan: &Plan, segment: Segment, requested: usize) -> usize {
    let work = match (plan.load.model, plan.http.version) {
        (LoadModel::Closed { .. }, _) => {
            share(schedule::UsersCurve::new(&plan.load.stages).peak(), segment)
        }
        (LoadModel::Open, HttpVersion::Http1) => share(plan.http.max_in_flight, segment),
        (LoadModel::Open, HttpVersion::Http2) => share(plan.http.connections, segment),
    };
    requested.clamp(1, work.max(1))
}

/// Drives `plan` until it ends or `stop` is raised. Blocks; run it off the async runtime.
/// The clock's origin is the run's start: the first arrival is at 0.
pub fn run(
    plan: Arc<Plan>,
    config: &EngineConfig,
    factory: Arc<request::RequestFactory>,
    clock: Clock,
    stop: StopSignal,
    live: Arc<LiveCounters>,
) -> Result<EngineOutput, EngineError> {
    let threads = thread_count(&plan, config.segment, config.threads);
    let seg = config.segment;
    let peak_users = schedule::UsersCurve::new(&plan.load.stages).peak();
    let handles: Vec<_> = (0..threads)
        .map(|index| {
            let work = match plan.load.model {
                LoadModel::Open => ShardWork::Open {
                    offset: seg.index as u64 + seg.count as u64 * index as u64,
                    stride: seg.count as u64 * threads as u64,
                    slots: split::share_of(share(plan.http.max_in_flight, seg), threads, index),
                },
                LoadModel::Closed { .. } => ShardWork::Closed {
                    users: (0..peak_users)
                        .filter(|k| k % seg.count as usize == seg.index as usize)
                        .filter(|k| (k / seg.count as usize) % threads == index)
                        .collect(),
                },
            };
            let setup = ShardSetup {
                index,
                plan: plan.clone(),
                target: config.target.clone(),
                factory: factory.clone(),
                recorder: Recorder::new(stage_bounds(&plan), plan.requests.len()),
                clock,
                stop: stop.clone(),
                live: live.clone(),
                work,
                connections: split::share_of(share(plan.http.connections, seg), threads, index)
                    .max(1),
                seq_offset: seg.index as u64 + seg.count as u64 * index as u64,
                seq_stride: seg.count as u64 * threads as u64,
                stop_grace: config.stop_grace,
            };
            std::thread::Builder::new()
                .name(format!("loadlab-engine-{index}"))
                .spawn(move || run_shard(setup))
                .map_err(EngineError::Runtime)
        })
        .collect::<Result<_, _>>()?;
    let mut merged = Recorder::new(stage_bounds(&plan), plan.requests.len());
    let mut connections_opened = 0;
    for handle in handles {
        let output = handle
            .join()
            .map_err(|_| EngineError::Thread("engine thread panicked".into()))??;
        merged.merge(&output.recorder);
        connections_opened += output.connections_opened;
    }
    Ok(EngineOutput {
        recorder: merged,
        threads,
        connections_opened,
    })
}
