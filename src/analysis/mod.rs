//! Analysis of results: thresholds, comparisons, capacity search, HPA simulation.

pub mod capacity;
pub mod compare;
pub mod hpa;
pub mod thresholds;
