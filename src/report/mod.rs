//! Views of a `RunResult`: pure functions from data to text (terminal, HTML with charts,
//! Markdown, JUnit XML). Files are written in one place, [`mod@write`].

pub mod charts;
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
