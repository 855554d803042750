//! Shared helpers for the hardening tests: the chaos server, in-process and binary runs of
//! loadlab, child processes that die with the test, and the checks every hostile run must pass.
//!
//! (`tests/support/` was not on main when these were written; when it lands, the process
//! helpers here can move there.)
#![allow(dead_code)]

pub mod server;

use loadlab::engine::{LiveCounters, StopSignal};
use loadlab::metrics::{Outcome, RunResult};
use loadlab::run::{self, RunOptions};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The loadlab binary under test.
pub fn loadlab() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_loadlab"));
    c.stdin(Stdio::null());
    c
}

/// Writes `text` as `name` in `dir` and returns its path.
pub fn write_scenario(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs a scenario in-process against `target`, to the end, and returns the result.
pub async fn run_in_process(dir: &Path, text: &str, target: &str) -> RunResult {
    run_with_stop(dir, text, target, StopSignal::new()).await
}

/// Like [`run_in_process`], with a stop signal the caller may raise.
pub async fn run_with_stop(dir: &Path, text: &str, target: &str, stop: StopSignal) -> RunResult {
    let path = write_scenario(dir, "scenario.toml", text);
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

/// Outcome counts of a run, by class, with zero counts left out.
pub fn outcomes(r: &RunResult) -> BTreeMap<Outcome, u64> {
    let (_, _, by) = r.all_counts();
    by.into_iter().filter(|(_, n)| *n > 0).collect()
}

/// The accounting every run must satisfy, however hostile the target: every planned arrival is
/// either sent or dropped, every sent request has exactly one outcome, and the per-second
/// timeline agrees with the histograms.
pub fn assert_counts_exact(r: &RunResult, planned_arrivals: u64) {
    let (sent, dropped, by) = r.all_counts();
    assert_eq!(
        sent + dropped,
        planned_arrivals,
        "sent {sent} + dropped {dropped} = planned arrivals"
    );
    assert_eq!(by.values().sum::<u64>(), sent, "one outcome per request");
    let timeline_sent: u64 = r.timeline.iter().map(|s| s.sent as u64).sum();
    assert_eq!(
        timeline_sent, sent,
        "the timeline counts every request sent"
    );
}

/// Resident set size of a process in kB, from `/proc/PID/status` (`self` for this one).
pub fn rss_kb(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// A port that was free a moment ago (bind port 0, note it, release it), for a child process
/// that must be restarted on the same address.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed (SIGKILL) and reaped when dropped, so a failing test leaves nothing
/// behind.
pub struct ChildGuard(pub Option<Child>);

impl ChildGuard {
    pub fn id(&self) -> u32 {
        self.0.as_ref().expect("child is running").id()
    }

    /// Sends `signal` to the child.
    pub fn signal(&self, signal: i32) {
        // SAFETY: signalling our own child, which has not been reaped yet.
        unsafe { libc::kill(self.id() as i32, signal) };
    }

    pub fn kill(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Waits for the child to exit, failing the test after `limit`.
    pub fn wait_bounded(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            let child = self.0.as_mut().expect("child is running");
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                self.kill();
                panic!("child did not exit within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for the exit and collects piped stdout/stderr (drained as they come, so a chatty
    /// child never blocks), failing the test after `limit`.
    pub fn output_bounded(mut self, limit: Duration) -> Output {
        let child = self.0.as_mut().expect("child is running");
        let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                if let Some(mut p) = pipe {
                    let _ = p.read_to_end(&mut bytes);
                }
                bytes
            })
        };
        let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
        let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
        let status = self.wait_bounded(limit);
        self.0 = None;
        Output {
            status,
            stdout: out.join().unwrap(),
            stderr: err.join().unwrap(),
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts `loadlab demo-target --addr 127.0.0.1:PORT` and waits until it listens.
pub fn spawn_demo_target(port: u16) -> ChildGuard {
    let mut child = loadlab()
        .args(["demo-target", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("demo target starts");
    let stdout = child.stdout.take().unwrap();
    let mut guard = ChildGuard(Some(child));
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    if !line.starts_with("listening on") {
        guard.kill();
        panic!("demo target did not start on port {port}: {line:?}");
    }
    guard
}

/// Runs `cmd` to completion with piped output, killed after `limit`.
pub fn run_bounded(cmd: &mut Command, limit: Duration) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("loadlab starts");
    ChildGuard(Some(child)).output_bounded(limit)
}
