//! Charts of a run, drawn with plotters into SVG text (no fonts loaded: the SVG backend writes
//! `<text>` elements the browser lays out). One function per chart, each taking a small
//! argument struct and returning `Result<String, ReportError>`; every chart copes with no
//! data (a "no data" frame), a single point, and hour-long timelines.

mod axes;
pub mod canvas;
mod concurrency;
pub mod data;
mod distribution;
mod frame;
mod latency;
mod metric;
mod throughput;

#[cfg(test)]
mod tests;

pub use concurrency::{concurrency, Concurrency, ConcurrencySecond};
pub use distribution::{latency_distribution, DistributionLine, LatencyDistribution};
pub use frame::{ChartSize, StageBand};
pub use latency::{latency_over_time, LatencyOverTime, LatencySecond};
pub use metric::{metric_chart, MetricChart, MetricLine};
pub use throughput::{throughput, RateSecond, Throughput};
