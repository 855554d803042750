//! The charts of a run and of its target's metrics, each in a `<figure>` with a caption
//! that says what is measured. A chart that cannot be drawn becomes a visible notice.

use crate::metrics::RunResult;
use crate::report::charts::{self, data, ChartSize, DistributionLine, StageBand};
use crate::report::escape::escape_html as esc;
use crate::report::probes::{metric_groups, metric_series};
use crate::report::ReportError;

/// Metric charts beyond this many are listed, not drawn, to keep the page light.
const MAX_METRIC_CHARTS: usize = 24;

fn figure(id: &str, title: &str, caption: &str, svg: Result<String, ReportError>) -> String {
    let body = match svg {
        Ok(svg) => svg,
        Err(e) => format!(r#"<div class="chart-error">{}</div>"#, esc(&e.to_string())),
    };
    format!(
        r#"<figure id="{id}" class="chart"><h3>{title}</h3>{body}<figcaption>{caption}</figcaption></figure>"#
    )
}

pub fn run_charts(r: &RunResult) -> String {
    let bands = data::stage_bands(r);
    let duration_s = data::duration_s(r);
    let window = data::window_s(r);
    let latency = data::latency_seconds(r, window);
    let rates = data::rate_seconds(r, window);
    let concurrency = data::concurrency_seconds(r, window);
    let per = if window == 1 {
        "second".to_string()
    } else {
        format!("{window}-second window")
    };
    let summaries: Vec<_> = r.stages.iter().map(|s| s.summary(None)).collect();
    let lines: Vec<DistributionLine> = r
        .stages
        .iter()
        .zip(&summaries)
        .map(|(s, sum)| DistributionLine {
            label: &s.name,
            histogram: &sum.latency,
        })
        .collect();
    let stage_note =
        "Shaded bands mark stages; the amber tint marks warm-up, excluded from the statistics.";
    [
        r#"<h2 id="charts">Over time</h2>"#.to_string(),
        figure(
            "chart-latency",
            &format!("Latency percentiles per {per}"),
            &format!("Successful requests, grouped by the {per} of their intended start; log scale. <strong>Latency = response complete − intended start</strong> (coordinated omission corrected). Max is approximate (within 6%). {stage_note}"),
            charts::latency_over_time(&charts::LatencyOverTime {
                window_s: window as f64,
                seconds: &latency,
                stages: &bands,
                duration_s,
                size: ChartSize::WIDE,
            }),
        ),
        figure(
            "chart-throughput",
            "Throughput, errors and dropped arrivals",
            &format!("Averaged per {per}. <strong>completed/s</strong>: responses finished in each second (any outcome, by completion time). <strong>errors/s</strong> and <strong>dropped/s</strong>: by intended start; dropped arrivals found every in-flight slot busy and were never sent. {stage_note}"),
            charts::throughput(&charts::Throughput {
                window_s: window as f64,
                seconds: &rates,
                stages: &bands,
                duration_s,
                size: ChartSize::WIDE,
            }),
        ),
        figure(
            "chart-concurrency",
            "In flight and scheduler lag",
            &format!("Top: the most requests in flight during each {per} (dashed: the max_in_flight cap, when approached). Bottom: the largest scheduler lag (actual send − intended start) of each {per}; sustained lag means the generator could not keep up."),
            charts::concurrency(&charts::Concurrency {
                window_s: window as f64,
                seconds: &concurrency,
                stages: &bands,
                duration_s,
                in_flight_cap: Some(r.scenario.max_in_flight as f64),
                size: ChartSize::TALL,
            }),
        ),
        r#"<h2 id="distribution">Latency distribution</h2>"#.to_string(),
        figure(
            "chart-distribution",
            "Percentile distribution by stage",
            "HDR percentile plot of each stage's measured window (successful requests, full-resolution histograms): the x axis stretches the tail, so each step right is ten times rarer.",
            charts::latency_distribution(&charts::LatencyDistribution {
                lines: &lines,
                size: ChartSize::WIDE,
            }),
        ),
    ]
    .concat()
}

/// Target metrics (`probes.metrics`): one chart per metric name. Empty when there are none.
pub fn metric_charts(r: &RunResult, bands: &[StageBand]) -> String {
    let series = metric_series(&r.probes);
    if series.is_empty() {
        return String::new();
    }
    let groups = metric_groups(&series, r.run.start_unix_ms as f64 / 1000.0);
    let duration_s = data::duration_s(r);
    let mut out = String::from(r#"<h2 id="metrics">Target metrics</h2>"#);
    for (i, g) in groups.iter().enumerate().take(MAX_METRIC_CHARTS) {
        let lines: Vec<charts::MetricLine> = g
            .lines
            .iter()
            .map(|(label, points)| charts::MetricLine { label, points })
            .collect();
        let title = if g.rate {
            format!("rate({})", esc(&g.name))
        } else {
            esc(&g.name)
        };
        let hidden = g.lines.len().saturating_sub(8);
        let caption = format!(
            "{}{}",
            if g.rate {
                "Counter shown as its per-second increase."
            } else {
                "Gauge values as scraped."
            },
            if hidden > 0 {
                format!(" {hidden} more label sets not drawn.")
            } else {
                String::new()
            }
        );
        out.push_str(&figure(
            &format!("metric-{i}"),
            &title,
            &caption,
            charts::metric_chart(&charts::MetricChart {
                lines: &lines,
                unit: &g.unit,
                stages: bands,
                duration_s,
                size: ChartSize::SMALL,
            }),
        ));
    }
    if groups.len() > MAX_METRIC_CHARTS {
        let rest: Vec<String> = groups[MAX_METRIC_CHARTS..]
            .iter()
            .map(|g| esc(&g.name))
            .collect();
        out.push_str(&format!(
            r#"<p class="notice">Not drawn: {}.</p>"#,
            rest.join(", ")
        ));
    }
    out
}
