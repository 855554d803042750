//! Hand-made `RunResult`s for view tests: realistic shapes (stages with warm-up, a request
//! mix, errors, a per-second timeline), deterministic content.

use crate::metrics::{
    CoarseHistogram, Environment, GeneratorHealth, LatencyHistogram, LoadModelInfo, Outcome,
    OutcomeResult, RequestInfo, RequestResult, RunInfo, RunResult, RunStatus, ScenarioInfo,
    SecondResult, StageResult, ThresholdResult, SCHEMA_VERSION,
};
use std::collections::BTreeMap;

/// Latency in µs around `median_us` with a long right tail.
fn latency(rng: &mut fastrand::Rng, median_us: f64) -> u64 {
    let u = rng.f64().max(1e-9);
    let tail = if rng.f64() < 0.02 { 6.0 } else { 1.0 };
    (median_us * (0.6 + 0.8 * u) * tail * (1.0 + (-u.ln()) * 0.1)) as u64
}

fn request(
    rng: &mut fastrand::Rng,
    name: &str,
    ok: u64,
    median_us: f64,
    errors: &[(Outcome, u64)],
) -> RequestResult {
    let mut r = RequestResult {
        name: name.into(),
        bytes_received: ok * 512,
        ..Default::default()
    };
    let mut record = |outcome: Outcome, n: u64, median: f64| {
        let o: &mut OutcomeResult = r.outcomes.entry(outcome).or_default();
        o.count += n;
        for _ in 0..n {
            let v = latency(rng, median);
            o.latency.record(v);
            o.service_time.record(v * 9 / 10);
        }
    };
    record(Outcome::Ok, ok, median_us);
    for &(outcome, n) in errors {
        record(outcome, n, median_us * 3.0);
    }
    r.status_codes.insert("200".into(), ok);
    if let Some((_, n)) = errors.iter().find(|(o, _)| *o == Outcome::Status) {
        r.status_codes.insert("503".into(), *n);
    }
    r
}

fn stage(
    rng: &mut fastrand::Rng,
    name: &str,
    start_s: f64,
    duration_s: f64,
    rate: f64,
    median_us: f64,
    errors: bool,
) -> StageResult {
    let n = (rate * duration_s) as u64;
    let err: Vec<(Outcome, u64)> = if errors {
        vec![(Outcome::Status, n / 50), (Outcome::Timeout, n / 200)]
    } else {
        vec![]
    };
    let mut lag = LatencyHistogram::new();
    (0..200).for_each(|i| lag.record(20 + i % 90));
    StageResult {
        name: name.into(),
        start_s,
        duration_s,
        warmup_s: if name == "steady" { 2.0 } else { 0.0 },
        measured_s: duration_s,
        from: rate,
        to: rate,
        requests: vec![
            request(rng, "home", n * 6 / 10, median_us, &[]),
            request(rng, "search", n * 3 / 10, median_us * 2.0, &err),
            request(rng, "checkout", n / 10, median_us * 4.0, &[]),
        ],
        warmup: vec![],
        scheduler_lag: lag,
    }
}

fn timeline(rng: &mut fastrand::Rng, stages: &[StageResult], seconds: u32) -> Vec<SecondResult> {
    (0..seconds)
        .map(|t| {
            let st = stages
                .iter()
                .find(|s| (t as f64) < s.start_s + s.duration_s)
                .unwrap_or(&stages[stages.len() - 1]);
            let rate = st.from as u32;
            let median = if st.name == "spike" { 9_000.0 } else { 3_000.0 };
            let mut latency_hist = CoarseHistogram::default();
            (0..rate.min(400)).for_each(|_| latency_hist.record(latency(rng, median)));
            let mut errors = BTreeMap::new();
            if st.name == "spike" {
                errors.insert(Outcome::Status, rate / 50);
                errors.insert(Outcome::Timeout, rate / 200);
            }
            SecondResult {
                t,
                sent: rate,
                dropped: if st.name == "spike" && t % 3 == 0 {
                    12
                } else {
                    0
                },
                completed: rate,
                ok: rate,
                errors,
                in_flight_max: rate / 20 + t % 4,
                lag_max_us: 80 + (t * 37) % 200,
                p50_us: latency_hist.percentile(50.0),
                p90_us: latency_hist.percentile(90.0),
                p99_us: latency_hist.percentile(99.0),
                latency: latency_hist,
            }
        })
        .collect()
}

