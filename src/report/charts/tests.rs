//! Every chart with no data, one point and an hour of points: valid SVG, no panics, no NaN.

use super::*;
use crate::metrics::LatencyHistogram;

fn bands() -> Vec<StageBand> {
    vec![
        StageBand {
            name: "ramp".into(),
            start_s: 0.0,
            end_s: 1200.0,
            warmup_s: 60.0,
        },
        StageBand {
            name: "steady <b>".into(),
            start_s: 1200.0,
            end_s: 3600.0,
            warmup_s: 0.0,
        },
    ]
}

fn assert_svg(svg: &str, must_contain: &[&str]) {
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(200)]);
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(
        !svg.contains("NaN") && !svg.contains("inf"),
        "non-finite coordinate"
    );
    for text in must_contain {
        assert!(svg.contains(text), "missing {text:?}");
    }
}

fn latency_points(n: usize) -> Vec<LatencySecond> {
    (0..n)
        .map(|i| {
            let base = 2_000.0 + (i % 50) as f64 * 40.0;
            LatencySecond {
                t: i as f64,
                p50_us: base,
                p90_us: base * 1.8,
                p99_us: base * 3.0,
                max_us: base * 9.0,
            }
        })
        .collect()
}

#[test]
fn latency_over_time_handles_empty_one_and_many() {
    let b = bands();
    for n in [0, 1, 3600] {
        let seconds = latency_points(n);
        let svg = latency_over_time(&LatencyOverTime {
            seconds: &seconds,
            window_s: 1.0,
            stages: &b,
            duration_s: n as f64,
            size: ChartSize::WIDE,
        })
        .unwrap();
        assert_svg(
            &svg,
            if n == 0 {
                &["no successful"]
            } else {
                &["p99", "ms"]
            },
        );
    }
    let mut gaps = latency_points(10);
    gaps[4] = LatencySecond {
        t: 4.0,
        ..Default::default()
    };
    let svg = latency_over_time(&LatencyOverTime {
        seconds: &gaps,
        window_s: 1.0,
        stages: &[],
        duration_s: 10.0,
        size: ChartSize::WIDE,
    })
    .unwrap();
    assert_svg(&svg, &["p50"]);
}

#[test]
fn stage_names_are_escaped_in_svg() {
    let seconds = latency_points(3600);
    let svg = latency_over_time(&LatencyOverTime {
        seconds: &seconds,
        window_s: 1.0,
        stages: &bands(),
        duration_s: 3600.0,
        size: ChartSize::WIDE,
    })
    .unwrap();
    assert_svg(&svg, &["steady &lt;b&gt;"]);
    assert!(!svg.contains("<b>"));
}

#[test]
fn throughput_and_concurrency_handle_empty_one_and_many() {
    let b = bands();
    for n in [0usize, 1, 3600] {
        let rates: Vec<_> = (0..n)
            .map(|i| RateSecond {
                t: i as f64,
                completed: 1000.0,
                errors: (i % 7) as f64,
                dropped: 0.0,
            })
            .collect();
        let svg = throughput(&Throughput {
            seconds: &rates,
            window_s: 1.0,
            stages: &b,
            duration_s: 0.0,
            size: ChartSize::WIDE,
        })
        .unwrap();
        assert_svg(&svg, &[if n == 0 { "no requests" } else { "completed/s" }]);
        let conc: Vec<_> = (0..n)
            .map(|i| ConcurrencySecond {
                t: i as f64,
                in_flight_max: 200.0 + (i % 60) as f64,
                lag_max_us: 150.0,
            })
            .collect();
        let svg = concurrency(&Concurrency {
            seconds: &conc,
            window_s: 1.0,
            stages: &b,
            duration_s: n as f64,
            in_flight_cap: Some(256.0),
            size: ChartSize::TALL,
        })
        .unwrap();
        assert_svg(
            &svg,
            &[if n == 0 {
                "no requests"
            } else {
                "max_in_flight cap"
            }],
        );
    }
}

#[test]
fn distribution_handles_empty_one_and_many() {
    let empty = LatencyHistogram::new();
    let mut one = LatencyHistogram::new();
    one.record(1_500);
    let mut many = LatencyHistogram::new();
    (1..=200_000u64).for_each(|v| many.record(1_000 + v % 5_000 + (v % 997 == 0) as u64 * 90_000));
    let svg = latency_distribution(&LatencyDistribution {
        lines: &[DistributionLine {
            label: "none",
            histogram: &empty,
        }],
        size: ChartSize::WIDE,
    })
    .unwrap();
    assert_svg(&svg, &["no successful"]);
    let svg = latency_distribution(&LatencyDistribution {
        lines: &[
            DistributionLine {
                label: "one",
                histogram: &one,
            },
            DistributionLine {
                label: "many",
                histogram: &many,
            },
        ],
        size: ChartSize::WIDE,
    })
    .unwrap();
    assert_svg(
        &svg,
        &[
            "50%",
            "90%",
            "99%",
            "99.9%",
            "99.99%",
            "99.999%",
            "one (n=1)",
        ],
    );
}

#[test]
fn metric_chart_handles_empty_one_and_many() {
    let b = bands();
    let many: Vec<[f64; 2]> = (0..3600)
        .map(|i| [i as f64, (i as f64 / 100.0).sin() * 2.0])
        .collect();
    let one = [[5.0, 0.25]];
    let bad = [[f64::NAN, 1.0], [2.0, f64::INFINITY]];
    for points in [&many[..], &one[..], &[][..], &bad[..]] {
        let svg = metric_chart(&MetricChart {
            lines: &[MetricLine {
                label: "{instance=\"a\"}",
                points,
            }],
            unit: "cores",
            stages: &b,
            duration_s: 3600.0,
            size: ChartSize::SMALL,
        })
        .unwrap();
        assert_svg(&svg, &[]);
    }
}
