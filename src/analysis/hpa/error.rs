//! Errors of the HPA simulator. Each names the file, field or input it concerns, so a message can
//! be shown to the user as is.

use thiserror::Error;

/// Everything that can go wrong reading manifests or setting up a simulation.
#[derive(Debug, Error)]
pub enum HpaError {
    /// A document is not YAML, or does not match the Kubernetes schema of its kind.
    #[error("{file}: {what}: {error}")]
    Yaml {
        /// The file (or label) the text came from, e.g. `hpa.yaml`.
        file: String,
        /// Which document failed, e.g. `document 2 (HorizontalPodAutoscaler)`.
        what: String,
        /// The YAML or schema error.
        #[source]
        error: serde_yaml::Error,
    },
    /// No document of the wanted kind was found in the file.
    #[error("{file}: no {kind} document found (documents seen: {seen})")]
    NoDocument {
        /// The file (or label) the text came from.
        file: String,
        /// The kind looked for, e.g. `autoscaling/v2 HorizontalPodAutoscaler`.
        kind: &'static str,
        /// The kinds that were present, comma-separated, or `none`.
        seen: String,
    },
    /// The HPA has no CPU `Utilization` target, which is the only metric loadlab simulates.
    #[error(
        "{file}: spec.metrics has no cpu Utilization target; loadlab simulates CPU utilization HPAs"
    )]
    NoCpuUtilizationMetric {
        /// The file (or label) the HPA came from.
        file: String,
    },
    /// A field of a manifest is missing or has a value loadlab cannot use.
    #[error("{file}: {field}: {problem}")]
    Field {
        /// The file (or label) the manifest came from.
        file: String,
        /// The field path, e.g. `spec.behavior.scaleUp.policies[1].type`.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A simulation input or controller setting is out of range.
    #[error("simulation input: {field}: {problem}")]
    Input {
        /// The input field, e.g. `cost.capacity_rps_per_pod`.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl HpaError {
    pub(crate) fn field(file: &str, field: impl Into<String>, problem: impl Into<String>) -> Self {
        HpaError::Field {
            file: file.to_owned(),
            field: field.into(),
            problem: problem.into(),
        }
    }

    pub(crate) fn input(field: impl Into<String>, problem: impl Into<String>) -> Self {
        HpaError::Input {
            field: field.into(),
            problem: problem.into(),
        }
    }
}
