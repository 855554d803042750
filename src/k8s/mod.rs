//! Running a scenario as a Kubernetes Indexed Job: `loadlab k8s` renders a ConfigMap with the
//! scenario (and the files it refers to) and an Indexed Job whose pod `i` runs segment `i/N`,
//! all starting at one wall-clock time; on a shared PVC, a merge Job combines the segments.
//!
//! - [`options`]: the validated flags; [`bundle`]: the scenario and its files;
//! - [`command`]: what each pod runs; [`objects`]: the typed Kubernetes objects;
//! - [`render`]: the YAML text with instructions for collecting results.

pub mod bundle;
pub mod command;
mod error;
pub mod objects;
pub mod options;
pub mod render;

pub use bundle::Bundle;
pub use error::K8sError;
pub use options::{default_name, K8sOptions, Results};
pub use render::{render_merge, render_segments};
