//! End to end: `loadlab run` against the built-in demo target writes `index.html`, which
//! headless Chromium opens from disk — every chart in the DOM, a screenshot that is not blank,
//! no console messages — and in which nothing the scenario or the target controls became markup.
//!
//! Chromium is Debian's `chromium` (`/usr/bin/chromium`, or `$CHROMIUM`). Without it the browser
//! checks fail when `CI=true` and are skipped with a notice otherwise. Every child process runs
//! under a timeout.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;
use support::browser;

const CHART_IDS: [&str; 4] = [
    "chart-latency",
    "chart-throughput",
    "chart-concurrency",
    "chart-distribution",
];

fn loadlab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_loadlab"))
}

/// One 3-second run against the demo target, shared by the tests of this file.
fn demo_run() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // Under cargo's per-target temp dir (never /tmp litter); the pid keeps concurrent
        // test processes sharing a target dir apart.
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("html_report-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("temp dir");
        let scenario = root.join("report.toml");
        std::fs::write(
            &scenario,
            r#"name = "html report <b>check</b>"
target = "demo"

[http]
timeout = "2s"
max_in_flight = 64

[[request]]
name = "fast"
path = "/fast"
weight = 3

[[request]]
name = "<script>alert(1)</script>\"x"
path = "/status?code=500&body=%3Cscript%3Ealert(1)%3C/script%3E%22x"
weight = 1

[load]
model = "open"

[[load.stage]]
name = "warm"
duration = "1s"
rate = "100/s"

[[load.stage]]
name = "steady"
duration = "2s"
rate = "200/s"

[thresholds]
"steady:fast.p99" = "< 2s"
"#,
        )
        .expect("write scenario");
        let out_dir = root.join("run");
        let mut cmd = loadlab();
        cmd.arg("run")
            .arg(&scenario)
            .arg("--out")
            .arg(&out_dir)
            .arg("--quiet");
        let (code, _, stderr) = support::run_bounded(cmd, Duration::from_secs(90));
        assert_eq!(code, 0, "loadlab run failed: {stderr}");
        out_dir
    })
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_run_report_renders_in_chromium() {
    let dir = demo_run();
    let html_path = dir.join("index.html");
    assert!(dir.join("summary.md").exists(), "run writes summary.md");
    let html = read(&html_path);
    for id in CHART_IDS {
        assert!(
            html.contains(&format!(r#"id="{id}""#)),
            "index.html lacks {id}"
        );
    }
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let ids = browser::figure_ids(&html);
    for id in CHART_IDS {
        assert!(ids.iter().any(|i| i == id), "{id} is not a figure: {ids:?}");
    }
    browser::assert_renders(&chromium, &html_path, &ids, 30_000);
}

#[test]
fn text_from_the_scenario_and_target_is_escaped() {
    let dir = demo_run();
    let html = read(&dir.join("index.html"));
    assert!(!html.contains("<script"), "a <script> reached the page");
    assert!(
        !html.contains("<b>check</b>"),
        "scenario name markup reached the page"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;x"));
    assert!(html.contains("html report &lt;b&gt;check&lt;/b&gt;"));
    assert!(
        html.contains("body=%3Cscript%3Ealert(1)%3C/script%3E%22x"),
        "the request path is shown (as written)"
    );
    let md = read(&dir.join("summary.md"));
    assert!(!md.contains("<script") && !md.contains("<b>"));
}

#[test]
fn report_re_renders_views_and_embeds_flame_graphs() {
    let run = demo_run();
    let dir = tempfile::tempdir().expect("temp dir");
    // A copy of the run with a profile attached, as the probes would leave it.
    let mut result: serde_json::Value =
        serde_json::from_str(&read(&run.join("result.json"))).expect("result.json parses");
    let folded = vec![
        ("main;serve;handler;hash".to_string(), 600),
        ("main;serve;handler;encode".to_string(), 250),
        ("main;serve;parse".to_string(), 150),
    ];
    let svg = loadlab::probe::flame_graph_svg(&folded, "cpu · steady").expect("flame graph");
    std::fs::create_dir(dir.path().join("profiles")).expect("mkdir");
    std::fs::write(dir.path().join("profiles/cpu-steady.svg"), svg).expect("write svg");
    result["probes"] = serde_json::json!({"profiles": [{
        "stage": "steady", "kind": "cpu", "flame_graph": "profiles/cpu-steady.svg",
        "summary": {"kind": "cpu", "unit": "nanoseconds", "total_value": 1_000_000_000u64,
                    "top": [{"name": "handler", "flat": 0, "flat_share": 0.0, "cum": 850, "cum_share": 0.85}]}
    }]});
    std::fs::write(dir.path().join("result.json"), result.to_string()).expect("write result");

    let mut cmd = loadlab();
    cmd.arg("report")
        .arg(dir.path())
        .arg("--format")
        .arg("html,md,junit,json,terminal");
    let (code, stdout, stderr) = support::run_bounded(cmd, Duration::from_secs(60));
    assert_eq!(code, 0, "loadlab report failed: {stderr}");
    for file in ["index.html", "summary.md", "junit.xml", "result.json"] {
        assert!(
            dir.path().join(file).exists(),
            "report did not write {file}"
        );
    }
    assert!(stdout.contains("steady"));
    let junit = read(&dir.path().join("junit.xml"));
    assert!(junit.contains(r#"<testcase name="steady:fast.p99 &lt; 2s""#));
    let html = read(&dir.path().join("index.html"));
    assert!(html.contains(r#"sandbox="allow-scripts" src="data:image/svg+xml;base64,"#));

    // The flame graph's own script runs in its sandboxed frame: it must log nothing (a fluid
    // width once set a negative `width` there, which Chromium reports on the console).
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let page = dir.path().join("index.html");
    let dom = browser::browse(
        &chromium,
        &page,
        &["--dump-dom", "--virtual-time-budget=2000"],
    );
    browser::assert_no_console_messages(&dom);
    assert!(dom.stdout.contains(r#"<iframe class="flame""#));
    let ids = browser::figure_ids(&html);
    browser::assert_renders(&chromium, &page, &ids, 30_000);
}

/// The console check is not a rubber stamp: a page that sets a negative SVG width (what
/// inferno's fluid-width script did inside the report's flame graph frame) is caught.
#[test]
fn the_console_check_catches_svg_attribute_errors() {
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("negative.html");
    std::fs::write(
        &page,
        r#"<!DOCTYPE html><html><body><svg width="100" height="20"><rect id="r" width="10" height="10"/></svg>
<script>document.getElementById("r").setAttribute("width", "-20");</script></body></html>"#,
    )
    .expect("write page");
    let browsed = browser::browse(&chromium, &page, &["--dump-dom"]);
    let messages = browser::console_messages(&browsed.log);
    assert!(
        messages
            .iter()
            .any(|m| m.contains("attribute width: A negative value is not valid")),
        "not caught; the log was:\n{}",
        browsed.log
    );
}
