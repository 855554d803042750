//! The comparison views from hand-made runs: content, escaping, self-containment.

use crate::analysis::compare::synthetic::{run, Spec};
use crate::analysis::compare::{compare, CompareOptions, Comparison};
use serde_json::json;

const EVIL: &str = "<script>alert(\"x\")</script>|'";

fn comparison(scale: f64, evil: bool) -> Comparison {
    let spec = |scale, seed| Spec {
        requests: vec![
            (if evil { EVIL.into() } else { "a".into() }, 3, 1.0),
            ("b".into(), 1, 2.0),
        ],
        scale,
        seed,
        ..Spec::default()
    };
    let (mut a, mut b) = (run(&spec(1.0, 1)), run(&spec(scale, 2)));
    for (r, hot) in [(&mut a, 9_000_000u64), (&mut b, 1_000_000)] {
        r.probes = json!({"profiles": [{"stage": "steady", "requests": 1000, "folded": [
            ["main;serve;parse", 4_000_000u64], [format!("main;serve;{EVIL}"), hot]
        ]}]});
    }
    let opts = CompareOptions {
        base_label: if evil { EVIL.into() } else { "before".into() },
        candidate_label: "after".into(),
        ..CompareOptions::default()
    };
    compare(&a, &b, &opts).unwrap()
}

#[test]
fn terminal_shows_verdicts_and_evidence() {
    let text = super::super::compare_terminal::render(&comparison(1.15, false));
    assert!(text.contains("REGRESSED"), "{text}");
    assert!(text.contains("95% CI") || text.contains("99% CI"));
    assert!(text.contains("significant regression"));
    assert!(text.contains("CPU per request improvements"));
    let text = super::super::compare_terminal::render(&comparison(1.0, false));
    assert!(text.contains("no significant regression"), "{text}");
}

#[test]
fn markdown_fits_a_pull_request_comment() {
    let md = super::super::compare_markdown::render(&comparison(1.15, true));
    assert!(md.starts_with("## ❌ loadlab compare:"), "{md}");
    assert!(md.contains("| stage | request | metric |"));
    assert!(md.contains("<details><summary>Method</summary>"));
    // Outside code spans (which show function names literally) no markup survives.
    let outside: String = md.split('`').step_by(2).collect();
    assert!(!outside.contains("<script>"), "{md}");
    assert!(
        md.contains("`main;serve;") || md.contains("`<script>"),
        "{md}"
    );
    assert!(md.contains("&lt;script&gt;"));
}

#[test]
fn html_is_self_contained_and_escaped() {
    let html = super::render(&comparison(1.15, true));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("{{"), "unfilled placeholder");
    assert!(!html.contains("<script"), "markup injected");
    assert!(!html.contains("alert(\""), "quote not escaped");
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)"));
    assert_eq!(
        html.matches("<figure id=\"chart-percentiles-0\" class=\"chart\"><svg")
            .count(),
        1
    );
    assert!(html.contains(
        "<figure id=\"chart-flame-diff\" class=\"flame\"><img alt=\"differential flame graph\" src=\"data:image/svg+xml;base64,"
    ));
    assert!(html.contains("class=\"verdict regressed\""));
    for needle in ["http://", "https://"] {
        let external = html.match_indices(needle).filter(|(i, _)| {
            let before = &html[i.saturating_sub(8)..*i];
            !before.contains("xmlns") && !before.contains("<td>")
        });
        assert_eq!(external.count(), 0, "no external resources ({needle})");
    }
}

#[test]
fn json_serializes() {
    let json = serde_json::to_value(comparison(1.15, false)).unwrap();
    assert_eq!(
        json["counts"]["regressed"].as_u64().map(|n| n > 0),
        Some(true)
    );
    let m = &json["stages"][0]["rows"][2]["metrics"][0];
    assert_eq!(m["metric"], "p50");
    assert_eq!(m["verdict"], "regressed");
    assert!(m["test"]["p_value"].as_f64().unwrap() < 0.01);
}

#[test]
fn template_filling_is_one_pass() {
    let out = super::fill(
        "a {{x}} b {{y}} {{z",
        &[("x", "{{y}}".into()), ("y", "2".into())],
    );
    assert_eq!(out, "a {{y}} b 2 {{z");
}

#[test]
fn junit_has_a_test_case_per_verdict_and_fails_on_regressions() {
    let c = comparison(1.15, true);
    assert!(c.counts.regressed > 0);
    let xml = super::super::compare_junit::render(&c);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    let metrics = c.metrics().count();
    assert_eq!(xml.matches("<testcase ").count(), metrics);
    assert_eq!(
        xml.matches("<failure type=\"Regressed\"").count(),
        c.counts.regressed
    );
    assert_eq!(xml.matches("<skipped ").count(), c.counts.inconclusive);
    assert!(xml.contains(&format!(
        "<testsuites name=\"loadlab compare\" tests=\"{metrics}\" failures=\"{}\"",
        c.counts.regressed
    )));
    assert!(xml.contains("<testsuite name=\"loadlab.compare.synthetic.steady\""));
    assert!(xml.contains("<testcase name=\"(all) p99\""));
    // Names from the runs are escaped: no markup, no broken attribute.
    assert!(!xml.contains("<script"));
    assert!(xml.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;|"));
    assert!(!xml.contains("|'"), "the apostrophe is escaped");
    assert_eq!(xml.matches('<').count(), xml.matches('>').count());

    let quiet = super::super::compare_junit::render(&comparison(1.0, false));
    assert!(!quiet.contains("<failure"), "{quiet}");
}
