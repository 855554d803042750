//! The bad-input corpus: every `tests/bad-scenarios/*.toml` is malformed or contradictory.
//! `loadlab validate` must reject each with exit status 2 and one line naming the file and the
//! line/column or the field to fix; the exact message is a snapshot
//! (`tests/bad-scenarios/NAME.expected`, the scenario's directory shown as `<dir>`).
//!
//! After changing a message on purpose: `UPDATE_SNAPSHOTS=1 cargo test --test bad_input`, then
//! review the diff of the `.expected` files.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;
use support::process::{loadlab, output_within};

/// Set for every case: a scenario quoting it in an error must show `[REDACTED]` instead.
const SECRET_VAR: &str = "LOADLAB_BAD_INPUT_SECRET";
const SECRET: &str = "hunter2-bad-input-7f3a";
/// Never set: the "missing environment variable" case relies on it.
const UNSET_VAR: &str = "LOADLAB_BAD_INPUT_UNSET_TOKEN";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-scenarios")
}

fn corpus() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    cases
}

/// Runs `loadlab validate` on a copy of `case` in `dir` (so relative files it names cannot
/// exist) and returns (exit status, stderr with `dir` replaced by `<dir>`).
fn validate(case: &Path, dir: &Path) -> (Option<i32>, String) {
    let copy = dir.join(case.file_name().unwrap());
    std::fs::copy(case, &copy).unwrap();
    let out = output_within(
        loadlab()
            .arg("validate")
            .arg(&copy)
            .env(SECRET_VAR, SECRET)
            .env_remove(UNSET_VAR),
        Duration::from_secs(10),
    );
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&dir.display().to_string(), "<dir>");
    (out.status.code(), stderr)
}

/// The corpus is large enough to mean something, and every case fails the way it should.
#[test]
fn every_bad_scenario_exits_2_with_a_located_one_line_message_matching_its_snapshot() {
    let cases = corpus();
    assert!(cases.len() >= 30, "corpus has {} cases", cases.len());
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1");
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_stem().unwrap().to_string_lossy().into_owned();
        let (status, stderr) = validate(case, dir.path());
        let prefix = format!("loadlab: error: <dir>/{name}.toml");
        let located = stderr
            .strip_prefix(&prefix)
            .is_some_and(|rest| is_line_column(rest) || rest.starts_with(": field `"));
        if status != Some(2) {
            failures.push(format!(
                "{name}: exit status {status:?}, expected 2\n{stderr}"
            ));
        }
        if !located {
            failures.push(format!(
                "{name}: message does not start with {prefix:?} and a line:column or a field:\n{stderr}"
            ));
        }
        if stderr.lines().count() != 1 {
            failures.push(format!("{name}: message is not one line:\n{stderr}"));
        }
        if stderr.contains(SECRET) {
            failures.push(format!("{name}: the secret leaked:\n{stderr}"));
        }
        let expected_path = case.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &stderr).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == stderr => {}
            Ok(expected) => failures.push(format!(
                "{name}: message changed (UPDATE_SNAPSHOTS=1 to accept)\n  expected: {expected}  actual:   {stderr}"
            )),
            Err(_) => failures.push(format!(
                "{name}: no snapshot {} (UPDATE_SNAPSHOTS=1 to write it)",
                expected_path.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// `:LINE:COL:` at the start of `rest`.
fn is_line_column(rest: &str) -> bool {
    let mut parts = rest.splitn(4, ':');
    parts.next() == Some("")
        && parts
            .next()
            .is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()))
}

/// No snapshot outlives its scenario.
#[test]
fn every_snapshot_has_a_scenario() {
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "expected") {
            assert!(
                path.with_extension("toml").is_file(),
                "{} has no scenario",
                path.display()
            );
        }
    }
}
