//! One engine thread: a current-thread tokio runtime running its share of the workers, with
//! its own recorder (no locks), timer and connections.

use super::arrival_gate::ArrivalGate;
use super::clock::Clock;
use super::connect::Connector;
use super::exchange::ConnSlot;
use super::live::{LiveCounters, ThreadCounters};
use super::pacer::pace_arrivals;
use super::request::RequestFactory;
use super::schedule::{RateCurve, UsersCurve};
use super::stop::StopSignal;
use super::timer::{tighten_timer_slack, LocalTimer};
use super::worker::{worker_loop, ClosedPace, Job, Mailbox, OpenPace};
use super::EngineError;
use crate::metrics::{Outcome, Recorder, Sample};
use crate::scenario::{HttpVersion, LoadModel, Plan};
use http::Uri;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// What one engine thread is given.
pub struct ShardSetup {
    pub index: usize,
    pub plan: Arc<Plan>,
    pub target: Uri,
    pub factory: Arc<RequestFactory>,
    pub recorder: Recorder,
    pub clock: Clock,
    pub stop: StopSignal,
    pub live: Arc<LiveCounters>,
    pub work: ShardWork,
    pub connections: usize,
    /// Distinguishes this thread's `{{seq}}` values and random streams from every other's.
    pub seq_offset: u64,
    pub seq_stride: u64,
    pub stop_grace: Duration,
}

/// This thread's share of the load.
pub enum ShardWork {
    /// Arrivals `offset, offset + stride, …` served by `slots` workers.
    Open {
        offset: u64,
        stride: u64,
        slots: usize,
    },
    /// The listed global user indexes.
    Closed { users: Vec<usize> },
}

pub struct ShardOutput {
    pub recorder: Recorder,
    pub connections_opened: u64,
}

/// State shared by the workers of one thread.
pub struct Shard {
    pub plan: Arc<Plan>,
    pub clock: Clock,
    pub timer: LocalTimer,
    pub connector: Connector,
    pub factory: Arc<RequestFactory>,
    pub users: UsersCurve,
    pub stop: StopSignal,
    pub timeout: Duration,
    pub opened: Cell<u64>,
    pub gate: ArrivalGate,
    recorder: RefCell<Recorder>,
    live: Arc<LiveCounters>,
    index: usize,
    in_flight: RefCell<Vec<Option<(Job, u64)>>>,
    in_flight_count: Cell<usize>,
    seq: Cell<u64>,
    seq_offset: u64,
    seq_stride: u64,
}

impl Shard {
    fn counters(&self) -> &ThreadCounters {
        self.live.thread(self.index)
    }

    pub fn seed(&self, slot: usize) -> u64 {
        self.seq_offset.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ slot as u64
    }

    pub fn next_seq(&self) -> u64 {
        let n = self.seq.get();
        self.seq.set(n + 1);
        n * self.seq_stride + self.seq_offset
    }

    #[inline]
    pub fn begin(&self, slot: usize, job: Job, sent_ns: u64) {
        self.in_flight.borrow_mut()[slot] = Some((job, sent_ns));
        let n = self.in_flight_count.get() + 1;
        self.in_flight_count.set(n);
        self.recorder.borrow_mut().note_in_flight(sent_ns, n);
        ThreadCounters::add(&self.counters().sent);
    }

    #[inline]
    pub fn finish(&self, slot: usize, sample: &Sample) {
        self.in_flight.borrow_mut()[slot] = None;
        self.in_flight_count.set(self.in_flight_count.get() - 1);
        self.recorder.borrow_mut().record(sample);
        self.gate.nudge(sample.done_ns);
        let c = self.counters();
        ThreadCounters::add(&c.completed);
        if sample.outcome.is_error() {
            ThreadCounters::add(&c.errors);
        }
    }

    #[inline]
    pub fn drop_arrival(&self, request: usize, intended_ns: u64) {
        self.recorder.borrow_mut().record_drop(request, intended_ns);
        ThreadCounters::add(&self.counters().dropped);
    }

    /// Records every request still in flight as aborted (the grace period ran out).
    fn abort_in_flight(&self) {
        let now = self.clock.now();
        let pending: Vec<(Job, u64)> = self
            .in_flight
            .borrow_mut()
            .iter_mut()
            .filter_map(Option::take)
            .collect();
        for (job, sent_ns) in pending {
            self.recorder.borrow_mut().record(&Sample {
                request: job.request,
                intended_ns: job.intended_ns,
                sent_ns,
                done_ns: now,
                outcome: Outcome::Aborted,
                status: 0,
                bytes: 0,
            });
            let c = self.counters();
            ThreadCounters::add(&c.completed);
            ThreadCounters::add(&c.errors);
        }
    }
}

/// Runs one engine thread to completion (blocking).
pub fn run_shard(setup: ShardSetup) -> Result<ShardOutput, EngineError> {
    tighten_timer_slack();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(EngineError::Runtime)?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, drive(setup))
}

