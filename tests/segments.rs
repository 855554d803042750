//! Segments end to end: three `loadlab run --segment i/3` processes in parallel against one
//! demo target, then `loadlab merge`; and merge's refusals, through the real binary.

mod segments_support;
mod support;

use loadlab::metrics::{LatencyHistogram, RunResult, RunStatus};
use loadlab::run::output::read_result;
use segments_support::{open_scenario, spawn, start_at};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;
use support::process::{loadlab, output_within};
use support::spawn_demo_target;

/// Runs `loadlab ARGS…` to completion (at most `limit`) and returns its output.
fn run(args: &[&str], limit: Duration) -> Output {
    output_within(loadlab().args(args), limit)
}

const RATE: u32 = 1_500;
const SECONDS: u32 = 6;

/// Runs `count` segments of `scenario` in parallel, all starting `lead` from now.
fn run_segments(
    dir: &Path,
    url: &str,
    scenario: &Path,
    count: u32,
    lead: Duration,
) -> Vec<PathBuf> {
    let at = start_at(lead);
    let scenario = scenario.to_str().expect("utf-8 path");
    let mut children = Vec::new();
    let mut dirs = Vec::new();
    for i in 0..count {
        let out = dir.join(format!("segment-{i}"));
        let segment = format!("{i}/{count}");
        let args = [
            "run",
            scenario,
            "--segment",
            &segment,
            "--start-at",
            &at,
            "--target",
            url,
            "--threads",
            "1",
            "--out",
            out.to_str().expect("utf-8 path"),
            "-q",
        ];
        children.push(spawn(&args, dir, &format!("segment-{i}")));
        dirs.push(out);
    }
    for (i, child) in children.iter_mut().enumerate() {
        let status = child.wait_bounded(Duration::from_secs(90));
        let log =
            std::fs::read_to_string(dir.join(format!("segment-{i}.stderr"))).unwrap_or_default();
        // Segment thresholds judge a share of the load: a segment exits 0 either way.
        assert_eq!(status.code(), Some(0), "segment {i} failed: {log}");
    }
    dirs
}

/// A merged run is a normal run: its result.json validates against the checked-in schema.
fn assert_matches_schema(path: &Path) {
    let read = |p: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("JSON")
    };
    let schema = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/result.schema.json"));
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let instance = read(path);
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "merged result.json violates the schema: {errors:?}"
    );
}

fn steady_latency(r: &RunResult) -> LatencyHistogram {
    r.summary(Some("steady"), None).latency
}

#[test]
fn three_parallel_segments_merge_exactly() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (_target, url) = spawn_demo_target(&[]);
    let scenario = tmp.path().join("segments.toml");
    std::fs::write(&scenario, open_scenario("segments", RATE, SECONDS)).expect("write scenario");
    let dirs = run_segments(tmp.path(), &url, &scenario, 3, Duration::from_secs(2));
    let merged_dir = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(dirs.iter().map(|d| d.to_str().expect("utf-8")));
    args.extend(["--out", merged_dir.to_str().expect("utf-8"), "-q"]);
    let out = run(&args, Duration::from_secs(30));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "merge failed: {stderr}"
    );

    let parts: Vec<RunResult> = dirs
        .iter()
        .map(|d| read_result(d).expect("segment result"))
        .collect();
    let merged = read_result(&merged_dir).expect("merged result");
    assert_matches_schema(&merged_dir.join("result.json"));
    assert_eq!(merged.run.segment, None);
    assert_eq!(merged.run.status, RunStatus::Complete);

    // Every arrival of the single-machine schedule, dealt once.
    let (sent, dropped, _) = merged.all_counts();
    let expected = (RATE * SECONDS) as f64;
    let arrivals = (sent + dropped) as f64;
    eprintln!("merged arrivals {arrivals} (sent {sent}, dropped {dropped}), expected {expected}");
    assert!(
        (arrivals - expected).abs() <= expected * 0.01,
        "{arrivals} arrivals, expected {expected}"
    );

    // The merged histogram is exactly the parts' histograms added.
    let mut added = LatencyHistogram::new();
    parts.iter().for_each(|p| added.add(&steady_latency(p)));
    let got = steady_latency(&merged);
    let parts_count: u64 = parts.iter().map(|p| steady_latency(p).count()).sum();
    assert_eq!(got.count(), parts_count);
    assert_eq!(got.count(), added.count());
    for q in [50.0, 90.0, 99.0, 99.9, 100.0] {
        assert_eq!(got.percentile(q), added.percentile(q), "p{q}");
    }
    eprintln!(
        "merged: {} samples, p50 {} µs, p99 {} µs, max {} µs",
        got.count(),
        got.percentile(50.0),
        got.percentile(99.0),
        got.max()
    );

    // Thresholds are judged on the merged run: each segment serves a third of the rate.
    let rate = |r: &RunResult| {
        r.thresholds
            .iter()
            .find(|t| t.expression.starts_with("steady:rate"))
            .cloned()
            .expect("rate threshold")
    };
    assert!(
        parts.iter().all(|p| !rate(p).passed),
        "a segment alone met the whole rate"
    );
    let merged_rate = rate(&merged);
    assert!(
        merged_rate.passed,
        "merged rate {:?}",
        merged_rate.observed_text
    );
    let timeline_sent: u64 = merged.timeline.iter().map(|s| s.sent as u64).sum();
    assert_eq!(timeline_sent, sent);
}

#[test]
fn merge_refuses_other_scenarios_and_missing_segments() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (_target, url) = spawn_demo_target(&[]);
    let scenario = tmp.path().join("small.toml");
    std::fs::write(&scenario, open_scenario("small", 30, 1)).expect("write scenario");
    let dirs = run_segments(tmp.path(), &url, &scenario, 3, Duration::from_millis(500));
    let path = |p: &Path| p.to_str().expect("utf-8").to_string();

    // Segment 1 missing: refused, naming the index, unless --allow-partial.
    let partial_out = tmp.path().join("partial");
    let args = [
        "merge",
        &path(&dirs[0]),
        &path(&dirs[2]),
        "--out",
        &path(&partial_out),
        "-q",
    ];
    let out = run(&args, Duration::from_secs(30));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("missing index 1"), "{stderr}");
    let out = run(
        &[&args[..], &["--allow-partial"]].concat(),
        Duration::from_secs(30),
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged = read_result(&partial_out).expect("partial merge written");
    assert_eq!(merged.run.status, RunStatus::Partial);
    assert!(merged
        .run
        .partial_reason
        .unwrap_or_default()
        .contains("segment index 1 of 3"));

    // A segment of another scenario: refused, naming both digests.
    let mut other: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dirs[2].join("result.json")).expect("read"))
            .expect("json");
    let digest = other["scenario"]["digest"]
        .as_str()
        .expect("digest")
        .to_string();
    other["scenario"]["digest"] = "0123456789abcdef".into();
    let other_dir = tmp.path().join("other");
    std::fs::create_dir_all(&other_dir).expect("mkdir");
    std::fs::write(other_dir.join("result.json"), other.to_string()).expect("write");
    let args = [
        "merge",
        &path(&dirs[0]),
        &path(&dirs[1]),
        &path(&other_dir),
        "-q",
    ];
    let out = run(&args, Duration::from_secs(30));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&digest) && stderr.contains("0123456789abcdef"),
        "{stderr}"
    );

    // Not a run directory at all.
    let out = run(&["merge", &path(tmp.path())], Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("result.json"));
}
