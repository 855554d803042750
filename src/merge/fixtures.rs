//! Hand-made segment results for the merge tests: deterministic pseudo-random latencies.

use crate::metrics::{
    CoarseHistogram, Environment, GeneratorHealth, LatencyHistogram, LoadModelInfo, Outcome,
    OutcomeResult, RequestResult, RunInfo, RunResult, RunStatus, ScenarioInfo, SecondResult,
    SegmentInfo, StageResult, ThresholdResult,
};

pub const DIGEST: &str = "aaaa1111";
pub const SECONDS: u32 = 4;

/// Segment `index` of `count`, started at `start_ms`, with samples drawn from `seed`.
pub fn part(index: u32, count: u32, start_ms: u64, seed: u64) -> RunResult {
    let mut rng = fastrand::Rng::with_seed(seed);
    let stages = ["warm", "steady"]
        .iter()
        .map(|name| stage(name, &mut rng))
        .collect();
    RunResult {
        schema_version: crate::metrics::SCHEMA_VERSION,
        loadlab_version: "0.1.0".into(),
        scenario: ScenarioInfo {
            name: "fixture".into(),
            path: "fixture.toml".into(),
            digest: DIGEST.into(),
            target: "http://127.0.0.1:9".into(),
            model: LoadModelInfo::Open,
            http_version: "HTTP/1.1".into(),
            connections: 8,
            max_in_flight: 64,
            timeout_s: 5.0,
            requests: Vec::new(),
            compare: None,
        },
        run: RunInfo {
            started_at: format!("t{start_ms}"),
            start_unix_ms: start_ms,
            duration_s: SECONDS as f64,
            status: RunStatus::Complete,
            partial_reason: None,
            segment: Some(SegmentInfo { index, count }),
            environment: Environment {
                host: format!("host-{index}"),
                os: "linux".into(),
                arch: "x86_64".into(),
                cpus: 2,
                threads: 2,
            },
        },
        stages,
        timeline: (0..SECONDS).map(|t| second(t, &mut rng)).collect(),
        generator: GeneratorHealth {
            threads: 2,
            cpu_seconds: 1.5,
            connections_opened: 4,
            scheduler_lag_max_us: 100 + index as u64,
            ..GeneratorHealth::default()
        },
        thresholds: ["steady:p99 < 200ms", "errors < 1%", "steady:rate > 500/s"]
            .iter()
            .map(|e| ThresholdResult {
                expression: e.to_string(),
                observed: None,
                observed_text: "no data".into(),
                passed: false,
            })
            .collect(),
        probes: serde_json::Value::Null,
    }
}

fn stage(name: &str, rng: &mut fastrand::Rng) -> StageResult {
    let mut lag = LatencyHistogram::new();
    (0..200).for_each(|_| lag.record(rng.u64(1..2_000)));
    StageResult {
        name: name.into(),
        start_s: 0.0,
        duration_s: 2.0,
        warmup_s: 0.0,
        measured_s: 2.0,
        from: 300.0,
        to: 300.0,
        requests: vec![request("fast", rng, 500), request("slow", rng, 100)],
        warmup: vec![request("fast", rng, 10)],
        scheduler_lag: lag,
    }
}

fn request(name: &str, rng: &mut fastrand::Rng, n: usize) -> RequestResult {
    let mut ok = OutcomeResult::default();
    let mut failed = OutcomeResult::default();
    for _ in 0..n {
        let latency = rng.u64(100..50_000) * rng.u64(1..20);
        let o = if rng.u8(0..100) == 0 {
            &mut failed
        } else {
            &mut ok
        };
        o.count += 1;
        o.latency.record(latency);
        o.service_time.record(latency / 2);
    }
    let mut r = RequestResult {
        name: name.into(),
        dropped: rng.u64(0..5),
        bytes_received: ok.count * 100,
        ..RequestResult::default()
    };
    r.status_codes.insert("200".into(), ok.count);
    r.status_codes.insert("503".into(), failed.count);
    r.outcomes.insert(Outcome::Ok, ok);
    r.outcomes.insert(Outcome::Status, failed);
    r
}

fn second(t: u32, rng: &mut fastrand::Rng) -> SecondResult {
    let mut latency = CoarseHistogram::default();
    let ok = rng.u32(50..100);
    (0..ok).for_each(|_| latency.record(rng.u64(100..100_000)));
    SecondResult {
        t,
        sent: ok + 1,
        dropped: 1,
        completed: ok + 1,
        ok,
        errors: [(Outcome::Timeout, 1)].into_iter().collect(),
        in_flight_max: rng.u32(1..10),
        lag_max_us: rng.u32(1..1000),
        p50_us: latency.percentile(50.0),
        p90_us: latency.percentile(90.0),
        p99_us: latency.percentile(99.0),
        latency,
    }
}
