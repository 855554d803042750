//! Chart (e): one target metric over the run (a gauge's values or a counter's per-second
//! rate), one line per label set, over the stage bands.

use super::axes::{axis_bytes, axis_number, span_axis};
use super::frame::{self, ChartSize, StageBand, TimePanel, PALETTE};
use crate::report::ReportError;

const NAME: &str = "target metric";

#[derive(Debug, Clone, Copy)]
pub struct MetricLine<'a> {
    pub label: &'a str,
    /// `[seconds since the run started, value]`.
    pub points: &'a [[f64; 2]],
}

#[derive(Debug, Clone, Copy)]
pub struct MetricChart<'a> {
    pub lines: &'a [MetricLine<'a>],
    /// What the values are, for the y axis ("cores", "bytes", "/s").
    pub unit: &'a str,
    pub stages: &'a [StageBand],
    pub duration_s: f64,
    pub size: ChartSize,
}

pub fn metric_chart(args: &MetricChart<'_>) -> Result<String, ReportError> {
    let lines: Vec<_> = args.lines.iter().take(PALETTE.len()).collect();
    let finite = || {
        lines
            .iter()
            .flat_map(|l| l.points.iter())
            .filter(|p| p[0].is_finite() && p[1].is_finite())
    };
    let (Some(min), Some(max)) = (
        finite().map(|p| p[1]).reduce(f64::min),
        finite().map(|p| p[1]).reduce(f64::max),
    ) else {
        return frame::no_data(NAME, args.size, "no samples of this metric");
    };
    let last = finite().map(|p| p[0]).fold(0.0, f64::max);
    let duration = args.duration_s.max(last);
    let y = span_axis(min, max);
    let legend: Vec<_> = lines
        .iter()
        .zip(PALETTE)
        .map(|(l, c)| (l.label.to_string(), c))
        .collect();
    frame::render_svg(NAME, args.size, |root| {
        let area = frame::legend(NAME, root, &legend)?;
        let panel = TimePanel {
            duration_s: duration,
            stages: args.stages,
            x_desc: "time since start",
            y: &y,
            y_format: &|v| {
                if args.unit == "bytes" {
                    axis_bytes(*v)
                } else {
                    axis_number(*v)
                }
            },
            y_desc: args.unit,
        };
        let mut chart = frame::time_panel(NAME, &area, &panel)?;
        for (line, color) in lines.iter().zip(PALETTE) {
            let points: Vec<_> = line
                .points
                .iter()
                .map(|p| {
                    (p[0].is_finite() && p[1].is_finite() && p[0] >= 0.0 && p[0] <= duration)
                        .then_some((p[0], p[1]))
                })
                .collect();
            frame::gapped_line(NAME, &mut chart, &points, color, 2)?;
        }
        frame::stage_labels(NAME, &mut chart, args.stages, &y)
    })
}
