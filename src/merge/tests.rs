//! Merge unit tests on hand-made segment results.

use super::fixtures::{part, DIGEST, SECONDS};
use super::{merge, MergeError};
use crate::metrics::{LatencyHistogram, Outcome, RunResult, RunStatus};

fn three() -> Vec<RunResult> {
    vec![
        part(0, 3, 10_000, 1),
        part(1, 3, 10_040, 2),
        part(2, 3, 9_990, 3),
    ]
}

#[test]
fn counts_add_up_exactly() {
    let parts = three();
    let merged = merge(&parts, false).unwrap();
    for (si, stage) in merged.stages.iter().enumerate() {
        for (ri, r) in stage.requests.iter().enumerate() {
            let of = |p: &RunResult| p.stages[si].requests[ri].clone();
            assert_eq!(r.dropped, parts.iter().map(|p| of(p).dropped).sum::<u64>());
            assert_eq!(
                r.bytes_received,
                parts.iter().map(|p| of(p).bytes_received).sum::<u64>()
            );
            for outcome in [Outcome::Ok, Outcome::Status] {
                let want: u64 = parts.iter().map(|p| of(p).outcomes[&outcome].count).sum();
                assert_eq!(r.outcomes[&outcome].count, want);
                assert_eq!(r.outcomes[&outcome].latency.count(), want);
            }
            let want_503: u64 = parts.iter().map(|p| of(p).status_codes["503"]).sum();
            assert_eq!(r.status_codes["503"], want_503);
        }
        let warm: u64 = parts
            .iter()
            .map(|p| p.stages[si].warmup[0].outcomes[&Outcome::Ok].count)
            .sum();
        assert_eq!(stage.warmup[0].outcomes[&Outcome::Ok].count, warm);
    }
    let (sent, dropped, _) = merged.all_counts();
    let parts_sent: u64 = parts.iter().map(|p| p.all_counts().0).sum();
    let parts_dropped: u64 = parts.iter().map(|p| p.all_counts().1).sum();
    assert_eq!((sent, dropped), (parts_sent, parts_dropped));
    assert_eq!(merged.run.segment, None);
    assert_eq!(merged.run.status, RunStatus::Complete);
    assert_eq!(merged.generator.threads, 6);
    assert_eq!(merged.generator.connections_opened, 12);
    assert_eq!(merged.generator.cpu_seconds, 4.5);
    assert_eq!(merged.generator.scheduler_lag_max_us, 102);
    assert_eq!(merged.run.environment.host, "host-0, host-1, host-2");
}

#[test]
fn merged_percentiles_are_those_of_the_added_histograms() {
    let parts = three();
    let merged = merge(&parts, false).unwrap();
    let mut added = LatencyHistogram::new();
    for p in &parts {
        added.add(&p.summary(Some("steady"), None).latency);
    }
    let got = merged.summary(Some("steady"), None).latency;
    assert_eq!(got.count(), added.count());
    for q in [0.0, 1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0] {
        assert_eq!(got.percentile(q), added.percentile(q), "p{q}");
    }
    assert_eq!((got.min(), got.max()), (added.min(), added.max()));
    // …and the same after a round trip through result.json's encoding.
    let back: RunResult = serde_json::from_str(&serde_json::to_string(&merged).unwrap()).unwrap();
    let again = back.summary(Some("steady"), None).latency;
    assert_eq!(again.percentile(99.0), added.percentile(99.0));
}

#[test]
fn timelines_align_on_wall_clock_and_sum() {
    // Segment 1 started 1.6 s late (rounds to 2 s), segment 2 0.4 s late (rounds to 0 s).
    let parts = vec![
        part(0, 3, 10_000, 1),
        part(1, 3, 11_600, 2),
        part(2, 3, 10_400, 3),
    ];
    let merged = merge(&parts, false).unwrap();
    assert_eq!(merged.timeline.len(), SECONDS as usize + 2);
    assert!(merged
        .timeline
        .iter()
        .enumerate()
        .all(|(i, s)| s.t == i as u32));
    let t3 = &merged.timeline[3];
    let want = parts[0].timeline[3].sent + parts[1].timeline[1].sent + parts[2].timeline[3].sent;
    assert_eq!(t3.sent, want);
    assert_eq!(t3.errors[&Outcome::Timeout], 3);
    let lat = parts[0].timeline[3].latency.count()
        + parts[1].timeline[1].latency.count()
        + parts[2].timeline[3].latency.count();
    assert_eq!(t3.latency.count(), lat);
    assert_eq!(t3.p99_us, t3.latency.percentile(99.0));
    let total: u64 = merged.timeline.iter().map(|s| s.sent as u64).sum();
    let parts_total: u64 = parts
        .iter()
        .flat_map(|p| &p.timeline)
        .map(|s| s.sent as u64)
        .sum();
    assert_eq!(total, parts_total);
    assert!(merged
        .generator
        .warnings
        .iter()
        .any(|w| w.contains("started 1.6s after")));
    assert_eq!(merged.run.start_unix_ms, 10_000);
    assert!((merged.run.duration_s - (1.6 + SECONDS as f64)).abs() < 1e-9);
}

