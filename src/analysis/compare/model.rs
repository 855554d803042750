//! The [`Comparison`]: everything the views show, serializable as `comparison.json`.

use super::metric::Metric;
use super::options::Tolerances;
use crate::probe::FunctionDelta;
use serde::Serialize;

/// What a comparison concluded about one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Better beyond the tolerance, and significant.
    Improved,
    /// Worse beyond the tolerance, and significant.
    Regressed,
    /// Within the tolerance.
    Unchanged,
    /// Beyond the tolerance but not shown to be real: not significant, too few windows, no
    /// data on a side, or a metric (max) that is never judged on its own.
    Inconclusive,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Improved => "improved",
            Verdict::Regressed => "regressed",
            Verdict::Unchanged => "unchanged",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// Whether the bootstrap statistic is a ratio (null value 1) or a difference (null 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    /// candidate / base of the pooled statistic.
    Ratio,
    /// candidate − base of the pooled statistic.
    Difference,
}

impl Statistic {
    pub fn null(self) -> f64 {
        match self {
            Statistic::Ratio => 1.0,
            Statistic::Difference => 0.0,
        }
    }
}

/// The significance evidence of one metric, from the per-second windows of a stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestResult {
    pub base_windows: usize,
    pub candidate_windows: usize,
    /// Two-sided Mann–Whitney p-value over the per-window values.
    pub p_value: f64,
    /// Every candidate window above every base window, or every one below.
    pub separated: bool,
    pub statistic: Statistic,
    /// The pooled statistic of the actual windows (e.g. ratio of pooled p99s).
    pub estimate: f64,
    /// Bootstrap confidence interval of the statistic.
    pub ci_low: f64,
    pub ci_high: f64,
    /// True when this row (one request of several) uses its stage's all-request windows.
    pub from_stage: bool,
}

/// One metric of one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricComparison {
    pub metric: Metric,
    pub base: Option<f64>,
    pub candidate: Option<f64>,
    /// Relative change (`candidate / base − 1`); for the error rate the absolute difference
    /// (a fraction: 0.01 is one percentage point). `None` when it cannot be computed.
    pub change: Option<f64>,
    pub tolerance: f64,
    pub verdict: Verdict,
    pub test: Option<TestResult>,
    /// Why the verdict is what it is, when that is not obvious.
    pub note: Option<String>,
}

/// One request of a stage, or the stage's `(all)` row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowComparison {
    /// The request name, or `(all)`.
    pub request: String,
    pub all: bool,
    pub base_ok: u64,
    pub candidate_ok: u64,
    pub metrics: Vec<MetricComparison>,
}

impl RowComparison {
    pub fn metric(&self, metric: Metric) -> Option<&MetricComparison> {
        self.metrics.iter().find(|m| m.metric == metric)
    }
}

/// A point of the overlaid HDR percentile curves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    /// 0–100.
    pub percentile: f64,
    pub base_us: Option<f64>,
    pub candidate_us: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageComparison {
    pub name: String,
    pub base_windows: usize,
    pub candidate_windows: usize,
    pub rows: Vec<RowComparison>,
    /// Successful-request latency of the whole stage, both runs.
    pub curve: Vec<CurvePoint>,
}

/// Per-function CPU cost per request between the runs' CPU profiles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileComparison {
    /// The stage both profiles were captured in, when known.
    pub stage: Option<String>,
    pub base_requests: u64,
    pub candidate_requests: u64,
    /// Largest increases in flat CPU per request first.
    pub regressions: Vec<FunctionDelta>,
    /// Largest decreases first.
    pub improvements: Vec<FunctionDelta>,
    /// Folded stacks (ns), for the differential flame graph; not in the JSON.
    #[serde(skip)]
    pub base_folded: Vec<(String, u64)>,
    #[serde(skip)]
    pub candidate_folded: Vec<(String, u64)>,
}

/// Identifies a compared run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRef {
    pub label: String,
    pub scenario: String,
    pub digest: String,
    pub started_at: String,
    pub target: String,
    pub duration_s: f64,
    pub partial: bool,
}

/// The parameters the verdicts were reached with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodSettings {
    pub tolerances: Tolerances,
    pub alpha: f64,
    pub confidence: f64,
    pub resamples: usize,
    pub min_windows: usize,
    pub seed: u64,
    /// Which run's `[compare]` section was applied ("candidate" or "base"); none: defaults
    /// and flags only.
    pub scenario_section: Option<String>,
}

/// Verdict counts over every metric of every row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct VerdictCounts {
    pub regressed: usize,
    pub improved: usize,
    pub unchanged: usize,
    pub inconclusive: usize,
}

/// Two runs compared: the result of [`compare`](super::compare).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub base: RunRef,
    pub candidate: RunRef,
    pub settings: MethodSettings,
    /// How the verdicts were reached, in words, for the reports.
    pub method: String,
    /// Things that do not stop the comparison but change how to read it.
    pub warnings: Vec<String>,
    pub stages: Vec<StageComparison>,
    pub profile: Option<ProfileComparison>,
    pub counts: VerdictCounts,
}

impl Comparison {
    /// Every (stage, row, metric), in view order.
    pub fn metrics(&self) -> impl Iterator<Item = (&str, &RowComparison, &MetricComparison)> {
        self.stages.iter().flat_map(|s| {
            s.rows
                .iter()
                .flat_map(move |r| r.metrics.iter().map(move |m| (s.name.as_str(), r, m)))
        })
    }

    /// True when any metric regressed significantly: the `compare` command exits 1.
    pub fn has_regression(&self) -> bool {
        self.counts.regressed > 0
    }

    pub(super) fn count_verdicts(&mut self) {
        let mut c = VerdictCounts::default();
        for (_, _, m) in self.metrics() {
            match m.verdict {
                Verdict::Regressed => c.regressed += 1,
                Verdict::Improved => c.improved += 1,
                Verdict::Unchanged => c.unchanged += 1,
                Verdict::Inconclusive => c.inconclusive += 1,
            }
        }
        self.counts = c;
    }
}
