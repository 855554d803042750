//! Stopping and failing to write, through the binary: SIGINT or SIGTERM at any moment of a run
//! leaves either no `result.json` or a valid one (schema-checked, `partial` unless the run had
//! already finished); a second interrupt exits at once with 130; a disk that fills up while the
//! result is written never loses it silently. (`tests/cli.rs` covers the plain mid-run SIGINT
//! and the unwritable output directory.)

mod chaos;
mod support;

use chaos::server::{ChaosServer, Mode};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::process::{demo_target_at, loadlab, output_within, Running};
use support::{free_port, write_scenario_as};

fn schema_errors(instance: &serde_json::Value) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/result.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

/// 4 s at 100/s against a demo target, with a 2 s CPU profile inside the stage.
fn profiled_scenario(port: u16) -> String {
    format!(
        r#"
name = "stop"
target = "http://127.0.0.1:{port}"
[[request]]
name = "fast"
path = "/fast"
[load]
model = "open"
[[load.stage]]
name = "steady"
duration = "4s"
rate = 100
[profile]
url = "/debug/pprof/profile"
seconds = 2
"#
    )
}

/// What a run directory may hold after a signal at `moment`: nothing, or a valid result.
fn check_after_signal(name: &str, moment: Duration, out: &Path, status: std::process::ExitStatus) {
    let what = format!("{name} at {moment:?}");
    let result_path = out.join("result.json");
    match status.code() {
        // The handlers were not installed yet: the default action ended the process.
        None => assert!(!result_path.exists(), "{what}: killed, yet a result exists"),
        Some(0) | Some(1) => assert!(result_path.is_file(), "{what}: graceful stop wrote nothing"),
        Some(other) => panic!("{what}: exit status {other}"),
    }
    if out.is_dir() {
        let stray: Vec<_> = std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(stray.is_empty(), "{what}: half-written files {stray:?}");
    }
    if !result_path.exists() {
        return;
    }
    let text = std::fs::read_to_string(&result_path).unwrap();
    let value: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: invalid JSON: {e}"));
    let errors = schema_errors(&value);
    assert!(errors.is_empty(), "{what}: {}", errors.join("\n"));
    let r = loadlab::run::output::read_result(out).unwrap();
    let (sent, dropped, by) = r.all_counts();
    assert_eq!(by.values().sum::<u64>(), sent, "{what}: one outcome each");
    assert!(sent + dropped <= 400, "{what}: no more than planned");
    if r.is_partial() {
        let reason = r.run.partial_reason.clone().unwrap_or_default();
        assert!(reason.contains(name), "{what}: reason {reason:?}");
    } else {
        assert_eq!(
            sent + dropped,
            400,
            "{what}: a complete run has every arrival"
        );
    }
}

/// Sends `signal` at a sweep of moments: right after start (possibly before the handlers are
/// installed), during preparation, early in the stage, during the profile capture, at the end
/// of the stage, and while the result is being assembled and written.
fn signal_at_every_moment(signal: i32, name: &str) {
    let port = free_port();
    let _target = demo_target_at(port);
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_scenario_as(dir.path(), "stop.toml", &profiled_scenario(port));
    let moments_ms = [0, 60, 400, 1_800, 3_000, 4_000, 4_150, 4_300, 4_600];
    for (i, ms) in moments_ms.into_iter().enumerate() {
        let moment = Duration::from_millis(ms);
        let out = dir.path().join(format!("run-{i}"));
        let child = loadlab()
            .arg("run")
            .arg(&scenario)
            .arg("--out")
            .arg(&out)
            .arg("-q")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut guard = Running::new(child);
        std::thread::sleep(moment);
        guard.signal(signal);
        let status = guard.wait_bounded(Duration::from_secs(30));
        check_after_signal(name, moment, &out, status);
    }
}

/// SIGINT at any moment: no result, or a valid (partial or complete) one.
#[test]
fn sigint_at_any_moment_leaves_no_result_or_a_valid_one() {
    signal_at_every_moment(libc::SIGINT, "SIGINT");
}

/// SIGTERM (what Kubernetes and systemd send) behaves like the first Ctrl-C.
#[test]
fn sigterm_at_any_moment_leaves_no_result_or_a_valid_one() {
    signal_at_every_moment(libc::SIGTERM, "SIGTERM");
}

fn hanging_scenario() -> String {
    r#"
name = "hang"
target = "http://127.0.0.1:1"
[http]
timeout = "30s"
[[request]]
name = "never"
path = "/never"
[load]
model = "open"
[[load.stage]]
name = "steady"
duration = "30s"
rate = 20
"#
    .to_string()
}

fn spawn_hanging_run(dir: &Path, server: &ChaosServer) -> Running {
    let scenario = write_scenario_as(dir, "hang.toml", &hanging_scenario());
    let child = loadlab()
        .arg("run")
        .arg(&scenario)
        .arg("--target")
        .arg(server.url())
        .arg("--out")
        .arg(dir.join("out"))
        .arg("-q")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Running::new(child)
}

