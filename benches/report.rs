//! Rendering the HTML report of a one-hour run: 3,600 timeline seconds, 10 request names,
//! 4 stages, 2 profiles with flame graphs, 8 target metric series. The budget: under
//! 1 s and under 5 MB. `cargo bench --bench report` prints the time (criterion) and the size.

use criterion::{criterion_group, criterion_main, Criterion};
use loadlab::metrics::{
    CoarseHistogram, Environment, GeneratorHealth, LatencyHistogram, LoadModelInfo, Outcome,
    OutcomeResult, RequestInfo, RequestResult, RunInfo, RunResult, RunStatus, ScenarioInfo,
    SecondResult, StageResult, SCHEMA_VERSION,
};
use loadlab::report::write::{render_view, View};
use std::collections::BTreeMap;

const SECONDS: u32 = 3_600;
const REQUESTS: usize = 10;
const STAGES: usize = 4;

fn histogram(rng: &mut fastrand::Rng, n: u64, median: u64) -> LatencyHistogram {
    let mut h = LatencyHistogram::new();
    (0..n).for_each(|_| {
        h.record(median / 2 + rng.u64(0..median) + (rng.u64(0..1000) / 999) * median * 20)
    });
    h
}

fn hour_long_result() -> (RunResult, BTreeMap<String, String>) {
    let mut rng = fastrand::Rng::with_seed(1);
    let names: Vec<String> = (0..REQUESTS).map(|i| format!("endpoint-{i}")).collect();
    let stage_s = SECONDS as f64 / STAGES as f64;
    let stages: Vec<StageResult> = (0..STAGES)
        .map(|s| StageResult {
            name: format!("stage-{s}"),
            start_s: s as f64 * stage_s,
            duration_s: stage_s,
            warmup_s: 30.0,
            measured_s: stage_s - 30.0,
            from: 500.0 * (s + 1) as f64,
            to: 500.0 * (s + 1) as f64,
            requests: names
                .iter()
                .map(|n| RequestResult {
                    name: n.clone(),
                    outcomes: BTreeMap::from([
                        (
                            Outcome::Ok,
                            OutcomeResult {
                                count: 20_000,
                                latency: histogram(&mut rng, 20_000, 4_000),
                                service_time: histogram(&mut rng, 2_000, 3_000),
                            },
                        ),
                        (
                            Outcome::Status,
                            OutcomeResult {
                                count: 40,
                                latency: histogram(&mut rng, 40, 9_000),
                                service_time: LatencyHistogram::new(),
                            },
                        ),
                    ]),
                    status_codes: BTreeMap::from([("200".into(), 20_000), ("503".into(), 40)]),
                    ..Default::default()
                })
                .collect(),
            warmup: vec![],
            scheduler_lag: histogram(&mut rng, 1_000, 100),
        })
        .collect();
    let timeline = (0..SECONDS)
        .map(|t| {
            let mut latency = CoarseHistogram::default();
            (0..300).for_each(|_| latency.record(2_000 + rng.u64(0..4_000)));
            SecondResult {
                t,
                sent: 1_000,
                completed: 1_000,
                ok: 990,
                errors: BTreeMap::from([(Outcome::Status, 10)]),
                in_flight_max: 40 + t % 13,
                lag_max_us: 100 + t % 300,
                p50_us: latency.percentile(50.0),
                p90_us: latency.percentile(90.0),
                p99_us: latency.percentile(99.0),
                latency,
                ..Default::default()
            }
        })
        .collect();
    let folded: Vec<(String, u64)> = (0..3_000)
        .map(|i| {
            (
                format!("main;serve;handler_{};work_{};leaf_{}", i % 40, i % 400, i),
                10 + i as u64 % 97,
            )
        })
        .collect();
    let svg = loadlab::probe::flame_graph_svg(&folded, "cpu").expect("flame graph");
    let flames = BTreeMap::from([
        ("a.svg".to_string(), svg.clone()),
        ("b.svg".to_string(), svg),
    ]);
    let top: Vec<_> = (0..20)
        .map(|i| serde_json::json!({"name": format!("work_{i}"), "flat": 10, "flat_share": 0.02, "cum": 20, "cum_share": 0.04}))
        .collect();
    let series: Vec<_> = (0..8)
        .map(|i| serde_json::json!({"name": format!("metric_{}", i / 2), "labels": {"instance": format!("pod-{i}")},
            "kind": "gauge", "points": (0..1_800).map(|t| [t as f64 * 2.0, (t % 50) as f64]).collect::<Vec<_>>()}))
        .collect();
    let result = RunResult {
        schema_version: SCHEMA_VERSION,
        loadlab_version: "bench".into(),
        scenario: ScenarioInfo {
            name: "hour".into(),
            path: "hour.toml".into(),
            digest: "0".repeat(64),
            target: "http://127.0.0.1:8080".into(),
            model: LoadModelInfo::Open,
            http_version: "1.1".into(),
            connections: 64,
            max_in_flight: 256,
            timeout_s: 5.0,
            requests: names
                .iter()
                .map(|n| RequestInfo {
                    name: n.clone(),
                    method: "GET".into(),
                    path: format!("/{n}"),
                    weight: 1,
                })
                .collect(),
            compare: None,
        },
        run: RunInfo {
            started_at: "2025-01-01T00:00:00Z".into(),
            start_unix_ms: 1_735_689_600_000,
            duration_s: SECONDS as f64,
            status: RunStatus::Complete,
            partial_reason: None,
            segment: None,
            environment: Environment {
                host: "bench".into(),
                os: "linux".into(),
                arch: "x86_64".into(),
                cpus: 2,
                threads: 2,
            },
        },
        stages,
        timeline,
        generator: GeneratorHealth::default(),
        thresholds: vec![],
        probes: serde_json::json!({
            "profiles": [
                {"stage": "stage-1", "flame_graph": "a.svg", "summary": {"top": top.clone()}},
                {"stage": "stage-3", "flame_graph": "b.svg", "summary": {"top": top}}
            ],
            "metrics": series,
        }),
    };
    (result, flames)
}

fn render_html(c: &mut Criterion) {
    let (result, flames) = hour_long_result();
    let html = render_view(View::Html, &result, &flames).expect("renders");
    println!("one-hour run report: {:.2} MB", html.len() as f64 / 1e6);
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.bench_function("html, one-hour run", |b| {
        b.iter(|| render_view(View::Html, &result, &flames).expect("renders"))
    });
    group.finish();
}

criterion_group!(benches, render_html);
criterion_main!(benches);
