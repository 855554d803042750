//! Cooperative stopping: a flag the engine threads poll, set by Ctrl-C, SIGTERM or a caller.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The longest an engine thread sleeps without looking at the stop signal.
pub const STOP_CHECK_NS: u64 = 100_000_000;

#[derive(Debug, Clone, Default)]
pub struct StopSignal {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    stopped: AtomicBool,
    reason: Mutex<Option<String>>,
}

impl StopSignal {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the run to stop; the first reason given is kept.
    pub fn stop(&self, reason: impl Into<String>) {
        if let Ok(mut r) = self.inner.reason.lock() {
            if r.is_none() {
                *r = Some(reason.into());
            }
        }
        self.inner.stopped.store(true, Ordering::Release);
    }

    #[inline]
    pub fn is_stopped(&self) -> bool {
        self.inner.stopped.load(Ordering::Acquire)
    }

    pub fn reason(&self) -> Option<String> {
        self.inner.reason.lock().ok().and_then(|r| r.clone())
    }
}
