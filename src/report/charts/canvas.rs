//! The SVG canvas every chart is drawn on, and the plain frame (caption, axes, grid, series
//! legend) of the charts drawn in plotters' own style outside the run report: the capacity
//! search, the HPA timeline and the comparison's percentile curves.

use super::frame::ChartSize;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;

pub type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;

/// A chart on the SVG canvas, its axes built from `X` and `Y` (ranges, log ranges).
pub type PlainChart<'a, 'b, X, Y> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<<X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
>;

/// Draws on a white SVG canvas of `size` and returns the SVG text. Plotters' errors only
/// display: `error` turns their text into the caller's error.
pub fn svg<E>(
    size: ChartSize,
    error: impl Fn(String) -> E,
    draw: impl FnOnce(&Area<'_>) -> Result<(), E>,
) -> Result<String, E> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (size.width, size.height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| error(e.to_string()))?;
        draw(&root)?;
        root.present().map_err(|e| error(e.to_string()))?;
    }
    Ok(svg)
}

/// How a plain chart is framed. Unset parts are left to plotters' defaults.
#[derive(Clone, Copy, Default)]
pub struct PlainFrame<'a> {
    /// A title above the chart, and its font size.
    pub caption: Option<(&'a str, u32)>,
    pub margin: u32,
    /// Height of the x labels' strip and width of the y labels' strip, in pixels.
    pub x_label_area: u32,
    pub y_label_area: u32,
    pub x_desc: Option<&'a str>,
    pub y_desc: Option<&'a str>,
    pub x_format: Option<&'a dyn Fn(&f64) -> String>,
    pub y_format: Option<&'a dyn Fn(&f64) -> String>,
}

/// Builds the chart on `area` with `frame`'s caption and margins, and draws its grid and axes.
pub fn plain_chart<'a, 'b, X, Y>(
    area: &'a Area<'b>,
    frame: &PlainFrame<'_>,
    x: X,
    y: Y,
) -> Result<PlainChart<'a, 'b, X, Y>, String>
where
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let mut builder = ChartBuilder::on(area);
    if let Some((caption, size)) = frame.caption {
        builder.caption(caption, ("sans-serif", size));
    }
    let mut chart = builder
        .margin(frame.margin)
        .x_label_area_size(frame.x_label_area)
        .y_label_area_size(frame.y_label_area)
        .build_cartesian_2d(x, y)
        .map_err(|e| e.to_string())?;
    let mut mesh = chart.configure_mesh();
    if let Some(desc) = frame.x_desc {
        mesh.x_desc(desc);
    }
    if let Some(desc) = frame.y_desc {
        mesh.y_desc(desc);
    }
    if let Some(format) = frame.x_format {
        mesh.x_label_formatter(format);
    }
    if let Some(format) = frame.y_format {
        mesh.y_label_formatter(format);
    }
    mesh.draw().map_err(|e| e.to_string())?;
    Ok(chart)
}

/// The legend's sample of a series drawn in `color`.
pub fn legend_mark(color: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color)
}

/// Draws the labels of the chart's series in a box at `position`.
pub fn series_legend<'a, 'b: 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())
}
