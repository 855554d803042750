//! Errors of the capacity search and of the `hpa` check built on its results. Each names the
//! flag, file or field it concerns and says what to do, so it can be shown as is.

use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CapacityError {
    /// A flag or option value that cannot work.
    #[error("{flag}: {problem}")]
    Input { flag: String, problem: String },
    /// The `--slo` expression.
    #[error("--slo {text:?}: {problem}")]
    Slo { text: String, problem: String },
    /// The scenario file does not resolve.
    #[error(transparent)]
    ScenarioFile(#[from] crate::scenario::ScenarioError),
    /// The target cannot be run against (unreachable, demo target did not start, output not
    /// writable).
    #[error("{0}")]
    CannotRun(String),
    /// An HPA or Deployment manifest, or a simulation input, is not usable.
    #[error(transparent)]
    Hpa(#[from] crate::analysis::hpa::HpaError),
    /// The scenario cannot drive a capacity search.
    #[error("{path}: {problem}")]
    Scenario { path: PathBuf, problem: String },
    /// A file that should be there cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file was read but its contents are not usable.
    #[error("{path}: {problem}")]
    Parse { path: PathBuf, problem: String },
    /// Running a step failed before it produced a result (target gone, output not writable).
    #[error("step at {rate}/s: {message}")]
    Step { rate: f64, message: String },
    /// A result file could not be written.
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
    /// A chart could not be drawn.
    #[error("cannot draw the {chart} chart: {message}")]
    Chart {
        chart: &'static str,
        message: String,
    },
}

impl CapacityError {
    pub fn input(flag: impl Into<String>, problem: impl Into<String>) -> Self {
        CapacityError::Input {
            flag: flag.into(),
            problem: problem.into(),
        }
    }

    /// True when the user can fix it by changing the command line or an input file (exit 2);
    /// false when the run itself failed (exit 3).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            CapacityError::Input { .. }
                | CapacityError::Slo { .. }
                | CapacityError::Scenario { .. }
                | CapacityError::ScenarioFile(_)
                | CapacityError::Hpa(_)
                | CapacityError::Read { .. }
                | CapacityError::Parse { .. }
        )
    }
}
