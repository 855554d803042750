//! Probes against loadlab's own demo target (Rust, a pprof-rs `/debug/pprof/profile` endpoint
//! speaking Go's protocol), started as a separate process on loopback.

mod support;

use loadlab::probe::{CaptureStatus, ProbeResults};
use std::thread::JoinHandle;
use std::time::Duration;

const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `loadlab run SCENARIO --out DIR -q` and returns its probe results; panics unless it
/// exits 0.
fn run_and_read_probes(dir: &std::path::Path, scenario: &str) -> ProbeResults {
    let scenario = support::write_scenario(dir, scenario);
    let out = dir.join("run");
    let result = support::run_scenario_ok(&scenario, &out, RUN_TIMEOUT);
    ProbeResults::from_value(&result["probes"])
}

/// Proves, against the pprof-rs endpoint: the `high` stage's CPU capture decodes, and
/// `demo_cpu_burn` (the `/cpu` handler's work) holds ≥ 40% of samples, as the top flat function
/// or its cumulative parent; CPU per 1,000 requests from the profile is consistent with the
/// process's own figure (see below for why the band is wider than for Go); the demo target's
/// CPU cores used rise from `low` (50/s) to `high` (200/s).
#[test]
fn demo_target_profile_shows_demo_cpu_burn() {
    let (mut target, url) = support::spawn_demo_target(&[]);
    let tmp = tempfile::tempdir().unwrap();
    // `work=100000` is about 1.1 ms of CPU per request: ~0.25 core at 200/s. Requests of 1 ms
    // rather than 100 µs keep the sampling profiler honest (see `tests/probes_go.rs`).
    let probes = run_and_read_probes(
        tmp.path(),
        &format!(
            r#"
name = "demo-probes"
target = "{url}"

[[request]]
name = "cpu"
path = "/cpu?work=100000"

[load]
model = "open"

[[load.stage]]
name = "low"
duration = "4s"
rate = "50/s"

[[load.stage]]
name = "high"
duration = "8s"
rate = "200/s"
warmup = "1s"

[thresholds]
errors = "< 1%"

[profile]
url = "/debug/pprof/profile"
stages = ["high"]

[metrics]
url = "/metrics"
interval = "1s"
"#
        ),
    );
    target.assert_running();

    assert_eq!(probes.profiles.len(), 1, "one CPU capture: {probes:#?}");
    let capture = &probes.profiles[0];
    assert_eq!(
        capture.status,
        CaptureStatus::Ok,
        "capture failed: {:?}",
        capture.reason
    );
    assert!(capture.raw_file.is_some(), "raw .pb.gz kept");
    support::assert_dominates(capture, "demo_cpu_burn");
    // pprof-rs reads low, and lower the busier the machine. It drops every sample whose
    // interrupted instruction lies in a blocklisted library (libc, libgcc, pthread, vdso: the
    // demo target's list, against unwinding deadlocks), which is where each syscall returns
    // to, and samples that find its profiler lock taken; its one process-wide SIGPROF timer
    // presumably also loses signals that arrive while one is pending on a preempted thread.
    // Measured here over 11 runs: 0.45–1.07 of the process's own CPU per 1,000 requests, mostly
    // 0.55–0.85 and lowest at load averages near 9 on 2 cores, while Go's per-thread timers held
    // 0.81–0.88. So this checks a sanity band of 0.25–1.3 (units and window right, nothing
    // counted twice), not the ±30% the Go test holds.
    let profiled = capture.cpu_seconds_per_1k_requests.expect("profile CPU/1k");
    let process = capture
        .process_cpu_seconds_per_1k_requests
        .expect("process CPU/1k");
    let ratio = profiled / process;
    eprintln!(
        "CPU s per 1k requests: profile {profiled:.4}, process {process:.4} (ratio {ratio:.3})"
    );
    assert!(
        (0.25..=1.3).contains(&ratio),
        "profile says {profiled} CPU s per 1k requests, the process {process}"
    );

    let cores = &probes.metrics.expect("metrics scraped").cpu_cores_by_stage;
    let by = |stage: &str| {
        cores
            .iter()
            .find(|v| v.stage == stage)
            .unwrap_or_else(|| panic!("no CPU cores for {stage}: {cores:?}"))
            .value
    };
    let (low, high) = (by("low"), by("high"));
    eprintln!("CPU cores used: low {low:.3}, high {high:.3}");
    assert!(
        high > 2.0 * low && low > 0.0,
        "CPU cores should rise from low ({low}) to high ({high})"
    );
}

/// Proves that a capture the target refuses because another one is running is recorded as a
/// failed capture with the server's own reason, and that the run still passes: the test holds
/// the demo target's only profiling slot for longer than the whole run before it starts.
#[test]
fn capture_refused_while_another_runs_is_failed_with_the_servers_reason_and_the_run_passes() {
    let (mut target, url) = support::spawn_demo_target(&[]);
    let holder = hold_the_profiler(&url);
    let tmp = tempfile::tempdir().unwrap();
    let probes = run_and_read_probes(
        tmp.path(),
        &format!(
            r#"
name = "demo-busy"
target = "{url}"

[[request]]
name = "fast"
path = "/fast"

[load]
model = "open"

[[load.stage]]
name = "steady"
duration = "4s"
rate = "100/s"
warmup = "1s"

[thresholds]
errors = "< 1%"

[profile]
url = "/debug/pprof/profile"
stages = ["steady"]
"#
        ),
    );
    target.assert_running();
    assert_eq!(probes.profiles.len(), 1, "one CPU capture: {probes:#?}");
    let capture = &probes.profiles[0];
    eprintln!("refused capture: {:?}", capture.reason);
    assert_eq!(capture.status, CaptureStatus::Failed);
    let reason = capture.reason.as_deref().unwrap_or_default();
    assert!(
        reason.contains("cpu profiling already in use"),
        "the reason should quote the server: {reason:?}"
    );
    assert!(capture.summary.is_none() && capture.raw_file.is_none());
    // Ending the target ends the held capture: its request returns (with an error) at once.
    drop(target);
    let _ = holder.join();
}

/// Sends a 60 s CPU capture request to the demo target (read by a background thread) and
/// returns once the target refuses a second one, so the slot is certainly held. The rare case
/// where the check wins the slot anyway (two connections, two server tasks) is retried.
fn hold_the_profiler(url: &str) -> JoinHandle<std::io::Result<(u16, String)>> {
    let profile = format!("{url}/debug/pprof/profile");
    for _ in 0..3 {
        let holder = support::send_get(&format!("{profile}?seconds=60"), Duration::from_secs(90))
            .expect("send the holding capture request");
        let check = support::http_get(&format!("{profile}?seconds=1"), Duration::from_secs(10));
        match check {
            Ok((500, body)) if body.contains("already in use") => return holder,
            // The check took the slot first: the holder was refused and has returned.
            Ok((200, _)) => {
                let refused = holder.join().expect("holder thread");
                assert!(
                    matches!(&refused, Ok((500, _))),
                    "holder should have been refused: {refused:?}"
                );
            }
            other => panic!("unexpected answer to the check capture: {other:?}"),
        }
    }
    panic!("could not hold the profiler in 3 attempts")
}
