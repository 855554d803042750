//! Hand-made `RunResult`s for the comparison's tests: an open-model run of named stages and
//! weighted requests whose latency is `(5 ms + uniform[0, 5 ms)) × scale` with a rare slow
//! tail and a little per-second drift, recorded into the stage histograms and the timeline
//! exactly as the engine would.

use crate::metrics::{
    CoarseHistogram, Environment, GeneratorHealth, LatencyHistogram, LoadModelInfo, Outcome,
    OutcomeResult, RequestInfo, RequestResult, RunInfo, RunResult, RunStatus, ScenarioInfo,
    SecondResult, StageResult,
};

#[derive(Debug, Clone)]
pub struct Spec {
    /// (name, duration s, warm-up s)
    pub stages: Vec<(String, u32, u32)>,
    /// (name, weight, latency multiplier)
    pub requests: Vec<(String, u32, f64)>,
    pub rate: u32,
    pub scale: f64,
    pub error_rate: f64,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            stages: vec![("steady".into(), 30, 2)],
            requests: vec![("a".into(), 3, 1.0), ("b".into(), 1, 2.0)],
            rate: 300,
            scale: 1.0,
            error_rate: 0.0,
            seed: 1,
        }
    }
}

pub fn run(spec: &Spec) -> RunResult {
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let total_weight: u32 = spec.requests.iter().map(|r| r.1).sum::<u32>().max(1);
    let mut stages = Vec::new();
    let mut timeline = Vec::new();
    let mut t = 0u32;
    for (name, duration, warmup) in &spec.stages {
        let start = t;
        let mut measured: Vec<RequestResult> = empty_requests(spec);
        let mut warm: Vec<RequestResult> = empty_requests(spec);
        for sec in 0..*duration {
            let drift = 1.0 + (rng.f64() - 0.5) * 0.02;
            let mut second = SecondResult {
                t,
                ..SecondResult::default()
            };
            let mut coarse = CoarseHistogram::default();
            for _ in 0..spec.rate {
                let mut pick = rng.u32(..total_weight);
                let index = spec.requests.iter().position(|r| {
                    let hit = pick < r.1;
                    pick = pick.saturating_sub(r.1);
                    hit
                });
                let index = index.unwrap_or(0);
                let mut micros = (5_000.0 + rng.f64() * 5_000.0) * spec.scale * drift;
                micros *= spec.requests.get(index).map_or(1.0, |r| r.2);
                if rng.f64() < 0.005 {
                    micros += rng.f64() * 40_000.0 * spec.scale;
                }
                let outcome = if rng.f64() < spec.error_rate {
                    Outcome::Status
                } else {
                    Outcome::Ok
                };
                let target = if sec < *warmup {
                    &mut warm
                } else {
                    &mut measured
                };
                let o = target[index].outcomes.entry(outcome).or_default();
                o.count += 1;
                o.latency.record(micros as u64);
                o.service_time.record(micros as u64);
                second.sent += 1;
                second.completed += 1;
                if outcome == Outcome::Ok {
                    second.ok += 1;
                    coarse.record(micros as u64);
                } else {
                    *second.errors.entry(outcome).or_insert(0) += 1;
                }
            }
            second.p50_us = coarse.percentile(50.0);
            second.p90_us = coarse.percentile(90.0);
            second.p99_us = coarse.percentile(99.0);
            second.latency = coarse;
            timeline.push(second);
            t += 1;
        }
        stages.push(StageResult {
            name: name.clone(),
            start_s: f64::from(start),
            duration_s: f64::from(*duration),
            warmup_s: f64::from(*warmup),
            measured_s: f64::from(duration.saturating_sub(*warmup)),
            from: f64::from(spec.rate),
            to: f64::from(spec.rate),
            requests: measured,
            warmup: warm,
            scheduler_lag: LatencyHistogram::new(),
        });
    }
    wrap(spec, stages, timeline, f64::from(t))
}

fn empty_requests(spec: &Spec) -> Vec<RequestResult> {
    spec.requests
        .iter()
        .map(|r| RequestResult {
            name: r.0.clone(),
            outcomes: [(Outcome::Ok, OutcomeResult::default())]
                .into_iter()
                .collect(),
            ..RequestResult::default()
        })
        .collect()
}

fn wrap(
    spec: &Spec,
    stages: Vec<StageResult>,
    timeline: Vec<SecondResult>,
    duration_s: f64,
) -> RunResult {
    RunResult {
        schema_version: crate::metrics::SCHEMA_VERSION,
        loadlab_version: "test".into(),
        scenario: ScenarioInfo {
            name: "synthetic".into(),
            path: "synthetic.toml".into(),
            digest: "d1".into(),
            target: "http://127.0.0.1:1".into(),
            model: LoadModelInfo::Open,
            http_version: "1.1".into(),
            connections: 8,
            max_in_flight: 256,
            timeout_s: 5.0,
            requests: spec
                .requests
                .iter()
                .map(|r| RequestInfo {
                    name: r.0.clone(),
                    method: "GET".into(),
                    path: format!("/{}", r.0),
                    weight: r.1,
                })
                .collect(),
            compare: None,
        },
        run: RunInfo {
            started_at: "2025-01-01T00:00:00.000Z".into(),
            start_unix_ms: 0,
            duration_s,
            status: RunStatus::Complete,
            partial_reason: None,
            segment: None,
            environment: Environment {
                host: "test".into(),
                os: "linux".into(),
                arch: "x86_64".into(),
                cpus: 2,
                threads: 2,
            },
        },
        stages,
        timeline,
        generator: GeneratorHealth::default(),
        thresholds: Vec::new(),
        probes: serde_json::Value::Null,
    }
}
