//! What a decoded profile says, in the forms the reports use: folded stacks for flame
//! graphs, the top functions by flat and cumulative cost (pprof's semantics), and the
//! [`ProfileSummary`] stored in `result.json`.
//!
//! pprof's definitions: *flat* is the value of samples whose leaf frame is the function;
//! *cum* is the value of samples containing the function anywhere, counted once per sample
//! even when it recurses. Shares are fractions (0..=1) of the total over all samples.
//! Negative values (delta profiles) are ignored.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::profile::{sample_type_names, sample_value, value_index, ProfileKind, StackIndex};
use super::profile_proto::Profile;
use super::ProbeError;

/// The cost of one function in a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionCost {
    pub name: String,
    /// Value of samples where this function is the leaf (innermost) frame.
    pub flat: u64,
    /// `flat / total`, 0..=1.
    pub flat_share: f64,
    /// Value of samples that contain this function, once per sample.
    pub cum: u64,
    /// `cum / total`, 0..=1.
    pub cum_share: f64,
}

/// A profile reduced to what a report shows; stored in `result.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileSummary {
    pub kind: ProfileKind,
    /// The sample type the figures use, e.g. "cpu" or "inuse_space".
    pub sample_type: String,
    /// Its unit, e.g. "nanoseconds" or "bytes".
    pub unit: String,
    /// Sum of that value over all samples (CPU: nanoseconds of CPU time).
    pub total_value: u64,
    /// How long the profile covered (0 for snapshots that do not say).
    pub duration_ns: u64,
    /// Sampling period, in the profile's period unit (CPU: ns between samples).
    pub period: i64,
    /// Profiler ticks (the `samples`/`count` values) when present, else the sample records.
    pub samples: u64,
    /// The most expensive functions, by flat then cum.
    pub top: Vec<FunctionCost>,
}

/// Folded stacks (`root;…;leaf`, value) of `value_index`, aggregated and sorted by stack.
/// Samples with no frames or no positive value are left out.
pub fn folded_stacks(profile: &Profile, value_index: usize) -> Vec<(String, u64)> {
    let index = StackIndex::new(profile);
    let mut stacks: HashMap<Vec<u32>, u64> = HashMap::new();
    let mut frames = Vec::new();
    for sample in &profile.sample {
        let value = sample_value(sample, value_index);
        if value == 0 || sample.location_id.is_empty() {
            continue;
        }
        index.stack_root_first(sample, &mut frames);
        let slot = stacks.entry(frames.clone()).or_default();
        *slot = slot.saturating_add(value);
    }
    let mut folded: Vec<(String, u64)> = stacks
        .into_iter()
        .map(|(frames, value)| {
            let names: Vec<&str> = frames.iter().map(|&id| index.name(id)).collect();
            (names.join(";"), value)
        })
        .collect();
    folded.sort_unstable();
    folded
}

/// The `n` functions with the highest flat value (ties: higher cum, then name).
pub fn top_functions(profile: &Profile, value_index: usize, n: usize) -> Vec<FunctionCost> {
    let index = StackIndex::new(profile);
    let mut flat = vec![0u64; index.len()];
    let mut cum = vec![0u64; index.len()];
    // Which sample last counted a function's cum: each counts once per sample.
    let mut counted_in = vec![usize::MAX; index.len()];
    let mut total = 0u64;
    let mut frames = Vec::new();
    for (sample_no, sample) in profile.sample.iter().enumerate() {
        let value = sample_value(sample, value_index);
        if value == 0 {
            continue;
        }
        total = total.saturating_add(value);
        index.stack_root_first(sample, &mut frames);
        if let Some(&leaf) = frames.last() {
            flat[leaf as usize] = flat[leaf as usize].saturating_add(value);
        }
        for &id in &frames {
            let id = id as usize;
            if counted_in[id] != sample_no {
                counted_in[id] = sample_no;
                cum[id] = cum[id].saturating_add(value);
            }
        }
    }
    let share = |v: u64| {
        if total == 0 {
            0.0
        } else {
            v as f64 / total as f64
        }
    };
    let mut costs: Vec<FunctionCost> = (0..index.len())
        .filter(|&id| cum[id] > 0)
        .map(|id| FunctionCost {
            name: index.name(id as u32).to_string(),
            flat: flat[id],
            flat_share: share(flat[id]),
            cum: cum[id],
            cum_share: share(cum[id]),
        })
        .collect();
    costs.sort_by(|a, b| {
        b.flat
            .cmp(&a.flat)
            .then(b.cum.cmp(&a.cum))
            .then(a.name.cmp(&b.name))
    });
    costs.truncate(n);
    costs
}

/// Summarises `profile` as a `kind` profile, with the `top_n` top functions.
pub fn summarize(
    profile: &Profile,
    kind: ProfileKind,
    top_n: usize,
) -> Result<ProfileSummary, ProbeError> {
    let vi = value_index(profile, kind).ok_or_else(|| ProbeError::Decode {
        reason: "the profile has no sample types".into(),
    })?;
    let (sample_type, unit) = sample_type_names(profile, vi);
    let total_value = profile
        .sample
        .iter()
        .fold(0u64, |acc, s| acc.saturating_add(sample_value(s, vi)));
    let ticks = (0..profile.sample_type.len())
        .find(|&i| sample_type_names(profile, i) == ("samples", "count"));
    let samples = match ticks {
        Some(ti) => profile
            .sample
            .iter()
            .fold(0u64, |acc, s| acc.saturating_add(sample_value(s, ti))),
        None => profile.sample.len() as u64,
    };
    Ok(ProfileSummary {
        kind,
        sample_type: sample_type.to_string(),
        unit: unit.to_string(),
        total_value,
        duration_ns: profile.duration_nanos.max(0) as u64,
        period: profile.period,
        samples,
        top: top_functions(profile, vi, top_n),
    })
}

#[cfg(test)]
#[path = "profile_stats_tests.rs"]
mod tests;
