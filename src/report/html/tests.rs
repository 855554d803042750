//! The HTML page: structure, banners, and that nothing user- or target-controlled becomes markup.

use super::*;
use crate::report::test_support::{empty_result, long_result, sample_result, troubled_result};
use serde_json::json;

const EVIL: &str = r#"<script>alert(1)</script>"x'"#;

fn page(r: &RunResult, flame: &BTreeMap<String, String>) -> String {
    render(&HtmlInput {
        result: r,
        flame_graphs: flame,
    })
    .unwrap()
}

fn hostile_result() -> (RunResult, BTreeMap<String, String>) {
    let mut r = troubled_result();
    r.scenario.name = EVIL.into();
    r.scenario.target = format!("http://127.0.0.1:1/{EVIL}");
    r.scenario.requests[0].name = EVIL.into();
    r.scenario.requests[0].path = format!("/status?code=500&body={EVIL}");
    r.stages[0].name = EVIL.into();
    r.stages[0].requests[0].name = EVIL.into();
    r.stages[2].requests[1].status_codes.insert(EVIL.into(), 1);
    r.thresholds[0].expression = EVIL.into();
    r.run.partial_reason = Some(EVIL.into());
    r.generator.warnings.push(EVIL.into());
    r.probes = json!({
        "profiles": [
            {"stage": EVIL, "kind": "cpu", "flame_graph": "flame.svg",
             "summary": {"unit": "nanoseconds", "total_value": 1_000_000_000u64,
                         "top": [{"name": EVIL, "flat": 1, "flat_share": 0.5, "cum": 1, "cum_share": 0.5}]}},
            {"stage": "spike", "failure": EVIL}
        ],
        "metrics": [{"name": "up", "labels": {"job": EVIL}, "kind": "gauge", "points": [[1.0, 1.0], [2.0, 1.0]]}]
    });
    let flame = BTreeMap::from([(
        "flame.svg".to_string(),
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg"><text>x</text><script>alert("{EVIL}")</script></svg>"#
        ),
    )]);
    (r, flame)
}

#[test]
fn nothing_user_controlled_becomes_markup() {
    let (r, flame) = hostile_result();
    let html = page(&r, &flame);
    assert!(
        !html.contains("<script"),
        "a <script> element made it into the page"
    );
    assert!(
        !html.contains(r#""x'"#),
        "an unescaped quote made it into the page"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;x&#39;"));
    // The flame graph is a separate, sandboxed document: its markup is not the page's.
    assert!(html.contains(r#"sandbox="allow-scripts" src="data:image/svg+xml;base64,PHN2Zy"#));
}

#[test]
fn the_page_is_self_contained() {
    let html = page(&sample_result(), &BTreeMap::new());
    for external in ["<link", "src=\"http", "src='http", "@import", "url(http"] {
        assert!(!html.contains(external), "external reference {external}");
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
}

#[test]
fn every_chart_and_section_is_present() {
    let html = page(&sample_result(), &BTreeMap::new());
    for id in [
        "chart-latency",
        "chart-throughput",
        "chart-concurrency",
        "chart-distribution",
        "id=\"thresholds\"",
        "id=\"requests\"",
        "id=\"errors\"",
        "id=\"generator\"",
    ] {
        assert!(html.contains(id), "missing {id}");
    }
    assert_eq!(html.matches("<svg").count(), 4);
    assert!(html.contains("1 OF 4 THRESHOLDS FAILED"));
    assert!(
        !html.contains("class=\"banner\""),
        "a clean run has no banner"
    );
    assert!(html.contains("timeout"), "error classes are listed");
    assert!(
        html.contains("<th class=\"num\">503</th>"),
        "status codes are listed"
    );
}

#[test]
fn partial_runs_and_generator_bottlenecks_get_the_red_banner() {
    let html = page(&troubled_result(), &BTreeMap::new());
    assert!(html.contains("class=\"banner\""));
    assert!(html.contains("Partial run:"));
    assert!(html.contains("interrupted (SIGINT)"));
    assert!(html.contains("generator was the bottleneck"));
    assert!(html.contains("scheduler lag p99 12.0ms exceeds 1ms"));
}

#[test]
fn probes_are_rendered_when_present() {
    let (r, flame) = hostile_result();
    let html = page(&r, &flame);
    assert!(html.contains("id=\"profiles\""));
    assert!(html.contains("The capture failed"));
    assert!(html.contains("id=\"metrics\""));
    assert_eq!(html.matches("<svg").count(), 5);
    let (mut r, _) = hostile_result();
    r.probes = json!({"profiles": [{"flame_graph": "missing.svg", "summary": {"top": []}}]});
    let html = page(&r, &BTreeMap::new());
    assert!(html.contains("missing.svg is not in the run directory"));
}

#[test]
fn an_empty_run_still_renders() {
    let html = page(&empty_result(), &BTreeMap::new());
    assert!(html.contains("no successful requests to show"));
    assert!(html.contains("no requests were sent"));
}

/// `LOADLAB_PREVIEW_DIR=/tmp/x cargo test --lib report::html` writes sample pages to look at.
#[test]
fn preview_pages_on_request() {
    let Some(dir) = std::env::var_os("LOADLAB_PREVIEW_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (hostile, flame) = hostile_result();
    let mut profiled = sample_result();
    profiled.probes = json!({"profiles": [{"stage": "steady", "kind": "cpu", "flame_graph": "cpu.svg",
    "summary": {"unit": "nanoseconds", "total_value": 3_000_000_000u64, "duration_ns": 10_000_000_000u64,
                "top": [{"name": "app::handler::checkout", "flat": 2, "flat_share": 0.42, "cum": 3, "cum_share": 0.61},
                        {"name": "serde_json::ser::format_escaped_str", "flat": 1, "flat_share": 0.12, "cum": 1, "cum_share": 0.2}]}}],
    "metrics": [
        {"name": "process_cpu_seconds_total", "labels": {"instance": "app-1"}, "kind": "counter", "unit_hint": "seconds",
         "points": [], "rate_points": (1..40).map(|t| [t as f64, if t < 10 { 0.2 } else if t < 30 { 0.7 } else { 1.6 }]).collect::<Vec<_>>()},
        {"name": "process_resident_memory_bytes", "kind": "gauge", "unit_hint": "bytes",
         "points": (0..40).map(|t| [t as f64, 5.0e7 + t as f64 * 1.0e6]).collect::<Vec<_>>()}
    ]});
    let folded: Vec<(String, u64)> = vec![
        (
            "main;app::serve;app::handler::checkout;sha2::compress".into(),
            420,
        ),
        (
            "main;app::serve;app::handler::checkout;serde_json::to_vec".into(),
            190,
        ),
        ("main;app::serve;hyper::proto::h1::parse".into(), 120),
    ];
    let svg = crate::probe::flame_graph_svg(&folded, "cpu · steady").unwrap();
    let flames = BTreeMap::from([("cpu.svg".to_string(), svg)]);
    for (name, r, f) in [
        ("profile.html", profiled, flames),
        ("sample.html", sample_result(), BTreeMap::new()),
        ("troubled.html", hostile, flame),
        ("empty.html", empty_result(), BTreeMap::new()),
        ("long.html", long_result(), BTreeMap::new()),
    ] {
        std::fs::write(dir.join(name), page(&r, &f)).unwrap();
    }
}
