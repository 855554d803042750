//! Secrets from `{{env.*}}` never leave loadlab: a scenario puts one in request headers, the
//! body, the request path and query, the target's base path, and the probes' headers and URLs;
//! after a real run against the demo target, every file of the run directory (result.json,
//! raw and rendered profiles, any HTML or Markdown) and everything printed on stdout and stderr
//! is searched for the value. Error messages that quote a value holding a secret are redacted
//! too.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::process::{demo_target_at, loadlab, output_within};
use support::{free_port, write_scenario_as};

const VAR: &str = "LOADLAB_TEST_SECRET";

/// A value that cannot occur by chance, different on every run.
fn secret() -> String {
    format!("s3cr3t-{:016x}", fastrand::u64(..))
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// The bytes of a file as a reader of it would see them: gzip (raw pprof profiles) inflated.
fn contents(path: &Path) -> Vec<u8> {
    let raw = std::fs::read(path).unwrap();
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut inflated)
            .expect("gzip file inflates");
        return inflated;
    }
    raw
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Runs `scenario` with the secret in the environment; returns (status, stdout, stderr).
fn run(dir: &Path, scenario: &str, secret: &str, out: &Path) -> (Option<i32>, String, String) {
    let path = write_scenario_as(dir, "secrets.toml", scenario);
    let o = output_within(
        loadlab()
            .arg("run")
            .arg(&path)
            .arg("--out")
            .arg(out)
            .env(VAR, secret),
        Duration::from_secs(60),
    );
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Searches the run directory and the captured output; returns the places the secret was found.
fn leaks(out: &Path, stdout: &str, stderr: &str, secret: &str) -> Vec<String> {
    let mut found: Vec<String> = files_under(out)
        .into_iter()
        .filter(|f| contains(&contents(f), secret))
        .map(|f| f.display().to_string())
        .collect();
    if stdout.contains(secret) {
        found.push(format!("stdout:\n{stdout}"));
    }
    if stderr.contains(secret) {
        found.push(format!("stderr:\n{stderr}"));
    }
    found
}

/// The secret in every place a scenario can hold it, on a run that works (requests succeed,
/// a profile is captured, metrics are scraped): it reaches the target but no output.
#[test]
fn a_secret_used_everywhere_appears_in_no_output() {
    let port = free_port();
    let _target = demo_target_at(port);
    let dir = tempfile::tempdir().unwrap();
    let secret = secret();
    let scenario = format!(
        r#"
name = "secrets"
target = "http://127.0.0.1:{port}"
[http]
headers = {{ authorization = "Bearer {{{{env.{VAR}}}}}" }}
[[request]]
name = "echo"
method = "POST"
path = "/echo?token={{{{env.{VAR}}}}}"
headers = {{ x-api-key = "key-{{{{env.{VAR}}}}}" }}
body = '{{"secret": "{{{{env.{VAR}}}}}", "n": {{{{seq}}}}}}'
[[request]]
name = "fast"
path = "/fast?k={{{{env.{VAR}}}}}&n={{{{seq}}}}"
# Enough CPU in the target for the profile to hold samples (and so a flame graph).
[[request]]
name = "cpu"
path = "/cpu?work=1000000&k={{{{env.{VAR}}}}}"
[load]
model = "open"
[[load.stage]]
name = "steady"
duration = "4s"
rate = 60
[profile]
url = "/debug/pprof/profile?token={{{{env.{VAR}}}}}"
seconds = 2
headers = {{ authorization = "Bearer {{{{env.{VAR}}}}}" }}
[metrics]
url = "/metrics?token={{{{env.{VAR}}}}}"
interval = "500ms"
headers = {{ authorization = "Bearer {{{{env.{VAR}}}}}" }}
[thresholds]
"echo.p99" = "< 5s"
"#
    );
    let out = dir.path().join("run");
    let (status, stdout, stderr) = run(dir.path(), &scenario, &secret, &out);
    assert_eq!(status, Some(0), "{stdout}\n{stderr}");
    let result = loadlab::run::output::read_result(&out).unwrap();
    let s = result.summary(None, Some("echo"));
    assert!(s.ok > 0 && s.errors == 0, "the echo requests succeeded");
    let files = files_under(&out);
    assert!(
        files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "gz")),
        "a raw profile was written: {files:?}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "svg")),
        "a flame graph was written: {files:?}"
    );
    let found = leaks(&out, &stdout, &stderr, &secret);
    assert!(
        found.is_empty(),
        "the secret leaked into:\n{}",
        found.join("\n")
    );
    assert!(
        std::fs::read_to_string(out.join("result.json"))
            .unwrap()
            .contains("[REDACTED]"),
        "the redaction is visible where the secret would have been"
    );
}

/// The secret in the target's base path: every request 404s and the probes fail, so the
/// secret-bearing URLs end up in error messages and `result.json` — redacted.
#[test]
fn a_secret_in_the_target_url_is_redacted_from_failures() {
    let port = free_port();
    let _target = demo_target_at(port);
    let dir = tempfile::tempdir().unwrap();
    let secret = secret();
    let scenario = format!(
        r#"
name = "secret-target"
target = "http://127.0.0.1:{port}/base-{{{{env.{VAR}}}}}"
[[request]]
name = "fast"
path = "/fast"
[load]
model = "open"
[[load.stage]]
name = "steady"
duration = "2s"
rate = 20
[profile]
url = "http://127.0.0.1:{port}/nowhere-{{{{env.{VAR}}}}}"
seconds = 1
[metrics]
url = "http://127.0.0.1:{port}/nowhere-{{{{env.{VAR}}}}}"
interval = "500ms"
[thresholds]
errors = "< 1%"
"#
    );
    let out = dir.path().join("run");
    let (status, stdout, stderr) = run(dir.path(), &scenario, &secret, &out);
    assert_eq!(
        status,
        Some(1),
        "404s fail the threshold\n{stdout}\n{stderr}"
    );
    let found = leaks(&out, &stdout, &stderr, &secret);
    assert!(
        found.is_empty(),
        "the secret leaked into:\n{}",
        found.join("\n")
    );
}

/// A URL made invalid around a secret: `validate` and `run` reject it (exit 2) without
/// quoting the secret.
#[test]
fn an_invalid_url_holding_a_secret_is_reported_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let secret = secret();
    for (field, line) in [
        (
            "target",
            format!("target = \"http://127.0.0.1:8080/{{{{env.{VAR}}}}} x\""),
        ),
        (
            "target",
            format!("target = \"http://{{{{env.{VAR}}}}}.invalid:99999\""),
        ),
    ] {
        let scenario = format!(
            "name = \"bad-url\"\n{line}\n[[request]]\nname = \"r\"\npath = \"/\"\n[load]\nmodel = \"open\"\n[[load.stage]]\nduration = \"1s\"\nrate = 1\n"
        );
        let path = write_scenario_as(dir.path(), "bad-url.toml", &scenario);
        for command in ["validate", "run"] {
            let o = output_within(
                loadlab().arg(command).arg(&path).env(VAR, &secret),
                Duration::from_secs(20),
            );
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{command}: {stderr}");
            assert!(stderr.contains(&format!("field `{field}`")), "{stderr}");
            assert!(!stderr.contains(&secret), "{command} leaked: {stderr}");
            assert!(
                !String::from_utf8_lossy(&o.stdout).contains(&secret),
                "{command} leaked on stdout"
            );
        }
    }
}
