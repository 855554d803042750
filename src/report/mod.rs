//! Views of a `RunResult`: pure functions from data to text. Files are written elsewhere.

pub mod compare_chart;
pub mod compare_format;
pub mod compare_html;
pub mod compare_markdown;
pub mod compare_terminal;
pub mod format;
pub mod plan;
pub mod progress;
pub mod table;
pub mod terminal;
