//! loadlab: staged load generation with honest latency, target profiling, and comparisons.
//!
//! The data flow: `scenario` resolves a TOML file into a `Plan`; `engine` drives it and its
//! recorders produce `metrics::RunResult`; `probe` looks inside the target meanwhile; `report`
//! renders views of a `RunResult`; `analysis` compares runs, searches capacity and simulates HPAs.

pub mod analysis;
