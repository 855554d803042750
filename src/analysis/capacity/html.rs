//! `capacity.html`: a self-contained page (inline SVG, no scripts, no network) with the verdict,
//! the latency-vs-throughput chart and the steps table. The page frame is `page.html`.

use super::chart::{latency_vs_throughput, LatencyChart};
use super::error::CapacityError;
use super::result::CapacityResult;
use super::terminal;
use crate::report::format::format_percent;

const PAGE: &str = include_str!("page.html");

/// Fills the page frame; `body` is trusted HTML, `title` is escaped.
pub fn page(title: &str, body: &str) -> String {
    PAGE.replace("{{title}}", &escape(title))
        .replace("{{body}}", body)
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn render(r: &CapacityResult, p99_limit_ms: Option<f64>) -> Result<String, CapacityError> {
    let chart = latency_vs_throughput(&LatencyChart {
        steps: &r.steps,
        p99_limit_ms,
    })?;
    let mut body = format!(
        "<p>{} · SLO <code>{}</code> · started {}</p>\n<p class=\"verdict\">{}</p>\n<pre>{}</pre>\n<figure>{chart}</figure>\n",
        escape(&r.context.target),
        escape(&r.context.slo),
        escape(&r.context.started_at),
        escape(&r.verdict),
        escape(terminal::figures(r).trim_end())
    );
    body.push_str("<table>\n<tr><th>rate/s</th><th>achieved/s</th><th>p50 ms</th><th>p99 ms</th><th>errors</th><th>dropped</th><th>CPU cores</th><th>SLO</th><th>result</th></tr>\n");
    for s in &r.steps {
        let (class, mark) = match (s.generator_limited, s.slo_met) {
            (true, _) => ("fail", "✗ loadlab was the limit"),
            (false, true) => ("ok", "✓"),
            (false, false) => ("fail", "✗"),
        };
        body.push_str(&format!(
            "<tr><td>{:.0}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"text {class}\">{mark}</td><td class=\"text\"><a href=\"{}\">{}</a></td></tr>\n",
            s.rate,
            s.achieved,
            s.p50_ms.map_or("-".into(), |v| format!("{v:.1}")),
            s.p99_ms.map_or("-".into(), |v| format!("{v:.1}")),
            format_percent(s.error_rate),
            s.dropped,
            s.target_cpu_cores.map_or("-".into(), |v| format!("{v:.3}")),
            escape(&s.result),
            escape(&s.result)
        ));
    }
    body.push_str("</table>\n");
    Ok(page(&format!("Capacity: {}", r.context.scenario), &body))
}
