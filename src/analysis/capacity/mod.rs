//! Capacity search: the highest arrival rate a target serves while meeting an SLO, where its
//! latency curve bends (the knee), and — with the target's CPU scraped and a pod CPU request —
//! what one pod carries at a given utilization.
//!
//! The data flow:
//! - `slo.rs` parses `"p99<200ms,errors<1%"` and judges a step's result against it;
//! - `search.rs` is the pure state machine (exponential growth, then bisection), `watch.rs`
//!   cuts a step short when the SLO breaks badly, `step.rs` records a step and decides whether
//!   loadlab itself was the limit;
//! - `runner.rs` runs the steps against the target (the only I/O);
//! - `figures.rs` (knee, CPU per request, per pod) and `verdict.rs` summarise them into
//!   `result.rs`'s [`CapacityResult`], saved as `capacity.json`;
//! - `terminal.rs`, `markdown.rs`, `html.rs` + `chart.rs` are its views, written by `write.rs`;
//! - `hpa_check/` turns a saved result into the cost model of the HPA simulator.

pub mod chart;
mod error;
pub mod figures;
pub mod hpa_check;
pub mod html;
pub mod markdown;
mod result;
pub mod runner;
mod search;
pub mod slo;
pub mod step;
pub mod terminal;
mod verdict;
pub mod watch;
pub mod write;

pub use error::CapacityError;
pub use result::{
    CapacityResult, SearchContext, SearchSettings, CAPACITY_FILE, CAPACITY_SCHEMA_VERSION,
};
pub use runner::{CapacityRequest, CapacityRun};
pub use search::{Next, Observation, Search, SearchConfig, SearchEnd};
pub use slo::Slo;
pub use step::StepRecord;
