//! `compare` on hand-made runs: A/A noise, real shifts both ways, shapes, errors, CPU and
//! profiles, degenerate inputs.

use super::synthetic::{run, Spec};
use super::*;
use serde_json::json;

fn verdict(c: &Comparison, stage: &str, request: &str, metric: Metric) -> Verdict {
    let s = c.stages.iter().find(|s| s.name == stage).expect("stage");
    let r = s.rows.iter().find(|r| r.request == request).expect("row");
    r.metric(metric).expect("metric").verdict
}

fn shifted(scale: f64, seed: u64) -> RunResult {
    run(&Spec {
        scale,
        seed,
        ..Spec::default()
    })
}

#[test]
fn a_a_noise_is_never_significant() {
    let opts = CompareOptions::default();
    for seed in 0..24 {
        let (a, b) = (shifted(1.0, 2 * seed + 100), shifted(1.0, 2 * seed + 101));
        let c = compare(&a, &b, &opts).unwrap();
        let moved: Vec<String> = c
            .metrics()
            .filter(|(_, _, m)| matches!(m.verdict, Verdict::Regressed | Verdict::Improved))
            .map(|(s, r, m)| format!("{s}/{}/{}: {:?}", r.request, m.metric.label(), m))
            .collect();
        assert!(moved.is_empty(), "seed {seed}: {moved:#?}");
        assert!(!c.has_regression());
    }
}

#[test]
fn a_fifteen_percent_shift_regresses() {
    let c = compare(
        &shifted(1.0, 7),
        &shifted(1.15, 8),
        &CompareOptions::default(),
    )
    .unwrap();
    for m in [Metric::P50, Metric::P90, Metric::P99] {
        assert_eq!(
            verdict(&c, "steady", ALL_ROW, m),
            Verdict::Regressed,
            "{m:?}"
        );
        assert_eq!(verdict(&c, "steady", "a", m), Verdict::Regressed, "a {m:?}");
    }
    assert_eq!(
        verdict(&c, "steady", ALL_ROW, Metric::Throughput),
        Verdict::Unchanged
    );
    assert_eq!(
        verdict(&c, "steady", ALL_ROW, Metric::ErrorRate),
        Verdict::Unchanged
    );
    assert!(c.has_regression());
    let all = &c.stages[0].rows.last().unwrap();
    let p50 = all.metric(Metric::P50).unwrap();
    let t = p50.test.as_ref().unwrap();
    assert!(t.p_value < 0.01 && t.ci_low > 1.0, "{t:?}");
    assert!(!t.from_stage);
    assert!(all.metrics.iter().all(|m| m.metric != Metric::CpuPer1k));
}

#[test]
fn the_reverse_shift_improves() {
    let c = compare(
        &shifted(1.15, 8),
        &shifted(1.0, 7),
        &CompareOptions::default(),
    )
    .unwrap();
    for m in [Metric::P50, Metric::P90, Metric::P99] {
        assert_eq!(
            verdict(&c, "steady", ALL_ROW, m),
            Verdict::Improved,
            "{m:?}"
        );
    }
    assert!(!c.has_regression());
    assert!(c.counts.improved >= 3);
}

#[test]
fn results_are_deterministic() {
    let (a, b) = (shifted(1.0, 1), shifted(1.08, 2));
    let opts = CompareOptions::default();
    assert_eq!(
        compare(&a, &b, &opts).unwrap(),
        compare(&a, &b, &opts).unwrap()
    );
}

