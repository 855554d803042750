//! The `hpa` outcome for a terminal: inputs, replica timeline (scale events), breach intervals,
//! the recommendation, and — with `--actual` — predicted against recorded replicas. Pure: a
//! report in, text out.

use super::{ActualOverlay, HpaReport};

/// Scale events listed before the rest is summarised.
const EVENTS_SHOWN: usize = 12;

pub fn summary(r: &HpaReport) -> String {
    let h = &r.hpa;
    let sim = &r.simulation;
    let mut lines = vec![format!("modelled: {}", r.modelled_release)];
    lines.push(format!(
        "HPA {} ({}): minReplicas {}, maxReplicas {}, CPU target {}%, behavior {} · pod CPU request {:.0}m (from {})",
        if h.name.is_empty() { "(unnamed)" } else { &h.name },
        r.hpa_file,
        h.min_replicas,
        h.max_replicas,
        h.target_cpu_utilization_pct,
        if h.behavior.is_some() { "set" } else { "absent (legacy defaults)" },
        r.pod_cpu_request_cores * 1e3,
        r.pod_cpu_source
    ));
    if !h.ignored_metrics.is_empty() {
        lines.push(format!(
            "note: metrics not simulated (only CPU is): {}",
            h.ignored_metrics.join(", ")
        ));
    }
    let cap = r.cost.capacity_rps_per_pod;
    lines.push(format!(
        "cost (from {}): {:.3} ms CPU per request; {:.0} req/s per pod meet the SLO ({:.0}% of the request)",
        r.capacity_dir,
        r.cost.cpu_seconds_per_request * 1e3,
        cap,
        cap * r.cost.cpu_seconds_per_request / r.pod_cpu_request_cores * 100.0
    ));
    lines.push(format!(
        "traffic ({}): {:.0} s, {:.0} req/s at the start, peak {:.0} req/s · start-up delay {:.0} s, metrics lag {:.0} s",
        r.traffic_source,
        r.traffic.end_s(),
        r.traffic.rate_at(0.0),
        r.traffic.peak_rps(),
        r.startup_s,
        r.metrics_lag_s
    ));
    lines.push(format!(
        "replicas: {} at the start, peak {}, {} scale event(s)",
        sim.initial_replicas,
        sim.peak_replicas,
        sim.events.len()
    ));
    for e in sim.events.iter().take(EVENTS_SHOWN) {
        lines.push(format!(
            "  t={:>5}s  {:>3} → {:<3} utilization {}{}",
            e.t_s,
            e.from,
            e.to,
            e.utilization_pct.map_or("-".into(), |u| format!("{u}%")),
            e.limited_by
                .map_or(String::new(), |l| format!(" (limited: {l})"))
        ));
    }
    if sim.events.len() > EVENTS_SHOWN {
        lines.push(format!("  … {} more", sim.events.len() - EVENTS_SHOWN));
    }
    if sim.breaches.is_empty() {
        lines.push(format!("SLO p99 < {} ms: met throughout", r.slo_p99_ms));
    } else {
        let intervals: Vec<String> = sim
            .breaches
            .iter()
            .map(|b| format!("{}–{} s", b.start_s, b.end_s))
            .collect();
        lines.push(format!(
            "SLO p99 < {} ms: BREACHED for {} s: {}",
            r.slo_p99_ms,
            sim.breach_seconds,
            intervals.join(", ")
        ));
    }
    let rec = &r.recommendation;
    lines.push(format!(
        "recommendation: {} · minReplicas {}",
        rec.target_utilization_pct
            .map_or("no CPU target avoids a breach".into(), |t| format!(
                "CPU target {t}%"
            )),
        rec.min_replicas
    ));
    lines.push(format!("  {}", rec.explanation));
    if let Some(a) = &r.actual {
        lines.extend(actual_lines(a));
    }
    lines.join("\n") + "\n"
}

/// Seconds, or `none`.
fn at(t: Option<f64>) -> String {
    t.map_or("none".into(), |t| format!("{t:.1} s"))
}

/// The recorded replicas against the prediction.
pub fn actual_lines(a: &ActualOverlay) -> Vec<String> {
    let d = &a.divergence;
    let values: Vec<String> = changes(&a.replicas)
        .iter()
        .map(|p| format!("{} at {:.1} s", p[1], p[0]))
        .collect();
    let mut lines = vec![
        format!(
            "actual replicas ({}, query `{}`): {} point(s): {}",
            a.run,
            a.replicas_query,
            a.replicas.len(),
            values.join(" → ")
        ),
        format!(
            "predicted vs actual: max |Δ| {} replica(s){} · mean |Δ| {:.2} over {} point(s) · first scale-out predicted {}, actual {}",
            d.max_abs_replicas,
            d.max_at_s.map_or(String::new(), |t| format!(" at {t:.1} s")),
            d.mean_abs_replicas,
            d.compared_points,
            at(d.predicted_first_scale_out_s),
            at(d.actual_first_scale_out_s)
        ),
    ];
    if let (Some(q), Some(first), Some(last)) = (
        &a.cpu_query,
        a.cpu_utilization_pct.first(),
        a.cpu_utilization_pct.last(),
    ) {
        lines.push(format!(
            "actual per-pod CPU (query `{q}` ÷ replicas × request): {:.0}% at {:.1} s … {:.0}% at {:.1} s",
            first[1], first[0], last[1], last[0]
        ));
    }
    lines
}

/// The points where the value changes (and the first).
pub fn changes(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::new();
    for p in points {
        if out.last().is_none_or(|last| last[1] != p[1]) {
            out.push(*p);
        }
    }
    out
}
