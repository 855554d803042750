//! loadlab: staged load generation with honest latency, target profiling, and comparisons.
//!
//! The data flow: `scenario` resolves a TOML file into a `Plan`; `engine` drives it and its
//! recorders produce `metrics::RunResult`; `probe` looks inside the target meanwhile; `report`
//! renders views of a `RunResult`; `analysis` compares runs, searches capacity and simulates HPAs.
//! `target` is the built-in demo service; `run` and `commands` are the orchestration and the edge.

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod engine;
pub mod k8s;
pub mod merge;
pub mod metrics;
pub mod probe;
pub mod redact;
pub mod report;
pub mod run;
pub mod scenario;
pub mod target;
pub mod tls;
