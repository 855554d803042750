//! The comparison's chart: a stage's latency percentile curves of both runs overlaid, as an
//! HDR percentile plot (x: 1/(1−p) on a log axis, labelled as percentiles; y: latency).
//! Rendered to an SVG string by plotters, to be inlined in the HTML page. Only fixed text
//! ("base", "candidate") goes into the chart; names are shown by the page around it.

use crate::analysis::compare::CurvePoint;
use crate::report::charts::canvas::{self, legend_mark, series_legend, PlainFrame};
use crate::report::charts::ChartSize;
use plotters::prelude::*;

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("no latency data to draw")]
    Empty,
    #[error("cannot draw the percentile chart: {0}")]
    Draw(String),
}

/// What the percentile chart draws.
pub struct PercentileChart<'a> {
    pub curve: &'a [CurvePoint],
    pub width: u32,
    pub height: u32,
}

pub const BASE_COLOR: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
pub const CANDIDATE_COLOR: RGBColor = RGBColor(0xd6, 0x27, 0x28);

/// The SVG of the overlaid curves (the maximum, p100, has no place on this axis).
pub fn percentile_curves_svg(chart: &PercentileChart) -> Result<String, ChartError> {
    let side = |pick: fn(&CurvePoint) -> Option<f64>| -> Vec<(f64, f64)> {
        chart
            .curve
            .iter()
            .filter(|p| p.percentile < 100.0)
            .filter_map(|p| Some((1.0 / (1.0 - p.percentile / 100.0), pick(p)? / 1e3)))
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect()
    };
    let (base, candidate) = (side(|p| p.base_us), side(|p| p.candidate_us));
    let all = base.iter().chain(&candidate);
    let x_max = all.clone().map(|p| p.0).fold(0.0, f64::max);
    let y_max = all.map(|p| p.1).fold(0.0, f64::max);
    if x_max <= 0.0 || y_max <= 0.0 {
        return Err(ChartError::Empty);
    }
    let frame = PlainFrame {
        margin: 12,
        x_label_area: 40,
        y_label_area: 56,
        x_desc: Some("percentile"),
        y_desc: Some("latency (ms)"),
        x_format: Some(&|x| percentile_label(*x)),
        y_format: Some(&|y| format!("{y:.1}")),
        ..PlainFrame::default()
    };
    let size = ChartSize {
        width: chart.width,
        height: chart.height,
    };
    let (x_max, y_max) = (x_max.max(20.0) * 1.2, y_max * 1.1);
    canvas::svg(size, ChartError::Draw, |root| {
        let mut c = canvas::plain_chart(root, &frame, (1.8f64..x_max).log_scale(), 0.0f64..y_max)
            .map_err(ChartError::Draw)?;
        for (points, color, label) in [
            (&base, BASE_COLOR, "base"),
            (&candidate, CANDIDATE_COLOR, "candidate"),
        ] {
            c.draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(|e| ChartError::Draw(e.to_string()))?
            .label(label)
            .legend(legend_mark(color));
        }
        series_legend(&mut c, SeriesLabelPosition::UpperLeft).map_err(ChartError::Draw)
    })
}

/// `x = 1/(1−p)` as a percentile label: 2 → `p50`, 10 → `p90`, 1000 → `p99.9`.
fn percentile_label(x: f64) -> String {
    if x <= 0.0 {
        return String::new();
    }
    let p = 100.0 * (1.0 - 1.0 / x);
    let text = format!("{p:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("p{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_as_percentiles() {
        assert_eq!(percentile_label(2.0), "p50");
        assert_eq!(percentile_label(10.0), "p90");
        assert_eq!(percentile_label(1000.0), "p99.9");
    }

    #[test]
    fn draws_both_curves_or_says_why_not() {
        let curve: Vec<CurvePoint> = [50.0, 90.0, 99.0, 99.9, 100.0]
            .iter()
            .map(|&p| CurvePoint {
                percentile: p,
                base_us: Some(1000.0 + p * 10.0),
                candidate_us: Some(1200.0 + p * 12.0),
            })
            .collect();
        let chart = PercentileChart {
            curve: &curve,
            width: 640,
            height: 360,
        };
        let svg = percentile_curves_svg(&chart).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..60.min(svg.len())]);
        assert!(
            svg.contains("#1F77B4") && svg.contains("#D62728"),
            "both curves drawn"
        );
        let empty = PercentileChart {
            curve: &[],
            width: 640,
            height: 360,
        };
        assert!(matches!(
            percentile_curves_svg(&empty),
            Err(ChartError::Empty)
        ));
    }
}