async fn drive(setup: ShardSetup) -> Result<ShardOutput, EngineError> {
    let timer = LocalTimer::new(setup.clock).map_err(EngineError::Runtime)?;
    tokio::task::spawn_local(timer.clone().drive());
    let connector = Connector::new(&setup.target, &setup.plan.http)
        .await
        .map_err(|e| EngineError::Setup(e.to_string()))?;
    let slots = match &setup.work {
        ShardWork::Open { slots, .. } => *slots,
        ShardWork::Closed { users } => users.len(),
    };
    let shard = Rc::new(Shard {
        users: UsersCurve::new(&setup.plan.load.stages),
        timeout: setup.plan.http.timeout,
        plan: setup.plan.clone(),
        clock: setup.clock,
        timer,
        connector,
        factory: setup.factory.clone(),
        stop: setup.stop.clone(),
        opened: Cell::new(0),
        gate: ArrivalGate::new(setup.plan.load.send_ahead.as_nanos() as u64),
        recorder: RefCell::new(setup.recorder),
        live: setup.live.clone(),
        index: setup.index,
        in_flight: RefCell::new(vec![None; slots]),
        in_flight_count: Cell::new(0),
        seq: Cell::new(0),
        seq_offset: setup.seq_offset,
        seq_stride: setup.seq_stride,
    });
    let conns = connection_slots(setup.plan.http.version, slots, setup.connections);
    let mut workers = tokio::task::JoinSet::new();
    match setup.work {
        ShardWork::Open {
            offset,
            stride,
            slots,
        } => {
            let idle = Rc::new(RefCell::new(VecDeque::with_capacity(slots)));
            let backlog = Rc::new(RefCell::new(VecDeque::new()));
            let mailboxes: Vec<Rc<Mailbox>> =
                (0..slots).map(|_| Rc::new(Mailbox::default())).collect();
            for (slot, mailbox) in mailboxes.iter().enumerate() {
                let pace = OpenPace {
                    slot,
                    mailbox: mailbox.clone(),
                    idle: idle.clone(),
                    backlog: backlog.clone(),
                };
                workers.spawn_local(worker_loop(shard.clone(), slot, conns[slot].clone(), pace));
            }
            // Let every worker register as idle before the first arrival.
            tokio::task::yield_now().await;
            let curve = RateCurve::new(&setup.plan.load.stages);
            workers.spawn_local(pace_arrivals(
                shard.clone(),
                curve,
                offset,
                stride,
                idle,
                backlog,
                mailboxes,
            ));
        }
        ShardWork::Closed { users } => {
            let think_ns = match setup.plan.load.model {
                LoadModel::Closed { think_time } => think_time.as_nanos() as u64,
                LoadModel::Open => 0,
            };
            for (slot, user) in users.into_iter().enumerate() {
                let pace = ClosedPace {
                    shard: shard.clone(),
                    user,
                    think_ns,
                    last_done: None,
                    backoff_ns: 50_000_000,
                    request_rng: fastrand::Rng::with_seed(shard.seed(slot) ^ 0xA5A5),
                };
                workers.spawn_local(worker_loop(shard.clone(), slot, conns[slot].clone(), pace));
            }
        }
    }
    wait_for_workers(&shard, &mut workers, setup.stop_grace).await;
    let opened = shard.opened.get();
    let recorder = shard
        .recorder
        .replace(Recorder::new(crate::metrics::StageBounds::new([(0, 0)]), 0));
    Ok(ShardOutput {
        recorder,
        connections_opened: opened,
    })
}

/// HTTP/1.1: a connection per worker. HTTP/2: workers multiplexed over this thread's connections.
fn connection_slots(version: HttpVersion, slots: usize, connections: usize) -> Vec<Rc<ConnSlot>> {
    match version {
        HttpVersion::Http1 => (0..slots).map(|_| Rc::new(ConnSlot::default())).collect(),
        HttpVersion::Http2 => {
            let shared: Vec<Rc<ConnSlot>> = (0..connections.max(1))
                .map(|_| Rc::new(ConnSlot::default()))
                .collect();
            (0..slots)
                .map(|i| shared[i % shared.len()].clone())
                .collect()
        }
    }
}

/// Waits for the workers: after the plan ends they finish within the request timeout; after a
/// stop, within the grace period. Whatever is still in flight then is recorded as aborted.
async fn wait_for_workers(
    shard: &Shard,
    workers: &mut tokio::task::JoinSet<()>,
    stop_grace: Duration,
) {
    let plan_end = shard.plan.load.total_duration();
    let hard_deadline = plan_end + shard.timeout + Duration::from_secs(1);
    let mut stopped_at: Option<Duration> = None;
    loop {
        tokio::select! {
            next = workers.join_next() => {
                if next.is_none() {
                    return;
                }
            }
            _ = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
        let now = shard.clock.elapsed();
        if shard.stop.is_stopped() && stopped_at.is_none() {
            stopped_at = Some(now);
        }
        let grace_over = stopped_at.is_some_and(|t| now >= t + stop_grace);
        if grace_over || now >= hard_deadline {
            shard.abort_in_flight();
            workers.abort_all();
            return;
        }
    }
}
