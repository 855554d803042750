//! Where the open model's pacer waits for its next arrival, and how it saves a wake-up.
//!
//! Waking a thread costs far more than sending a request (a context switch, and on a VM often an
//! exit to the hypervisor). At moderate rates each arrival would wake the thread on its own, and
//! each response again. The gate lets the pacer dispatch an arrival up to `window` *early*
//! whenever the thread is awake anyway — a worker just finished a response — so the two wake-ups
//! become one.
//!
//! An early arrival's intended start becomes the moment it is actually sent: its latency counts
//! from then, so it is never understated, and no arrival is ever sent late because of the gate.
//! Arrivals are never sent more than `window` ahead of the rate curve, and the count per second
//! is unchanged. `window = 0` keeps every arrival on its exact time.

use super::clock::Clock;
use super::timer::LocalTimer;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::task::{Poll, Waker};

pub struct ArrivalGate {
    window_ns: u64,
    /// The arrival the pacer waits for; `u64::MAX` when it does not wait.
    due_ns: Cell<u64>,
    pacer: RefCell<Option<Waker>>,
}

impl ArrivalGate {
    pub fn new(window_ns: u64) -> ArrivalGate {
        ArrivalGate {
            window_ns,
            due_ns: Cell::new(u64::MAX),
            pacer: RefCell::new(None),
        }
    }

    /// Called by a worker that is awake at `now_ns`: wakes the pacer when its arrival is close.
    #[inline]
    pub fn nudge(&self, now_ns: u64) {
        if self.window_ns > 0 && now_ns.saturating_add(self.window_ns) >= self.due_ns.get() {
            if let Some(w) = self.pacer.borrow_mut().take() {
                w.wake();
            }
        }
    }

    /// Waits for the arrival planned at `at_ns` (or at most until `until_ns`, to look at a stop
    /// signal). Returns the arrival's intended start — `at_ns`, or the earlier moment it was let
    /// through — or `None` when `until_ns` came first.
    pub async fn wait(
        &self,
        clock: &Clock,
        timer: &LocalTimer,
        at_ns: u64,
        until_ns: u64,
    ) -> Option<u64> {
        let mut sleep = pin!(timer.sleep_until(at_ns.min(until_ns)));
        self.due_ns.set(at_ns);
        let intended = std::future::poll_fn(|cx| {
            let now = clock.now();
            if now.saturating_add(self.window_ns) >= at_ns {
                return Poll::Ready(Some(at_ns.min(now)));
            }
            if sleep.as_mut().poll(cx).is_ready() {
                return Poll::Ready(None);
            }
            *self.pacer.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        })
        .await;
        self.due_ns.set(u64::MAX);
        self.pacer.borrow_mut().take();
        intended
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    const MS: u64 = 1_000_000;

    /// Runs `body` on a current-thread runtime with a driven timer.
    fn with_timer(body: impl AsyncFnOnce(Clock, LocalTimer)) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let local = tokio::task::LocalSet::new();
        local.block_on(&rt, async {
            let clock = Clock::start();
            let timer = LocalTimer::new(clock).unwrap();
            tokio::task::spawn_local(timer.clone().drive());
            body(clock, timer).await;
        });
    }

    #[test]
    fn a_nudge_within_the_window_lets_the_arrival_through_early_at_the_nudge_time() {
        with_timer(async |clock, timer| {
            let gate = Rc::new(ArrivalGate::new(50 * MS));
            let start = clock.now();
            let at = start + 1_000 * MS;
            let waiter = {
                let (gate, timer) = (gate.clone(), timer.clone());
                tokio::task::spawn_local(
                    async move { gate.wait(&clock, &timer, at, u64::MAX).await },
                )
            };
            // Too early for the window: nothing happens.
            tokio::task::yield_now().await;
            gate.nudge(clock.now());
            tokio::task::yield_now().await;
            assert!(!waiter.is_finished());
            timer.sleep_until(start + 960 * MS).await;
            let nudged = clock.now();
            gate.nudge(nudged);
            let intended = waiter.await.unwrap().expect("not stopped");
            assert!(
                intended >= nudged && intended < at,
                "{intended} vs {nudged}..{at}"
            );
        });
    }

    #[test]
    fn a_nudge_outside_the_window_or_with_no_window_waits_for_the_planned_time() {
        for window in [0, MS] {
            with_timer(async |clock, timer| {
                let gate = Rc::new(ArrivalGate::new(window));
                let at = clock.now() + 30 * MS;
                let waiter = {
                    let (gate, timer) = (gate.clone(), timer.clone());
                    tokio::task::spawn_local(async move {
                        gate.wait(&clock, &timer, at, u64::MAX).await
                    })
                };
                tokio::task::yield_now().await;
                gate.nudge(clock.now());
                assert_eq!(waiter.await.unwrap(), Some(at));
                assert!(clock.now() >= at);
            });
        }
    }

    #[test]
    fn the_wait_gives_up_at_its_horizon_so_a_stop_can_be_seen() {
        with_timer(async |clock, timer| {
            let gate = ArrivalGate::new(MS);
            let now = clock.now();
            let got = gate
                .wait(&clock, &timer, now + 60_000 * MS, now + 5 * MS)
                .await;
            assert_eq!(got, None);
            assert_eq!(
                gate.due_ns.get(),
                u64::MAX,
                "no stale due time after the wait"
            );
        });
    }
}
