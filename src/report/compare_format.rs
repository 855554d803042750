//! Formatting shared by the comparison views: values by unit, changes, the statistical
//! evidence of a verdict, and the headline.

use super::format::{format_micros, format_percent, format_rate};
use crate::analysis::compare::{Comparison, Metric, MetricComparison, Statistic, Unit, Verdict};

/// A metric's value in its unit; `-` when missing.
pub fn format_value(metric: Metric, value: Option<f64>) -> String {
    let Some(v) = value.filter(|v| v.is_finite()) else {
        return "-".into();
    };
    match metric.unit() {
        Unit::Micros => format_micros(v),
        Unit::PerSecond => format!("{}/s", format_rate(v)),
        Unit::Fraction => format_percent(v),
        Unit::CpuSeconds if v < 1.0 => format!("{:.1}ms", v * 1e3),
        Unit::CpuSeconds => format!("{v:.2}s"),
    }
}

/// `+12.3%`, `−4.0%`, `+0.50 pt` (error rate), `new` (from zero), `-` (no data).
pub fn format_change(m: &MetricComparison) -> String {
    match (m.change, m.base, m.candidate) {
        (Some(c), _, _) if m.metric.absolute_change() => {
            format!("{}{:.2} pt", sign(c), (c * 100.0).abs())
        }
        (Some(c), _, _) => format!("{}{:.1}%", sign(c), (c * 100.0).abs()),
        (None, Some(_), Some(_)) => "new".into(),
        _ => "-".into(),
    }
}

fn sign(x: f64) -> &'static str {
    if x < 0.0 {
        "−"
    } else {
        "+"
    }
}

/// `p=0.002 · CI ×1.12–1.19` (ratio) or `p=0.002 · CI +0.10–+0.90 pt` (difference);
/// marked `(stage)` when borrowed from the stage's windows. Empty without a test.
pub fn format_evidence(m: &MetricComparison, confidence: f64) -> String {
    let Some(t) = &m.test else {
        return String::new();
    };
    let ci = match t.statistic {
        Statistic::Ratio => format!("×{:.3}–{:.3}", t.ci_low, t.ci_high),
        Statistic::Difference => format!(
            "{}{:.2}–{}{:.2} pt",
            sign(t.ci_low),
            (t.ci_low * 100.0).abs(),
            sign(t.ci_high),
            (t.ci_high * 100.0).abs()
        ),
    };
    let p = if t.p_value < 0.0001 {
        "p<0.0001".to_string()
    } else {
        format!("p={:.4}", t.p_value)
    };
    let scope = if t.from_stage { " (stage)" } else { "" };
    format!(
        "{p} · {:.0}% CI {ci} · n={}/{}{scope}",
        confidence * 100.0,
        t.base_windows,
        t.candidate_windows
    )
}

/// One line saying what the comparison concluded and the exit status it implies.
pub fn headline(c: &Comparison) -> String {
    let n = c.counts;
    let outcome = if c.has_regression() {
        format!(
            "{} significant regression{}",
            n.regressed,
            if n.regressed == 1 { "" } else { "s" }
        )
    } else {
        "no significant regression".to_string()
    };
    format!(
        "{outcome} · {} improved · {} unchanged · {} inconclusive",
        n.improved, n.unchanged, n.inconclusive
    )
}

pub fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Regressed => "REGRESSED",
        other => other.label(),
    }
}
