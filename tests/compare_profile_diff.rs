//! End to end: the profile diff of `loadlab compare` finds a real change in a real Go service.
//! The same scenario runs against `tests/fixtures/go-service` with its hot path on (base) and
//! switched off with `-hot=false` (candidate); the comparison must name `loadlabHotPath` as
//! the top improvement in CPU per request, and exit 0 (nothing regressed). The compare report
//! is then opened in headless Chromium, as is the base run's report (it embeds a real flame
//! graph): no console errors, every chart present, a screenshot that is not blank.
//!
//! Needs Debian's `golang-go` (and `chromium` for the browser part): missing tools fail the
//! test under `CI=true` and skip it elsewhere. Every child process runs under a timeout.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::browser;

const HOT_FUNCTION: &str = "loadlabHotPath";

/// One open-model stage of 6 s at 200/s with 1 s of warm-up. `n=600000` makes one `/work`
/// request spend about 1 ms in `loadlabHotPath` with the hot path on (~0.2 core), so the
/// function dominates the base profile (tests/probes_go.rs says why 1 ms and not less); with
/// it off the handler returns at once. The profile covers the stage's measured window
/// (warm-up + 0.5 s to end − 0.5 s: about 4 s).
fn scenario(target: &str) -> String {
    format!(
        r#"
name = "go-profile-diff"
target = "{target}"

[http]
timeout = "5s"

[[request]]
name = "work"
path = "/work?n=600000"

[load]
model = "open"

[[load.stage]]
name = "steady"
duration = "6s"
rate = "200/s"
warmup = "1s"

[profile]
url = "/debug/pprof/profile"
stages = ["steady"]
"#
    )
}

