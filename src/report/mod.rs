//! Views of a `RunResult`: pure functions from data to text (terminal, HTML with charts,
//! Markdown, JUnit XML). Files are written in one place, [`mod@write`].

pub mod charts;
pub mod compare_chart;
pub mod compare_format;
pub mod compare_html;
pub mod compare_junit;
pub mod compare_markdown;
pub mod compare_terminal;
mod error;
pub mod escape;
pub mod format;
pub mod html;
pub mod junit;
pub mod markdown;
pub mod plan;
pub mod probes;
pub mod progress;
#[cfg(test)]
mod snapshot_tests;
pub mod table;
pub mod terminal;
#[cfg(test)]
pub(crate) mod test_support;
pub mod write;

pub use error::ReportError;
