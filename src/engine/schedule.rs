//! When to send: the open model's arrival times, integrated from the piecewise-linear rate
//! curve (no drift, no per-request rate limiting), and the closed model's active-user curve.

use crate::scenario::StagePlan;

/// One linear piece of a rate or user curve, in seconds from the run's start.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Piece {
    t0: f64,
    t1: f64,
    from: f64,
    to: f64,
    /// Arrivals before this piece (rate curves only).
    before: f64,
}

impl Piece {
    fn duration(&self) -> f64 {
        self.t1 - self.t0
    }
    fn level_at(&self, t: f64) -> f64 {
        self.from + (self.to - self.from) * ((t - self.t0) / self.duration()).clamp(0.0, 1.0)
    }
    fn arrivals(&self) -> f64 {
        (self.from + self.to) / 2.0 * self.duration()
    }
    /// Time τ into the piece at which `x` arrivals have accumulated in it:
    /// solves from·τ + (to−from)/(2D)·τ² = x in a form that is stable for flat pieces too.
    fn time_of(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        let a = (self.to - self.from) / (2.0 * self.duration());
        let b = self.from;
        let disc = (b * b + 4.0 * a * x).max(0.0);
        let denom = b + disc.sqrt();
        if denom <= 0.0 {
            return self.duration();
        }
        2.0 * x / denom
    }
}

fn pieces(stages: &[StagePlan]) -> Vec<Piece> {
    let mut before = 0.0;
    stages
        .iter()
        .map(|s| {
            let p = Piece {
                t0: s.start.as_secs_f64(),
                t1: s.end().as_secs_f64(),
                from: s.from,
                to: s.to,
                before,
            };
            before += p.arrivals();
            p
        })
        .collect()
}

/// The arrival rate over time, as the stages describe it.
#[derive(Debug, Clone)]
pub struct RateCurve {
    pieces: Vec<Piece>,
    end_s: f64,
}

impl RateCurve {
    pub fn new(stages: &[StagePlan]) -> Self {
        let pieces = pieces(stages);
        let end_s = pieces.last().map_or(0.0, |p| p.t1);
        RateCurve { pieces, end_s }
    }

    /// Expected arrivals over the whole curve.
    pub fn total_arrivals(&self) -> f64 {
        self.pieces.last().map_or(0.0, |p| p.before + p.arrivals())
    }

    pub fn rate_at(&self, t: f64) -> f64 {
        self.pieces
            .iter()
            .find(|p| t >= p.t0 && t < p.t1)
            .map_or(0.0, |p| p.level_at(t))
    }

    /// Time (s) of arrival number `n` (0-based): the moment the integrated rate reaches `n`.
    /// `None` when the curve ends first. `hint` is a piece index to start searching from.
    fn time_of(&self, n: f64, hint: &mut usize) -> Option<f64> {
        while let Some(p) = self.pieces.get(*hint) {
            if n < p.before + p.arrivals() {
                let t = p.t0 + p.time_of(n - p.before);
                return (t < self.end_s).then_some(t.min(p.t1));
            }
            *hint += 1;
        }
        None
    }

    /// The arrivals `offset, offset + stride, …` (one worker's share when arrivals are dealt
    /// round-robin across segments and threads).
    pub fn arrivals(&self, offset: u64, stride: u64) -> Arrivals<'_> {
        Arrivals {
            curve: self,
            next: offset,
            stride: stride.max(1),
            piece: 0,
        }
    }
}

/// Iterator over arrival times in ns since the run's start.
pub struct Arrivals<'a> {
    curve: &'a RateCurve,
    next: u64,
    stride: u64,
    piece: usize,
}

impl Iterator for Arrivals<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let t = self.curve.time_of(self.next as f64, &mut self.piece)?;
        self.next += self.stride;
        Some((t * 1e9).round() as u64)
    }
}

/// Number of active users over time (closed model); user `k` is active while `users(t) > k`.
#[derive(Debug, Clone)]
pub struct UsersCurve {
    pieces: Vec<Piece>,
    end_s: f64,
}

impl UsersCurve {
    pub fn new(stages: &[StagePlan]) -> Self {
        let pieces = pieces(stages);
        let end_s = pieces.last().map_or(0.0, |p| p.t1);
        UsersCurve { pieces, end_s }
    }

    pub fn end_s(&self) -> f64 {
        self.end_s
    }

    pub fn users_at(&self, t: f64) -> f64 {
        self.pieces
            .iter()
            .find(|p| t >= p.t0 && t < p.t1)
            .map_or(0.0, |p| p.level_at(t))
    }

