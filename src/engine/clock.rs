//! The run's monotonic clock: nanoseconds since the run's origin, on CLOCK_MONOTONIC so that
//! kernel timers (`timerfd`) can be armed on the same time base.

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin_ns: u64,
}

/// CLOCK_MONOTONIC in ns.
#[inline]
pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own; CLOCK_MONOTONIC always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

impl Clock {
    /// A clock whose zero is now.
    pub fn start() -> Self {
        Clock {
            origin_ns: monotonic_ns(),
        }
    }

    /// Nanoseconds since the origin.
    #[inline]
    pub fn now(&self) -> u64 {
        monotonic_ns().saturating_sub(self.origin_ns)
    }

    pub fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.now())
    }

    pub fn seconds(&self) -> f64 {
        self.now() as f64 / 1e9
    }

    /// The absolute CLOCK_MONOTONIC time of an offset from the origin.
    pub fn absolute(&self, offset_ns: u64) -> u64 {
        self.origin_ns + offset_ns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_moves_forward() {
        let c = Clock::start();
        let a = c.now();
        std::thread::sleep(Duration::from_millis(2));
        let b = c.now();
        assert!(b >= a + 2_000_000, "{a} {b}");
        assert_eq!(c.absolute(5), c.origin_ns + 5);
    }
}
