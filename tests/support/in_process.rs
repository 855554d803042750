//! Runs of a scenario through the library, in the test's own process.

use loadlab::engine::{LiveCounters, StopSignal};
use loadlab::metrics::RunResult;
use loadlab::run::{self, RunOptions};
use std::path::Path;
use std::sync::Arc;

/// Writes `text` as `dir/scenario.toml`, runs it against `target` to the end (results in
/// `dir/out`), and returns the result.
pub async fn run_in_process(dir: &Path, text: &str, target: &str) -> RunResult {
    run_with_stop(dir, text, target, StopSignal::new()).await
}

/// Like [`run_in_process`], with a stop signal the caller may raise.
pub async fn run_with_stop(dir: &Path, text: &str, target: &str, stop: StopSignal) -> RunResult {
    let path = super::write_scenario(dir, text);
    let prepared = run::prepare(RunOptions {
        scenario: path,
        out: Some(dir.join("out")),
        target: Some(target.to_string()),
        threads: Some(2),
        ..RunOptions::default()
    })
    .await
    .unwrap_or_else(|e| panic!("run prepares: {e}"));
    let live = Arc::new(LiveCounters::new(prepared.threads));
    let outcome = prepared
        .execute(live, stop)
        .await
        .unwrap_or_else(|e| panic!("run executes: {e}"));
    assert!(outcome.result_path.is_file(), "result.json written");
    outcome.result
}
