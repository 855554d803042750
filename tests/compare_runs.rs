//! End to end: `loadlab compare` on real runs of the real binary against the demo target on
//! loopback. A/A (same target configuration) must show no significant change; a target 20%
//! slower must be caught as p50 and p99 regressions (exit 1), and the reverse as
//! improvements (exit 0); runs of different shapes exit 2 saying what differs.
//! Every child process is killed on drop and every wait is bounded.

use serde_json::Value;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Open model, 300/s for 8 s with 1 s of warm-up: 7 measured seconds per run. Delays of
/// 20–40 ms keep the target's own scheduling noise small against a 20% change.
const SCENARIO: &str = r#"
name = "compare-e2e"
target = "http://127.0.0.1:9"

[http]
timeout = "2s"

[[request]]
name = "delay"
path = "/delay?ms=20&jitter_ms=20"

[load]
model = "open"

[[load.stage]]
name = "steady"
duration = "8s"
rate = "300/s"
warmup = "1s"
"#;

/// A child process killed (and reaped) when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Harness {
    dir: tempfile::TempDir,
    bin: PathBuf,
    scenario: PathBuf,
}

impl Harness {
    fn new() -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        // A private copy: the target directory may be shared and rebuilt meanwhile.
        let bin = dir.path().join("loadlab");
        std::fs::copy(env!("CARGO_BIN_EXE_loadlab"), &bin).expect("copy the binary");
        let scenario = dir.path().join("scenario.toml");
        std::fs::write(&scenario, SCENARIO).expect("write the scenario");
        Harness { dir, bin, scenario }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Starts `loadlab demo-target` on port 0 and returns it with its URL.
    fn target(&self, delay_scale: f64) -> (Guard, String) {
        let mut child = Command::new(&self.bin)
            .args(["demo-target", "--addr", "127.0.0.1:0", "--delay-scale"])
            .arg(delay_scale.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the demo target");
        let stdout = child.stdout.take().expect("stdout");
        let guard = Guard(child);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(15))
            .expect("the demo target printed its address");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        (guard, url)
    }

