//! Recording cost on the hot path: one sample into a per-thread recorder (HDR histograms for
//! latency and service time, the per-second timeline), and the histograms on their own.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use loadlab::metrics::{CoarseHistogram, LatencyHistogram, Outcome, Recorder, Sample, StageBounds};

fn recorder(c: &mut Criterion) {
    let mut group = c.benchmark_group("record");
    group.throughput(Throughput::Elements(1));
    let bounds = StageBounds::new([(0, 0), (30_000_000_000, 2_000_000_000)]);
    let mut rec = Recorder::new(bounds, 3);
    let mut i = 0u64;
    group.bench_function("sample", |b| {
        b.iter(|| {
            i += 1;
            // Spread over 60 s of intended starts and a realistic latency range.
            let intended_ns = (i * 7_919_000) % 60_000_000_000;
            let latency = 50_000 + (i * 104_729) % 20_000_000;
            rec.record(black_box(&Sample {
                request: (i % 3) as usize,
                intended_ns,
                sent_ns: intended_ns + 20_000,
                done_ns: intended_ns + latency,
                outcome: Outcome::Ok,
                status: 200,
                bytes: 2,
            }));
        })
    });
    let mut hdr = LatencyHistogram::new();
    group.bench_function("hdr_histogram", |b| {
        b.iter(|| {
            i += 1;
            hdr.record(black_box(50 + (i * 104_729) % 20_000));
        })
    });
    let mut coarse = CoarseHistogram::default();
    group.bench_function("coarse_histogram", |b| {
        b.iter(|| {
            i += 1;
            coarse.record(black_box(50 + (i * 104_729) % 20_000));
        })
    });
    group.finish();

    c.bench_function("merge_recorders_60s_3_requests", |b| {
        let other = rec.clone();
        b.iter(|| {
            let mut merged = rec.clone();
            merged.merge(black_box(&other));
            merged
        })
    });
}

criterion_group!(benches, recorder);
criterion_main!(benches);
