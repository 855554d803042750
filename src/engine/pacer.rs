//! The open model's pacer: at each arrival time, hand the arrival to an idle worker, or count
//! it as dropped when `max_in_flight` requests are already in flight. Arrivals are never queued.

use super::schedule::RateCurve;
use super::shard::Shard;
use super::worker::{sleep_unless_stopped, IdleQueue, Job, Mailbox};
use std::rc::Rc;

pub async fn pace_arrivals(
    shard: Rc<Shard>,
    curve: RateCurve,
    offset: u64,
    stride: u64,
    idle: IdleQueue,
    mailboxes: Vec<Rc<Mailbox>>,
) {
    let mut rng = fastrand::Rng::with_seed(shard.seed(usize::MAX));
    for intended_ns in curve.arrivals(offset, stride) {
        if !sleep_unless_stopped(&shard, &shard.timer, intended_ns).await {
            break;
        }
        let request = shard.factory.pick(&mut rng);
        let mut worker = idle.borrow_mut().pop_front();
        if worker.is_none() {
            // A worker may have finished but not yet run to put itself back in the queue.
            tokio::task::yield_now().await;
            worker = idle.borrow_mut().pop_front();
        }
        match worker {
            Some(slot) => mailboxes[slot].deliver(Job {
                intended_ns,
                request,
            }),
            None => shard.drop_arrival(request, intended_ns),
        }
    }
    for m in &mailboxes {
        m.close();
    }
}
