//! `hpa.md`: the `hpa` outcome as Markdown — the terminal summary plus the scale events and
//! the candidates the recommendation tried. Pure.

use super::text;
use super::HpaReport;

pub fn render(r: &HpaReport) -> String {
    let mut out = format!(
        "# HPA check: {}\n\n```\n{}```\n\n",
        r.hpa_file,
        text::summary(r)
    );
    out.push_str("## Scale events\n\n| t (s) | from | to | utilization | reason | limited by |\n|---:|---:|---:|---:|---|---|\n");
    for e in &r.simulation.events {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            e.t_s,
            e.from,
            e.to,
            e.utilization_pct.map_or("-".into(), |u| format!("{u}%")),
            e.reason,
            e.limited_by.unwrap_or("-")
        ));
    }
    out.push_str("\n## Breaches\n\n");
    if r.simulation.breaches.is_empty() {
        out.push_str("None.\n");
    } else {
        for b in &r.simulation.breaches {
            out.push_str(&format!("- {} s to {} s\n", b.start_s, b.end_s));
        }
    }
    out.push_str(
        "\n## Targets tried\n\n| CPU target | breach s | peak replicas |\n|---:|---:|---:|\n",
    );
    for c in &r.recommendation.candidates {
        out.push_str(&format!(
            "| {}% | {} | {} |\n",
            c.target_pct, c.breach_seconds, c.peak_replicas
        ));
    }
    if let Some(a) = &r.actual {
        out.push_str(&format!(
            "\n## Predicted vs actual replicas\n\nRecorded by `{}` with `{}`; predicted is the simulated scale's replicas (ready or not). Rows where either changes.\n\n| t (s) | predicted | actual |\n|---:|---:|---:|\n",
            a.run, a.replicas_query
        ));
        let mut last = None;
        for p in &a.compared {
            if last != Some((p.predicted, p.actual)) {
                out.push_str(&format!(
                    "| {:.1} | {} | {} |\n",
                    p.t_s, p.predicted, p.actual
                ));
                last = Some((p.predicted, p.actual));
            }
        }
        out.push('\n');
        for line in text::actual_lines(a).iter().skip(1) {
            out.push_str(&format!("- {line}\n"));
        }
    }
    out
}
