//! Scheduling cost: computing open-model arrival times from the rate curve (per arrival), for a
//! constant rate and a ramp, dealt across threads.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use loadlab::engine::schedule::RateCurve;
use loadlab::scenario::StagePlan;
use std::time::Duration;

fn stage(start: u64, secs: u64, from: f64, to: f64) -> StagePlan {
    StagePlan {
        name: format!("s{start}"),
        start: Duration::from_secs(start),
        duration: Duration::from_secs(secs),
        from,
        to,
        warmup: Duration::ZERO,
    }
}

fn arrivals(c: &mut Criterion) {
    let mut group = c.benchmark_group("arrivals");
    let constant = RateCurve::new(&[stage(0, 100, 10_000.0, 10_000.0)]);
    let ramped = RateCurve::new(&[
        stage(0, 50, 0.0, 20_000.0),
        stage(50, 50, 20_000.0, 5_000.0),
    ]);
    for (name, curve) in [("constant", &constant), ("ramp", &ramped)] {
        let n = curve.total_arrivals() as u64 / 2;
        group.throughput(Throughput::Elements(n));
        group.bench_function(name, |b| {
            b.iter(|| curve.arrivals(1, 2).map(black_box).count())
        });
    }
    group.finish();
}

criterion_group!(benches, arrivals);
criterion_main!(benches);
