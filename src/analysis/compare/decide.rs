//! The verdict rules. A metric is Regressed (or Improved) only when its change is beyond
//! the tolerance in the worse (better) direction **and** significant: the Mann–Whitney
//! p-value is below α and the bootstrap interval lies wholly on the same side of "no
//! change". Beyond the tolerance without that evidence it is Inconclusive; within it,
//! Unchanged. With fewer windows than the minimum on a side, only an enormous change (×2 or
//! ×½; ten points of error rate) with every window of one run beyond every window of the
//! other counts. The maximum is a single sample: it follows p99.9's verdict or is Inconclusive.

use super::metric::Metric;
use super::model::{TestResult, Verdict};
use super::options::CompareOptions;

/// A ratio at least this far from 1 (either way) is enormous.
const ENORMOUS_RATIO: f64 = 2.0;
/// An error-rate difference at least this large is enormous.
const ENORMOUS_DIFFERENCE: f64 = 0.10;

#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub change: Option<f64>,
    pub verdict: Verdict,
    pub note: Option<String>,
}

/// The change of `metric` and whether it is worse or better beyond `tolerance`:
/// `(change, Some(true))` worse, `Some(false)` better, `None` within.
pub fn change_of(
    metric: Metric,
    base: f64,
    candidate: f64,
    tolerance: f64,
) -> (Option<f64>, Option<bool>) {
    let change = if metric.absolute_change() {
        Some(candidate - base)
    } else if base != 0.0 {
        Some(candidate / base - 1.0)
    } else if candidate == 0.0 {
        Some(0.0)
    } else {
        None // from nothing to something: beyond any tolerance
    };
    let up = candidate > base;
    let beyond = change.is_none_or(|c| c.abs() > tolerance);
    let direction = (beyond && candidate != base).then_some(up == metric.higher_is_worse());
    (change.filter(|c| c.is_finite()), direction)
}

/// Judges one metric (not the maximum: see [`judge_max`]).
pub fn judge(
    metric: Metric,
    base: Option<f64>,
    candidate: Option<f64>,
    tolerance: f64,
    test: Option<&TestResult>,
    opts: &CompareOptions,
) -> Judged {
    let (Some(b), Some(c)) = (base, candidate) else {
        return no_data(base.is_none());
    };
    let (change, direction) = change_of(metric, b, c, tolerance);
    let Some(worse) = direction else {
        return judged(change, Verdict::Unchanged, None);
    };
    let moved = if worse {
        Verdict::Regressed
    } else {
        Verdict::Improved
    };
    let Some(t) = test else {
        return judged(
            change,
            Verdict::Inconclusive,
            Some("no per-second windows to test".into()),
        );
    };
    let up = c > b;
    let null = t.statistic.null();
    let ci_agrees = if up {
        t.ci_low > null
    } else {
        t.ci_high < null
    };
    if t.base_windows.min(t.candidate_windows) < opts.min_windows {
        let enormous = match change {
            Some(x) if metric.absolute_change() => x.abs() >= ENORMOUS_DIFFERENCE,
            Some(x) => 1.0 + x >= ENORMOUS_RATIO || 1.0 + x <= 1.0 / ENORMOUS_RATIO,
            None => true,
        };
        if enormous && t.separated && ci_agrees {
            return judged(
                change,
                moved,
                Some("few windows, but an enormous, complete separation".into()),
            );
        }
        let note = format!(
            "too few measured seconds to test ({} and {}; at least {} each)",
            t.base_windows, t.candidate_windows, opts.min_windows
        );
        return judged(change, Verdict::Inconclusive, Some(note));
    }
    if t.p_value < opts.alpha && ci_agrees {
        return judged(
            change,
            moved,
            t.from_stage
                .then(|| "significance from the stage's all-request windows".into()),
        );
    }
    let note = if t.p_value >= opts.alpha {
        format!("not significant (p = {:.3} ≥ {})", t.p_value, opts.alpha)
    } else {
        "the bootstrap interval includes no change".to_string()
    };
    judged(change, Verdict::Inconclusive, Some(note))
}

/// The maximum: beyond tolerance it takes p99.9's verdict when that moved the same way,
/// else it is Inconclusive — one sample is never significant on its own.
pub fn judge_max(
    base: Option<f64>,
    candidate: Option<f64>,
    tolerance: f64,
    p999: Verdict,
) -> Judged {
    let (Some(b), Some(c)) = (base, candidate) else {
        return no_data(base.is_none());
    };
    let (change, direction) = change_of(Metric::Max, b, c, tolerance);
    match direction {
        None => judged(change, Verdict::Unchanged, None),
        Some(true) if p999 == Verdict::Regressed => {
            judged(change, Verdict::Regressed, Some("with p99.9".into()))
        }
        Some(false) if p999 == Verdict::Improved => {
            judged(change, Verdict::Improved, Some("with p99.9".into()))
        }
        Some(_) => judged(
            change,
            Verdict::Inconclusive,
            Some("the maximum alone is one sample, never significant".into()),
        ),
    }
}

fn no_data(base_missing: bool) -> Judged {
    let side = if base_missing { "base" } else { "candidate" };
    judged(
        None,
        Verdict::Inconclusive,
        Some(format!("no data in the {side} run")),
    )
}

fn judged(change: Option<f64>, verdict: Verdict, note: Option<String>) -> Judged {
    Judged {
        change,
        verdict,
        note,
    }
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
