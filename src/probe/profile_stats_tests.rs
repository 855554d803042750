use super::*;
use crate::probe::profile::decode_profile;
use crate::probe::test_profiles::{pprof_rs_profile_gz, Builder};

const MS10: u64 = 10_000_000;

fn cost<'a>(top: &'a [FunctionCost], name: &str) -> &'a FunctionCost {
    top.iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{name} missing from {top:?}"))
}

#[test]
fn flat_is_leaf_value_and_cum_is_inclusive() {
    let mut b = Builder::cpu();
    b.ticks(&["main", "a", "b"], 3)
        .ticks(&["main", "a"], 2)
        .ticks(&["main", "c"], 5);
    let top = top_functions(&b.build(), 1, 10);
    let names: Vec<&str> = top.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["c", "b", "a", "main"], "sorted by flat, then cum");
    let a = cost(&top, "a");
    assert_eq!((a.flat, a.cum), (2 * MS10, 5 * MS10));
    assert!((a.flat_share - 0.2).abs() < 1e-12 && (a.cum_share - 0.5).abs() < 1e-12);
    let main = cost(&top, "main");
    assert_eq!((main.flat, main.cum, main.cum_share), (0, 10 * MS10, 1.0));
    assert_eq!(top_functions(&b.build(), 1, 2).len(), 2, "truncated to n");
}

#[test]
fn recursion_counts_once_per_sample_in_cum() {
    let mut b = Builder::cpu();
    b.ticks(&["main", "A", "B", "A"], 4)
        .ticks(&["main", "B"], 1);
    let profile = b.build();
    let top = top_functions(&profile, 1, 10);
    let a = cost(&top, "A");
    assert_eq!((a.flat, a.cum), (4 * MS10, 4 * MS10), "A once, not twice");
    assert!(a.cum_share <= 1.0);
    let bb = cost(&top, "B");
    assert_eq!((bb.flat, bb.cum), (MS10, 5 * MS10));
    let folded = folded_stacks(&profile, 0);
    assert_eq!(
        folded,
        vec![("main;A;B;A".to_string(), 4), ("main;B".to_string(), 1)]
    );
}

#[test]
fn inlined_frames_get_flat_at_the_innermost_function() {
    let mut b = Builder::cpu();
    let inlined = b.loc(&["memcpy_inl", "copy"]);
    let root = b.loc(&["main"]);
    b.sample_ids(&[inlined, root], &[2, 20]);
    let profile = b.build();
    let top = top_functions(&profile, 1, 10);
    assert_eq!(cost(&top, "memcpy_inl").flat, 20);
    assert_eq!((cost(&top, "copy").flat, cost(&top, "copy").cum), (0, 20));
    assert_eq!(
        folded_stacks(&profile, 1),
        vec![("main;copy;memcpy_inl".to_string(), 20)]
    );
}

#[test]
fn folded_stacks_aggregate_and_skip_empty_or_negative() {
    let mut b = Builder::cpu();
    b.ticks(&["main", "x"], 1)
        .ticks(&["main", "x"], 2)
        .ticks(&["main", "y"], 0);
    b.stack(&["main", "z"], &[-1, -10]);
    b.sample_ids(&[], &[7, 70]); // no frames: in totals, not in folded
    b.stack(&["main", "short"], &[1]); // missing cpu value
    let profile = b.build();
    assert_eq!(
        folded_stacks(&profile, 1),
        vec![("main;x".to_string(), 3 * MS10)]
    );
    assert_eq!(
        folded_stacks(&profile, 0).len(),
        2,
        "x and short (count only)"
    );
    let summary = summarize(&profile, ProfileKind::Cpu, 5).expect("summary");
    assert_eq!(summary.total_value, 3 * MS10 + 70);
    assert_eq!(summary.samples, 3 + 7 + 1);
    assert!(
        folded_stacks(&profile, 99).is_empty(),
        "out-of-range index reads as zero"
    );
}

#[test]
fn summary_describes_the_profile_and_round_trips_as_json() {
    let mut b = Builder::cpu();
    b.ticks(&["main", "serve", "parse"], 30)
        .ticks(&["main", "serve"], 10);
    let summary = summarize(&b.build(), ProfileKind::Cpu, 2).expect("summary");
    assert_eq!(summary.kind, ProfileKind::Cpu);
    assert_eq!(
        (summary.sample_type.as_str(), summary.unit.as_str()),
        ("cpu", "nanoseconds")
    );
    assert_eq!((summary.total_value, summary.samples), (40 * MS10, 40));
    assert_eq!(
        (summary.duration_ns, summary.period),
        (2_000_000_000, 10_000_000)
    );
    assert_eq!(summary.top.len(), 2);
    assert_eq!(summary.top[0].name, "parse");
    let json = serde_json::to_value(&summary).expect("json");
    assert_eq!(json["kind"], "cpu");
    assert_eq!(json["top"][0]["flat_share"], 0.75);
    let back: ProfileSummary = serde_json::from_value(json).expect("parse");
    assert_eq!(back, summary);
}

#[test]
fn heap_summary_uses_inuse_space_and_counts_records() {
    let mut b = Builder::new(&[("alloc_space", "bytes"), ("inuse_space", "bytes")]);
    b.stack(&["main", "alloc"], &[4096, 1024])
        .stack(&["main", "cache"], &[8192, 0]);
    let summary = summarize(&b.build(), ProfileKind::Heap, 10).expect("summary");
    assert_eq!(
        (summary.sample_type.as_str(), summary.unit.as_str()),
        ("inuse_space", "bytes")
    );
    assert_eq!((summary.total_value, summary.samples), (1024, 2));
    assert_eq!(summary.top.len(), 2, "cache has no in-use bytes");
}

#[test]
fn a_real_pprof_rs_profile_sees_the_busy_function() {
    let profile = decode_profile(pprof_rs_profile_gz()).expect("decode");
    let summary = summarize(&profile, ProfileKind::Cpu, 20).expect("summary");
    assert!(
        summary.samples > 20,
        "a 400 ms busy loop at 1 kHz: {summary:?}"
    );
    assert_eq!(summary.total_value, summary.samples * 1_000_000);
    let all = top_functions(&profile, 1, usize::MAX);
    let burn = all
        .iter()
        .find(|c| c.name.contains("loadlab_probe_test_burn"));
    assert!(
        burn.is_some_and(|c| c.cum_share > 0.1),
        "{:?}",
        &all[..all.len().min(10)]
    );
    let folded = folded_stacks(&profile, 1);
    let folded_total: u64 = folded.iter().map(|(_, v)| v).sum();
    assert_eq!(folded_total, summary.total_value);
}
