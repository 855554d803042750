//! Probe data (CPU profiles, scraped metrics) is kept per segment, not combined: every segment
//! observed the same target over the same window, so adding their profiles or series would
//! count the target's work several times. The merged `probes` is
//! `{"segments": [probes of segment 0, …, probes of segment N−1]}` (null where a segment is
//! missing or probed nothing), or null when no segment has probe data.

use super::check::Membership;
use serde_json::Value;

pub fn merge_probes(membership: &Membership<'_>) -> Value {
    if membership.parts.iter().all(|(_, p)| p.probes.is_null()) {
        return Value::Null;
    }
    let mut segments = vec![Value::Null; membership.count as usize];
    for (seg, part) in &membership.parts {
        if let Some(slot) = segments.get_mut(seg.index as usize) {
            *slot = part.probes.clone();
        }
    }
    serde_json::json!({ "segments": segments })
}
