//! The terminal view of a comparison: who was compared, warnings, one line per metric of
//! every (stage, request) row with its verdict and evidence, the profile diff's top
//! functions, and the headline.

use super::compare_format::{format_change, format_evidence, format_value, headline, verdict_word};
use super::format::format_micros;
use super::table::render_table;
use crate::analysis::compare::{Comparison, RunRef};
use crate::probe::FunctionDelta;

/// Functions listed per direction in the terminal.
const TOP: usize = 5;

pub fn render(c: &Comparison) -> String {
    let mut out = format!("loadlab compare · {}\n", c.base.scenario);
    out.push_str(&run_line("base", &c.base));
    out.push_str(&run_line("candidate", &c.candidate));
    for w in &c.warnings {
        out.push_str(&format!("!! {w}\n"));
    }
    out.push('\n');
    out.push_str(&metric_table(c));
    if let Some(p) = &c.profile {
        out.push_str(&profile_lines(
            "CPU per request regressions",
            &p.regressions,
        ));
        out.push_str(&profile_lines(
            "CPU per request improvements",
            &p.improvements,
        ));
    }
    out.push_str(&format!(
        "\n  method: a change counts when beyond tolerance and significant (Mann–Whitney p < {} \
         and {:.0}% bootstrap CI over per-second windows); details in comparison.md\n",
        c.settings.alpha,
        c.settings.confidence * 100.0
    ));
    out.push_str(&format!("\n{}\n", headline(c)));
    out
}

fn run_line(role: &str, r: &RunRef) -> String {
    let partial = if r.partial { " PARTIAL" } else { "" };
    format!(
        "  {role:<9}  {}  ({}, {:.1}s → {}){partial}\n",
        r.label, r.started_at, r.duration_s, r.target
    )
}

fn metric_table(c: &Comparison) -> String {
    let header = [
        "stage",
        "request",
        "metric",
        "base",
        "candidate",
        "change",
        "verdict",
    ];
    let mut rows = Vec::new();
    let mut evidence = vec!["evidence".to_string()];
    for stage in &c.stages {
        for (ri, row) in stage.rows.iter().enumerate() {
            for (mi, m) in row.metrics.iter().enumerate() {
                let first = mi == 0;
                rows.push(vec![
                    if first && ri == 0 {
                        stage.name.clone()
                    } else {
                        String::new()
                    },
                    if first {
                        row.request.clone()
                    } else {
                        String::new()
                    },
                    m.metric.label().to_string(),
                    format_value(m.metric, m.base),
                    format_value(m.metric, m.candidate),
                    format_change(m),
                    verdict_word(m.verdict).to_string(),
                ]);
                evidence.push(format_evidence(m, c.settings.confidence));
            }
        }
    }
    // Evidence is free text: left-aligned after the table.
    render_table(&header, &rows, 3)
        .lines()
        .zip(&evidence)
        .map(|(line, e)| format!("{line}  {e}").trim_end().to_string() + "\n")
        .collect()
}

fn profile_lines(title: &str, deltas: &[FunctionDelta]) -> String {
    if deltas.is_empty() {
        return String::new();
    }
    let mut out = format!("\n  {title} (flat CPU per request)\n");
    for d in deltas.iter().take(TOP) {
        out.push_str(&format!(
            "    {:>10} → {:>10}  {:+.1}µs  {}\n",
            format_micros(d.before_ns_per_req / 1e3),
            format_micros(d.after_ns_per_req / 1e3),
            d.delta_ns_per_req / 1e3,
            d.name
        ));
    }
    out
}
