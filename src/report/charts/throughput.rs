//! Chart (b): requests completed per second (by completion time), with errors and dropped
//! arrivals per second (by intended start) on the same scale.

use super::axes::{axis_number, count_axis};
use super::frame::{self, ChartSize, OrChart, StageBand, TimePanel, AMBER_, BLUE_, RED_};
use crate::report::ReportError;
use plotters::prelude::*;

const NAME: &str = "throughput";

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RateSecond {
    pub t: f64,
    /// Requests that completed in this second, any outcome.
    pub completed: f64,
    /// Failed requests intended to start in this second.
    pub errors: f64,
    /// Arrivals in this second not sent because the in-flight cap was reached.
    pub dropped: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct Throughput<'a> {
    pub seconds: &'a [RateSecond],
    /// Seconds each point covers (1 unless a long run is drawn in windows).
    pub window_s: f64,
    pub stages: &'a [StageBand],
    pub duration_s: f64,
    pub size: ChartSize,
}

pub fn throughput(args: &Throughput<'_>) -> Result<String, ReportError> {
    if args.seconds.is_empty() {
        return frame::no_data(NAME, args.size, "no requests were sent");
    }
    let max = args
        .seconds
        .iter()
        .flat_map(|s| [s.completed, s.errors, s.dropped])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let window = frame::window(args.window_s);
    let duration = frame::time_extent(args.duration_s, window, args.seconds.iter().map(|s| s.t));
    let y = count_axis(max);
    let legend = [
        ("completed/s".to_string(), BLUE_),
        ("errors/s".to_string(), RED_),
        ("dropped/s".to_string(), AMBER_),
    ];
    frame::render_svg(NAME, args.size, |root| {
        let area = frame::legend(NAME, root, &legend)?;
        let panel = TimePanel {
            duration_s: duration,
            stages: args.stages,
            x_desc: "time since start",
            y: &y,
            y_format: &|v| axis_number(*v),
            y_desc: "requests per second",
        };
        let mut chart = frame::time_panel(NAME, &area, &panel)?;
        let point =
            |s: &RateSecond, v: f64| (s.t + window / 2.0, if v.is_finite() { v } else { 0.0 });
        if args.seconds.len() > 1 {
            let area_points: Vec<_> = args.seconds.iter().map(|s| point(s, s.completed)).collect();
            chart
                .draw_series(AreaSeries::new(area_points, 0.0, BLUE_.mix(0.12)))
                .or_chart(NAME)?;
        }
        for (color, width, value) in [
            (
                BLUE_,
                2,
                (|s: &RateSecond| s.completed) as fn(&RateSecond) -> f64,
            ),
            (AMBER_, 2, |s| s.dropped),
            (RED_, 2, |s| s.errors),
        ] {
            let points: Vec<_> = args
                .seconds
                .iter()
                .map(|s| Some(point(s, value(s))))
                .collect();
            frame::gapped_line(NAME, &mut chart, &points, color, width)?;
        }
        frame::stage_labels(NAME, &mut chart, args.stages, &y)
    })
}
