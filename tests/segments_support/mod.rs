//! What the segment tests share beyond `tests/support`: segment runs logged to files, a start
//! time in the near future, and the scenario they split.

#![allow(dead_code)]

use crate::support::process::{loadlab, Running};
use std::path::Path;
use std::time::Duration;

/// Starts `loadlab ARGS…` with output captured to files in `log_dir`.
pub fn spawn(args: &[&str], log_dir: &Path, name: &str) -> Running {
    let out = std::fs::File::create(log_dir.join(format!("{name}.stdout"))).expect("log file");
    let err = std::fs::File::create(log_dir.join(format!("{name}.stderr"))).expect("log file");
    Running::new(
        loadlab()
            .args(args)
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start loadlab"),
    )
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