/// One interrupt with requests that will never complete: loadlab waits the grace period (2 s),
/// counts the stragglers as `aborted`, and writes a partial result.
#[test]
fn requests_still_hanging_after_the_grace_period_are_aborted_and_counted() {
    let server = ChaosServer::start();
    assert_eq!(Mode::Never.path(), "/never");
    let dir = tempfile::tempdir().unwrap();
    let mut run = spawn_hanging_run(dir.path(), &server);
    std::thread::sleep(Duration::from_millis(2_500));
    run.signal(libc::SIGINT);
    let stopped = Instant::now();
    let status = run.wait_bounded(Duration::from_secs(15));
    assert!(
        stopped.elapsed() < Duration::from_secs(6),
        "grace period, not the 30 s timeout: {:?}",
        stopped.elapsed()
    );
    assert_eq!(status.code(), Some(0));
    let r = loadlab::run::output::read_result(&dir.path().join("out")).unwrap();
    assert!(r.is_partial());
    let (sent, _, by) = r.all_counts();
    assert!(sent >= 20, "{sent}");
    assert_eq!(
        by.get(&loadlab::metrics::Outcome::Aborted).copied(),
        Some(sent),
        "every request was still waiting: {by:?}"
    );
}

/// A second interrupt while the first is being honoured exits at once, with 130, writing
/// nothing.
#[test]
fn a_second_interrupt_exits_at_once_with_130() {
    let server = ChaosServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut run = spawn_hanging_run(dir.path(), &server);
    std::thread::sleep(Duration::from_millis(2_000));
    run.signal(libc::SIGINT);
    std::thread::sleep(Duration::from_millis(300));
    run.signal(libc::SIGINT);
    let second = Instant::now();
    let status = run.wait_bounded(Duration::from_secs(10));
    assert!(
        second.elapsed() < Duration::from_millis(1_000),
        "exited {:?} after the second interrupt",
        second.elapsed()
    );
    assert_eq!(status.code(), Some(130));
    assert!(!dir.path().join("out/result.json").exists());
}

const SHORT: &str = r#"
name = "disk-full"
target = "http://127.0.0.1:1"
[[request]]
name = "ok"
path = "/ok"
[load]
model = "open"
[[load.stage]]
name = "steady"
duration = "1s"
rate = 50
"#;

/// Prepares a run directory whose `result.json` write hits ENOSPC: the temporary file loadlab
/// writes the result into is a symlink to `/dev/full`. (The directory itself stays writable,
/// so the pre-flight check passes, as it would on a disk that fills up during the run.)
fn disk_full_dir(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink("/dev/full", out.join(".result.json.tmp")).unwrap();
    out
}

/// Disk full while writing: the run reports it (exit 3, one line naming the error and where
/// the result went) and the complete result is in the temp directory instead.
#[test]
fn a_full_disk_while_writing_saves_the_result_elsewhere_and_says_where() {
    let server = ChaosServer::start();
    let dir = tempfile::tempdir().unwrap();
    let out = disk_full_dir(dir.path());
    let fallback_dir = dir.path().join("tmp");
    std::fs::create_dir_all(&fallback_dir).unwrap();
    let scenario = write_scenario_as(dir.path(), "full.toml", SHORT);
    let o = output_within(
        loadlab()
            .arg("run")
            .arg(&scenario)
            .arg("--target")
            .arg(server.url())
            .arg("--out")
            .arg(&out)
            .env("TMPDIR", &fallback_dir),
        Duration::from_secs(30),
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("saved to"), "{stderr}");
    let saved: Vec<_> = std::fs::read_dir(&fallback_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert!(stderr.contains(&saved[0].display().to_string()), "{stderr}");
    let r = loadlab::run::output::read_result(&saved[0]).unwrap();
    assert_eq!(r.all_counts().0, 50, "the whole result was kept");
}

/// Disk full and no usable temp directory either: the result is printed on stdout.
#[test]
fn a_full_disk_and_no_temp_dir_prints_the_result_on_stdout() {
    let server = ChaosServer::start();
    let dir = tempfile::tempdir().unwrap();
    let out = disk_full_dir(dir.path());
    let scenario = write_scenario_as(dir.path(), "full.toml", SHORT);
    let o = output_within(
        loadlab()
            .arg("run")
            .arg(&scenario)
            .arg("--target")
            .arg(server.url())
            .arg("--out")
            .arg(&out)
            .arg("-q")
            .env("TMPDIR", dir.path().join("does-not-exist")),
        Duration::from_secs(30),
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("printed to standard output"), "{stderr}");
    let r: loadlab::metrics::RunResult =
        serde_json::from_slice(&o.stdout).expect("stdout is the result");
    assert_eq!(r.all_counts().0, 50);
}