    /// Runs the binary with `args`, bounded by `limit`; returns (status, stdout, stderr).
    fn exec(&self, args: &[&std::ffi::OsStr], limit: Duration) -> (i32, String, String) {
        let (out, err) = (self.path("stdout.txt"), self.path("stderr.txt"));
        let child = Command::new(&self.bin)
            .args(args)
            .current_dir(self.dir.path())
            .stdout(File::create(&out).expect("stdout file"))
            .stderr(File::create(&err).expect("stderr file"))
            .spawn()
            .expect("start loadlab");
        let mut guard = Guard(child);
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = guard.0.try_wait().expect("wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "loadlab {args:?} took longer than {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        (status.code().unwrap_or(-1), read(&out), read(&err))
    }

    fn run(&self, url: &str, name: &str) -> PathBuf {
        let out = self.path(name);
        let s = self.scenario.as_os_str();
        let args = [
            "run".as_ref(),
            s,
            "--target".as_ref(),
            url.as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
            "-q".as_ref(),
        ];
        let (code, _, err) = self.exec(&args, Duration::from_secs(40));
        assert_eq!(code, 0, "run {name} failed: {err}");
        out
    }

    /// `loadlab compare base candidate`: the exit status and the parsed comparison.json.
    fn compare(&self, base: &Path, candidate: &Path) -> (i32, Value, String) {
        self.compare_with(base, candidate, &[])
    }

    /// [`Harness::compare`] with extra flags.
    fn compare_with(&self, base: &Path, candidate: &Path, flags: &[&str]) -> (i32, Value, String) {
        let reports = self.path("reports");
        let mut args = vec![
            "compare".as_ref(),
            base.as_os_str(),
            candidate.as_os_str(),
            "--out".as_ref(),
            reports.as_os_str(),
        ];
        args.extend(flags.iter().map(std::ffi::OsStr::new));
        let (code, stdout, stderr) = self.exec(&args, Duration::from_secs(30));
        let label = |p: &Path| p.file_name().unwrap().to_string_lossy().into_owned();
        let dir = reports.join(format!("compare-{}-vs-{}", label(base), label(candidate)));
        let json = std::fs::read_to_string(dir.join("comparison.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null);
        if code != 2 {
            for file in ["index.html", "comparison.md", "comparison.json"] {
                assert!(dir.join(file).is_file(), "{file} not written: {stderr}");
            }
        }
        (code, json, stdout + &stderr)
    }
}

/// Verdicts of the stage's `(all)` row by metric name.
fn verdict(json: &Value, metric: &str) -> String {
    let rows = json["stages"][0]["rows"].as_array().expect("rows");
    let all = rows
        .iter()
        .find(|r| r["request"] == "(all)")
        .expect("(all) row");
    let m = all["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| m["metric"] == metric);
    m.and_then(|m| m["verdict"].as_str())
        .unwrap_or("missing")
        .to_string()
}

fn moved(json: &Value, verdict: &str) -> Vec<String> {
    let mut out = Vec::new();
    for stage in json["stages"].as_array().into_iter().flatten() {
        for row in stage["rows"].as_array().into_iter().flatten() {
            for m in row["metrics"].as_array().into_iter().flatten() {
                if m["verdict"] == verdict {
                    out.push(format!(
                        "{}/{}/{}: {}",
                        stage["name"], row["request"], m["metric"], m
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn a_a_is_quiet_and_a_20_percent_slower_target_is_caught() {
    let h = Harness::new();
    let (_normal, normal) = h.target(1.0);
    let (_slow, slow) = h.target(1.2);
    // Interleaved, so drift over time hits both sides of the A/B pair alike.
    let a1 = h.run(&normal, "a1");
    let a2 = h.run(&normal, "a2");
    let b1 = h.run(&slow, "b1");
    let a3 = h.run(&normal, "a3");
    let a4 = h.run(&normal, "a4");

    for (base, candidate) in [(&a1, &a2), (&a2, &a3), (&a3, &a4)] {
        let (code, json, out) = h.compare(base, candidate);
        assert_eq!(code, 0, "A/A exit status: {out}");
        let regressed = moved(&json, "regressed");
        let improved = moved(&json, "improved");
        assert!(
            regressed.is_empty() && improved.is_empty(),
            "A/A moved: {regressed:#?} {improved:#?}"
        );
        assert!(out.contains("no significant regression"), "{out}");
    }

    let (code, json, out) = h.compare(&a2, &b1);
    assert_eq!(code, 1, "A/B exit status: {out}");
    assert_eq!(verdict(&json, "p50"), "regressed", "{out}");
    assert_eq!(verdict(&json, "p99"), "regressed", "{out}");

    let (code, json, out) = h.compare(&b1, &a3);
    assert_eq!(code, 0, "B/A exit status: {out}");
    assert_eq!(verdict(&json, "p50"), "improved", "{out}");
    assert_eq!(verdict(&json, "p99"), "improved", "{out}");
    assert!(moved(&json, "regressed").is_empty(), "{out}");

    a_compare_section_changes_the_verdict(&h, &a2, &b1);
    different_shapes_exit_2_saying_what_differs(&h, &a1);
}

/// Part of the test above: the regression a2 → b1 is judged with the candidate's
/// `[compare]` section, as a run of a scenario with `[compare.tolerance] p50 = "500%"`,
/// `p99 = "500%"` records it in result.json. Within those tolerances p50 and p99 are
/// unchanged and compare exits 0; a `--tolerance` flag overrides the section again.
fn a_compare_section_changes_the_verdict(h: &Harness, base: &Path, slow: &Path) {
    let text = std::fs::read_to_string(slow.join("result.json")).expect("result.json");
    let mut result: Value = serde_json::from_str(&text).expect("valid JSON");
    result["scenario"]["compare"] = serde_json::json!({
        "tolerances": {"p50": 5.0, "p90": 5.0, "p99": 5.0, "p99.9": 5.0, "max": 5.0}
    });
    let lenient = h.path("lenient");
    std::fs::create_dir_all(&lenient).expect("dir");
    std::fs::write(lenient.join("result.json"), result.to_string()).expect("write");

    let (code, json, out) = h.compare(base, &lenient);
    assert_eq!(code, 0, "a 500% tolerance forgives a 20% regression: {out}");
    assert_eq!(verdict(&json, "p50"), "unchanged", "{out}");
    assert_eq!(verdict(&json, "p99"), "unchanged", "{out}");
    assert!(moved(&json, "regressed").is_empty(), "{out}");
    assert_eq!(json["settings"]["tolerances"]["p99"], 5.0);
    assert_eq!(json["settings"]["scenario_section"], "candidate");

    let (code, json, out) = h.compare_with(base, &lenient, &["--tolerance", "p99=10%"]);
    assert_eq!(code, 1, "the flag overrides the section: {out}");
    assert_eq!(verdict(&json, "p99"), "regressed", "{out}");
    assert_eq!(verdict(&json, "p50"), "unchanged", "{out}");
}

/// Part of the test above (one test, so no two runs ever share the CPUs).
fn different_shapes_exit_2_saying_what_differs(h: &Harness, base: &Path) {
    let text = std::fs::read_to_string(base.join("result.json")).expect("result.json");
    let mut result: Value = serde_json::from_str(&text).expect("valid JSON");
    result["stages"][0]["name"] = "spike".into();
    let other = h.path("other");
    std::fs::create_dir_all(&other).expect("dir");
    std::fs::write(other.join("result.json"), result.to_string()).expect("write");
    let (code, _, out) = h.compare(base, &other);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("stage \"steady\" only in the base run"),
        "{out}"
    );
    assert!(
        out.contains("stage \"spike\" only in the candidate run"),
        "{out}"
    );
}