/// Runs the scenario against a Go service started with `args`, into `dir/name`.
fn run_against(bin: &Path, args: &[&str], scenario: &Path, out: &Path) {
    let (mut service, url) = support::spawn_go_service(bin, args);
    let started = Instant::now();
    let (code, stdout, stderr) = support::run_loadlab(
        &[
            "run".as_ref(),
            scenario.as_os_str(),
            "--target".as_ref(),
            url.as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
            "-q".as_ref(),
        ],
        Duration::from_secs(60),
    );
    eprintln!(
        "run {} ({args:?}) took {:.1?}",
        out.display(),
        started.elapsed()
    );
    assert_eq!(
        code, 0,
        "loadlab run failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    service.assert_running();
    let result = support::read_result(out);
    let profile = &result["probes"]["profiles"][0];
    assert_eq!(
        profile["status"],
        "ok",
        "the CPU capture of {} failed: {profile}",
        out.display()
    );
}

/// `loadlab compare base candidate` with every view → (exit code, comparison.json,
/// the compare directory, what it printed).
fn compare(base: &Path, candidate: &Path, out: &Path) -> (i32, Value, PathBuf, String) {
    let (code, stdout, stderr) = support::run_loadlab(
        &[
            "compare".as_ref(),
            base.as_os_str(),
            candidate.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "--format".as_ref(),
            "terminal,json,html,md,junit".as_ref(),
        ],
        Duration::from_secs(60),
    );
    let dir = out.join("compare-base-vs-candidate");
    let text = std::fs::read_to_string(dir.join("comparison.json"))
        .unwrap_or_else(|e| panic!("comparison.json ({e})\nstdout:\n{stdout}\nstderr:\n{stderr}"));
    let json = serde_json::from_str(&text).expect("comparison.json parses");
    (code, json, dir, stdout + &stderr)
}

#[test]
fn switching_the_hot_path_off_is_the_top_cpu_per_request_improvement() {
    let Some(go) = support::require_tool("go") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let bin = support::build_go_service(&go, tmp.path());
    let scenario = support::write_scenario(tmp.path(), &scenario("http://127.0.0.1:9"));
    let (base, candidate) = (tmp.path().join("base"), tmp.path().join("candidate"));
    run_against(&bin, &[], &scenario, &base);
    run_against(&bin, &["-hot=false"], &scenario, &candidate);

    let (code, json, dir, out) = compare(&base, &candidate, &tmp.path().join("reports"));
    assert_eq!(code, 0, "compare exit status (nothing regressed): {out}");
    let profile = &json["profile"];
    assert!(profile.is_object(), "no profile diff in the JSON: {out}");
    assert_eq!(profile["stage"], "steady");
    assert!(
        profile["base_requests"].as_u64().unwrap_or(0) > 0,
        "{profile}"
    );
    assert!(
        profile["candidate_requests"].as_u64().unwrap_or(0) > 0,
        "{profile}"
    );
    let top = &profile["improvements"][0];
    let name = top["name"].as_str().unwrap_or_default();
    assert!(
        name.contains(HOT_FUNCTION),
        "the top improvement is {name:?}, not {HOT_FUNCTION}: {:#}",
        profile["improvements"]
    );
    let before = top["before_ns_per_req"].as_f64().expect("before ns/req");
    let after = top["after_ns_per_req"].as_f64().expect("after ns/req");
    let change = (after / before - 1.0) * 100.0;
    eprintln!(
        "{name}: {:.1} µs → {:.1} µs CPU per request ({change:+.1}%), {}",
        before / 1e3,
        after / 1e3,
        top["change"]
    );
    // About 1 ms of work per request when on; none when off (the function is gone).
    assert!(before > 300_000.0, "{name} costs only {before} ns/request");
    assert!(
        after < before * 0.05,
        "{name} still costs {after} ns/request"
    );
    assert!(change <= -95.0, "change {change}%");
    // Whatever got more expensive per request (the runtime's share of a near-idle process,
    // a few 10 ms samples) is far smaller than the improvement: it is the top change.
    if let Some(worst) = profile["regressions"].get(0) {
        let delta = worst["delta_ns_per_req"].as_f64().unwrap_or(0.0);
        assert!(
            delta < (before - after) * 0.5,
            "a regression as large as the improvement: {worst}"
        );
    }
    let md = std::fs::read_to_string(dir.join("comparison.md")).expect("comparison.md");
    assert!(
        md.contains(HOT_FUNCTION),
        "comparison.md names the function"
    );
    let junit = std::fs::read_to_string(dir.join("comparison.junit.xml")).expect("junit");
    assert!(junit.contains(r#"<testcase name="(all) p50""#), "{junit}");
    assert!(!junit.contains("<failure"), "nothing regressed: {junit}");

    // A near-idle candidate may give its profile no samples at all: zero CPU, still a diff,
    // but no differential flame graph can be drawn from it.
    let candidate_sampled = support::read_result(&candidate)["probes"]["profiles"][0]["folded"]
        .as_array()
        .is_some_and(|f| !f.is_empty());
    compare_report_renders_in_chromium(&dir.join("index.html"), candidate_sampled);
    run_report_with_flame_graph_renders_in_chromium(&base.join("index.html"));
}

/// Part of the test above (one test, so the runs are made once): the compare page in Chromium.
fn compare_report_renders_in_chromium(page: &Path, candidate_sampled: bool) {
    let html = std::fs::read_to_string(page).expect("compare index.html");
    let ids = browser::figure_ids(&html);
    assert!(
        ids.iter().any(|id| id == "chart-percentiles-0"),
        "no percentile chart in {ids:?}"
    );
    if candidate_sampled {
        assert!(
            ids.iter().any(|id| id == "chart-flame-diff"),
            "no differential flame graph in {ids:?}"
        );
    } else {
        eprintln!("the candidate's profile caught no samples: no differential flame graph");
        assert!(html.contains("No differential flame graph"));
    }
    let Some(chromium) = browser::chromium() else {
        return;
    };
    browser::assert_renders(&chromium, page, &ids, 30_000);
}

/// The base run's own report embeds the Go profile's flame graph (its script runs in a
/// sandboxed frame): it must log nothing to the console either.
fn run_report_with_flame_graph_renders_in_chromium(page: &Path) {
    let html = std::fs::read_to_string(page).expect("run index.html");
    assert!(
        html.contains(r#"<iframe class="flame""#),
        "the run report embeds no flame graph"
    );
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let ids = browser::figure_ids(&html);
    browser::assert_renders(&chromium, page, &ids, 30_000);
}
