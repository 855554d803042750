//! JUnit XML of a comparison for CI dashboards: one `<testsuite>` per stage, one `<testcase>`
//! per (request, metric) verdict. Regressed is a `<failure>` (the same verdicts that make
//! `compare` exit 1); inconclusive is `<skipped>` (not decided either way, with the reason);
//! improved and unchanged pass, their verdict in `<system-out>`.

use super::compare_format::{format_change, format_evidence, format_value};
use super::escape::escape_xml as x;
use crate::analysis::compare::{Comparison, MetricComparison, Verdict};
use std::fmt::Write as _;

pub fn render(c: &Comparison) -> String {
    let tests: usize = c.metrics().count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        r#"<testsuites name="loadlab compare" tests="{tests}" failures="{}" errors="0" skipped="{}">"#,
        c.counts.regressed, c.counts.inconclusive
    );
    for stage in &c.stages {
        let metrics = || stage.rows.iter().flat_map(|r| r.metrics.iter());
        let count = |v: Verdict| metrics().filter(|m| m.verdict == v).count();
        let suite = format!("loadlab.compare.{}.{}", c.base.scenario, stage.name);
        let _ = writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="{}" timestamp="{}">"#,
            x(&suite),
            metrics().count(),
            count(Verdict::Regressed),
            count(Verdict::Inconclusive),
            x(c.candidate.started_at.trim_end_matches('Z'))
        );
        out.push_str("    <properties>\n");
        for (name, value) in [
            ("base", c.base.label.as_str()),
            ("candidate", c.candidate.label.as_str()),
            ("scenario_digest", c.candidate.digest.as_str()),
        ] {
            let _ = writeln!(
                out,
                r#"      <property name="{name}" value="{}"/>"#,
                x(value)
            );
        }
        out.push_str("    </properties>\n");
        for row in &stage.rows {
            for m in &row.metrics {
                testcase(&mut out, c, &suite, &row.request, m);
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn testcase(out: &mut String, c: &Comparison, suite: &str, request: &str, m: &MetricComparison) {
    let summary = format!(
        "{} {} → {} ({}; tolerance {})",
        m.metric.label(),
        format_value(m.metric, m.base),
        format_value(m.metric, m.candidate),
        format_change(m),
        tolerance(m)
    );
    let mut details = format_evidence(m, c.settings.confidence);
    if let Some(note) = &m.note {
        details = format!("{details}\n{note}");
    }
    let _ = write!(
        out,
        r#"    <testcase name="{} {}" classname="{}" time="0">"#,
        x(request),
        x(m.metric.label()),
        x(suite)
    );
    match m.verdict {
        Verdict::Regressed => {
            let _ = write!(
                out,
                "\n      <failure type=\"Regressed\" message=\"regressed: {}\">{}</failure>\n    ",
                x(&summary),
                x(details.trim())
            );
        }
        Verdict::Inconclusive => {
            let reason = m.note.as_deref().unwrap_or("not significant");
            let _ = write!(
                out,
                "\n      <skipped message=\"inconclusive: {}; {}\"/>\n    ",
                x(&summary),
                x(reason)
            );
        }
        Verdict::Improved | Verdict::Unchanged => {
            let _ = write!(
                out,
                "<system-out>{}: {}</system-out>",
                m.verdict.label(),
                x(&summary)
            );
        }
    }
    out.push_str("</testcase>\n");
}

fn tolerance(m: &MetricComparison) -> String {
    if m.metric.absolute_change() {
        format!("{:.2} pt", m.tolerance * 100.0)
    } else {
        format!("{:.0}%", m.tolerance * 100.0)
    }
}
