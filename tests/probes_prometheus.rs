//! Query mode against a real Prometheus server (Debian's `prometheus`), started by the test
//! with a config that scrapes the demo target on loopback every second.

mod support;

use support::prometheus::Scrape;

use loadlab::probe::{MetricSeries, ProbeResults};
use std::path::Path;
use std::time::Duration;

/// Starts `prometheus` scraping the demo target at `target_url` (see `support::prometheus`).
fn start_prometheus(
    prometheus: &Path,
    dir: &Path,
    target_url: &str,
) -> (support::ChildGuard, String) {
    let scrape = Scrape {
        job: "demo",
        target_url,
        ready_query: "up",
        ready_value: "1",
    };
    support::prometheus::start_prometheus(prometheus, dir, &scrape)
}

fn query<'a>(probes: &'a ProbeResults, name: &str) -> &'a [MetricSeries] {
    let metrics = probes.metrics.as_ref().expect("metrics results");
    let q = metrics
        .queries
        .iter()
        .find(|q| q.name == name)
        .unwrap_or_else(|| panic!("no query {name} in {:#?}", metrics.queries));
    assert!(q.error.is_none(), "query {name} failed: {:?}", q.error);
    assert_eq!(q.series.len(), 1, "one series for {name}: {:#?}", q.series);
    &q.series
}

/// Proves that `[metrics] prometheus` queries a real Prometheus over the run's window: both
/// the raw counter and its `rate()` come back as series in `result.json`, with 1 s points
/// inside the run (seconds since its start) and values that match the load that was sent.
#[test]
fn prometheus_queries_land_in_the_result() {
    let Some(prometheus) = support::require_tool("prometheus") else {
        return;
    };
    let (mut target, target_url) = support::spawn_demo_target(&[]);
    let tmp = tempfile::tempdir().unwrap();
    let (mut server, prom_url) = start_prometheus(&prometheus, tmp.path(), &target_url);
    let scenario = support::write_scenario(
        tmp.path(),
        &format!(
            r#"
name = "prometheus-query"
target = "{target_url}"

[[request]]
name = "fast"
path = "/fast"

[load]
model = "open"

[[load.stage]]
name = "steady"
duration = "10s"
rate = "200/s"

[metrics]
prometheus = "{prom_url}"
step = "1s"

[metrics.queries]
requests = "loadlab_demo_requests_all_total"
rate = "rate(loadlab_demo_requests_all_total[5s])"
"#
        ),
    );
    let out = tmp.path().join("run");
    let result = support::run_scenario_ok(&scenario, &out, Duration::from_secs(90));
    target.assert_running();
    server.assert_running();

    let duration = result["run"]["duration_s"]
        .as_f64()
        .expect("run.duration_s");
    let probes = ProbeResults::from_value(&result["probes"]);

    // The counter: one point per second over the run, rising by about what was sent.
    let requests = &query(&probes, "requests")[0].points;
    eprintln!(
        "requests: {} points, {:?} … {:?}",
        requests.len(),
        requests.first(),
        requests.last()
    );
    assert!(
        requests.len() >= 8,
        "about one point per second: {requests:?}"
    );
    assert!(
        requests
            .iter()
            .all(|p| (-0.5..=duration + 0.5).contains(&p[0])),
        "points inside the run's window (0..{duration} s): {requests:?}"
    );
    assert!(requests
        .windows(2)
        .all(|w| w[1][0] > w[0][0] && w[1][1] >= w[0][1]));
    let (first, last) = (requests[0], requests[requests.len() - 1]);
    let rise_rate = (last[1] - first[1]) / (last[0] - first[0]);
    assert!(
        (120.0..=280.0).contains(&rise_rate),
        "the counter should rise at about 200/s, rose at {rise_rate:.1}/s"
    );

    // The rate: about 200/s once the 5 s window is inside the run.
    let rates = &query(&probes, "rate")[0].points;
    let late: Vec<f64> = rates.iter().filter(|p| p[0] >= 6.0).map(|p| p[1]).collect();
    eprintln!("rate points after 6 s: {late:?}");
    assert!(!late.is_empty(), "rate points late in the run: {rates:?}");
    let mean = late.iter().sum::<f64>() / late.len() as f64;
    assert!(
        (140.0..=260.0).contains(&mean),
        "rate() should be about 200/s late in the run, mean {mean:.1}"
    );
}
