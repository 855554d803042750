//! Live mode end to end: a run records the real HPA's replicas and CPU from a real Prometheus
//! server (Debian's `prometheus`), and `loadlab hpa --actual RUN` overlays them on the
//! prediction.
//!
//! The "cluster" is a tiny exporter the test runs on loopback, serving kube-state-metrics'
//! `kube_horizontalpodautoscaler_status_current_replicas{horizontalpodautoscaler="api"}` on a
//! schedule the test knows: 2 until a wall-clock instant in the middle of the run, then 4 —
//! and a constant `loadlab_test_cpu_cores 0.8`. Prometheus scrapes it every second.

mod support;

use support::prometheus::Scrape;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const CPU_CORES: f64 = 0.8;

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as u64
}

/// The exporter: replicas 2 before `switch_unix_ms`, 4 from then on. Stops when dropped.
struct Exporter {
    url: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Exporter {
    fn start(switch_unix_ms: Arc<std::sync::atomic::AtomicU64>) -> Exporter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind exporter");
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let replicas = if unix_ms() >= switch_unix_ms.load(Ordering::SeqCst) {
                            4
                        } else {
                            2
                        };
                        let _ = serve(stream, replicas);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Exporter {
            url,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Answers one scrape (any path) with the Prometheus text format and closes the connection.
fn serve(mut stream: TcpStream, replicas: u32) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let body = format!(
        "# HELP kube_horizontalpodautoscaler_status_current_replicas Current number of replicas of pods managed by this autoscaler.\n\
         # TYPE kube_horizontalpodautoscaler_status_current_replicas gauge\n\
         kube_horizontalpodautoscaler_status_current_replicas{{namespace=\"shop\",horizontalpodautoscaler=\"api\"}} {replicas}\n\
         # TYPE loadlab_test_cpu_cores gauge\n\
         loadlab_test_cpu_cores{{namespace=\"shop\"}} {CPU_CORES}\n"
    );
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

/// Starts `prometheus` scraping the exporter at `target_url` (see `support::prometheus`).
fn start_prometheus(
    prometheus: &Path,
    dir: &Path,
    target_url: &str,
) -> (support::ChildGuard, String) {
    let scrape = Scrape {
        job: "kube-state-metrics",
        target_url,
        ready_query: "kube_horizontalpodautoscaler_status_current_replicas",
        ready_value: "2",
    };
    support::prometheus::start_prometheus(prometheus, dir, &scrape)
}

/// The points of the run's query `name`: exactly one series, no error.
fn query_points(result: &serde_json::Value, name: &str) -> Vec<[f64; 2]> {
    let queries = result["probes"]["metrics"]["queries"]
        .as_array()
        .expect("probes.metrics.queries");
    let q = queries
        .iter()
        .find(|q| q["name"] == name)
        .unwrap_or_else(|| panic!("no query {name}: {queries:#?}"));
    assert!(q["error"].is_null(), "query {name} failed: {}", q["error"]);
    let series = q["series"].as_array().unwrap();
    assert_eq!(series.len(), 1, "one series for {name}: {series:#?}");
    serde_json::from_value(series[0]["points"].clone()).unwrap()
}

/// The recorded replicas are the exporter's schedule on the run's clock (2, then 4 from the
/// switch, within one scrape), and `hpa --actual` sets them beside the prediction in
/// `hpa.json`, `hpa.md` and `hpa.html`.
#[test]
fn live_replicas_are_recorded_and_overlaid() {
    let Some(prometheus) = support::require_tool("prometheus") else {
        return;
    };
    let switch = Arc::new(std::sync::atomic::AtomicU64::new(u64::MAX));
    let exporter = Exporter::start(switch.clone());
    let tmp = tempfile::tempdir().unwrap();
    let (mut server, prom_url) = start_prometheus(&prometheus, tmp.path(), &exporter.url);
    let scenario = support::write_scenario(
        tmp.path(),
        &format!(
            r#"
name = "hpa-live"
target = "demo"

[[request]]
name = "fast"
path = "/fast"

[load]
model = "open"

[[load.stage]]
name = "steady"
duration = "12s"
rate = "100/s"

[metrics]
prometheus = "{prom_url}"
step = "1s"

[metrics.queries]
replicas = 'kube_horizontalpodautoscaler_status_current_replicas{{horizontalpodautoscaler="api"}}'
cpu = 'sum(loadlab_test_cpu_cores{{namespace="shop"}})'
"#
        ),
    );
    // The scale-out happens about 6 s into the 12 s run.
    let switch_unix_ms = unix_ms() + 6_000;
    switch.store(switch_unix_ms, Ordering::SeqCst);
    let run_dir = tmp.path().join("run");
    let result = support::run_scenario_ok(&scenario, &run_dir, Duration::from_secs(90));
    server.assert_running();

    // The recorded series on the run's clock, in a result.json that keeps to the schema.
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/result.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&result)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "result.json violates the schema: {errors:#?}"
    );
    let start_unix_ms = result["run"]["start_unix_ms"]
        .as_u64()
        .expect("start_unix_ms");
    let duration = result["run"]["duration_s"].as_f64().expect("duration_s");
    let switch_s = (switch_unix_ms as f64 - start_unix_ms as f64) / 1e3;
    let replicas = query_points(&result, "replicas");
    eprintln!("switch at {switch_s:.3} s of a {duration:.1} s run; replicas: {replicas:?}");
    assert!(
        (2.0..10.0).contains(&switch_s),
        "the switch should fall inside the run: {switch_s}"
    );
    assert!(
        replicas.len() >= 10,
        "about one point per second: {replicas:?}"
    );
    assert!(
        replicas
            .iter()
            .all(|p| (-0.5..=duration + 0.5).contains(&p[0])),
        "points on the run's clock (0..{duration} s): {replicas:?}"
    );
    // A point's value is the latest scrape at or before it: 2 before the switch, 4 once a
    // scrape (every 1 s) has happened after it. 0.1 s and 0.5 s absorb scheduling jitter.
    for p in &replicas {
        if p[0] < switch_s - 0.1 {
            assert_eq!(p[1], 2.0, "before the switch at {switch_s:.2} s: {p:?}");
        } else if p[0] > switch_s + 1.5 {
            assert_eq!(p[1], 4.0, "after the switch at {switch_s:.2} s: {p:?}");
        } else {
            assert!(p[1] == 2.0 || p[1] == 4.0, "{p:?}");
        }
    }
    assert!(replicas.iter().filter(|p| p[1] == 2.0).count() >= 2);
    assert!(replicas.iter().filter(|p| p[1] == 4.0).count() >= 3);
    let first_four = replicas.iter().find(|p| p[1] == 4.0).unwrap()[0];
    // At most one scrape interval, then one query step, after the switch (plus jitter).
    assert!(
        (switch_s - 0.1..=switch_s + 2.5).contains(&first_four),
        "first 4 at {first_four} s, switch at {switch_s} s"
    );
    let cpu = query_points(&result, "cpu");
    assert!(cpu.len() >= 10 && cpu.iter().all(|p| (p[1] - CPU_CORES).abs() < 1e-9));

    // The overlay.
    let hpa_dir = tmp.path().join("hpa");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hpa");
    let (code, stdout, stderr) = support::run_loadlab(
        &[
            "hpa".as_ref(),
            "--hpa".as_ref(),
            root.join("hpa.yaml").as_os_str(),
            "--deployment".as_ref(),
            root.join("deployment.yaml").as_os_str(),
            "--from".as_ref(),
            root.as_os_str(),
            "--actual".as_ref(),
            run_dir.as_os_str(),
            "--slo".as_ref(),
            "p99<100ms".as_ref(),
            "--out".as_ref(),
            hpa_dir.as_os_str(),
        ],
        Duration::from_secs(60),
    );
    eprintln!("{stdout}");
    assert_eq!(code, 0, "hpa failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stdout.contains("actual replicas") && stdout.contains("predicted vs actual"),
        "{stdout}"
    );

    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(hpa_dir.join("hpa.json")).unwrap()).unwrap();
    assert!(
        report["traffic_source"]
            .as_str()
            .unwrap()
            .contains("the run's stages"),
        "{}",
        report["traffic_source"]
    );
    // 100/s for 12 s: the simulation spans the run's stages and starts from the recorded 2.
    let timeline = report["simulation"]["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 12);
    assert_eq!(report["simulation"]["initial_replicas"], 2);
    assert!(timeline.iter().all(|p| p["demand_rps"] == 100.0));
    let actual = &report["actual"];
    let recorded: Vec<[f64; 2]> = serde_json::from_value(actual["replicas"].clone()).unwrap();
    assert_eq!(recorded, replicas, "hpa.json keeps the recorded series");
    let compared = actual["compared"].as_array().unwrap();
    assert!(compared.len() >= 10, "{compared:#?}");
    // At 100/s the prediction holds at minReplicas 2; the cluster went to 4.
    assert!(
        compared.iter().all(|p| p["predicted"] == 2),
        "{compared:#?}"
    );
    assert!(compared.iter().any(|p| p["actual"] == 4.0));
    let d = &actual["divergence"];
    assert_eq!(d["max_abs_replicas"], 2.0, "{d}");
    assert!(d["predicted_first_scale_out_s"].is_null(), "{d}");
    assert_eq!(
        d["actual_first_scale_out_s"].as_f64(),
        Some(first_four),
        "{d}"
    );
    // 0.8 cores over 2 pods of 500m is 80% each; over 4 it is 40%.
    let util: Vec<[f64; 2]> =
        serde_json::from_value(actual["cpu_utilization_pct"].clone()).unwrap();
    assert!(util.iter().any(|p| (p[1] - 80.0).abs() < 1e-6), "{util:?}");
    assert!(util.iter().any(|p| (p[1] - 40.0).abs() < 1e-6), "{util:?}");

    let md = std::fs::read_to_string(hpa_dir.join("hpa.md")).unwrap();
    assert!(md.contains("## Predicted vs actual replicas"), "{md}");
    let html = std::fs::read_to_string(hpa_dir.join("hpa.html")).unwrap();
    assert!(html.contains("actual (recorded)"), "legend of the overlay");
    assert!(html.contains("max |predicted − actual| 2 replica(s)"));
    drop(exporter);
}
