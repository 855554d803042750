//! `target = "demo"`: the built-in demo target runs as a child process of loadlab, so its CPU
//! profile and process metrics are its own, not the generator's.

use crate::scenario::DemoOptions;
use http::Uri;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct DemoProcess {
    _child: Child,
    pub url: Uri,
}

/// Starts `loadlab demo-target` on a free loopback port and waits for its address.
pub async fn start(options: &DemoOptions) -> Result<DemoProcess, String> {
    let exe = std::env::var_os("LOADLAB_BIN")
        .map(std::path::PathBuf::from)
        .map_or_else(std::env::current_exe, Ok)
        .map_err(|e| format!("cannot find the loadlab executable to start the demo target: {e}"))?;
    let mut child = Command::new(&exe)
        .arg("demo-target")
        .args(["--addr", "127.0.0.1:0"])
        .args(["--delay-scale", &options.delay_scale.to_string()])
        .args(["--limited-workers", &options.limited_workers.to_string()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start the demo target ({}): {e}", exe.display()))?;
    let stdout = child.stdout.take().ok_or("demo target has no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .map_err(|_| "the demo target did not report its address within 10 s".to_string())?
        .map_err(|e| format!("reading the demo target's address: {e}"))?
        .ok_or("the demo target exited before reporting its address")?;
    let url = line
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("unexpected first line from the demo target: {line:?}"))?
        .trim()
        .parse::<Uri>()
        .map_err(|e| format!("the demo target reported an invalid address {line:?}: {e}"))?;
    // Keep draining its stdout so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok(DemoProcess { _child: child, url })
}
