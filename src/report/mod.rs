//! Views of a `RunResult`: pure functions from data to text. Files are written elsewhere.

pub mod format;
pub mod plan;
pub mod progress;
pub mod table;
pub mod terminal;
