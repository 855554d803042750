//! The `loadlab` binary as a child process the test controls: started with no input,
//! signalled, waited for and read within a time limit, killed and reaped when its guard drops.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// A command for the `loadlab` binary under test, with stdin closed.
pub fn loadlab() -> Command {
    let mut c = Command::new(super::LOADLAB);
    c.stdin(Stdio::null());
    c
}

/// A child process killed (SIGKILL) and reaped when dropped, so a failing test leaves nothing
/// behind.
pub struct Running(Option<Child>);

impl Running {
    pub fn new(child: Child) -> Running {
        Running(Some(child))
    }

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
    pub fn wait_bounded(&mut self, limit: Duration) -> ExitStatus {
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
        let drain = |pipe: Option<Box<dyn Read + Send>>| {
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

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs `cmd` to completion with piped output, killed (and the test failed) after `limit`.
pub fn output_within(cmd: &mut Command, limit: Duration) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    Running::new(child).output_bounded(limit)
}

/// Starts `loadlab demo-target` on `127.0.0.1:PORT` (a target that must come back on the same
/// address after a kill) and waits until it listens.
pub fn demo_target_at(port: u16) -> Running {
    let mut child = loadlab()
        .args(["demo-target", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("demo target starts");
    let stdout = child.stdout.take().unwrap();
    let mut guard = Running::new(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    if !line.starts_with("listening on") {
        guard.kill();
        panic!("demo target did not start on port {port}: {line:?}");
    }
    guard
}
