//! Helpers shared by the integration tests (`mod support;` in a `tests/*.rs` file): finding
//! external tools, starting servers on loopback port 0 and killing them on drop, running the
//! `loadlab` binary with a hard timeout, and reading what a run wrote.
//!
//! Everything is bounded: every wait has a timeout and every child process is killed when its
//! guard drops, so a failing test cannot hang CI or leave servers behind.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

pub mod browser;
pub mod in_process;
pub mod process;
pub mod prometheus;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The `loadlab` binary under test.
pub const LOADLAB: &str = env!("CARGO_BIN_EXE_loadlab");

/// The path of the external tool `name` on `PATH`. When it is missing, CI (`CI=true`) fails
/// the test; elsewhere a notice is printed and `None` returned, so the test returns early.
pub fn require_tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| is_executable(p))
    });
    if found.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("`{name}` is required in CI; .ci/run installs it");
        }
        // Straight to stderr, past the test harness's output capture, so the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "note: `{name}` is not on PATH; skipping this test (CI=true makes this a failure)"
        );
    }
    found
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A child process that is killed (and reaped) when this guard drops.
pub struct ChildGuard {
    child: Child,
    name: String,
}

impl ChildGuard {
    pub fn new(child: Child, name: &str) -> ChildGuard {
        ChildGuard {
            child,
            name: name.to_string(),
        }
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Panics when the process has already exited: the server a test relies on is gone.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("{} exited unexpectedly: {status}", self.name);
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `cmd`, a server that prints `listening on URL` as its first line on stdout, and
/// waits (at most 30 s) for that line. Its stdout is drained afterwards so it never blocks;
/// its stderr is inherited. Returns the guard and the URL (`http://127.0.0.1:PORT`).
pub fn spawn_listening(mut cmd: Command, name: &str) -> (ChildGuard, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
    let stdout = child.stdout.take().expect("piped stdout");
    let guard = ChildGuard::new(child, name);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = tx.send(lines.next());
        for _ in lines {}
    });
    let first = match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(Some(Ok(line))) => line,
        Ok(_) => panic!("{name} exited before saying where it listens"),
        Err(_) => panic!("{name} did not say where it listens within 30 s"),
    };
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line from {name}: {first:?}"))
        .trim()
        .to_string();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "{name} must listen on loopback, said {url}"
    );
    (guard, url)
}

/// Starts `loadlab demo-target` on a free loopback port with extra `args`.
pub fn spawn_demo_target(args: &[&str]) -> (ChildGuard, String) {
    let mut cmd = Command::new(LOADLAB);
    cmd.args(["demo-target", "--addr", "127.0.0.1:0"])
        .args(args);
    spawn_listening(cmd, "demo target")
}

/// Runs `cmd` to completion with its output captured; kills it and panics (showing what it
/// printed) when it runs longer than `timeout`. Returns (exit code, stdout, stderr); the code
/// is -1 when a signal ended it.
pub fn run_bounded(mut cmd: Command, timeout: Duration) -> (i32, String, String) {
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {shown}: {e}"));
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for child") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (out, err) = (stdout.join().unwrap(), stderr.join().unwrap());
    match status {
        Some(status) => (status.code().unwrap_or(-1), out, err),
        None => panic!("{shown} did not finish within {timeout:?}\nstdout:\n{out}\nstderr:\n{err}"),
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Runs the `loadlab` binary with `args` and a hard `timeout` (see [`run_bounded`]).
pub fn run_loadlab<S: AsRef<std::ffi::OsStr>>(
    args: &[S],
    timeout: Duration,
) -> (i32, String, String) {
    let mut cmd = Command::new(LOADLAB);
    cmd.args(args);
    run_bounded(cmd, timeout)
}

/// `loadlab run SCENARIO --out OUT -q` within `timeout`: panics (with its output) unless it
/// exits 0, and returns the `result.json` it wrote.
pub fn run_scenario_ok(scenario: &Path, out: &Path, timeout: Duration) -> serde_json::Value {
    let started = Instant::now();
    let (code, stdout, stderr) = run_loadlab(
        &[
            "run".as_ref(),
            scenario.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "-q".as_ref(),
        ],
        timeout,
    );
    eprintln!("loadlab run took {:.1?}", started.elapsed());
    assert_eq!(
        code, 0,
        "loadlab run failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    read_result(out)
}

/// Writes `text` to `dir/scenario.toml` and returns its path.
pub fn write_scenario(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("scenario.toml");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path
}

/// Writes `text` to `dir/name` and returns its path.
pub fn write_scenario_as(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path
}

/// The `result.json` a run wrote into `dir`.
pub fn read_result(dir: &Path) -> serde_json::Value {
    let path = dir.join("result.json");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

/// A loopback port that was free a moment ago (bind port 0, read it, release it), for
/// servers that cannot report the port they picked themselves.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// A minimal `GET` over HTTP/1.0 (so the body is never chunked): (status, body). Meant for
/// readiness checks and raw probe requests against loopback servers.
pub fn http_get(url: &str, timeout: Duration) -> std::io::Result<(u16, String)> {
    send_get(url, timeout)?
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("reader thread panicked")))
}

/// Like [`http_get`], but returns as soon as the request is written; the response is read by
/// the returned thread. The server has the request before this returns.
pub fn send_get(
    url: &str,
    timeout: Duration,
) -> std::io::Result<std::thread::JoinHandle<std::io::Result<(u16, String)>>> {
    let invalid = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, m.to_string());
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| invalid("only http:// URLs"))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let addr = authority
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| invalid("no address"))?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {authority}\r\n\r\n")?;
    Ok(std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes)?;
        let text = String::from_utf8_lossy(&bytes);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "no status line")
            })?;
        Ok((status, body.to_string()))
    }))
}

