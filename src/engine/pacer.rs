//! The open model's pacer: at each arrival time, hand the arrival to an idle worker, or count
//! it as dropped when `max_in_flight` requests are already in flight — or, with
//! `overload = "queue"`, queue it for the next free worker (bounded; beyond that, dropped).

use super::schedule::RateCurve;
use super::shard::Shard;
use super::stop::STOP_CHECK_NS;
use super::worker::{Backlog, IdleQueue, Job, Mailbox};
use crate::scenario::Overload;
use std::rc::Rc;

/// Most arrivals one engine thread queues before dropping again (bounded memory).
const MAX_BACKLOG: usize = 100_000;

pub async fn pace_arrivals(
    shard: Rc<Shard>,
    curve: RateCurve,
    offset: u64,
    stride: u64,
    idle: IdleQueue,
    backlog: Backlog,
    mailboxes: Vec<Rc<Mailbox>>,
) {
    let queue = shard.plan.load.overload == Overload::Queue;
    let mut rng = fastrand::Rng::with_seed(shard.seed(usize::MAX));
    for planned_ns in curve.arrivals(offset, stride) {
        let Some(intended_ns) = wait_for_arrival(&shard, planned_ns).await else {
            break;
        };
        let request = shard.factory.pick(&mut rng);
        let mut worker = idle.borrow_mut().pop_front();
        if worker.is_none() {
            // A worker may have finished but not yet run to put itself back in the queue.
            tokio::task::yield_now().await;
            worker = idle.borrow_mut().pop_front();
        }
        let job = Job {
            intended_ns,
            request,
        };
        match worker {
            Some(slot) => mailboxes[slot].deliver(job),
            None if queue && backlog.borrow().len() < MAX_BACKLOG => {
                backlog.borrow_mut().push_back(job)
            }
            None => shard.drop_arrival(request, intended_ns),
        }
    }
    // Queued arrivals still get served: wait until the workers have drained the backlog.
    while !backlog.borrow().is_empty() && !shard.stop.is_stopped() {
        let now = shard.clock.now();
        shard.timer.sleep_until(now + 1_000_000).await;
    }
    for m in &mailboxes {
        m.close();
    }
}

/// The arrival's intended start once it is due (see [`super::arrival_gate`]), or `None` when
/// the run stops first; the stop is noticed within 100 ms.
async fn wait_for_arrival(shard: &Shard, planned_ns: u64) -> Option<u64> {
    loop {
        if shard.stop.is_stopped() {
            return None;
        }
        let until = shard.clock.now() + STOP_CHECK_NS;
        if let Some(intended) = shard
            .gate
            .wait(&shard.clock, &shard.timer, planned_ns, until)
            .await
        {
            return Some(intended);
        }
    }
}