    /// Most users ever active at once.
    pub fn peak(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| p.from.max(p.to))
            .fold(0.0, f64::max)
            .ceil() as usize
    }

    pub fn is_active(&self, user: usize, t: f64) -> bool {
        self.users_at(t) > user as f64
    }

    /// The earliest time ≥ `t` at which user `k` is active, or `None` if never again.
    pub fn active_from(&self, user: usize, t: f64) -> Option<f64> {
        let k = user as f64;
        for p in self.pieces.iter().filter(|p| p.t1 > t) {
            let start = t.max(p.t0);
            if p.level_at(start) > k {
                return Some(start);
            }
            if p.to > p.from && p.to > k {
                // Rising through k: the crossing, nudged a nanosecond past it.
                let cross = p.t0 + (k - p.from) / (p.to - p.from) * p.duration() + 1e-9;
                if cross < p.t1 {
                    return Some(cross.max(start));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn stage(start: f64, dur: f64, from: f64, to: f64) -> StagePlan {
        StagePlan {
            name: format!("s{start}"),
            start: Duration::from_secs_f64(start),
            duration: Duration::from_secs_f64(dur),
            from,
            to,
            warmup: Duration::ZERO,
        }
    }

    #[test]
    fn constant_rate_gives_exact_count_and_even_spacing() {
        let c = RateCurve::new(&[stage(0.0, 5.0, 2000.0, 2000.0)]);
        let times: Vec<u64> = c.arrivals(0, 1).collect();
        assert_eq!(times.len(), 10_000);
        assert_eq!(times[0], 0);
        assert_eq!(times[1], 500_000);
        assert_eq!(times[9_999], 4_999_500_000);
    }

    #[test]
    fn linear_ramp_integrates_to_the_triangle() {
        let c = RateCurve::new(&[stage(0.0, 4.0, 0.0, 1000.0)]);
        assert_eq!(c.total_arrivals(), 2000.0);
        let times: Vec<u64> = c.arrivals(0, 1).collect();
        assert_eq!(times.len(), 2000);
        // Half the arrivals of a linear ramp come after t = 4·√½ ≈ 2.83 s.
        let half = times[1000] as f64 / 1e9;
        assert!((half - 4.0 * 0.5f64.sqrt()).abs() < 1e-3, "{half}");
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn a_ramp_from_zero_starts_at_zero() {
        let c = RateCurve::new(&[stage(0.0, 4.0, 0.0, 1000.0)]);
        let first: Vec<u64> = c.arrivals(0, 1).take(2).collect();
        assert_eq!(first[0], 0);
        assert!((first[1] as f64 / 1e9 - (1.0f64 / 125.0).sqrt()).abs() < 1e-6);
    }

    #[test]
    fn ramp_down_and_multi_stage_without_drift() {
        let c = RateCurve::new(&[
            stage(0.0, 2.0, 100.0, 100.0),
            stage(2.0, 2.0, 100.0, 0.0),
            stage(4.0, 1.0, 50.0, 50.0),
        ]);
        let times: Vec<u64> = c.arrivals(0, 1).collect();
        assert_eq!(times.len(), 200 + 100 + 50);
        let in_last = times.iter().filter(|&&t| t >= 4_000_000_000).count();
        assert_eq!(in_last, 50);
        assert!(*times.last().unwrap() < 5_000_000_000);
    }

    #[test]
    fn interleaved_shares_partition_the_arrivals() {
        let c = RateCurve::new(&[stage(0.0, 3.0, 333.0, 333.0)]);
        let all: Vec<u64> = c.arrivals(0, 1).collect();
        let mut dealt: Vec<u64> = (0..3).flat_map(|i| c.arrivals(i, 3)).collect();
        dealt.sort_unstable();
        assert_eq!(dealt, all);
    }

    #[test]
    fn zero_rate_stage_has_no_arrivals() {
        let c = RateCurve::new(&[stage(0.0, 1.0, 0.0, 0.0), stage(1.0, 1.0, 10.0, 10.0)]);
        let times: Vec<u64> = c.arrivals(0, 1).collect();
        assert_eq!(times.len(), 10);
        assert_eq!(times[0], 1_000_000_000);
    }

    #[test]
    fn users_ramp_activates_users_in_turn() {
        let u = UsersCurve::new(&[stage(0.0, 10.0, 0.0, 10.0), stage(10.0, 5.0, 2.0, 2.0)]);
        assert_eq!(u.peak(), 10);
        assert!(!u.is_active(3, 3.0));
        assert!(u.is_active(3, 3.5));
        let t = u.active_from(3, 0.0).unwrap();
        assert!((t - 3.0).abs() < 1e-6, "{t}");
        assert_eq!(u.active_from(0, 12.0), Some(12.0));
        assert_eq!(u.active_from(5, 10.0), None);
        assert_eq!(u.active_from(0, 15.0), None);
    }
}
