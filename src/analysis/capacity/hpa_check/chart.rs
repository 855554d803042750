//! The HPA timeline chart: three panels over time — replicas (ready and desired), per-pod CPU
//! utilization against the target, predicted p99 against the SLO with breaches shaded. SVG.
//! With a run's recorded replicas (and CPU), those are drawn over the first two panels.

use super::super::error::CapacityError;
use super::ActualOverlay;
use crate::analysis::hpa::SimOutput;
use crate::report::charts::canvas::{self, legend_mark, series_legend, Area, PlainFrame};
use crate::report::charts::ChartSize;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// What the chart shows.
pub struct TimelineChart<'a> {
    pub sim: &'a SimOutput,
    pub slo_p99_ms: f64,
    pub target_pct: u32,
    /// Recorded replicas and per-pod CPU to overlay.
    pub actual: Option<&'a ActualOverlay>,
}

/// Points of `series` inside the simulated span.
fn within(series: &[[f64; 2]], t_max: f64) -> Vec<(f64, f64)> {
    series
        .iter()
        .filter(|p| (0.0..=t_max).contains(&p[0]))
        .map(|p| (p[0], p[1]))
        .collect()
}

fn err(e: impl std::fmt::Display) -> CapacityError {
    CapacityError::Chart {
        chart: "HPA timeline",
        message: e.to_string(),
    }
}

/// Renders the chart as an SVG document.
pub fn hpa_timeline(c: &TimelineChart<'_>) -> Result<String, CapacityError> {
    let size = ChartSize {
        width: 900,
        height: 720,
    };
    canvas::svg(size, err, |root| {
        let panels = root.split_evenly((3, 1));
        let t_max = c.sim.timeline.len().max(1) as f64;
        replicas(&panels[0], c, t_max)?;
        utilization(&panels[1], c, t_max)?;
        latency(&panels[2], c, t_max)
    })
}

/// A panel of the timeline: `caption` above, time along x.
fn panel(caption: &str) -> PlainFrame<'_> {
    PlainFrame {
        caption: Some((caption, 16)),
        margin: 8,
        x_label_area: 30,
        y_label_area: 50,
        x_desc: Some("time (s)"),
        ..PlainFrame::default()
    }
}

fn replicas(area: &Area<'_>, c: &TimelineChart<'_>, t_max: f64) -> Result<(), CapacityError> {
    let tl = &c.sim.timeline;
    let actual = c.actual.map(|a| within(&a.replicas, t_max));
    let y_max = tl
        .iter()
        .map(|p| f64::from(p.desired_replicas.max(p.ready_replicas)))
        .chain(actual.iter().flatten().map(|p| p.1))
        .fold(1.0, f64::max)
        + 1.0;
    let mut chart =
        canvas::plain_chart(area, &panel("Replicas"), 0f64..t_max, 0f64..y_max).map_err(err)?;
    let series = [
        (
            "ready",
            RGBColor(30, 90, 200),
            tl.iter()
                .map(|p| (p.t_s as f64, f64::from(p.ready_replicas)))
                .collect::<Vec<_>>(),
        ),
        (
            "desired",
            RGBColor(240, 140, 20),
            tl.iter()
                .map(|p| (p.t_s as f64, f64::from(p.desired_replicas)))
                .collect(),
        ),
    ];
    for (name, color, points) in series {
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))
            .map_err(err)?
            .label(name)
            .legend(legend_mark(color));
    }
    if let Some(points) = actual {
        overlay(&mut chart, points, true, "actual (recorded)")?;
    }
    series_legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(err)
}

/// A recorded series: a black line with a dot at each point; `steps` holds each value until
/// the next point (a count), else the points are joined straight.
fn overlay(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    points: Vec<(f64, f64)>,
    steps: bool,
    label: &str,
) -> Result<(), CapacityError> {
    let line: Vec<(f64, f64)> = if steps {
        let mut line = Vec::with_capacity(points.len() * 2);
        for (i, &p) in points.iter().enumerate() {
            if let Some(prev) = i.checked_sub(1).map(|j| points[j]) {
                line.push((p.0, prev.1));
            }
            line.push(p);
        }
        line
    } else {
        points.clone()
    };
    chart
        .draw_series(LineSeries::new(line, BLACK.stroke_width(2)))
        .map_err(err)?
        .label(label)
        .legend(legend_mark(BLACK));
    chart
        .draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 2, BLACK.filled())),
        )
        .map_err(err)?;
    Ok(())
}

fn utilization(area: &Area<'_>, c: &TimelineChart<'_>, t_max: f64) -> Result<(), CapacityError> {
    let points: Vec<(f64, f64)> = c
        .sim
        .timeline
        .iter()
        .filter_map(|p| Some((p.t_s as f64, p.per_pod_utilization_pct?)))
        .collect();
    let actual = c
        .actual
        .map(|a| within(&a.cpu_utilization_pct, t_max))
        .filter(|p| !p.is_empty());
    let y_max = points
        .iter()
        .chain(actual.iter().flatten())
        .map(|p| p.1)
        .fold(f64::from(c.target_pct), f64::max)
        * 1.15;
    let mut chart = canvas::plain_chart(
        area,
        &panel("Per-pod CPU utilization (% of request)"),
        0f64..t_max,
        0f64..y_max,
    )
    .map_err(err)?;
    let green = RGBColor(20, 130, 60);
    chart
        .draw_series(LineSeries::new(points, green.stroke_width(2)))
        .map_err(err)?
        .label("utilization")
        .legend(legend_mark(green));
    let target = f64::from(c.target_pct);
    let grey = RGBColor(120, 120, 120);
    chart
        .draw_series(LineSeries::new([(0.0, target), (t_max, target)], grey))
        .map_err(err)?
        .label(format!("target {}%", c.target_pct))
        .legend(legend_mark(grey));
    if let Some(points) = actual {
        overlay(&mut chart, points, false, "actual (recorded CPU)")?;
    }
    series_legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(err)
}

fn latency(area: &Area<'_>, c: &TimelineChart<'_>, t_max: f64) -> Result<(), CapacityError> {
    let points: Vec<(f64, f64)> = c
        .sim
        .timeline
        .iter()
        .map(|p| (p.t_s as f64, p.predicted_p99_ms.max(0.01)))
        .collect();
    let y_min = points.iter().map(|p| p.1).fold(c.slo_p99_ms, f64::min) / 2.0;
    let y_max = points.iter().map(|p| p.1).fold(c.slo_p99_ms, f64::max) * 2.0;
    let mut chart = canvas::plain_chart(
        area,
        &panel("Predicted p99 (ms, log scale)"),
        0f64..t_max,
        (y_min..y_max).log_scale(),
    )
    .map_err(err)?;
    let shade = RGBColor(220, 40, 40).mix(0.15);
    chart
        .draw_series(c.sim.breaches.iter().map(|b| {
            Rectangle::new(
                [(b.start_s as f64, y_min), (b.end_s as f64, y_max)],
                shade.filled(),
            )
        }))
        .map_err(err)?;
    let red = RGBColor(200, 30, 30);
    chart
        .draw_series(LineSeries::new(points, red.stroke_width(2)))
        .map_err(err)?
        .label("p99")
        .legend(legend_mark(red));
    let grey = RGBColor(120, 120, 120);
    chart
        .draw_series(LineSeries::new(
            [(0.0, c.slo_p99_ms), (t_max, c.slo_p99_ms)],
            grey,
        ))
        .map_err(err)?
        .label(format!("SLO {} ms", c.slo_p99_ms))
        .legend(legend_mark(grey));
    series_legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(err)
}