/// A 40-second, three-stage run of a three-request scenario with errors in the spike and one
/// failed threshold.
pub(crate) fn sample_result() -> RunResult {
    let mut rng = fastrand::Rng::with_seed(7);
    let stages = vec![
        stage(&mut rng, "warmup", 0.0, 10.0, 50.0, 2_500.0, false),
        stage(&mut rng, "steady", 10.0, 20.0, 200.0, 3_000.0, false),
        stage(&mut rng, "spike", 30.0, 10.0, 600.0, 9_000.0, true),
    ];
    let timeline = timeline(&mut rng, &stages, 40);
    RunResult {
        schema_version: SCHEMA_VERSION,
        loadlab_version: "0.1.0".into(),
        scenario: ScenarioInfo {
            name: "checkout".into(),
            path: "scenarios/checkout.toml".into(),
            digest: "9f2c4e1ab37d5e0c8a4f1d2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f".into(),
            target: "http://127.0.0.1:8080".into(),
            model: LoadModelInfo::Open,
            http_version: "1.1".into(),
            connections: 64,
            max_in_flight: 256,
            timeout_s: 5.0,
            requests: vec![
                RequestInfo {
                    name: "home".into(),
                    method: "GET".into(),
                    path: "/".into(),
                    weight: 6,
                },
                RequestInfo {
                    name: "search".into(),
                    method: "GET".into(),
                    path: "/search?q={{rand 1 100}}".into(),
                    weight: 3,
                },
                RequestInfo {
                    name: "checkout".into(),
                    method: "POST".into(),
                    path: "/checkout".into(),
                    weight: 1,
                },
            ],
            compare: None,
        },
        run: RunInfo {
            started_at: "2025-03-14T09:26:53Z".into(),
            start_unix_ms: 1_741_944_413_000,
            duration_s: 40.0,
            status: RunStatus::Complete,
            partial_reason: None,
            segment: None,
            environment: Environment {
                host: "perf-runner-1".into(),
                os: "linux".into(),
                arch: "x86_64".into(),
                cpus: 8,
                threads: 4,
            },
        },
        stages,
        timeline,
        generator: GeneratorHealth {
            threads: 4,
            cpu_seconds: 6.4,
            cpu_utilization: 0.04,
            scheduler_lag_p99_us: 210,
            scheduler_lag_max_us: 1_900,
            in_flight_cap_hits: 0,
            connections_opened: 64,
            bottleneck: false,
            warnings: vec![],
        },
        thresholds: vec![
            threshold("steady:p99 < 100ms", Some(21_300.0), "21.3ms", true),
            threshold("errors < 1%", Some(0.0075), "0.75%", true),
            threshold("spike:p99 < 20ms", Some(61_400.0), "61.4ms", false),
            threshold("steady:rate > 190/s", Some(200.0), "200.0/s", true),
        ],
        probes: serde_json::Value::Null,
    }
}

fn threshold(expression: &str, observed: Option<f64>, text: &str, passed: bool) -> ThresholdResult {
    ThresholdResult {
        expression: expression.into(),
        observed,
        observed_text: text.into(),
        passed,
    }
}

/// `sample_result` stretched to an hour: 3,600 timeline seconds.
pub(crate) fn long_result() -> RunResult {
    let mut r = sample_result();
    for s in &mut r.stages {
        s.start_s *= 90.0;
        s.duration_s *= 90.0;
        s.measured_s *= 90.0;
        s.warmup_s *= 90.0;
    }
    r.run.duration_s = 3_600.0;
    let mut rng = fastrand::Rng::with_seed(11);
    r.timeline = timeline(&mut rng, &r.stages, 3_600);
    r
}

/// `sample_result` stopped early, with the generator as the bottleneck.
pub(crate) fn troubled_result() -> RunResult {
    let mut r = sample_result();
    r.run.status = RunStatus::Partial;
    r.run.partial_reason = Some("interrupted (SIGINT)".into());
    r.generator.bottleneck = true;
    r.generator.warnings = vec!["scheduler lag p99 12.0ms exceeds 1ms".into()];
    r
}

/// A run where nothing happened: one stage, no requests, no timeline.
pub(crate) fn empty_result() -> RunResult {
    let mut r = sample_result();
    r.stages.truncate(1);
    r.stages[0].requests.clear();
    r.timeline.clear();
    r.thresholds.clear();
    r
}
