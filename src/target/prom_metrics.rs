//! `/metrics`: renders the demo target's counters and process figures in the Prometheus text
//! exposition format 0.0.4 (`# HELP` and `# TYPE` before each family, `\n` after every line).
//!
//! Rendering is a pure function of a [`Snapshot`], so the format is tested without a server.

use std::fmt::Write as _;

use super::counters::{DemoCounters, Endpoint};
use super::process_stats;

/// The `Content-Type` of a 0.0.4 text exposition.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4";

/// Everything `/metrics` shows, read at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub cpu_seconds: Option<f64>,
    pub resident_memory_bytes: Option<u64>,
    pub start_time_seconds: f64,
    pub requests: [(Endpoint, u64); Endpoint::ALL.len()],
    pub in_flight: u64,
    pub accept_errors: u64,
}

impl Snapshot {
    /// Reads the counters and the process figures now.
    pub fn take(counters: &DemoCounters, start_time_seconds: f64) -> Snapshot {
        Snapshot {
            cpu_seconds: process_stats::cpu_seconds(),
            resident_memory_bytes: process_stats::resident_memory_bytes(),
            start_time_seconds,
            requests: Endpoint::ALL.map(|e| (e, counters.requests(e))),
            in_flight: counters.in_flight(),
            accept_errors: counters.accept_errors(),
        }
    }
}

/// The exposition text; every line, the last included, ends with `\n`.
pub fn render(s: &Snapshot) -> String {
    let mut out = String::with_capacity(2048);
    if let Some(cpu) = s.cpu_seconds {
        family(
            &mut out,
            "process_cpu_seconds_total",
            "Total user and system CPU time spent in seconds.",
            "counter",
        );
        sample(&mut out, "process_cpu_seconds_total", cpu);
    }
    if let Some(rss) = s.resident_memory_bytes {
        family(
            &mut out,
            "process_resident_memory_bytes",
            "Resident memory size in bytes.",
            "gauge",
        );
        sample(&mut out, "process_resident_memory_bytes", rss);
    }
    family(
        &mut out,
        "process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.",
        "gauge",
    );
    sample(&mut out, "process_start_time_seconds", s.start_time_seconds);

    family(
        &mut out,
        "loadlab_demo_requests_total",
        "Requests that reached a demo endpoint, by path (\"other\" = unknown path, answered 404); /metrics and /debug/pprof/* are not counted.",
        "counter",
    );
    for (endpoint, count) in &s.requests {
        // Labels are fixed ASCII paths: nothing to escape.
        let _ = writeln!(
            out,
            "loadlab_demo_requests_total{{path=\"{}\"}} {count}",
            endpoint.label()
        );
    }
    let all: u64 = s.requests.iter().map(|(_, n)| n).sum();
    family(
        &mut out,
        "loadlab_demo_requests_all_total",
        "Sum of loadlab_demo_requests_total over all paths.",
        "counter",
    );
    sample(&mut out, "loadlab_demo_requests_all_total", all);
    family(
        &mut out,
        "loadlab_demo_in_flight",
        "Counted requests whose handler is running.",
        "gauge",
    );
    sample(&mut out, "loadlab_demo_in_flight", s.in_flight);
    family(
        &mut out,
        "loadlab_demo_accept_errors_total",
        "Failed accept() calls that the server retried.",
        "counter",
    );
    sample(
        &mut out,
        "loadlab_demo_accept_errors_total",
        s.accept_errors,
    );
    out
}

fn family(out: &mut String, name: &str, help: &str, kind: &str) {
    // HELP texts are constants without backslashes or newlines: nothing to escape.
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn sample(out: &mut String, name: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "{name} {value}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        let mut requests = Endpoint::ALL.map(|e| (e, 0));
        requests[0].1 = 3; // /fast
        requests[1].1 = 2; // /delay
        Snapshot {
            cpu_seconds: Some(1.25),
            resident_memory_bytes: Some(4096 * 1000),
            start_time_seconds: 1_700_000_000.5,
            requests,
            in_flight: 1,
            accept_errors: 0,
        }
    }

    #[test]
    fn renders_the_expected_samples() {
        let text = render(&snapshot());
        for line in [
            "process_cpu_seconds_total 1.25",
            "process_resident_memory_bytes 4096000",
            "process_start_time_seconds 1700000000.5",
            "loadlab_demo_requests_total{path=\"/fast\"} 3",
            "loadlab_demo_requests_total{path=\"/delay\"} 2",
            "loadlab_demo_requests_total{path=\"other\"} 0",
            "loadlab_demo_requests_all_total 5",
            "loadlab_demo_in_flight 1",
            "# TYPE loadlab_demo_requests_total counter",
            "# TYPE loadlab_demo_in_flight gauge",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
    }

    #[test]
    fn every_family_has_help_and_type_before_its_samples_and_text_ends_with_newline() {
        let text = render(&snapshot());
        assert!(text.ends_with('\n'));
        assert!(!text.contains("\n\n"));
        let mut announced: Vec<(String, bool)> = Vec::new(); // (name, saw TYPE)
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# HELP ") {
                let name = rest.split(' ').next().unwrap().to_string();
                assert!(
                    announced.iter().all(|(n, _)| *n != name),
                    "{name} announced twice"
                );
                announced.push((name, false));
            } else if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').unwrap();
                let last = announced.last_mut().unwrap();
                assert_eq!(last.0, name);
                assert!(["counter", "gauge"].contains(&kind));
                last.1 = true;
            } else {
                let name = line.split(['{', ' ']).next().unwrap();
                let last = announced.last().unwrap();
                assert_eq!(
                    (last.0.as_str(), last.1),
                    (name, true),
                    "sample outside its family: {line}"
                );
                let value = line.rsplit(' ').next().unwrap();
                assert!(value.parse::<f64>().is_ok(), "bad value in {line}");
            }
        }
    }

    #[test]
    fn unreadable_process_figures_are_left_out() {
        let mut s = snapshot();
        s.cpu_seconds = None;
        s.resident_memory_bytes = None;
        let text = render(&s);
        assert!(!text.contains("process_cpu_seconds_total"));
        assert!(!text.contains("process_resident_memory_bytes"));
        assert!(text.contains("process_start_time_seconds"));
    }
}
