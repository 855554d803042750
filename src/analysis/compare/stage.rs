//! One stage compared: its windows tested once, then every request row and the `(all)` row
//! judged. Request rows of a stage with several requests borrow the stage's tests (the
//! timeline is not split by request name); their values and tolerance checks are their own.

use super::cpu::stage_cpu;
use super::curve::percentile_curve;
use super::decide::{judge, judge_max, Judged};
use super::metric::{Metric, ALL_METRICS};
use super::model::{
    MetricComparison, RowComparison, StageComparison, Statistic, TestResult, Verdict,
};
use super::options::CompareOptions;
use super::significance::{stage_tests, sums_test};
use super::windows::stage_windows;
use crate::metrics::{RunResult, StageResult, Summary};

pub const ALL_ROW: &str = "(all)";

pub fn compare_stage(
    base_run: &RunResult,
    candidate_run: &RunResult,
    base: &StageResult,
    candidate: &StageResult,
    opts: &CompareOptions,
) -> StageComparison {
    let (bw, cw) = (
        stage_windows(base_run, base),
        stage_windows(candidate_run, candidate),
    );
    let mut tests = stage_tests(&bw, &cw, opts);
    let cpu = match (
        stage_cpu(base_run, base),
        stage_cpu(candidate_run, candidate),
    ) {
        (Some(b), Some(c)) => {
            if let Some(t) = sums_test(&b.windows, &c.windows, Statistic::Ratio, opts, 3) {
                tests.push((Metric::CpuPer1k, t));
            }
            Some((b.per_1k, c.per_1k))
        }
        _ => None,
    };
    let names: Vec<&str> = base.requests.iter().map(|r| r.name.as_str()).collect();
    let borrowed = names.len() > 1;
    let mut rows: Vec<RowComparison> = names
        .iter()
        .map(|&name| {
            let sides = (base.summary(Some(name)), candidate.summary(Some(name)));
            row(name, false, &sides, &tests, borrowed, None, opts)
        })
        .collect();
    let sides = (base.summary(None), candidate.summary(None));
    rows.push(row(ALL_ROW, true, &sides, &tests, false, cpu, opts));
    StageComparison {
        name: base.name.clone(),
        base_windows: bw.len(),
        candidate_windows: cw.len(),
        rows,
        curve: percentile_curve(&sides.0.latency, &sides.1.latency),
    }
}

fn row(
    request: &str,
    all: bool,
    (b, c): &(Summary, Summary),
    tests: &[(Metric, TestResult)],
    borrowed: bool,
    cpu: Option<(f64, f64)>,
    opts: &CompareOptions,
) -> RowComparison {
    let mut metrics: Vec<MetricComparison> = Vec::new();
    for metric in ALL_METRICS {
        let (base, candidate) = match metric {
            Metric::CpuPer1k => match cpu {
                Some((x, y)) => (Some(x), Some(y)),
                None => continue,
            },
            _ => (value(b, metric), value(c, metric)),
        };
        let tolerance = opts.tolerances.get(metric);
        let test = tests
            .iter()
            .find(|(m, _)| *m == metric)
            .map(|(_, t)| TestResult {
                from_stage: borrowed,
                ..t.clone()
            });
        let judged = if metric == Metric::Max {
            let p999 = metrics
                .iter()
                .find(|m| m.metric == Metric::P999)
                .map_or(Verdict::Inconclusive, |m| m.verdict);
            judge_max(base, candidate, tolerance, p999)
        } else {
            judge(metric, base, candidate, tolerance, test.as_ref(), opts)
        };
        let Judged {
            change,
            verdict,
            note,
        } = judged;
        metrics.push(MetricComparison {
            metric,
            base,
            candidate,
            change,
            tolerance,
            verdict,
            test,
            note,
        });
    }
    RowComparison {
        request: request.to_string(),
        all,
        base_ok: b.ok,
        candidate_ok: c.ok,
        metrics,
    }
}

/// A metric's value from a measured summary; `None` when there is nothing to measure.
fn value(s: &Summary, metric: Metric) -> Option<f64> {
    let latency = |p: f64| (s.latency.count() > 0).then(|| s.latency.percentile(p) as f64);
    match metric {
        Metric::P50 => latency(50.0),
        Metric::P90 => latency(90.0),
        Metric::P99 => latency(99.0),
        Metric::P999 => latency(99.9),
        Metric::Max => (s.latency.count() > 0).then(|| s.latency.max() as f64),
        Metric::Throughput => (s.measured_s > 0.0).then(|| s.throughput()),
        Metric::ErrorRate => (s.sent > 0).then(|| s.error_rate()),
        Metric::CpuPer1k => None,
    }
}
