//! The look every chart shares: the SVG canvas, fonts and colours, the legend strip, the mesh,
//! stage bands on time axes, "no data" frames, and line drawing that tolerates gaps.

use super::axes::{format_time, time_axis, Axis};
use super::canvas;
use crate::report::ReportError;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Pixel size of a chart's SVG canvas (the page scales it to its column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartSize {
    pub width: u32,
    pub height: u32,
}

impl ChartSize {
    pub const WIDE: ChartSize = ChartSize {
        width: 1000,
        height: 320,
    };
    pub const TALL: ChartSize = ChartSize {
        width: 1000,
        height: 420,
    };
    pub const SMALL: ChartSize = ChartSize {
        width: 1000,
        height: 240,
    };
}

/// A stage as a band on a time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct StageBand {
    pub name: String,
    pub start_s: f64,
    pub end_s: f64,
    /// Seconds at the start of the stage excluded from its statistics.
    pub warmup_s: f64,
}

pub(crate) const FONT: &str =
    "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif";
pub(crate) const INK: RGBColor = RGBColor(31, 41, 55);
pub(crate) const MUTED: RGBColor = RGBColor(107, 114, 128);
const GRID: RGBColor = RGBColor(229, 231, 235);
const AXIS: RGBColor = RGBColor(156, 163, 175);
const BAND: RGBColor = RGBColor(243, 244, 246);
const STAGE_LABEL: RGBColor = RGBColor(75, 85, 99);
const WARMUP: RGBColor = RGBColor(245, 158, 11);

pub(crate) const BLUE_: RGBColor = RGBColor(37, 99, 235);
pub(crate) const GREEN_: RGBColor = RGBColor(5, 150, 105);
pub(crate) const AMBER_: RGBColor = RGBColor(217, 119, 6);
pub(crate) const RED_: RGBColor = RGBColor(220, 38, 38);
pub(crate) const PURPLE_: RGBColor = RGBColor(124, 58, 237);
pub(crate) const CYAN_: RGBColor = RGBColor(8, 145, 178);

/// Colours for one line per item (stages, label sets), in order.
pub(crate) const PALETTE: [RGBColor; 8] = [
    BLUE_,
    RED_,
    GREEN_,
    AMBER_,
    PURPLE_,
    CYAN_,
    RGBColor(219, 39, 119),
    RGBColor(75, 85, 99),
];

/// A linear f64 coordinate whose labelled ticks are exactly the [`Axis`] ticks.
pub(crate) struct Ticked {
    range: std::ops::Range<f64>,
    ticks: Vec<f64>,
}

