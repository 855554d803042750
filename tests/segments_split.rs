//! Split exactness: for many (rate, users, N) combinations, the segments (and their threads)
//! together hold exactly the whole scenario — every arrival once, every user once.

use loadlab::engine::schedule::{RateCurve, UsersCurve};
use loadlab::engine::split::{share, share_of};
use loadlab::engine::Segment;
use loadlab::scenario::StagePlan;
use std::time::Duration;

fn stage(start: f64, seconds: f64, from: f64, to: f64) -> StagePlan {
    StagePlan {
        name: format!("s{start}"),
        start: Duration::from_secs_f64(start),
        duration: Duration::from_secs_f64(seconds),
        from,
        to,
        warmup: Duration::ZERO,
    }
}

/// Flat, ramped and multi-stage shapes at awkward rates.
fn shapes() -> Vec<Vec<StagePlan>> {
    let mut shapes: Vec<Vec<StagePlan>> = [1.0, 7.5, 99.0, 333.0, 1_000.0, 1_501.0]
        .iter()
        .map(|&r| vec![stage(0.0, 2.0, r, r)])
        .collect();
    shapes.push(vec![stage(0.0, 3.0, 0.0, 700.0)]);
    shapes.push(vec![
        stage(0.0, 1.0, 50.0, 50.0),
        stage(1.0, 2.0, 50.0, 900.0),
        stage(3.0, 1.5, 900.0, 10.0),
        stage(4.5, 0.5, 0.0, 0.0),
        stage(5.0, 1.0, 123.4, 123.4),
    ]);
    shapes
}

#[test]
fn open_model_segments_partition_the_arrivals() {
    let mut checked = 0;
    for stages in shapes() {
        let curve = RateCurve::new(&stages);
        let whole: Vec<u64> = curve.arrivals(0, 1).collect();
        assert_eq!(
            whole.len() as f64,
            curve.total_arrivals().ceil(),
            "{stages:?}"
        );
        for n in 1..=8u64 {
            // Segment i takes arrivals i, i+N, …; within it, thread t of K takes every K-th.
            for threads in 1..=3u64 {
                let mut dealt: Vec<u64> = (0..n)
                    .flat_map(|i| (0..threads).map(move |t| (i + n * t, n * threads)))
                    .flat_map(|(offset, stride)| curve.arrivals(offset, stride))
                    .collect();
                dealt.sort_unstable();
                assert_eq!(dealt, whole, "N={n} K={threads} {stages:?}");
                checked += 1;
            }
            let per_segment: Vec<usize> = (0..n).map(|i| curve.arrivals(i, n).count()).collect();
            let (min, max) = (per_segment.iter().min(), per_segment.iter().max());
            assert!(
                max.zip(min).is_some_and(|(a, b)| a - b <= 1),
                "uneven: {per_segment:?}"
            );
        }
    }
    assert!(checked > 100);
}

#[test]
fn closed_model_segments_share_the_users_exactly() {
    for users in [0usize, 1, 2, 5, 7, 10, 33, 100, 101, 999] {
        for n in 1..=9u32 {
            let dealt: Vec<Vec<usize>> = (0..n)
                .map(|i| {
                    (0..users)
                        .filter(|k| k % n as usize == i as usize)
                        .collect()
                })
                .collect();
            let total: usize = (0..n)
                .map(|i| share(users, Segment { index: i, count: n }))
                .sum();
            assert_eq!(total, users, "users {users} N {n}");
            for (i, ks) in dealt.iter().enumerate() {
                assert_eq!(
                    ks.len(),
                    share_of(users, n as usize, i),
                    "users {users} N {n}"
                );
            }
            // A ramp activates users in index order: at every moment the active users of the
            // segments add up to the whole run's.
            let curve = UsersCurve::new(&[stage(0.0, 10.0, 0.0, users as f64)]);
            for t in [0.5, 2.5, 5.0, 7.5, 9.99] {
                let active = |ks: &[usize]| ks.iter().filter(|&&k| curve.is_active(k, t)).count();
                let by_segment: usize = dealt.iter().map(|ks| active(ks)).sum();
                let whole = (0..users).filter(|&k| curve.is_active(k, t)).count();
                assert_eq!(by_segment, whole, "users {users} N {n} t {t}");
            }
        }
    }
}
