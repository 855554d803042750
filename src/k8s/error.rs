//! Why a manifest could not be rendered: the flag or file concerned and how to fix it.

use crate::scenario::ScenarioError;
use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum K8sError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("cannot read {path}, which the scenario refers to: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{flag} {value:?} is not a valid Kubernetes name: {reason}")]
    Name {
        flag: &'static str,
        value: String,
        reason: String,
    },
    #[error(
        "{flag} {value:?} is not a valid Kubernetes quantity ({reason}); write e.g. {example}"
    )]
    Quantity {
        flag: &'static str,
        value: String,
        reason: String,
        example: &'static str,
    },
    #[error("--image must name a container image, e.g. registry.example.com/loadlab:1.0")]
    Image,
    #[error("the scenario and the files it refers to take {bytes} bytes, more than a ConfigMap holds (1 MiB): ship large request bodies in the image instead")]
    TooLarge { bytes: usize },
    #[error("cannot render the manifest as YAML: {0}")]
    Yaml(String),
}
