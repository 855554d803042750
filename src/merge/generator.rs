//! Generator health of the merged run: CPU seconds, threads, connections and cap hits sum; the
//! scheduler-lag p99 comes from the added lag histograms; the run was generator-bound if any
//! segment was; warnings are kept once each, naming the segments that raised them.

use super::check::Membership;
use super::timeline::offset_s;
use crate::metrics::{GeneratorHealth, LatencyHistogram, StageResult};

pub fn merge_generator(membership: &Membership<'_>, stages: &[StageResult]) -> GeneratorHealth {
    let parts = &membership.parts;
    let gens = || parts.iter().map(|(_, p)| &p.generator);
    let mut lag = LatencyHistogram::new();
    stages.iter().for_each(|s| lag.add(&s.scheduler_lag));
    let cpu_seconds: f64 = gens().map(|g| g.cpu_seconds).sum();
    let thread_seconds: f64 = parts
        .iter()
        .map(|(_, p)| p.run.duration_s * p.generator.threads as f64)
        .sum();
    let mut warnings = grouped_warnings(membership);
    if let Some(w) = start_spread_warning(membership) {
        warnings.push(w);
    }
    GeneratorHealth {
        threads: gens().map(|g| g.threads).sum(),
        cpu_seconds,
        cpu_utilization: if thread_seconds > 0.0 {
            cpu_seconds / thread_seconds
        } else {
            0.0
        },
        scheduler_lag_p99_us: lag.percentile(99.0),
        scheduler_lag_max_us: gens().map(|g| g.scheduler_lag_max_us).max().unwrap_or(0),
        in_flight_cap_hits: gens().map(|g| g.in_flight_cap_hits).sum(),
        connections_opened: gens().map(|g| g.connections_opened).sum(),
        bottleneck: gens().any(|g| g.bottleneck),
        warnings,
    }
}

/// Each distinct warning once, prefixed with the segments that reported it.
fn grouped_warnings(membership: &Membership<'_>) -> Vec<String> {
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for (seg, part) in &membership.parts {
        for w in &part.generator.warnings {
            let name = format!("{}/{}", seg.index, seg.count);
            match groups.iter_mut().find(|(text, _)| text == w) {
                Some((_, segs)) => segs.push(name),
                None => groups.push((w.as_str(), vec![name])),
            }
        }
    }
    groups
        .into_iter()
        .map(|(text, segs)| {
            let label = if segs.len() == 1 {
                "segment"
            } else {
                "segments"
            };
            format!("{label} {}: {text}", segs.join(", "))
        })
        .collect()
}

/// Segments that started a second or more apart did not overlap as planned.
fn start_spread_warning(membership: &Membership<'_>) -> Option<String> {
    let earliest = membership
        .parts
        .iter()
        .map(|(_, p)| p.run.start_unix_ms)
        .min()?;
    let (seg, part) = membership
        .parts
        .iter()
        .max_by_key(|(_, p)| p.run.start_unix_ms)?;
    let spread_ms = part.run.start_unix_ms - earliest;
    (offset_s(part, earliest) > 0).then(|| {
        format!(
            "segment {}/{} started {:.1}s after the first: the segments did not run together (give every segment the same --start-at, far enough ahead for all to be ready)",
            seg.index,
            seg.count,
            spread_ms as f64 / 1000.0
        )
    })
}
