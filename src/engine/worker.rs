//! The one worker loop. *When* to send comes from a [`Pace`] (open-model arrivals handed over by
//! the pacer, or a closed-model user's own rhythm); the loop sends, measures and records.

use super::exchange::ConnSlot;
use super::shard::Shard;
use super::stop::STOP_CHECK_NS;
use super::timer::LocalTimer;
use crate::metrics::{Outcome, Sample};
use crate::scenario::RenderContext;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// A request to send: which one, and when it was meant to start.
#[derive(Debug, Clone, Copy)]
pub struct Job {
    pub intended_ns: u64,
    pub request: usize,
}

/// Decides when a worker sends next, and when it stops (`None`).
pub trait Pace {
    async fn next_job(&mut self) -> Option<Job>;
    fn finished(&mut self, _done_ns: u64, _outcome: Outcome) {}
}

pub async fn worker_loop<P: Pace>(shard: Rc<Shard>, slot: usize, conn: Rc<ConnSlot>, mut pace: P) {
    let mut scratch = String::new();
    let mut ctx = RenderContext {
        seq: 0,
        rng: fastrand::Rng::with_seed(shard.seed(slot)),
    };
    while let Some(job) = pace.next_job().await {
        let sent_ns = shard.clock.now();
        shard.begin(slot, job, sent_ns);
        ctx.seq = shard.next_seq();
        let request = shard.factory.build(job.request, &mut ctx, &mut scratch);
        let plan = &shard.plan.requests[job.request];
        let ex = conn
            .exchange(
                &shard.connector,
                &shard.opened,
                request,
                shard.timeout,
                |s| plan.status_ok(s),
            )
            .await;
        let done_ns = shard.clock.now();
        shard.finish(
            slot,
            &Sample {
                request: job.request,
                intended_ns: job.intended_ns,
                sent_ns,
                done_ns,
                outcome: ex.outcome,
                status: ex.status,
                bytes: ex.bytes,
            },
        );
        pace.finished(done_ns, ex.outcome);
    }
}

/// Where the pacer leaves an arrival for an idle worker (same thread: no atomics, no locks).
#[derive(Default)]
pub struct Mailbox {
    job: Cell<Option<Job>>,
    closed: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Mailbox {
    pub fn deliver(&self, job: Job) {
        self.job.set(Some(job));
        self.wake();
    }

    pub fn close(&self) {
        self.closed.set(true);
        self.wake();
    }

    fn wake(&self) {
        if let Some(w) = self.waker.borrow_mut().take() {
            w.wake();
        }
    }

    /// The next job, or `None` once closed.
    fn poll_job(&self, cx: &mut Context<'_>) -> Poll<Option<Job>> {
        if let Some(job) = self.job.take() {
            return Poll::Ready(Some(job));
        }
        if self.closed.get() {
            return Poll::Ready(None);
        }
        *self.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Workers waiting for an arrival, oldest first.
pub type IdleQueue = Rc<RefCell<VecDeque<usize>>>;

/// Arrivals waiting for a worker (`overload = "queue"` only), oldest first.
pub type Backlog = Rc<RefCell<VecDeque<Job>>>;

/// Open model: take a queued arrival if there is one, else wait, idle, for the pacer.
pub struct OpenPace {
    pub slot: usize,
    pub mailbox: Rc<Mailbox>,
    pub idle: IdleQueue,
    pub backlog: Backlog,
}

impl Pace for OpenPace {
    async fn next_job(&mut self) -> Option<Job> {
        if let Some(job) = self.backlog.borrow_mut().pop_front() {
            return Some(job);
        }
        self.idle.borrow_mut().push_back(self.slot);
        std::future::poll_fn(|cx| self.mailbox.poll_job(cx)).await
    }
}

/// Closed model: user `user` sends, waits for the response, thinks, sends again — while the
/// user curve says it is active.
pub struct ClosedPace {
    pub shard: Rc<Shard>,
    pub user: usize,
    pub think_ns: u64,
    pub last_done: Option<u64>,
    /// After a failed connection, wait at least this long before trying again.
    pub backoff_ns: u64,
    pub request_rng: fastrand::Rng,
}

impl Pace for ClosedPace {
    async fn next_job(&mut self) -> Option<Job> {
        let users = &self.shard.users;
        let ready_ns = match self.last_done {
            None => 0,
            Some(done) => done + self.think_ns,
        };
        let start_s = users.active_from(self.user, ready_ns as f64 / 1e9)?;
        let intended_ns = ((start_s * 1e9).ceil() as u64).max(ready_ns);
        if !sleep_unless_stopped(&self.shard, &self.shard.timer, intended_ns).await {
            return None;
        }
        if intended_ns as f64 / 1e9 >= users.end_s() {
            return None;
        }
        let request = self.shard.factory.pick(&mut self.request_rng);
        Some(Job {
            intended_ns,
            request,
        })
    }

    fn finished(&mut self, done_ns: u64, outcome: Outcome) {
        let pause = match outcome {
            Outcome::Connect | Outcome::Tls => self.backoff_ns,
            _ => 0,
        };
        self.last_done = Some(done_ns + pause);
    }
}

/// Sleeps until `at_ns` in slices, so a stop is noticed within 100 ms. False when stopped.
pub async fn sleep_unless_stopped(shard: &Shard, timer: &LocalTimer, at_ns: u64) -> bool {
    loop {
        if shard.stop.is_stopped() {
            return false;
        }
        let now = shard.clock.now();
        if now >= at_ns {
            return true;
        }
        timer.sleep_until(at_ns.min(now + STOP_CHECK_NS)).await;
    }
}
