//! Analyses over measured runs: the HPA simulator replays the Kubernetes autoscaling control loop
//! against the per-pod cost measured by loadlab (compare and capacity live beside it).

pub mod hpa;