impl From<&Axis> for Ticked {
    fn from(axis: &Axis) -> Self {
        Ticked {
            range: axis.range.clone(),
            ticks: axis.ticks.clone(),
        }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let fraction = if span > 0.0 && value.is_finite() {
            (value - self.range.start) / span
        } else {
            0.5
        };
        let pixels = (limit.1 - limit.0) as f64;
        limit.0 + (fraction.clamp(-1.0, 2.0) * pixels).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

pub(crate) type Coord = Cartesian2d<Ticked, Ticked>;
pub(crate) type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Coord>;
pub(crate) use super::canvas::Area;

/// Maps plotters' errors (which only display) into [`ReportError::Chart`].
pub(crate) trait OrChart<T> {
    fn or_chart(self, chart: &'static str) -> Result<T, ReportError>;
}

impl<T, E: std::fmt::Display> OrChart<T> for Result<T, E> {
    fn or_chart(self, chart: &'static str) -> Result<T, ReportError> {
        self.map_err(|e| ReportError::Chart {
            chart,
            reason: e.to_string(),
        })
    }
}

/// Draws on a white SVG canvas of `size` and returns the SVG text.
pub(crate) fn render_svg(
    chart: &'static str,
    size: ChartSize,
    draw: impl FnOnce(&Area<'_>) -> Result<(), ReportError>,
) -> Result<String, ReportError> {
    let error = |reason| ReportError::Chart { chart, reason };
    canvas::svg(size, error, draw)
}

/// Seconds a time-series point covers: `window_s` when it is a sensible number, else 1.
pub(crate) fn window(window_s: f64) -> f64 {
    if window_s.is_finite() && window_s >= 1.0 {
        window_s
    } else {
        1.0
    }
}

pub(crate) fn text_style(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(&color)
}

/// Rough width in pixels of `text` at `size` (the SVG backend measures nothing).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.5
}

/// Splits `area` into a legend strip on top (drawn with `items`) and the rest, returned.
pub(crate) fn legend<'b>(
    chart: &'static str,
    area: &Area<'b>,
    items: &[(String, RGBColor)],
) -> Result<Area<'b>, ReportError> {
    let (strip, rest) = area.split_vertically(30);
    let mut x = 78.0;
    let y = 16;
    let style = text_style(15.0, INK).pos(Pos::new(HPos::Left, VPos::Center));
    for (label, color) in items {
        let xi = x as i32;
        strip
            .draw(&PathElement::new(
                vec![(xi, y), (xi + 18, y)],
                color.stroke_width(3),
            ))
            .or_chart(chart)?;
        strip
            .draw(&Text::new(label.clone(), (xi + 24, y), style.clone()))
            .or_chart(chart)?;
        x += 24.0 + text_width(label, 13.0) + 22.0;
    }
    Ok(rest)
}

/// Builds the cartesian chart on `area` with our margins and label areas.
pub(crate) fn build<'a, 'b>(
    chart: &'static str,
    area: &'a Area<'b>,
    x: &Axis,
    y: &Axis,
) -> Result<Chart<'a, 'b>, ReportError> {
    ChartBuilder::on(area)
        .margin_top(6)
        .margin_right(24)
        .margin_bottom(4)
        .x_label_area_size(34)
        .y_label_area_size(74)
        .build_cartesian_2d(Ticked::from(x), Ticked::from(y))
        .or_chart(chart)
}

/// Grid lines on the ticks, axis labels formatted by `x_fmt` / `y_fmt`, and axis titles.
pub(crate) fn mesh(
    chart_name: &'static str,
    chart: &mut Chart<'_, '_>,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
    x_desc: &str,
    y_desc: &str,
) -> Result<(), ReportError> {
    chart
        .configure_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(1))
        .label_style(text_style(14.5, MUTED))
        .axis_desc_style(text_style(14.5, MUTED))
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .draw()
        .or_chart(chart_name)
}

/// A panel over the run's time: what it covers, and its y axis.
pub(crate) struct TimePanel<'a> {
    pub duration_s: f64,
    pub stages: &'a [StageBand],
    /// Title of the time axis (empty on a panel drawn above another).
    pub x_desc: &'a str,
    pub y: &'a Axis,
    pub y_format: &'a dyn Fn(&f64) -> String,
    pub y_desc: &'a str,
}

/// The chart of a time panel on `area`: built, stage bands shaded, grid and axes drawn. The
/// caller draws its lines, then [`stage_labels`] on top.
pub(crate) fn time_panel<'a, 'b>(
    chart_name: &'static str,
    area: &'a Area<'b>,
    panel: &TimePanel<'_>,
) -> Result<Chart<'a, 'b>, ReportError> {
    let duration = panel.duration_s;
    let mut chart = build(chart_name, area, &time_axis(duration), panel.y)?;
    stage_bands(chart_name, &mut chart, panel.stages, panel.y)?;
    mesh(
        chart_name,
        &mut chart,
        &|t| format_time(*t, duration),
        panel.y_format,
        panel.x_desc,
        panel.y_desc,
    )?;
    Ok(chart)
}

/// Where a timeline's x axis ends: the run's duration, or the end of the last window of
/// `window` seconds starting at `starts` when that is later.
pub(crate) fn time_extent(duration_s: f64, window: f64, starts: impl Iterator<Item = f64>) -> f64 {
    duration_s.max(starts.map(|t| t + window).fold(0.0, f64::max))
}

