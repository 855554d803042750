//! The points of the overlaid HDR percentile curves: p50, then percentiles spaced evenly on
//! a log scale of 1/(1−p) (ten per decade: p60.2, p68.4, …, p90, …, p99, …), up to what each
//! run's sample count supports, plus p100 (the maximum).

use super::model::CurvePoint;
use crate::metrics::LatencyHistogram;

/// Ten points per decade of 1/(1−p), up to 1/(1−p) = 10⁶.
const STEPS: u32 = 60;

pub fn percentile_curve(base: &LatencyHistogram, candidate: &LatencyHistogram) -> Vec<CurvePoint> {
    let at = |h: &LatencyHistogram, p: f64| {
        let supported = h.count() > 0 && 1.0 / (1.0 - p / 100.0) <= h.count() as f64;
        supported.then(|| h.percentile(p) as f64)
    };
    let mut points: Vec<CurvePoint> = std::iter::once(50.0)
        .chain((4..=STEPS).map(|k| 100.0 * (1.0 - 10f64.powf(-f64::from(k) / 10.0))))
        .map(|p| CurvePoint {
            percentile: p,
            base_us: at(base, p),
            candidate_us: at(candidate, p),
        })
        .filter(|pt| pt.base_us.is_some() || pt.candidate_us.is_some())
        .collect();
    let max = |h: &LatencyHistogram| (h.count() > 0).then(|| h.max() as f64);
    if base.count() > 0 || candidate.count() > 0 {
        points.push(CurvePoint {
            percentile: 100.0,
            base_us: max(base),
            candidate_us: max(candidate),
        });
    }
    points
}
