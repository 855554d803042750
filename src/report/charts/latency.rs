//! Chart (a): latency percentiles of successful requests, second by second (p50, p90, p99
//! and max, log scale), over the stage bands.

use super::axes::{axis_micros, log_micros_axis, log_us};
use super::frame::{self, ChartSize, StageBand, TimePanel, AMBER_, BLUE_, GREEN_, RED_};
use crate::report::ReportError;

const NAME: &str = "latency over time";

/// One window of the timeline (by intended start, `t` its first second): successful
/// requests' latency, µs. Windows without successful requests have zeros: drawn as gaps.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LatencySecond {
    pub t: f64,
    pub p50_us: f64,
    pub p90_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct LatencyOverTime<'a> {
    pub seconds: &'a [LatencySecond],
    /// Seconds each point covers (1 unless a long run is drawn in windows).
    pub window_s: f64,
    pub stages: &'a [StageBand],
    pub duration_s: f64,
    pub size: ChartSize,
}

pub fn latency_over_time(args: &LatencyOverTime<'_>) -> Result<String, ReportError> {
    let values = || {
        args.seconds
            .iter()
            .flat_map(|s| [s.p50_us, s.p90_us, s.p99_us, s.max_us])
            .filter(|v| v.is_finite() && *v > 0.0)
    };
    let (Some(min), Some(max)) = (values().reduce(f64::min), values().reduce(f64::max)) else {
        return frame::no_data(NAME, args.size, "no successful requests to show");
    };
    let window = frame::window(args.window_s);
    let duration = frame::time_extent(args.duration_s, window, args.seconds.iter().map(|s| s.t));
    let y = log_micros_axis(min, max);
    let lines = [
        (
            "p50",
            BLUE_,
            2,
            (|s: &LatencySecond| s.p50_us) as fn(&LatencySecond) -> f64,
        ),
        ("p90", GREEN_, 2, |s| s.p90_us),
        ("p99", AMBER_, 2, |s| s.p99_us),
        ("max", RED_, 1, |s| s.max_us),
    ];
    frame::render_svg(NAME, args.size, |root| {
        let legend: Vec<_> = lines.iter().map(|l| (l.0.to_string(), l.1)).collect();
        let area = frame::legend(NAME, root, &legend)?;
        let panel = TimePanel {
            duration_s: duration,
            stages: args.stages,
            x_desc: "time since start (by intended start)",
            y: &y,
            y_format: &|v| axis_micros(10f64.powf(*v)),
            y_desc: "latency (log scale)",
        };
        let mut chart = frame::time_panel(NAME, &area, &panel)?;
        for (_, color, width, value) in lines.iter().rev() {
            let points: Vec<_> = args
                .seconds
                .iter()
                .map(|s| {
                    let v = value(s);
                    (v.is_finite() && v > 0.0).then(|| (s.t + window / 2.0, log_us(v)))
                })
                .collect();
            frame::gapped_line(NAME, &mut chart, &points, *color, *width)?;
        }
        frame::stage_labels(NAME, &mut chart, args.stages, &y)
    })
}