/// Shades every other stage, tints warm-up periods, and draws stage boundaries.
pub(crate) fn stage_bands(
    chart_name: &'static str,
    chart: &mut Chart<'_, '_>,
    bands: &[StageBand],
    y: &Axis,
) -> Result<(), ReportError> {
    let (y0, y1) = (y.range.start, y.range.end);
    let x_end = chart.x_range().end;
    let clamp = |t: f64| t.clamp(0.0, x_end);
    for (i, band) in bands.iter().enumerate() {
        let (start, end) = (clamp(band.start_s), clamp(band.end_s));
        if end <= start {
            continue;
        }
        if i % 2 == 1 {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(start, y0), (end, y1)],
                    BAND.filled(),
                )))
                .or_chart(chart_name)?;
        }
        let warm_end = clamp(band.start_s + band.warmup_s).min(end);
        if warm_end > start {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(start, y0), (warm_end, y1)],
                    WARMUP.mix(0.09).filled(),
                )))
                .or_chart(chart_name)?;
        }
        if i > 0 {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(start, y0), (start, y1)],
                    AXIS.mix(0.6).stroke_width(1),
                )))
                .or_chart(chart_name)?;
        }
    }
    Ok(())
}

/// Writes each stage's name at the top left of its band, when the band is wide enough.
pub(crate) fn stage_labels(
    chart_name: &'static str,
    chart: &mut Chart<'_, '_>,
    bands: &[StageBand],
    y: &Axis,
) -> Result<(), ReportError> {
    let x_end = chart.x_range().end;
    let style = text_style(14.0, STAGE_LABEL);
    for band in bands {
        let (start, end) = (band.start_s.clamp(0.0, x_end), band.end_s.clamp(0.0, x_end));
        let px = |t: f64| chart.backend_coord(&(t, y.range.end)).0 as f64;
        let label: String = band.name.chars().take(24).collect();
        if px(end) - px(start) < text_width(&label, 11.5) + 10.0 {
            continue;
        }
        let element = EmptyElement::at((start, y.range.end))
            + Text::new(
                label,
                (5, 5),
                style.clone().pos(Pos::new(HPos::Left, VPos::Top)),
            );
        chart
            .draw_series(std::iter::once(element))
            .or_chart(chart_name)?;
    }
    Ok(())
}

/// Draws `points` as a line of `color`, broken where a point is `None`; dots mark the points
/// when there are few of them (so a single point is visible).
pub(crate) fn gapped_line(
    chart_name: &'static str,
    chart: &mut Chart<'_, '_>,
    points: &[Option<(f64, f64)>],
    color: RGBColor,
    width: u32,
) -> Result<(), ReportError> {
    let present = points.iter().flatten().count();
    for segment in points.split(Option::is_none) {
        let segment: Vec<(f64, f64)> = segment.iter().flatten().copied().collect();
        if segment.is_empty() {
            continue;
        }
        chart
            .draw_series(LineSeries::new(
                segment.iter().copied(),
                color.stroke_width(width),
            ))
            .or_chart(chart_name)?;
        if present <= 40 || segment.len() == 1 {
            chart
                .draw_series(
                    segment
                        .iter()
                        .map(|p| Circle::new(*p, width + 1, color.filled())),
                )
                .or_chart(chart_name)?;
        }
    }
    Ok(())
}

/// A frame saying there is nothing to draw, so the page keeps its layout.
pub(crate) fn no_data(
    chart_name: &'static str,
    size: ChartSize,
    message: &str,
) -> Result<String, ReportError> {
    render_svg(chart_name, size, |root| {
        let (w, h) = root.dim_in_pixel();
        root.draw(&Rectangle::new(
            [(1, 1), (w as i32 - 2, h as i32 - 2)],
            GRID.stroke_width(1),
        ))
        .or_chart(chart_name)?;
        root.draw(&Text::new(
            message.to_string(),
            (w as i32 / 2, h as i32 / 2),
            text_style(17.0, MUTED).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .or_chart(chart_name)
    })
}
