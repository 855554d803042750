//! The traffic shape driving a simulation: request rate over time, piecewise-linear between
//! `(t_s, rate_rps)` points. Before the first point the first rate holds; after the last, the last.
//! A step is two points one second apart (or at the same time).

use serde::Serialize;

use super::error::HpaError;

/// Request rate over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrafficShape {
    points: Vec<(f64, f64)>,
}

impl TrafficShape {
    /// The longest shape simulated (one timeline row per second): 7 days.
    pub const MAX_DURATION_S: f64 = 7.0 * 86_400.0;

    /// Checks the points: at least one, finite, times ≥ 0 and non-decreasing, rates ≥ 0, no longer
    /// than 7 days ([`TrafficShape::MAX_DURATION_S`]).
    pub fn new(points: Vec<(f64, f64)>) -> Result<Self, HpaError> {
        if points.is_empty() {
            return Err(HpaError::input(
                "traffic",
                "needs at least one (t_s, rate_rps) point",
            ));
        }
        for (i, &(t, rate)) in points.iter().enumerate() {
            if !(t.is_finite() && t >= 0.0 && rate.is_finite() && rate >= 0.0) {
                return Err(HpaError::input(
                    format!("traffic[{i}]"),
                    format!("({t}, {rate}) must be finite and ≥ 0"),
                ));
            }
            if i > 0 && t < points[i - 1].0 {
                return Err(HpaError::input(
                    format!("traffic[{i}]"),
                    format!("time {t} goes backwards"),
                ));
            }
            if t > Self::MAX_DURATION_S {
                return Err(HpaError::input(
                    format!("traffic[{i}]"),
                    format!("time {t} s is beyond 7 days"),
                ));
            }
        }
        Ok(TrafficShape { points })
    }

    /// The points.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// Time of the last point, seconds.
    pub fn end_s(&self) -> f64 {
        self.points.last().map_or(0.0, |p| p.0)
    }

    /// The highest rate in the shape.
    pub fn peak_rps(&self) -> f64 {
        self.points.iter().map(|p| p.1).fold(0.0, f64::max)
    }

    /// The rate at `t_s`. At a vertical step (two points at the same time) the later one wins.
    pub fn rate_at(&self, t_s: f64) -> f64 {
        let Some(&(first_t, first_rate)) = self.points.first() else {
            return 0.0;
        };
        if t_s < first_t {
            return first_rate;
        }
        let after = self.points.partition_point(|&(t, _)| t <= t_s);
        match (
            self.points.get(after.wrapping_sub(1)),
            self.points.get(after),
        ) {
            (Some(&(t0, r0)), Some(&(t1, r1))) => r0 + (r1 - r0) * (t_s - t0) / (t1 - t0),
            (Some(&(_, r0)), None) => r0,
            _ => first_rate,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piecewise_linear_with_steps() {
        let s = TrafficShape::new(vec![
            (0.0, 100.0),
            (10.0, 200.0),
            (20.0, 200.0),
            (20.0, 400.0),
            (30.0, 0.0),
        ])
        .unwrap();
        assert_eq!(s.rate_at(0.0), 100.0);
        assert_eq!(s.rate_at(5.0), 150.0);
        assert_eq!(s.rate_at(19.0), 200.0);
        assert_eq!(s.rate_at(20.0), 400.0);
        assert_eq!(s.rate_at(25.0), 200.0);
        assert_eq!(s.rate_at(99.0), 0.0);
        assert_eq!(s.peak_rps(), 400.0);
        assert_eq!(s.end_s(), 30.0);
    }

    #[test]
    fn rejects_bad_points() {
        assert!(TrafficShape::new(vec![]).is_err());
        assert!(TrafficShape::new(vec![(10.0, 1.0), (5.0, 1.0)]).is_err());
        assert!(TrafficShape::new(vec![(0.0, -1.0)]).is_err());
        assert!(TrafficShape::new(vec![(0.0, 1.0), (1e9, 1.0)]).is_err());
    }
}
