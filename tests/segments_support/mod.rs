//! Child processes for the segment tests: the real binary, bounded in time, killed on drop.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_loadlab");

/// A child process killed (and reaped) when dropped.
pub struct Guarded(pub Child);

impl Drop for Guarded {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Guarded {
    /// Waits for the child to exit, killing it after `limit`.
    pub fn wait_for(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            match self.0.try_wait() {
                Ok(Some(status)) => return status,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                _ => {
                    let _ = self.0.kill();
                    panic!("child process did not finish within {limit:?}");
                }
            }
        }
    }
}

/// `loadlab demo-target` on a free loopback port; returns the guard and its URL.
pub fn demo_target() -> (Guarded, String) {
    let mut child = Guarded(
        Command::new(BIN)
            .args(["demo-target", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start demo target"),
    );
    let stdout = child.0.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("demo target printed its address");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    (child, url)
}

/// Starts `loadlab ARGS…` with output captured to files in `log_dir`.
pub fn spawn(args: &[&str], log_dir: &Path, name: &str) -> Guarded {
    let out = std::fs::File::create(log_dir.join(format!("{name}.stdout"))).expect("log file");
    let err = std::fs::File::create(log_dir.join(format!("{name}.stderr"))).expect("log file");
    Guarded(
        Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start loadlab"),
    )
}

/// Runs `loadlab ARGS…` to completion (at most `limit`) and returns its output.
pub fn run(args: &[&str], limit: Duration) -> Output {
    let mut child = Guarded(
        Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start loadlab"),
    );
    let mut stdout = child.0.stdout.take().expect("piped");
    let mut stderr = child.0.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stderr, &mut s);
        s
    });
    let status = child.wait_for(limit);
    Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

/// An RFC 3339 time `delay` from now.
pub fn start_at(delay: Duration) -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now() + delay).to_string()
}

/// An open-model scenario of one `/fast` stage named `steady`.
pub fn open_scenario(name: &str, rate: u32, seconds: u32) -> String {
    format!(
        r#"name = "{name}"
target = "http://127.0.0.1:9"   # replaced by --target
[http]
timeout = "5s"
max_in_flight = 512

[[request]]
name = "fast"
path = "/fast"

[load]
model = "open"

[[load.stage]]
name = "steady"
duration = "{seconds}s"
rate = "{rate}/s"

[thresholds]
errors = "< 1%"
"steady:rate" = "> {threshold}/s"
"#,
        threshold = rate * 2 / 3
    )
}
