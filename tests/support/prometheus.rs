//! A real Prometheus server (Debian's `prometheus`) for the tests, on a free loopback port.

use super::{free_port, http_get, wait_until, ChildGuard};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What the started server scrapes, and the sign that it has scraped it.
pub struct Scrape<'a> {
    /// The scrape job's name.
    pub job: &'a str,
    /// `http://host:port` of the target; its `/metrics` is scraped every second.
    pub target_url: &'a str,
    /// An instant PromQL query, and the value its first result must show once scraped.
    pub ready_query: &'a str,
    pub ready_value: &'a str,
}

/// Starts `prometheus` with its data and log (`prometheus.log`, shown when it fails to start)
/// in `dir`, and waits — bounded — until it is ready and `scrape.ready_query` shows
/// `scrape.ready_value`. Returns the guard that kills it and its base URL.
pub fn start_prometheus(
    prometheus: &Path,
    dir: &Path,
    scrape: &Scrape<'_>,
) -> (ChildGuard, String) {
    let target = scrape.target_url.trim_start_matches("http://");
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
             scrape_configs:\n  - job_name: {}\n    static_configs:\n      - targets: ['{target}']\n",
            scrape.job
        ),
    )
    .unwrap();
    let log_path = dir.join("prometheus.log");
    let port = free_port();
    let child = Command::new(prometheus)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .expect("start prometheus");
    let mut guard = ChildGuard::new(child, "prometheus");
    let url = format!("http://127.0.0.1:{port}");
    let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let timeout = Duration::from_secs(1);
    let ready = Instant::now() + Duration::from_secs(60);
    while !matches!(http_get(&format!("{url}/-/ready"), timeout), Ok((200, _))) {
        guard.assert_running();
        assert!(
            Instant::now() < ready,
            "prometheus not ready in 60 s; log:\n{}",
            log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    wait_until(
        &format!("prometheus scraping {}", scrape.job),
        Duration::from_secs(30),
        || {
            let q = scrape.ready_query;
            let Ok((200, body)) = http_get(&format!("{url}/api/v1/query?query={q}"), timeout)
            else {
                return false;
            };
            let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            json["data"]["result"][0]["value"][1] == scrape.ready_value
        },
    );
    (guard, url)
}
