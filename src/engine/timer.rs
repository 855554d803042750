//! A precise local timer for one engine thread: a heap of deadlines served by one `timerfd`
//! (nanosecond resolution), instead of tokio's millisecond timer wheel. Arrival times and
//! think-time ends fire within tens of microseconds, so scheduler lag stays out of latency.

use super::clock::Clock;
use std::cell::RefCell;
use std::collections::BinaryHeap;
use std::future::Future;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use tokio::io::unix::AsyncFd;

struct Entry {
    at: u64,
    seq: u64,
    waker: Waker,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    // Reversed: BinaryHeap is a max-heap, we want the earliest deadline on top.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

struct State {
    heap: BinaryHeap<Entry>,
    seq: u64,
    /// Offset (ns) the timerfd is armed for; `u64::MAX` when disarmed.
    armed: u64,
}

/// Cheap to clone; all clones share one timerfd. Not `Send`: one per engine thread.
#[derive(Clone)]
pub struct LocalTimer {
    clock: Clock,
    fd: Rc<AsyncFd<OwnedFd>>,
    state: Rc<RefCell<State>>,
}

impl LocalTimer {
    /// Must be called inside a tokio runtime (the fd is registered with its reactor).
    pub fn new(clock: Clock) -> io::Result<LocalTimer> {
        // SAFETY: plain syscall; the returned fd is checked and then owned by OwnedFd.
        let raw = unsafe {
            libc::timerfd_create(
                libc::CLOCK_MONOTONIC,
                libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
            )
        };
        if raw < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `raw` is a fresh, valid fd that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        // SAFETY: the AsyncFd owns the OwnedFd, so the fd stays open for as long as it is
        // registered with the reactor and is deregistered before it is closed.
        let fd = unsafe { AsyncFd::register(fd) }.map_err(|e| e.into_parts().1)?;
        Ok(LocalTimer {
            clock,
            fd: Rc::new(fd),
            state: Rc::new(RefCell::new(State {
                heap: BinaryHeap::new(),
                seq: 0,
                armed: u64::MAX,
            })),
        })
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Completes at `at_ns` (offset from the clock's origin), or at once if that has passed.
    pub fn sleep_until(&self, at_ns: u64) -> Sleep {
        Sleep {
            timer: self.clone(),
            at: at_ns,
            registered: None,
        }
    }

    fn arm(&self, at: u64) {
        let abs = self.clock.absolute(at);
        let spec = libc::itimerspec {
            it_interval: libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            it_value: libc::timespec {
                tv_sec: (abs / 1_000_000_000) as libc::time_t,
                tv_nsec: (abs % 1_000_000_000) as libc::c_long,
            },
        };
        // SAFETY: valid timerfd and a fully initialised itimerspec.
        unsafe {
            libc::timerfd_settime(
                self.fd.get_ref().as_raw_fd(),
                libc::TFD_TIMER_ABSTIME,
                &spec,
                std::ptr::null_mut(),
            );
        }
    }

    fn register(&self, at: u64, waker: Waker) -> u64 {
        let mut st = self.state.borrow_mut();
        st.seq += 1;
        let seq = st.seq;
        st.heap.push(Entry { at, seq, waker });
        if at < st.armed {
            st.armed = at;
            drop(st);
            self.arm(at);
        }
        seq
    }

    /// Forgets a deadline that is no longer waited for. When no deadline is left, the next one
    /// re-arms the timerfd (replacing the stale setting) instead of being woken early for nothing.
    fn cancel(&self, seq: u64) {
        let mut st = self.state.borrow_mut();
        st.heap.retain(|e| e.seq != seq);
        if st.heap.is_empty() {
            st.armed = u64::MAX;
        }
    }

    /// Serves the timerfd until the runtime drops it. Spawn once per engine thread.
    pub async fn drive(self) {
        loop {
            let Ok(mut guard) = self.fd.readable().await else {
                return;
            };
            let mut buf = [0u8; 8];
            // SAFETY: reading 8 bytes into our buffer from our non-blocking timerfd.
            unsafe {
                libc::read(
                    self.fd.get_ref().as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                )
            };
            guard.clear_ready();
            let now = self.clock.now();
            let mut st = self.state.borrow_mut();
            while st.heap.peek().is_some_and(|e| e.at <= now) {
                if let Some(e) = st.heap.pop() {
                    e.waker.wake();
                }
            }
            st.armed = st.heap.peek().map_or(u64::MAX, |e| e.at);
            let next = st.armed;
            drop(st);
            if next != u64::MAX {
                self.arm(next);
            }
        }
    }
}

pub struct Sleep {
    timer: LocalTimer,
    at: u64,
    /// The waker the timer holds for this sleep, and its entry's sequence number.
    registered: Option<(Waker, u64)>,
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some((_, seq)) = &self.registered {
            if self.timer.clock.now() < self.at {
                self.timer.cancel(*seq);
            }
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.timer.clock.now() >= self.at {
            return Poll::Ready(());
        }
        let stale = match &self.registered {
            Some((w, _)) => !w.will_wake(cx.waker()),
            None => true,
        };
        if stale {
            if let Some((_, seq)) = self.registered.take() {
                self.timer.cancel(seq);
            }
            let waker = cx.waker().clone();
            let seq = self.timer.register(self.at, waker.clone());
            self.registered = Some((waker, seq));
        }
        Poll::Pending
    }
}

/// Lets this thread's timers fire with (close to) nanosecond precision instead of the default
/// 50 µs slack.
pub fn tighten_timer_slack() {
    // SAFETY: PR_SET_TIMERSLACK takes a plain integer and affects only the calling thread.
    unsafe {
        libc::prctl(libc::PR_SET_TIMERSLACK, 1 as libc::c_ulong, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeps_fire_in_order_and_precisely() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let local = tokio::task::LocalSet::new();
        local.block_on(&rt, async {
            tighten_timer_slack();
            let clock = Clock::start();
            let timer = LocalTimer::new(clock).unwrap();
            tokio::task::spawn_local(timer.clone().drive());
            let order = Rc::new(RefCell::new(Vec::new()));
            let mut handles = Vec::new();
            for (i, ms) in [30u64, 10, 20].into_iter().enumerate() {
                let t = timer.clone();
                let order = order.clone();
                handles.push(tokio::task::spawn_local(async move {
                    let at = ms * 1_000_000;
                    t.sleep_until(at).await;
                    let late = t.clock().now() - at;
                    order.borrow_mut().push(i);
                    late
                }));
            }
            let mut lateness = Vec::new();
            for h in handles {
                lateness.push(h.await.unwrap());
            }
            assert_eq!(*order.borrow(), vec![1, 2, 0]);
            // None ended early (`now - at` would have overflowed); how late is a matter for
            // benchmarks, not for a busy test machine.
            assert_eq!(lateness.len(), 3);
            // A deadline in the past completes at once.
            timer.sleep_until(0).await;
        });
    }

    #[test]
    fn a_sleep_dropped_before_its_deadline_leaves_no_entry_behind() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let local = tokio::task::LocalSet::new();
        local.block_on(&rt, async {
            let timer = LocalTimer::new(Clock::start()).unwrap();
            let far = 60 * 1_000_000_000;
            {
                let mut sleep = std::pin::pin!(timer.sleep_until(far));
                let polled = std::future::poll_fn(|cx| Poll::Ready(sleep.as_mut().poll(cx))).await;
                assert!(polled.is_pending());
                assert_eq!(timer.state.borrow().heap.len(), 1);
                assert_eq!(timer.state.borrow().armed, far);
            }
            // Dropped early: forgotten, and the next deadline re-arms the timerfd.
            assert_eq!(timer.state.borrow().heap.len(), 0);
            assert_eq!(timer.state.borrow().armed, u64::MAX);
            let mut later = std::pin::pin!(timer.sleep_until(2 * far));
            let _ = std::future::poll_fn(|cx| Poll::Ready(later.as_mut().poll(cx))).await;
            assert_eq!(timer.state.borrow().armed, 2 * far);
        });
    }
}
