//! The latency-vs-throughput chart of a capacity search: p50 and p99 of each step against the
//! throughput it achieved, in the order of the offered rate, with the SLO's p99 limit. SVG.

use super::error::CapacityError;
use super::figures::target_steps;
use super::step::StepRecord;
use crate::report::charts::canvas::{self, legend_mark, series_legend, PlainFrame};
use crate::report::charts::ChartSize;
use plotters::prelude::*;

/// What the chart shows.
pub struct LatencyChart<'a> {
    pub steps: &'a [StepRecord],
    pub p99_limit_ms: Option<f64>,
}

/// Renders the chart as an SVG document.
pub fn latency_vs_throughput(c: &LatencyChart<'_>) -> Result<String, CapacityError> {
    let err = |e: &dyn std::fmt::Display| CapacityError::Chart {
        chart: "latency vs throughput",
        message: e.to_string(),
    };
    let steps = target_steps(c.steps);
    let p50: Vec<(f64, f64)> = steps
        .iter()
        .filter_map(|s| Some((s.achieved, s.p50_ms?)))
        .collect();
    let p99: Vec<(f64, f64)> = steps
        .iter()
        .filter_map(|s| Some((s.achieved, s.p99_ms?)))
        .collect();
    let x_max = p99.iter().map(|p| p.0).fold(1.0, f64::max) * 1.1;
    let ys = p50.iter().chain(&p99).map(|p| p.1).chain(c.p99_limit_ms);
    let y_min = ys.clone().fold(f64::INFINITY, f64::min).max(0.01) / 1.5;
    let y_max = ys.fold(1.0, f64::max) * 1.5;
    let y_min = if y_min.is_finite() { y_min } else { 0.1 };
    let frame = PlainFrame {
        caption: Some(("Latency vs throughput", 18)),
        margin: 14,
        x_label_area: 42,
        y_label_area: 64,
        x_desc: Some("achieved throughput (req/s)"),
        y_desc: Some("latency (ms, log scale)"),
        ..PlainFrame::default()
    };
    let size = ChartSize {
        width: 860,
        height: 440,
    };
    canvas::svg(
        size,
        |e| err(&e),
        |root| {
            let mut chart =
                canvas::plain_chart(root, &frame, 0f64..x_max, (y_min..y_max).log_scale())
                    .map_err(|e| err(&e))?;
            for (name, points, color) in [("p50", &p50, BLUE), ("p99", &p99, RED)] {
                chart
                    .draw_series(LineSeries::new(
                        points.iter().copied(),
                        color.stroke_width(2),
                    ))
                    .map_err(|e| err(&e))?
                    .label(name)
                    .legend(legend_mark(color));
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                    .map_err(|e| err(&e))?;
            }
            if let Some(limit) = c.p99_limit_ms {
                let grey = RGBColor(120, 120, 120);
                chart
                    .draw_series(LineSeries::new([(0.0, limit), (x_max, limit)], grey))
                    .map_err(|e| err(&e))?
                    .label(format!("SLO p99 < {limit} ms"))
                    .legend(legend_mark(grey));
            }
            series_legend(&mut chart, SeriesLabelPosition::UpperLeft).map_err(|e| err(&e))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::capacity::figures::tests::step;

    #[test]
    fn draws_both_percentiles_and_the_limit() {
        let steps = vec![
            step(100.0, 10.0, true, None),
            step(400.0, 12.0, true, None),
            step(800.0, 900.0, false, None),
        ];
        let svg = latency_vs_throughput(&LatencyChart {
            steps: &steps,
            p99_limit_ms: Some(50.0),
        })
        .unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("p99") && svg.contains("SLO p99"));
        // No steps at all still draws an (empty) chart.
        assert!(latency_vs_throughput(&LatencyChart {
            steps: &[],
            p99_limit_ms: None
        })
        .is_ok());
    }
}
