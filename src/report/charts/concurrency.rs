//! Chart (c): requests in flight (maximum per second, against the cap when it comes close)
//! above the generator's scheduler lag (maximum per second) — the generator's own health.

use super::axes::{axis_micros, axis_number, count_axis, linear_axis};
use super::frame::{self, ChartSize, OrChart, StageBand, TimePanel, CYAN_, PURPLE_, RED_};
use crate::report::ReportError;
use plotters::prelude::*;

const NAME: &str = "in-flight and scheduler lag";

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ConcurrencySecond {
    pub t: f64,
    pub in_flight_max: f64,
    /// Largest (actual send − intended start) of the second, µs.
    pub lag_max_us: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct Concurrency<'a> {
    pub seconds: &'a [ConcurrencySecond],
    /// Seconds each point covers (1 unless a long run is drawn in windows).
    pub window_s: f64,
    pub stages: &'a [StageBand],
    pub duration_s: f64,
    /// The `max_in_flight` cap; drawn when the data comes within half of it.
    pub in_flight_cap: Option<f64>,
    pub size: ChartSize,
}

pub fn concurrency(args: &Concurrency<'_>) -> Result<String, ReportError> {
    if args.seconds.is_empty() {
        return frame::no_data(NAME, args.size, "no requests were sent");
    }
    let finite = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
    let in_flight_max = args
        .seconds
        .iter()
        .map(|s| finite(s.in_flight_max))
        .fold(0.0, f64::max);
    let cap = args
        .in_flight_cap
        .filter(|c| c.is_finite() && *c > 0.0 && in_flight_max >= c * 0.5);
    let lag_max = args
        .seconds
        .iter()
        .map(|s| finite(s.lag_max_us))
        .fold(0.0, f64::max);
    let window = frame::window(args.window_s);
    let duration = frame::time_extent(args.duration_s, window, args.seconds.iter().map(|s| s.t));
    let y_in_flight = count_axis(in_flight_max.max(cap.unwrap_or(0.0)));
    let y_lag = linear_axis(lag_max.max(100.0));
    let mut legend = vec![
        ("in flight (max)".to_string(), PURPLE_),
        ("scheduler lag (max)".to_string(), CYAN_),
    ];
    if cap.is_some() {
        legend.insert(1, ("max_in_flight cap".to_string(), RED_));
    }
    frame::render_svg(NAME, args.size, |root| {
        let area = frame::legend(NAME, root, &legend)?;
        let height = area.dim_in_pixel().1;
        let (top, bottom) = area.split_vertically(height / 2);

        let panel = TimePanel {
            duration_s: duration,
            stages: args.stages,
            x_desc: "",
            y: &y_in_flight,
            y_format: &|v| axis_number(*v),
            y_desc: "in flight",
        };
        let mut chart = frame::time_panel(NAME, &top, &panel)?;
        if let Some(cap) = cap {
            chart
                .draw_series(DashedLineSeries::new(
                    [(0.0, cap), (duration, cap)],
                    6,
                    4,
                    RED_.stroke_width(1),
                ))
                .or_chart(NAME)?;
        }
        let points: Vec<_> = args
            .seconds
            .iter()
            .map(|s| Some((s.t + window / 2.0, finite(s.in_flight_max))))
            .collect();
        frame::gapped_line(NAME, &mut chart, &points, PURPLE_, 2)?;
        frame::stage_labels(NAME, &mut chart, args.stages, &y_in_flight)?;

        let panel = TimePanel {
            x_desc: "time since start",
            y: &y_lag,
            y_format: &|v| axis_micros(*v),
            y_desc: "scheduler lag",
            ..panel
        };
        let mut chart = frame::time_panel(NAME, &bottom, &panel)?;
        let points: Vec<_> = args
            .seconds
            .iter()
            .map(|s| Some((s.t + window / 2.0, finite(s.lag_max_us))))
            .collect();
        frame::gapped_line(NAME, &mut chart, &points, CYAN_, 2)
    })
}
