//! The periodic global stall of `/stall`: arithmetic only, so tests can compute the analytic
//! latency that a load generator must report when it corrects for coordinated omission.
//!
//! Time `t` is measured from the server's start (`DemoTarget::started_at`, taken in `bind`).
//! With period `P` and stall `S` (`0 <= S <= P`), the stall windows are
//! `[k*P + (P - S), (k+1)*P)` for `k = 0, 1, 2, ...`: the last `S` of every period. A request
//! arriving at `t` inside a window waits until the window ends, at `(floor(t / P) + 1) * P`, i.e.
//! for `P - (t mod P)`; a request outside every window does not wait. So for arrivals spread
//! uniformly over time, a fraction `S / P` of requests waits, uniformly between 0 and `S`.

use std::time::Duration;

/// When the stall window holding `elapsed` ends, as an offset from the server's start, or
/// `None` when `elapsed` falls outside every window. `period` must be non-zero.
pub fn window_end(elapsed: Duration, period: Duration, stall: Duration) -> Option<Duration> {
    let period_ns = period.as_nanos();
    let stall_ns = stall.as_nanos().min(period_ns);
    if period_ns == 0 || stall_ns == 0 {
        return None;
    }
    let elapsed_ns = elapsed.as_nanos();
    let phase = elapsed_ns % period_ns;
    if phase < period_ns - stall_ns {
        return None;
    }
    let end_ns = (elapsed_ns / period_ns + 1) * period_ns;
    Some(nanos_to_duration(end_ns))
}

/// How long a request arriving at `elapsed` waits for the stall to end (zero outside windows).
pub fn stall_wait(elapsed: Duration, period: Duration, stall: Duration) -> Duration {
    window_end(elapsed, period, stall).map_or(Duration::ZERO, |end| end - elapsed)
}

fn nanos_to_duration(ns: u128) -> Duration {
    let secs = u64::try_from(ns / 1_000_000_000).unwrap_or(u64::MAX);
    // The remainder is below 1e9, so it fits in u32.
    Duration::new(secs, (ns % 1_000_000_000) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn window_is_the_last_stall_of_every_period() {
        let (p, s) = (ms(2000), ms(400));
        assert_eq!(window_end(ms(0), p, s), None);
        assert_eq!(window_end(ms(1599), p, s), None);
        assert_eq!(window_end(ms(1600), p, s), Some(ms(2000)));
        assert_eq!(window_end(ms(1999), p, s), Some(ms(2000)));
        assert_eq!(window_end(ms(2000), p, s), None);
        assert_eq!(window_end(ms(5700), p, s), Some(ms(6000)));
    }

    #[test]
    fn wait_is_the_rest_of_the_window() {
        let (p, s) = (ms(2000), ms(400));
        assert_eq!(stall_wait(ms(1600), p, s), ms(400));
        assert_eq!(stall_wait(ms(1750), p, s), ms(250));
        assert_eq!(stall_wait(ms(1000), p, s), Duration::ZERO);
        assert_eq!(
            stall_wait(Duration::from_micros(3_999_999), p, s),
            Duration::from_micros(1)
        );
    }

    #[test]
    fn degenerate_settings() {
        assert_eq!(window_end(ms(10), ms(100), Duration::ZERO), None);
        assert_eq!(window_end(ms(10), Duration::ZERO, ms(5)), None);
        // Stall == period: every request waits for the next period boundary.
        assert_eq!(window_end(ms(0), ms(100), ms(100)), Some(ms(100)));
        assert_eq!(window_end(ms(250), ms(100), ms(100)), Some(ms(300)));
    }

    #[test]
    fn mean_wait_matches_the_analytic_figure() {
        // Uniform arrivals over one period: mean wait = S/P * S/2.
        let (p, s) = (ms(1000), ms(200));
        let total: Duration = (0..1000).map(|t| stall_wait(ms(t), p, s)).sum();
        let mean_ms = total.as_secs_f64() * 1000.0 / 1000.0;
        let analytic = 200.0 / 1000.0 * 200.0 / 2.0;
        assert!((mean_ms - analytic).abs() < 0.5, "{mean_ms} vs {analytic}");
    }
}
