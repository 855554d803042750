//! `hpa.html`: a self-contained page with the summary and the timeline chart (replicas,
//! per-pod utilization, predicted p99; with `--actual`, the recorded replicas and CPU over them).

use super::super::error::CapacityError;
use super::super::html::{escape, page};
use super::chart::{hpa_timeline, TimelineChart};
use super::text;
use super::HpaReport;

pub fn render(r: &HpaReport) -> Result<String, CapacityError> {
    let chart = hpa_timeline(&TimelineChart {
        sim: &r.simulation,
        slo_p99_ms: r.slo_p99_ms,
        target_pct: r.hpa.target_cpu_utilization_pct,
        actual: r.actual.as_ref(),
    })?;
    let class = if r.breached { "fail" } else { "ok" };
    let headline = if r.breached {
        format!(
            "The HPA breaches p99 < {} ms for {} s.",
            r.slo_p99_ms, r.simulation.breach_seconds
        )
    } else {
        format!("The HPA keeps p99 < {} ms throughout.", r.slo_p99_ms)
    };
    let actual = r.actual.as_ref().map_or(String::new(), |a| {
        let d = &a.divergence;
        format!(
            "<p class=\"actual\">Actual replicas recorded by {} (black): max |predicted − actual| {} replica(s), mean {:.2}.</p>\n",
            escape(&a.run),
            d.max_abs_replicas,
            d.mean_abs_replicas
        )
    });
    let body = format!(
        "<p class=\"verdict {class}\">{}</p>\n{actual}<figure>{chart}</figure>\n<pre>{}</pre>\n",
        escape(&headline),
        escape(text::summary(r).trim_end())
    );
    Ok(page(&format!("HPA check: {}", r.hpa_file), &body))
}
