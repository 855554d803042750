//! `ReportError`: why a view could not be rendered or written.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// plotters refused to draw (a backend error, or a coordinate it cannot map).
    #[error("cannot draw the {chart} chart: {reason}")]
    Chart { chart: &'static str, reason: String },
    /// A template names a placeholder the renderer does not fill, or is malformed.
    #[error("report template {template}: {reason}")]
    Template {
        template: &'static str,
        reason: String,
    },
    /// An artefact the report embeds (a flame graph) could not be read.
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    /// The view could not be written to the run directory.
    #[error(transparent)]
    Output(#[from] crate::run::output::OutputError),
}
