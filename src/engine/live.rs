//! Counters the engine publishes while it runs, for progress displays. Each engine thread
//! writes its own cache line; readers sum them.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

#[derive(Debug, Default)]
#[repr(align(128))]
pub struct ThreadCounters {
    pub sent: AtomicU64,
    pub completed: AtomicU64,
    pub errors: AtomicU64,
    pub dropped: AtomicU64,
}

#[derive(Debug, Default)]
pub struct LiveCounters {
    threads: Vec<ThreadCounters>,
}

/// A consistent-enough reading of the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveSnapshot {
    pub sent: u64,
    pub completed: u64,
    pub errors: u64,
    pub dropped: u64,
}

impl LiveSnapshot {
    pub fn in_flight(&self) -> u64 {
        self.sent.saturating_sub(self.completed)
    }
}

impl LiveCounters {
    pub fn new(threads: usize) -> Self {
        LiveCounters {
            threads: (0..threads.max(1))
                .map(|_| ThreadCounters::default())
                .collect(),
        }
    }

    pub fn thread(&self, i: usize) -> &ThreadCounters {
        &self.threads[i % self.threads.len()]
    }

    pub fn snapshot(&self) -> LiveSnapshot {
        self.threads
            .iter()
            .fold(LiveSnapshot::default(), |acc, t| LiveSnapshot {
                sent: acc.sent + t.sent.load(Relaxed),
                completed: acc.completed + t.completed.load(Relaxed),
                errors: acc.errors + t.errors.load(Relaxed),
                dropped: acc.dropped + t.dropped.load(Relaxed),
            })
    }
}

impl ThreadCounters {
    #[inline]
    pub fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Relaxed);
    }
}
