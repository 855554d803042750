//! `loadlab capacity` end to end: the real binary against the demo target started by the test
//! on a loopback port. Every child is bounded in time and killed on drop.
//!
//! The known capacity: `/limited?ms=50` with 25 workers serves at most 25 × 1000 / 50 = 500
//! requests per second (a little less in practice: each 50 ms hold lasts about 51 ms with
//! tokio's 1 ms timer, so ≈ 490/s). `/limited?ms=2` with one worker would nominally be 500/s
//! too, but a 2 ms hold lasts about 3 ms, so that target saturates near 330/s.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The two searches share a 2-core machine badly; run them one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Starts `loadlab demo-target` on a free loopback port; returns it and its URL.
fn demo_target(limited_workers: usize) -> (support::ChildGuard, String) {
    support::spawn_demo_target(&["--limited-workers", &limited_workers.to_string()])
}

/// How a loadlab command ended.
struct Finished {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Runs loadlab with `args`, killed (and the test failed) after `limit`.
fn loadlab(args: &[&str], limit: Duration) -> Finished {
    let start = Instant::now();
    let (code, stdout, stderr) = support::run_loadlab(args, limit);
    Finished {
        code,
        stdout,
        stderr,
        took: start.elapsed(),
    }
}

fn scenario(dir: &Path, max_in_flight: usize, path: &str) -> PathBuf {
    let file = dir.join("scenario.toml");
    let text = format!(
        r#"
name = "capacity-test"
target = "http://127.0.0.1:1"
[http]
timeout = "5s"
max_in_flight = {max_in_flight}
[[request]]
name = "req"
path = "{path}"
[load]
model = "open"
[[load.stage]]
name = "s"
duration = "10s"
rate = "100/s"
"#
    );
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn finds_the_known_capacity_of_a_concurrency_limited_endpoint() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let (_target, url) = demo_target(25);
    let scenario = scenario(dir.path(), 256, "/limited?ms=50");
    let out = dir.path().join("capacity");
    let run = loadlab(
        &[
            "capacity",
            scenario.to_str().unwrap(),
            "--target",
            &url,
            "--slo",
            "p99<100ms,errors<1%",
            "--start-rate",
            "100",
            "--max-rate",
            "2000",
            "--step",
            "3s",
            "--out",
            out.to_str().unwrap(),
        ],
        Duration::from_secs(120),
    );
    eprintln!("{}{}took {:?}", run.stdout, run.stderr, run.took);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("capacity.json")).unwrap()).unwrap();
    let capacity = result["max_rate_meeting_slo"].as_f64().expect("a capacity");
    assert!(
        (450.0..=550.0).contains(&capacity),
        "capacity {capacity} req/s is not within 10% of 500 req/s"
    );
    assert_eq!(result["end"]["kind"], "found");
    let knee = result["knee"]["rate"].as_f64().expect("a knee");
    assert!(knee > 400.0, "knee {knee}");
    let steps = result["steps"].as_array().unwrap();
    assert!(steps.len() >= 5, "grew, then refined: {steps:?}");
    for s in steps {
        assert!(s["rate"].as_f64().unwrap() <= 2000.0);
        let file = out.join(s["result"].as_str().unwrap());
        assert!(file.is_file(), "{} is written", file.display());
    }
    for view in ["capacity.md", "capacity.html"] {
        assert!(out.join(view).is_file(), "{view}");
    }
    let html = std::fs::read_to_string(out.join("capacity.html")).unwrap();
    assert!(html.contains("<svg") && !html.contains("<script"));
    assert!(run.stdout.contains("capacity: ") && run.stdout.contains("knee: "));
}

#[test]
fn refuses_to_call_its_own_in_flight_cap_the_capacity() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let (_target, url) = demo_target(1);
    // 2 requests in flight of 20 ms each: loadlab can carry at most ~95/s; the target far more.
    let scenario = scenario(dir.path(), 2, "/delay?ms=20");
    let out = dir.path().join("capacity");
    let run = loadlab(
        &[
            "capacity",
            scenario.to_str().unwrap(),
            "--target",
            &url,
            "--slo",
            "p99<100ms",
            "--start-rate",
            "50",
            "--step",
            "3s",
            "--out",
            out.to_str().unwrap(),
        ],
        Duration::from_secs(60),
    );
    eprintln!("{}{}took {:?}", run.stdout, run.stderr, run.took);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("loadlab was the limit") && run.stderr.contains("max_in_flight"),
        "{}",
        run.stderr
    );
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("capacity.json")).unwrap()).unwrap();
    assert_eq!(result["end"]["kind"], "generator_limited");
    let last = result["steps"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["generator_limited"], true);
    assert!(last["rate"].as_f64().unwrap() <= 200.0, "{last}");
}

#[test]
fn bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = scenario(dir.path(), 2, "/fast");
    for slo in ["p99>100ms", "p99<100", "rate<5/s"] {
        let run = loadlab(
            &["capacity", scenario.to_str().unwrap(), "--slo", slo],
            Duration::from_secs(20),
        );
        assert_eq!(run.code, 2, "{slo}: {}", run.stderr);
        assert!(run.stderr.contains("--slo"), "{}", run.stderr);
    }
}
