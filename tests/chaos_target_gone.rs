//! The target dies in the middle of a run and comes back: the demo target runs as a child
//! process on a fixed (free) port, is killed (SIGKILL) 2 s into a 6 s run and restarted on the
//! same port at 4 s. Errors are counted while it is down, successes resume after it returns,
//! nothing panics, and the exit status is the thresholds' verdict.

mod chaos;
mod support;

use chaos::{assert_counts_exact, outcomes};
use loadlab::metrics::Outcome;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::free_port;
use support::process::{demo_target_at, loadlab, Running};

/// Kills the target 2 s after `start` and restarts it at 4 s, on a thread of its own.
fn kill_and_restart(
    target: Arc<Mutex<Running>>,
    port: u16,
    start: Instant,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(2).saturating_sub(start.elapsed()));
        target.lock().unwrap().kill();
        std::thread::sleep(Duration::from_secs(4).saturating_sub(start.elapsed()));
        *target.lock().unwrap() = demo_target_at(port);
    })
}

fn scenario(port: u16, load: &str) -> String {
    format!(
        r#"
name = "target-gone"
target = "http://127.0.0.1:{port}"
[http]
timeout = "1s"
connect_timeout = "500ms"
[[request]]
name = "fast"
path = "/fast"
{load}
[thresholds]
errors = "< 1%"
"#
    )
}

/// Open model, through the binary: the outage shows as `connect`/`reset` errors in seconds 2–3
/// of the timeline, seconds 5 succeeds again, every arrival is accounted for, and the failed
/// `errors < 1%` threshold makes the exit status 1 (not a crash, not "could not run").
#[test]
fn open_model_counts_the_outage_and_recovers() {
    let port = free_port();
    let target = Arc::new(Mutex::new(demo_target_at(port)));
    let dir = tempfile::tempdir().unwrap();
    let load = r#"[load]
model = "open"
[[load.stage]]
name = "only"
duration = "6s"
rate = 50"#;
    let path = support::write_scenario_as(dir.path(), "gone.toml", &scenario(port, load));
    let run = loadlab()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("out"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let controller = kill_and_restart(target.clone(), port, start);
    let out = Running::new(run).output_bounded(Duration::from_secs(40));
    controller.join().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("✗ errors < 1%"), "{stdout}");

    let r = loadlab::run::output::read_result(&dir.path().join("out")).unwrap();
    assert_counts_exact(&r, 300);
    let by = outcomes(&r);
    assert!(
        by.keys()
            .all(|o| matches!(o, Outcome::Ok | Outcome::Connect | Outcome::Reset)),
        "{by:?}"
    );
    let failed = by.get(&Outcome::Connect).copied().unwrap_or(0)
        + by.get(&Outcome::Reset).copied().unwrap_or(0);
    // 2 s down at 50/s; the kill and restart happen within a few hundred ms of their marks.
    assert!(
        (60..=140).contains(&failed),
        "about 100 arrivals meet a dead target: {by:?}"
    );
    assert!(by[&Outcome::Connect] > 0, "{by:?}");
    let second = |t: usize| &r.timeline[t];
    for t in [0, 5] {
        assert_eq!(
            (second(t).ok, second(t).errors.values().sum::<u32>()),
            (50, 0),
            "second {t} is all successes: {:?}",
            second(t)
        );
    }
    // The kill lands at about 2 s and the restart at about 4 s of the run (the binary's start-up
    // shifts both a little earlier): second 2 is wholly down, second 3 mostly.
    let errors = |t: usize| second(t).errors.values().sum::<u32>();
    assert!(
        second(2).ok == 0 && errors(2) == 50,
        "second 2 is all errors: {:?}",
        second(2)
    );
    assert!(
        errors(3) >= 25,
        "second 3 is mostly errors: {:?}",
        second(3)
    );
    assert!(stdout.contains("errors by class:"), "{stdout}");
}

/// Closed model, in-process: users meeting a dead target back off (50 ms after a connect
/// failure) instead of spinning, and resume when it returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_model_users_back_off_while_the_target_is_down() {
    let port = free_port();
    let target = Arc::new(Mutex::new(demo_target_at(port)));
    let dir = tempfile::tempdir().unwrap();
    let load = r#"[load]
model = "closed"
think_time = "20ms"
[[load.stage]]
name = "only"
duration = "6s"
users = 4"#;
    let start = Instant::now();
    let controller = kill_and_restart(target.clone(), port, start);
    let r = support::in_process::run_in_process(
        dir.path(),
        &scenario(port, load),
        &format!("http://127.0.0.1:{port}"),
    )
    .await;
    controller.join().unwrap();
    assert!(!r.thresholds[0].passed, "errors < 1% fails");
    let (sent, dropped, by) = r.all_counts();
    assert_eq!(dropped, 0, "the closed model never drops");
    assert_eq!(by.values().sum::<u64>(), sent);
    let connect = by.get(&Outcome::Connect).copied().unwrap_or(0);
    // 4 users × 2 s / (50 ms back-off + 20 ms think) ≈ 115; spinning would be thousands.
    assert!(
        (20..=200).contains(&connect),
        "users back off while the target is down: {by:?}"
    );
    let last = r.timeline.last().unwrap();
    assert!(
        last.ok > 50 && last.errors.is_empty(),
        "successes resume: {last:?}"
    );
}