#[test]
fn refuses_segments_of_different_scenarios_naming_the_digests() {
    let mut parts = three();
    parts[2].scenario.digest = "bbbb2222".into();
    let err = merge(&parts, true).unwrap_err().to_string();
    assert!(err.contains(DIGEST) && err.contains("bbbb2222"), "{err}");
    assert!(err.contains("segment 2/3"), "{err}");
}

#[test]
fn refuses_a_missing_segment_unless_partial_is_allowed() {
    let parts = vec![part(0, 3, 10_000, 1), part(2, 3, 10_000, 3)];
    let err = merge(&parts, false).unwrap_err();
    assert_eq!(
        err,
        MergeError::Missing {
            count: 3,
            missing: vec![1],
            present: vec![0, 2]
        }
    );
    assert!(err.to_string().contains("missing index 1"), "{err}");
    assert!(err.to_string().contains("--allow-partial"), "{err}");
    let merged = merge(&parts, true).unwrap();
    assert_eq!(merged.run.status, RunStatus::Partial);
    let reason = merged.run.partial_reason.unwrap();
    assert!(reason.contains("without segment index 1 of 3"), "{reason}");
}

#[test]
fn refuses_duplicates_mixed_counts_and_whole_runs() {
    let dup = vec![part(0, 2, 0, 1), part(0, 2, 0, 2)];
    assert!(merge(&dup, true)
        .unwrap_err()
        .to_string()
        .contains("0/2 is given twice"));
    let mixed = vec![part(0, 2, 0, 1), part(1, 3, 0, 2)];
    assert!(matches!(
        merge(&mixed, true),
        Err(MergeError::DifferentCounts { .. })
    ));
    let mut whole = part(0, 1, 0, 1);
    whole.run.segment = None;
    assert!(merge(&[whole], true)
        .unwrap_err()
        .to_string()
        .contains("--segment i/N"));
    assert_eq!(merge(&[], true).unwrap_err(), MergeError::NoParts);
    let mut other_plan = part(1, 2, 0, 2);
    other_plan.stages.pop();
    let err = merge(&[part(0, 2, 0, 1), other_plan], true)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("[warm]") && err.contains("[warm, steady]"),
        "{err}"
    );
}

#[test]
fn partial_segments_make_a_partial_merge() {
    let mut parts = three();
    parts[1].run.status = RunStatus::Partial;
    parts[1].run.partial_reason = Some("interrupted (SIGINT)".into());
    let merged = merge(&parts, false).unwrap();
    assert_eq!(merged.run.status, RunStatus::Partial);
    assert_eq!(
        merged.run.partial_reason.as_deref(),
        Some("segment 1/3: interrupted (SIGINT)")
    );
}

#[test]
fn thresholds_are_evaluated_on_the_merged_data() {
    let parts = three();
    // Each segment alone serves about 1/3 of the rate; the merged run serves all of it.
    let merged = merge(&parts, false).unwrap();
    let rate = merged
        .thresholds
        .iter()
        .find(|t| t.expression == "steady:rate > 500/s")
        .unwrap();
    let want = merged.summary(Some("steady"), None).throughput();
    assert_eq!(rate.observed, Some(want));
    assert!(rate.passed, "{rate:?}");
    assert!(parts[0].summary(Some("steady"), None).throughput() < 500.0);
    assert_eq!(merged.thresholds.len(), 3);
}

#[test]
fn warnings_are_kept_once_naming_their_segments_and_bottleneck_carries() {
    let mut parts = three();
    for i in [0, 2] {
        parts[i].generator.warnings.push("lag too high".into());
        parts[i].generator.bottleneck = true;
    }
    let merged = merge(&parts, false).unwrap();
    assert!(merged.generator.bottleneck);
    assert_eq!(
        merged.generator.warnings,
        vec!["segments 0/3, 2/3: lag too high"]
    );
}

#[test]
fn probes_are_kept_per_segment() {
    let mut parts = vec![part(0, 3, 0, 1), part(2, 3, 0, 3)];
    parts[1].probes = serde_json::json!({"profile": {"samples": 7}});
    let merged = merge(&parts, true).unwrap();
    assert_eq!(
        merged.probes,
        serde_json::json!({"segments": [null, null, {"profile": {"samples": 7}}]})
    );
    assert!(merge(&three(), false).unwrap().probes.is_null());
}
