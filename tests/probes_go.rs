//! Probes against a real Go service: `tests/fixtures/go-service`, built here with Debian's
//! `golang-go` (standard library only, `net/http/pprof`), profiled and scraped by a
//! `loadlab run` over loopback.

mod support;

use loadlab::probe::{CaptureStatus, ProbeResults, ProfileCapture, StageValue};
use std::time::Duration;

/// Two open-model stages: `low` (50/s) then `high` (200/s, 1 s warm-up). `n=600000` makes one
/// `/work` request spend about 1 ms in `loadlabHotPath`, so `high` keeps the service near 0.25
/// core: well below the machine's 2 cores, with room for loadlab and whatever else runs.
///
/// Why 1 ms and not the fixture's default 200 µs: on the 2-vCPU development VM the Go runtime
/// and the kernel spend ~170 µs of CPU per request of their own (syscalls, futex wake-ups), so
/// at 200 µs the hot path is only about half the CPU; and short bursts of work on mostly idle
/// CPUs are under-sampled (presumably because CPU-time timers are checked on scheduler ticks,
/// which a tickless kernel stops on idle CPUs). Measured at 200 µs × 400/s: the profile saw
/// 50–85% of the CPU time the process reported, and `loadlabHotPath`'s share swung between 24%
/// and 96% from run to run. At 1 ms per request the profile read 0.81–0.87 of the process's
/// CPU (load averages 3–9) and the share stayed above 70%.
fn scenario(target: &str) -> String {
    format!(
        r#"
name = "go-probes"
target = "{target}"

[http]
timeout = "5s"

[[request]]
name = "work"
path = "/work?n=600000"

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
    )
}

fn stage_value(values: &[StageValue], stage: &str) -> f64 {
    values
        .iter()
        .find(|v| v.stage == stage)
        .unwrap_or_else(|| panic!("no value for stage {stage} in {values:?}"))
        .value
}

/// Proves, against a Go `net/http/pprof` endpoint: the `high` stage's CPU capture decodes; the
/// handler's hot function dominates it (≥ 40% of samples, flat or as the cumulative parent);
/// CPU seconds per 1,000 requests from the profile agree within 30% with the CPU time the Go
/// process itself reports over the same window; and the scraped metrics show the process using
/// more CPU cores in `high` than in `low`.
#[test]
fn go_service_profile_shows_the_hot_handler_and_matches_process_cpu() {
    let Some(go) = support::require_tool("go") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let bin = support::build_go_service(&go, tmp.path());
    let (mut service, url) = support::spawn_go_service(&bin, &[]);
    let scenario = support::write_scenario(tmp.path(), &scenario(&url));
    let out = tmp.path().join("run");

    let result = support::run_scenario_ok(&scenario, &out, Duration::from_secs(60));
    service.assert_running();

    let probes = ProbeResults::from_value(&result["probes"]);
    assert_eq!(
        probes.profiles.len(),
        1,
        "one CPU capture planned: {probes:#?}"
    );
    let capture = &probes.profiles[0];
    assert_eq!(capture.stage, "high");
    assert_eq!(
        capture.status,
        CaptureStatus::Ok,
        "capture failed: {:?}",
        capture.reason
    );
    assert!(capture.raw_file.is_some(), "raw .pb.gz kept");
    support::assert_dominates(capture, "loadlabHotPath");
    assert_cpu_per_1k_requests_agree(capture);

    let metrics = probes.metrics.expect("metrics were scraped");
    let cores = &metrics.cpu_cores_by_stage;
    let (low, high) = (stage_value(cores, "low"), stage_value(cores, "high"));
    eprintln!("CPU cores used: low {low:.3}, high {high:.3}");
    // 4× the rate: the hot path alone makes it ~4×; allow fixed overheads to blur that to 2×.
    assert!(
        high > 2.0 * low && low > 0.0,
        "CPU cores should rise from low ({low}) to high ({high})"
    );
}

/// The profile's CPU per 1,000 requests (sample total / requests completed in the capture
/// window) against the process's own (`process_cpu_seconds_total` increase over the same
/// window, interpolated between 1 s scrapes, per the same requests). Both figures share the
/// request count, so this compares the profiler's CPU total with getrusage's.
fn assert_cpu_per_1k_requests_agree(capture: &ProfileCapture) {
    let profiled = capture
        .cpu_seconds_per_1k_requests
        .expect("CPU per 1k requests from the profile");
    let process = capture
        .process_cpu_seconds_per_1k_requests
        .expect("CPU per 1k requests from process_cpu_seconds_total");
    eprintln!(
        "CPU s per 1k requests: profile {profiled:.4}, process {process:.4} (ratio {:.3}), {} requests in window {:?}",
        profiled / process,
        capture.requests_in_window,
        capture.window_s
    );
    assert!(capture.requests_in_window > 0);
    assert!(
        (profiled / process - 1.0).abs() <= 0.3,
        "profile says {profiled} CPU s per 1k requests, the process {process}"
    );
}
