//! Chart (d): the latency distribution as an HDR percentile plot — latency against
//! percentile on a log 1/(1−p) axis (50 %, 90 %, 99 %, 99.9 %, 99.99 %) — one line per stage.

use super::axes::{axis_micros, format_percentile_x, linear_axis, percentile_axis, percentile_x};
use super::frame::{self, ChartSize, PALETTE};
use crate::metrics::LatencyHistogram;
use crate::report::ReportError;

const NAME: &str = "latency distribution";
/// Points per line: plenty for a smooth curve at any width we draw.
const STEPS: usize = 300;

#[derive(Debug, Clone, Copy)]
pub struct DistributionLine<'a> {
    pub label: &'a str,
    pub histogram: &'a LatencyHistogram,
}

#[derive(Debug, Clone, Copy)]
pub struct LatencyDistribution<'a> {
    pub lines: &'a [DistributionLine<'a>],
    pub size: ChartSize,
}

pub fn latency_distribution(args: &LatencyDistribution<'_>) -> Result<String, ReportError> {
    let lines: Vec<_> = args
        .lines
        .iter()
        .filter(|l| l.histogram.count() > 0)
        .take(PALETTE.len())
        .collect();
    if lines.is_empty() {
        return frame::no_data(NAME, args.size, "no successful requests to show");
    }
    let most = lines.iter().map(|l| l.histogram.count()).max().unwrap_or(0);
    let max_x = percentile_x(if most >= 100_000 { 99.999 } else { 99.99 });
    let max_us = lines.iter().map(|l| l.histogram.max()).max().unwrap_or(1) as f64;
    let x = percentile_axis(max_x);
    let y = linear_axis(max_us);
    let legend: Vec<_> = lines
        .iter()
        .zip(PALETTE)
        .map(|(l, c)| (format!("{} (n={})", l.label, l.histogram.count()), c))
        .collect();
    frame::render_svg(NAME, args.size, |root| {
        let area = frame::legend(NAME, root, &legend)?;
        let mut chart = frame::build(NAME, &area, &x, &y)?;
        frame::mesh(
            NAME,
            &mut chart,
            &|x| format_percentile_x(*x),
            &|v| axis_micros(*v),
            "percentile (log scale of 1/(1−p))",
            "latency",
        )?;
        for (line, color) in lines.iter().zip(PALETTE) {
            let points: Vec<_> = (0..=STEPS)
                .map(|i| {
                    let x = max_x * i as f64 / STEPS as f64;
                    let p = (1.0 - 10f64.powf(-x)) * 100.0;
                    Some((x, line.histogram.percentile(p) as f64))
                })
                .collect();
            frame::gapped_line(NAME, &mut chart, &points, color, 2)?;
        }
        Ok(())
    })
}
