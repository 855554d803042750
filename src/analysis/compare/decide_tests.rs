//! The verdict rules on hand-written test results.

use super::*;
use crate::analysis::compare::model::Statistic;

fn test(p: f64, lo: f64, hi: f64, windows: usize, separated: bool) -> TestResult {
    TestResult {
        base_windows: windows,
        candidate_windows: windows,
        p_value: p,
        separated,
        statistic: Statistic::Ratio,
        estimate: (lo + hi) / 2.0,
        ci_low: lo,
        ci_high: hi,
        from_stage: false,
    }
}

fn verdict(metric: Metric, b: f64, c: f64, t: Option<&TestResult>) -> Verdict {
    let opts = CompareOptions::default();
    judge(
        metric,
        Some(b),
        Some(c),
        opts.tolerances.get(metric),
        t,
        &opts,
    )
    .verdict
}

#[test]
fn needs_tolerance_and_significance() {
    let sig = test(0.001, 1.1, 1.2, 20, false);
    assert_eq!(
        verdict(Metric::P50, 100.0, 115.0, Some(&sig)),
        Verdict::Regressed
    );
    assert_eq!(
        verdict(Metric::P50, 100.0, 103.0, Some(&sig)),
        Verdict::Unchanged
    );
    let weak = test(0.2, 0.95, 1.3, 20, false);
    assert_eq!(
        verdict(Metric::P50, 100.0, 115.0, Some(&weak)),
        Verdict::Inconclusive
    );
    let ci_spans = test(0.001, 0.99, 1.3, 20, false);
    assert_eq!(
        verdict(Metric::P50, 100.0, 115.0, Some(&ci_spans)),
        Verdict::Inconclusive
    );
    assert_eq!(
        verdict(Metric::P50, 100.0, 115.0, None),
        Verdict::Inconclusive
    );
    let down = test(0.001, 0.8, 0.9, 20, false);
    assert_eq!(
        verdict(Metric::P99, 100.0, 85.0, Some(&down)),
        Verdict::Improved
    );
    // The interval must agree with the direction of the change.
    assert_eq!(
        verdict(Metric::P99, 100.0, 85.0, Some(&sig)),
        Verdict::Inconclusive
    );
}

#[test]
fn throughput_falls_to_regress() {
    let down = test(0.001, 0.8, 0.9, 20, false);
    assert_eq!(
        verdict(Metric::Throughput, 100.0, 85.0, Some(&down)),
        Verdict::Regressed
    );
    let up = test(0.001, 1.1, 1.2, 20, false);
    assert_eq!(
        verdict(Metric::Throughput, 100.0, 115.0, Some(&up)),
        Verdict::Improved
    );
}

#[test]
fn error_rate_is_absolute() {
    let mut t = test(0.001, 0.005, 0.02, 20, false);
    t.statistic = Statistic::Difference;
    assert_eq!(
        verdict(Metric::ErrorRate, 0.0, 0.01, Some(&t)),
        Verdict::Regressed
    );
    assert_eq!(
        verdict(Metric::ErrorRate, 0.0, 0.004, Some(&t)),
        Verdict::Unchanged
    );
    assert_eq!(
        verdict(Metric::ErrorRate, 0.0, 0.0, None),
        Verdict::Unchanged
    );
}

#[test]
fn few_windows_need_an_enormous_separated_change() {
    let few = test(0.02, 2.5, 3.5, 3, true);
    assert_eq!(
        verdict(Metric::P50, 100.0, 300.0, Some(&few)),
        Verdict::Regressed
    );
    assert_eq!(
        verdict(Metric::P50, 100.0, 150.0, Some(&few)),
        Verdict::Inconclusive
    );
    let overlapping = test(0.02, 2.5, 3.5, 3, false);
    assert_eq!(
        verdict(Metric::P50, 100.0, 300.0, Some(&overlapping)),
        Verdict::Inconclusive
    );
}

#[test]
fn max_follows_p999() {
    let t = CompareOptions::default().tolerances.max;
    assert_eq!(
        judge_max(Some(10.0), Some(20.0), t, Verdict::Regressed).verdict,
        Verdict::Regressed
    );
    assert_eq!(
        judge_max(Some(10.0), Some(20.0), t, Verdict::Unchanged).verdict,
        Verdict::Inconclusive
    );
    assert_eq!(
        judge_max(Some(10.0), Some(10.5), t, Verdict::Regressed).verdict,
        Verdict::Unchanged
    );
    assert_eq!(
        judge_max(Some(10.0), Some(5.0), t, Verdict::Regressed).verdict,
        Verdict::Inconclusive
    );
    assert_eq!(
        judge_max(None, Some(5.0), t, Verdict::Regressed).verdict,
        Verdict::Inconclusive
    );
}

#[test]
fn changes_from_zero() {
    assert_eq!(change_of(Metric::P50, 0.0, 5.0, 0.05), (None, Some(true)));
    assert_eq!(change_of(Metric::P50, 0.0, 0.0, 0.05), (Some(0.0), None));
    assert_eq!(
        change_of(Metric::Throughput, 10.0, 0.0, 0.05),
        (Some(-1.0), Some(true))
    );
}
