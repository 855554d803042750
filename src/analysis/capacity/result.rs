//! `capacity.json`: the canonical record of a capacity search — settings, every step, how the
//! search ended and the figures derived from it. Every view is rendered from it alone, and the
//! `hpa` command reads it back.

use super::error::CapacityError;
use super::figures::{self, Knee, PerPod};
use super::search::SearchEnd;
use super::step::StepRecord;
use super::verdict::verdict;
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const CAPACITY_SCHEMA_VERSION: u32 = 1;

/// The file name inside a capacity directory.
pub const CAPACITY_FILE: &str = "capacity.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityResult {
    pub schema_version: u32,
    pub loadlab_version: String,
    pub context: SearchContext,
    pub settings: SearchSettings,
    /// In the order they ran.
    pub steps: Vec<StepRecord>,
    pub end: SearchEnd,
    /// The highest rate that met the SLO with loadlab not the limit, req/s.
    pub max_rate_meeting_slo: Option<f64>,
    pub knee: Option<Knee>,
    pub cpu_seconds_per_request: Option<f64>,
    pub per_pod: Option<PerPod>,
    /// The outcome in a sentence or two.
    pub verdict: String,
}

/// What was searched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchContext {
    pub scenario: String,
    pub scenario_path: String,
    /// The target URL (secrets redacted) or the demo target's address.
    pub target: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub slo: String,
}

/// How it was searched.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SearchSettings {
    pub start_rate: f64,
    pub max_rate: f64,
    pub growth: f64,
    pub precision: f64,
    pub step_s: f64,
    pub warmup_s: f64,
    pub max_in_flight: usize,
}

impl CapacityResult {
    /// Derives the figures and the verdict from the steps.
    pub fn build(
        context: SearchContext,
        settings: SearchSettings,
        steps: Vec<StepRecord>,
        end: SearchEnd,
        pod_cpu_cores: Option<f64>,
    ) -> Self {
        let max_rate_meeting_slo = end.max_rate_meeting_slo();
        let knee = figures::knee(&steps);
        let cpu = figures::cpu_seconds_per_request(&steps);
        let per_pod = cpu
            .zip(pod_cpu_cores)
            .map(|(c, pod)| figures::per_pod(c, pod, max_rate_meeting_slo));
        let verdict = verdict(&end, &steps, &settings, &context.slo);
        CapacityResult {
            schema_version: CAPACITY_SCHEMA_VERSION,
            loadlab_version: env!("CARGO_PKG_VERSION").to_string(),
            context,
            settings,
            steps,
            end,
            max_rate_meeting_slo,
            knee,
            cpu_seconds_per_request: cpu,
            per_pod,
            verdict,
        }
    }

    /// Reads `capacity.json` from a capacity directory (or the file itself).
    pub fn read(path: &Path) -> Result<Self, CapacityError> {
        let file = if path.is_dir() {
            path.join(CAPACITY_FILE)
        } else {
            path.to_path_buf()
        };
        let text = std::fs::read_to_string(&file).map_err(|source| CapacityError::Read {
            path: file.clone(),
            source,
        })?;
        let result: CapacityResult =
            serde_json::from_str(&text).map_err(|e| CapacityError::Parse {
                path: file.clone(),
                problem: format!("not a loadlab capacity result: {e}"),
            })?;
        if result.schema_version != CAPACITY_SCHEMA_VERSION {
            return Err(CapacityError::Parse {
                path: file,
                problem: format!(
                    "schema_version {} is not {CAPACITY_SCHEMA_VERSION}; rerun `loadlab capacity` with this version",
                    result.schema_version
                ),
            });
        }
        Ok(result)
    }
}
