//! The binary's contract: exit statuses, messages that name what to fix, and a valid partial
//! result after Ctrl-C. These drive the real `loadlab` executable.

mod support;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::process::{loadlab, output_within, Running};
use support::{read_result, write_scenario};

const SHORT: &str = r#"
name = "short"
target = "demo"
[[request]]
name = "fast"
path = "/fast"
[load]
model = "open"
[[load.stage]]
name = "only"
duration = "1s"
rate = 100
"#;

#[test]
fn thresholds_decide_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let pass = write_scenario(
        dir.path(),
        &format!("{SHORT}[thresholds]\nerrors = \"< 1%\"\n"),
    );
    let out = output_within(
        loadlab()
            .arg("run")
            .arg(&pass)
            .arg("--out")
            .arg(dir.path().join("a")),
        Duration::from_secs(30),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("✓ errors < 1%"), "{stdout}");

    let fail = write_scenario(
        dir.path(),
        &format!("{SHORT}[thresholds]\np50 = \"< 1us\"\n"),
    );
    let out = output_within(
        loadlab()
            .arg("run")
            .arg(&fail)
            .arg("--out")
            .arg(dir.path().join("b"))
            .arg("-q"),
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(1));
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("b/result.json")).unwrap())
            .unwrap();
    assert_eq!(result["thresholds"][0]["passed"], false);
}

#[test]
fn a_malformed_scenario_exits_2_naming_file_line_column_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write_scenario(
        dir.path(),
        &SHORT.replace("duration = \"1s\"", "duration = \"soon\""),
    );
    let out = output_within(loadlab().arg("run").arg(&bad), Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = format!("{}:11:12: field `load.stage[0].duration`", bad.display());
    assert!(
        stderr.contains(&expected),
        "expected {expected:?} in {stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");

    let syntax = write_scenario(dir.path(), "name = \"x\"\ntarget = \n");
    let out = output_within(
        loadlab().arg("validate").arg(&syntax),
        Duration::from_secs(10),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(":2:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let unknown = write_scenario(dir.path(), &format!("{SHORT}\n[http]\nconections = 5\n"));
    let out = output_within(
        loadlab().arg("validate").arg(&unknown),
        Duration::from_secs(10),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown field `conections`") && stderr.contains("http.conections"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = output_within(
        loadlab().args(["run", "--segment", "5/2", "x.toml"]),
        Duration::from_secs(10),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_unreachable_target_exits_3_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on: bind, note it, release it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let s = write_scenario(dir.path(), SHORT);
    let out = output_within(
        loadlab()
            .arg("run")
            .arg(&s)
            .arg("--target")
            .arg(format!("http://127.0.0.1:{port}"))
            .arg("--out")
            .arg(dir.path().join("o")),
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unreachable") && stderr.contains("refused"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn an_unwritable_output_directory_is_found_before_the_load_starts() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let s = write_scenario(dir.path(), SHORT);
    let start = Instant::now();
    let out = output_within(
        loadlab()
            .arg("run")
            .arg(&s)
            .arg("--out")
            .arg(blocker.join("run")),
        Duration::from_secs(10),
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not writable"));
    assert!(start.elapsed() < Duration::from_secs(5), "no load ran");
}

#[test]
fn sigint_mid_run_leaves_a_valid_partial_result() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(
        dir.path(),
        &SHORT.replace("duration = \"1s\"", "duration = \"30s\""),
    );
    let out_dir = dir.path().join("run");
    let child = loadlab()
        .arg("run")
        .arg(&s)
        .arg("--out")
        .arg(&out_dir)
        .arg("-q")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Running::new(child);
    std::thread::sleep(Duration::from_secs(3));
    child.signal(libc::SIGINT);
    let status = child.wait_bounded(Duration::from_secs(15));
    assert!(matches!(status.code(), Some(0) | Some(1)), "{status:?}");
    let result = read_result(&out_dir);
    assert_eq!(result["run"]["status"], "partial");
    assert!(result["run"]["partial_reason"]
        .as_str()
        .unwrap()
        .contains("SIGINT"));
    let duration = result["run"]["duration_s"].as_f64().unwrap();
    assert!(
        duration > 2.0 && duration < 10.0,
        "covers what ran: {duration}"
    );
    let sent: u64 = result["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sent"].as_u64().unwrap())
        .sum();
    assert!(
        sent >= 200,
        "the requests before the interrupt are kept: {sent}"
    );
}

#[test]
fn validate_prints_the_resolved_plan() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/demo.toml");
    let out = output_within(
        loadlab().arg("validate").arg(&demo),
        Duration::from_secs(10),
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "warmup",
        "ramp",
        "steady",
        "spike",
        "expected arrivals: 42,000",
        "steady:p99 < 100ms",
        "valid",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected:?} missing from:\n{stdout}"
        );
    }
}
