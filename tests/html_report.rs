//! End to end: `loadlab run` against the built-in demo target writes `index.html`, which
//! headless Chromium opens from disk — every chart in the DOM, a screenshot that is not blank,
//! no script errors — and in which nothing the scenario or the target controls became markup.
//!
//! Chromium is Debian's `chromium` (`/usr/bin/chromium`, or `$CHROMIUM`). Without it the browser
//! checks fail when `CI=true` and are skipped with a notice otherwise. Every child process runs
//! under a timeout.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const CHART_IDS: [&str; 4] = [
    "chart-latency",
    "chart-throughput",
    "chart-concurrency",
    "chart-distribution",
];

/// Runs `cmd` to completion or kills it after `limit`; stdout and stderr are collected.
fn run_bounded(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

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
        let output = run_bounded(
            loadlab()
                .arg("run")
                .arg(&scenario)
                .arg("--out")
                .arg(&out_dir)
                .arg("--quiet"),
            Duration::from_secs(90),
        );
        assert!(
            output.status.success(),
            "loadlab run failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        out_dir
    })
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() {
        return Some(path);
    }
    let message = format!(
        "headless Chromium not found at {} (install Debian's `chromium`, or set CHROMIUM)",
        path.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{message}: the browser checks cannot be skipped in CI");
    }
    eprintln!("notice: {message}; skipping the browser checks");
    None
}

/// Runs headless Chromium on `page` with `args`, logging the console to stderr.
fn browse(chromium: &Path, page: &Path, args: &[&str]) -> Output {
    let profile = tempfile::tempdir().expect("profile dir");
    let url = format!("file://{}", page.display());
    let output = run_bounded(
        Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(args)
            .arg(url),
        Duration::from_secs(90),
    );
    assert!(
        output.status.success(),
        "chromium failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Fails on script errors the page (or a frame in it) logged to the console.
fn assert_no_script_errors(output: &Output) {
    let log = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("Uncaught") || l.contains("SyntaxError"))
        .collect();
    assert!(errors.is_empty(), "console errors:\n{}", errors.join("\n"));
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
    let Some(chromium) = chromium() else { return };

    let dom = browse(&chromium, &html_path, &["--dump-dom"]);
    assert_no_script_errors(&dom);
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    for id in CHART_IDS {
        let start = dom_text
            .find(&format!(r#"id="{id}""#))
            .unwrap_or_else(|| panic!("the DOM lacks figure {id}"));
        let figure = &dom_text[start..];
        let figure = &figure[..figure.find("</figure>").expect("figure closes")];
        assert!(
            figure.contains("<svg"),
            "figure {id} has no <svg> in the DOM"
        );
        assert!(!figure.contains("chart-error"), "chart {id} failed to draw");
    }

    let png = dir.join("screenshot.png");
    let shot = browse(
        &chromium,
        &html_path,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
        ],
    );
    assert_no_script_errors(&shot);
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(
        bytes.len() > 30_000,
        "screenshot only {} bytes",
        bytes.len()
    );
    let distinct = distinct_pixel_bytes(&bytes);
    assert!(
        distinct > 32,
        "screenshot looks blank ({distinct} distinct byte values)"
    );
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

    let output = run_bounded(
        loadlab()
            .arg("report")
            .arg(dir.path())
            .arg("--format")
            .arg("html,md,junit,json,terminal"),
        Duration::from_secs(60),
    );
    assert!(
        output.status.success(),
        "loadlab report failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in ["index.html", "summary.md", "junit.xml", "result.json"] {
        assert!(
            dir.path().join(file).exists(),
            "report did not write {file}"
        );
    }
    assert!(String::from_utf8_lossy(&output.stdout).contains("steady"));
    let junit = read(&dir.path().join("junit.xml"));
    assert!(junit.contains(r#"<testcase name="steady:fast.p99 &lt; 2s""#));
    let html = read(&dir.path().join("index.html"));
    assert!(html.contains(r#"sandbox="allow-scripts" src="data:image/svg+xml;base64,"#));

    let Some(chromium) = chromium() else { return };
    let dom = browse(
        &chromium,
        &dir.path().join("index.html"),
        &["--dump-dom", "--virtual-time-budget=2000"],
    );
    assert_no_script_errors(&dom);
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    assert!(dom_text.contains(r#"<iframe class="flame""#));
}

/// Distinct byte values in a PNG's decompressed image data: a blank page has a handful.
fn distinct_pixel_bytes(png: &[u8]) -> usize {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let mut idat = Vec::new();
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes")) as usize;
        let kind = &png[at + 4..at + 8];
        let data = &png[at + 8..(at + 8 + len).min(png.len())];
        if kind == b"IDAT" {
            idat.extend_from_slice(data);
        }
        at += 12 + len;
    }
    let mut pixels = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut pixels)
        .expect("PNG image data inflates");
    let mut seen = [false; 256];
    pixels.iter().for_each(|b| seen[*b as usize] = true);
    seen.iter().filter(|s| **s).count()
}