/// Polls `ready` every 100 ms until it holds; panics after `timeout` naming `what`.
pub fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !ready() {
        assert!(
            Instant::now() < deadline,
            "{what} did not happen within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Builds `tests/fixtures/go-service` with `go` into `out_dir` and returns the binary. The
/// Go build cache lives under the Cargo target directory (warm across runs, writable as root
/// in CI); no network is used (standard library only, `GOPROXY=off`).
pub fn build_go_service(go: &Path, out_dir: &Path) -> PathBuf {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go");
    let bin = out_dir.join("go-service");
    let mut cmd = Command::new(go);
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go-service"))
        .args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .env("GOCACHE", cache.join("cache"))
        .env("GOPATH", cache.join("path"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOENV", "off")
        .env("CGO_ENABLED", "0");
    let (code, out, err) = run_bounded(cmd, Duration::from_secs(180));
    assert_eq!(code, 0, "go build failed\nstdout:\n{out}\nstderr:\n{err}");
    bin
}

/// Starts a Go service binary built by [`build_go_service`] with extra `args`.
pub fn spawn_go_service(bin: &Path, args: &[&str]) -> (ChildGuard, String) {
    let mut cmd = Command::new(bin);
    cmd.args(["-addr", "127.0.0.1:0"]).args(args);
    spawn_listening(cmd, "go service")
}

/// pprof's cumulative share (0..=1) of `function`: the part of the samples whose stack holds a
/// frame whose name contains `function`, counted once per stack, from a capture's folded stacks
/// (`root;…;leaf`, value) as `result.json` keeps them.
pub fn cum_share(folded: &[(String, u64)], function: &str) -> f64 {
    let total: u64 = folded.iter().map(|(_, v)| v).sum();
    let holding: u64 = folded
        .iter()
        .filter(|(stack, _)| stack.split(';').any(|frame| frame.contains(function)))
        .map(|(_, v)| v)
        .sum();
    if total == 0 {
        0.0
    } else {
        holding as f64 / total as f64
    }
}

/// Asserts that `function` dominates a decoded CPU capture: it is the top flat function with at
/// least 40% of the samples, or, when the leaf is something it calls (an inlined helper such as
/// `wrapping_mul` in an unoptimised build), it is their cumulative parent with at least 40%.
/// Returns the larger of the two shares.
pub fn assert_dominates(capture: &loadlab::probe::ProfileCapture, function: &str) -> f64 {
    let summary = capture.summary.as_ref().expect("a decoded profile");
    let top = summary.top.first().expect("top functions");
    let flat = if top.name.contains(function) {
        top.flat_share
    } else {
        0.0
    };
    let cum = cum_share(&capture.folded, function);
    eprintln!(
        "profile: {} samples; top flat {} ({:.1}%); {function}: cumulative {:.1}%",
        summary.samples,
        top.name,
        top.flat_share * 100.0,
        cum * 100.0
    );
    assert!(
        flat >= 0.4 || cum >= 0.4,
        "{function} should hold ≥ 40% of samples (flat {flat:.3}, cum {cum:.3}); top: {:#?}",
        summary.top
    );
    flat.max(cum)
}
