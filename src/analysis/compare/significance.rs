//! Significance tests of one stage from its per-second windows in both runs: for each
//! latency percentile, throughput and error rate (and CPU per request when the probes give
//! windows), a Mann–Whitney test over the per-window values and a bootstrap confidence
//! interval of the pooled statistic's ratio (or, for the error rate, difference).

use super::bootstrap::{interval, resample};
use super::metric::{Metric, TESTED_PERCENTILES};
use super::model::{Statistic, TestResult};
use super::options::CompareOptions;
use super::pooled::{sparse_percentiles, Pool};
use super::rank_test::mann_whitney;
use super::windows::Window;

const PERCENTILES: [f64; 4] = [
    TESTED_PERCENTILES[0].1,
    TESTED_PERCENTILES[1].1,
    TESTED_PERCENTILES[2].1,
    TESTED_PERCENTILES[3].1,
];

/// Tests of the latency percentiles, throughput and error rate of a stage.
pub fn stage_tests(
    base: &[Window],
    candidate: &[Window],
    opts: &CompareOptions,
) -> Vec<(Metric, TestResult)> {
    let mut tests = latency_tests(base, candidate, opts);
    let ok = |ws: &[Window]| -> Vec<(f64, f64)> { ws.iter().map(|w| (w.ok as f64, 1.0)).collect() };
    if let Some(t) = sums_test(&ok(base), &ok(candidate), Statistic::Ratio, opts, 1) {
        tests.push((Metric::Throughput, t));
    }
    let errors = |ws: &[Window]| -> Vec<(f64, f64)> {
        ws.iter()
            .filter(|w| w.ok + w.errors > 0)
            .map(|w| (w.errors as f64, (w.ok + w.errors) as f64))
            .collect()
    };
    let (eb, ec) = (errors(base), errors(candidate));
    if let Some(t) = sums_test(&eb, &ec, Statistic::Difference, opts, 2) {
        tests.push((Metric::ErrorRate, t));
    }
    tests
}

/// p50/p90/p99/p99.9: per-window percentiles for the rank test; the ratio of the pooled
/// percentile (candidate / base) for the bootstrap. Seconds without a success are left out.
fn latency_tests(
    base: &[Window],
    candidate: &[Window],
    opts: &CompareOptions,
) -> Vec<(Metric, TestResult)> {
    let keep = |ws: &[Window]| -> Vec<Vec<(usize, u64)>> {
        ws.iter()
            .filter(|w| w.latency_count() > 0)
            .map(|w| w.latency.clone())
            .collect()
    };
    let (b, c) = (keep(base), keep(candidate));
    let per_window = |ws: &[Vec<(usize, u64)>], i: usize| -> Vec<f64> {
        ws.iter()
            .filter_map(|w| sparse_percentiles(w, &PERCENTILES).map(|p| p[i]))
            .collect()
    };
    let pooled =
        |ws: &[Vec<(usize, u64)>], pool: &mut Pool, idx: &mut dyn Iterator<Item = usize>| {
            pool.clear();
            idx.for_each(|i| pool.add(&ws[i]));
            pool.percentiles(&PERCENTILES)
        };
    let (mut pb, mut pc) = (Pool::default(), Pool::default());
    let (Some(base_all), Some(cand_all)) = (
        pooled(&b, &mut pb, &mut (0..b.len())),
        pooled(&c, &mut pc, &mut (0..c.len())),
    ) else {
        return Vec::new();
    };
    let mut ratios: [Vec<f64>; 4] = Default::default();
    resample(b.len(), c.len(), opts.resamples, opts.seed, |ib, ic| {
        let rb = pooled(&b, &mut pb, &mut ib.iter().copied());
        let rc = pooled(&c, &mut pc, &mut ic.iter().copied());
        if let (Some(rb), Some(rc)) = (rb, rc) {
            for i in 0..4 {
                ratios[i].push(rc[i] / rb[i]);
            }
        }
    });
    let mut out = Vec::new();
    for (i, (metric, _)) in TESTED_PERCENTILES.iter().enumerate() {
        let rank = mann_whitney(&per_window(&b, i), &per_window(&c, i));
        let ci = interval(&mut ratios[i], opts.confidence);
        let estimate = cand_all[i] / base_all[i];
        if let (Some(rank), Some((lo, hi)), true) = (rank, ci, estimate.is_finite()) {
            out.push((
                *metric,
                TestResult {
                    base_windows: b.len(),
                    candidate_windows: c.len(),
                    p_value: rank.p_value,
                    separated: rank.separated,
                    statistic: Statistic::Ratio,
                    estimate,
                    ci_low: lo,
                    ci_high: hi,
                    from_stage: false,
                },
            ));
        }
    }
    out
}

/// A statistic that is a ratio of sums over windows (`Σ num / Σ den`): the rank test over
/// the per-window `num / den`, the bootstrap over the pooled ratio, compared between the
/// runs by `statistic`. `stream` varies the RNG seed per metric.
pub fn sums_test(
    base: &[(f64, f64)],
    candidate: &[(f64, f64)],
    statistic: Statistic,
    opts: &CompareOptions,
    stream: u64,
) -> Option<TestResult> {
    let per = |ws: &[(f64, f64)]| -> Vec<f64> {
        ws.iter()
            .filter(|(_, d)| *d > 0.0)
            .map(|(n, d)| n / d)
            .collect()
    };
    let pooled = |ws: &[(f64, f64)], idx: &mut dyn Iterator<Item = usize>| {
        let (n, d) = idx.fold((0.0, 0.0), |(n, d), i| (n + ws[i].0, d + ws[i].1));
        n / d
    };
    let compare = |b: f64, c: f64| match statistic {
        Statistic::Ratio => c / b,
        Statistic::Difference => c - b,
    };
    let rank = mann_whitney(&per(base), &per(candidate))?;
    let estimate = compare(
        pooled(base, &mut (0..base.len())),
        pooled(candidate, &mut (0..candidate.len())),
    );
    if !estimate.is_finite() {
        return None;
    }
    let mut values = Vec::with_capacity(opts.resamples);
    let seed = opts.seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    resample(
        base.len(),
        candidate.len(),
        opts.resamples,
        seed,
        |ib, ic| {
            values.push(compare(
                pooled(base, &mut ib.iter().copied()),
                pooled(candidate, &mut ic.iter().copied()),
            ));
        },
    );
    let (ci_low, ci_high) = interval(&mut values, opts.confidence)?;
    Some(TestResult {
        base_windows: base.len(),
        candidate_windows: candidate.len(),
        p_value: rank.p_value,
        separated: rank.separated,
        statistic,
        estimate,
        ci_low,
        ci_high,
        from_stage: false,
    })
}