#[test]
fn incompatible_shapes_name_the_difference() {
    let a = run(&Spec::default());
    let mut b = run(&Spec {
        stages: vec![("steady".into(), 10, 1), ("spike".into(), 10, 1)],
        requests: vec![("a".into(), 1, 1.0), ("c".into(), 1, 1.0)],
        ..Spec::default()
    });
    b.scenario.model = crate::metrics::LoadModelInfo::Closed { think_time_s: 1.0 };
    let err = compare(&a, &b, &CompareOptions::default()).unwrap_err();
    let CompareError::Incompatible { differences } = &err else {
        panic!("{err}")
    };
    assert_eq!(differences.len(), 4, "{differences:?}");
    let text = err.to_string();
    for needle in [
        "load model: open in the base run, closed (think time 1s)",
        "stage \"spike\" only in the candidate run",
        "request \"b\" in stage \"steady\" only in the base run",
        "request \"c\" in stage \"steady\" only in the candidate run",
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
}

#[test]
fn different_scenarios_warn_but_compare() {
    let a = run(&Spec::default());
    let mut b = run(&Spec {
        seed: 9,
        ..Spec::default()
    });
    b.scenario.digest = "other".into();
    b.run.status = crate::metrics::RunStatus::Partial;
    let c = compare(&a, &b, &CompareOptions::default()).unwrap();
    assert!(
        c.warnings.iter().any(|w| w.contains("digests")),
        "{:?}",
        c.warnings
    );
    assert!(c
        .warnings
        .iter()
        .any(|w| w.contains("candidate run is partial")));
}

#[test]
fn errors_regress_in_points() {
    let a = run(&Spec::default());
    let b = run(&Spec {
        error_rate: 0.03,
        seed: 5,
        ..Spec::default()
    });
    let c = compare(&a, &b, &CompareOptions::default()).unwrap();
    assert_eq!(
        verdict(&c, "steady", ALL_ROW, Metric::ErrorRate),
        Verdict::Regressed
    );
    let m = c.stages[0]
        .rows
        .last()
        .unwrap()
        .metric(Metric::ErrorRate)
        .unwrap();
    assert!((m.change.unwrap() - 0.03).abs() < 0.005, "{m:?}");
}

#[test]
fn too_few_windows_are_inconclusive() {
    let spec = |scale, seed| Spec {
        stages: vec![("short".into(), 5, 1)],
        scale,
        seed,
        ..Spec::default()
    };
    let c = compare(
        &run(&spec(1.0, 1)),
        &run(&spec(1.15, 2)),
        &CompareOptions::default(),
    )
    .unwrap();
    assert_eq!(
        verdict(&c, "short", ALL_ROW, Metric::P50),
        Verdict::Inconclusive
    );
    // …unless the change is enormous and complete.
    let c = compare(
        &run(&spec(1.0, 1)),
        &run(&spec(3.0, 2)),
        &CompareOptions::default(),
    )
    .unwrap();
    assert_eq!(
        verdict(&c, "short", ALL_ROW, Metric::P50),
        Verdict::Regressed
    );
}

/// A run whose probes say the target used `cpu_per_req` CPU seconds per request.
fn with_cpu(mut r: RunResult, cpu_per_req: f64, hot_ns: u64) -> RunResult {
    let mut total = 0.0;
    let points: Vec<[f64; 2]> = (0..=r.timeline.len())
        .map(|t| {
            let p = [t as f64, total];
            if let Some(s) = r.timeline.get(t) {
                total += f64::from(s.completed) * cpu_per_req * (1.0 + 0.01 * (t % 3) as f64);
            }
            p
        })
        .collect();
    r.probes = json!({
        "metrics": {"url": "http://t/metrics", "series": [
            {"name": "process_cpu_seconds_total", "kind": "counter", "points": points}
        ]},
        "profiles": [{"stage": "steady", "requests": 1000, "folded": [
            ["main;serve;parse", 4_000_000u64], ["main;serve;hot_loop", hot_ns]
        ]}]
    });
    r
}

#[test]
fn cpu_per_request_and_the_profile_diff() {
    let a = with_cpu(shifted(1.0, 1), 0.002, 9_000_000);
    let b = with_cpu(shifted(1.0, 2), 0.0026, 1_000_000);
    let c = compare(&a, &b, &CompareOptions::default()).unwrap();
    let cpu = c.stages[0]
        .rows
        .last()
        .unwrap()
        .metric(Metric::CpuPer1k)
        .unwrap();
    assert!((cpu.base.unwrap() - 2.0).abs() < 0.05, "{cpu:?}");
    assert_eq!(cpu.verdict, Verdict::Regressed, "{cpu:?}");
    let p = c.profile.as_ref().unwrap();
    assert_eq!(p.stage.as_deref(), Some("steady"));
    assert_eq!(p.improvements[0].name, "hot_loop");
    assert!(p.regressions.is_empty());
    // Only one side with data: not compared, and said so.
    let c = compare(&a, &shifted(1.0, 2), &CompareOptions::default()).unwrap();
    assert!(c.warnings.iter().any(|w| w.contains("only the base run")));
    assert!(c.profile.is_none());
}

#[test]
fn a_capture_with_no_samples_is_zero_cpu_not_missing_data() {
    let a = with_cpu(shifted(1.0, 1), 0.002, 9_000_000);
    let mut b = shifted(1.0, 2);
    let summary = json!({"kind": "cpu", "sample_type": "cpu", "unit": "nanoseconds",
        "total_value": 0, "duration_ns": 4_000_000_000u64, "period": 10_000_000,
        "samples": 0, "top": []});
    b.probes = json!({"profiles": [{"stage": "steady", "kind": "cpu", "status": "ok",
        "requests_in_window": 800, "summary": summary, "folded": []}]});
    let c = compare(&a, &b, &CompareOptions::default()).unwrap();
    let p = c.profile.as_ref().expect("a profile diff");
    assert_eq!(p.candidate_requests, 800);
    assert_eq!(p.improvements[0].name, "hot_loop");
    assert_eq!(p.improvements[0].after_ns_per_req, 0.0);
    assert!(p.regressions.is_empty());
    // Nothing on either side: nothing to diff.
    let c = compare(&b, &b, &CompareOptions::default()).unwrap();
    assert!(c.profile.is_none());
    // A failed capture is missing data, not zero.
    b.probes["profiles"][0]["status"] = json!("failed");
    let c = compare(&a, &b, &CompareOptions::default()).unwrap();
    assert!(c.profile.is_none());
}

#[test]
fn odd_inputs_do_not_panic() {
    let mut a = run(&Spec {
        stages: vec![("s".into(), 3, 0)],
        rate: 2,
        ..Spec::default()
    });
    let mut b = a.clone();
    a.timeline.clear();
    b.stages[0].measured_s = f64::NAN;
    b.stages[0].requests[0].outcomes.clear();
    b.probes = json!({"profiles": [{"folded": "x"}], "metrics": [[{"points": "no"}]]});
    let c = compare(&a, &b, &CompareOptions::default()).unwrap();
    assert!(!c.has_regression());
    let empty = run(&Spec {
        stages: vec![],
        ..Spec::default()
    });
    assert!(compare(&empty, &empty, &CompareOptions::default())
        .unwrap()
        .stages
        .is_empty());
    serde_json::to_string(&c).unwrap();
}
