//! JUnit XML for CI dashboards: one `<testcase>` per threshold, a `<failure>` (observed
//! against the requirement) for each that failed; partial runs and generator bottlenecks are
//! noted in `<system-err>`.

use super::escape::escape_xml as x;
use crate::metrics::RunResult;
use std::fmt::Write as _;

pub fn render(r: &RunResult) -> String {
    let tests = r.thresholds.len();
    let failures = r.thresholds.iter().filter(|t| !t.passed).count();
    let suite = format!("loadlab.{}", r.scenario.name);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        r#"<testsuites name="loadlab" tests="{tests}" failures="{failures}" errors="0" time="{:.3}">"#,
        r.run.duration_s
    );
    let _ = writeln!(
        out,
        r#"  <testsuite name="{}" tests="{tests}" failures="{failures}" errors="0" skipped="0" time="{:.3}" timestamp="{}" hostname="{}">"#,
        x(&suite),
        r.run.duration_s,
        x(r.run.started_at.trim_end_matches('Z')),
        x(&r.run.environment.host)
    );
    out.push_str("    <properties>\n");
    for (name, value) in [
        ("scenario", r.scenario.name.as_str()),
        ("scenario_path", r.scenario.path.as_str()),
        ("scenario_digest", r.scenario.digest.as_str()),
        ("target", r.scenario.target.as_str()),
        ("loadlab_version", r.loadlab_version.as_str()),
        (
            "status",
            if r.is_partial() {
                "partial"
            } else {
                "complete"
            },
        ),
        (
            "generator_bottleneck",
            if r.generator.bottleneck {
                "true"
            } else {
                "false"
            },
        ),
    ] {
        let _ = writeln!(
            out,
            r#"      <property name="{name}" value="{}"/>"#,
            x(value)
        );
    }
    out.push_str("    </properties>\n");
    for t in &r.thresholds {
        let _ = write!(
            out,
            r#"    <testcase name="{}" classname="{}.thresholds" time="0">"#,
            x(&t.expression),
            x(&suite)
        );
        if t.passed {
            out.push_str("</testcase>\n");
        } else {
            let _ = writeln!(
                out,
                "\n      <failure type=\"ThresholdFailed\" message=\"observed {obs}; required {req}\">observed: {obs}\nrequired: {req}</failure>\n    </testcase>",
                obs = x(&t.observed_text),
                req = x(&t.expression)
            );
        }
    }
    let notes = super::terminal::warning_banner(r);
    if let Some(notes) = notes {
        let _ = writeln!(out, "    <system-err>{}</system-err>", x(notes.trim_end()));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
