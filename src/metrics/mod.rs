//! Measurement: per-worker recorders, the per-second timeline, and the `RunResult` they become.

pub mod build;
pub mod coarse;
pub mod histogram;
pub mod outcome;
pub mod recorder;
pub mod result;
pub mod summary;

pub use coarse::CoarseHistogram;
pub use histogram::LatencyHistogram;
pub use outcome::Outcome;
pub use recorder::{Recorder, Sample, StageBounds};
pub use result::*;
pub use summary::Summary;
