//! `capacity.md`: the search as a Markdown summary (settings, steps table, figures, verdict).
//! Pure: a result in, text out.

use super::result::CapacityResult;
use crate::report::format::format_percent;

pub fn render(r: &CapacityResult) -> String {
    let c = &r.context;
    let s = &r.settings;
    let mut out = format!("# Capacity: {}\n\n", c.scenario);
    out.push_str(&format!(
        "- target: {}\n- SLO: `{}`\n- started: {}\n- steps of {:.0} s (first {:.1} s warm-up), from {:.0} req/s ×{} up to at most {:.0} req/s, refined to {}\n\n",
        c.target,
        c.slo,
        c.started_at,
        s.step_s,
        s.warmup_s,
        s.start_rate,
        s.growth,
        s.max_rate,
        format_percent(s.precision)
    ));
    out.push_str(&format!("**{}**\n\n", r.verdict));
    out.push_str("## Figures\n\n");
    let capacity = r
        .max_rate_meeting_slo
        .map_or("none".into(), |v| format!("{v:.0} req/s"));
    out.push_str(&format!("- highest rate meeting the SLO: {capacity}\n"));
    out.push_str(&match &r.knee {
        Some(k) => format!(
            "- knee: {:.0} req/s (p99 {:.1} ms > 2 × {:.1} ms at the lowest rate)\n",
            k.rate, k.p99_ms, k.baseline_p99_ms
        ),
        None => "- knee: not reached\n".into(),
    });
    out.push_str(&match r.cpu_seconds_per_request {
        Some(v) => format!("- target CPU per request: {:.3} ms\n", v * 1e3),
        None => "- target CPU per request: unknown (no `[metrics] url`)\n".into(),
    });
    if let Some(p) = &r.per_pod {
        out.push_str("\n| pod CPU request | utilization | req/s per pod |\n|---|---|---|\n");
        for u in &p.rps_per_pod_at_utilization {
            out.push_str(&format!(
                "| {:.0}m | {:.0}% | {:.0}{} |\n",
                p.pod_cpu_cores * 1e3,
                u.utilization_pct,
                u.rps,
                if u.above_capacity {
                    " (above capacity)"
                } else {
                    ""
                }
            ));
        }
    }
    out.push_str("\n## Steps\n\n| rate/s | achieved/s | p50 ms | p99 ms | errors | dropped | CPU cores | SLO | result |\n|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for st in &r.steps {
        let slo = match (st.generator_limited, st.slo_met) {
            (true, _) => "✗ loadlab was the limit",
            (false, true) => "✓",
            (false, false) => "✗",
        };
        out.push_str(&format!(
            "| {:.0} | {:.1} | {} | {} | {} | {} | {} | {slo} | [{}]({}) |\n",
            st.rate,
            st.achieved,
            opt(st.p50_ms),
            opt(st.p99_ms),
            format_percent(st.error_rate),
            st.dropped,
            st.target_cpu_cores
                .map_or("-".into(), |v| format!("{v:.3}")),
            st.result,
            st.result
        ));
    }
    let notes: Vec<String> =
        r.steps
            .iter()
            .filter(|st| {
                !st.notes.is_empty() || st.cut_short.is_some() || st.repeated_because.is_some()
            })
            .map(|st| {
                let mut n = st.notes.clone();
                n.extend(st.cut_short.clone());
                n.extend(st.repeated_because.as_ref().map(|why| {
                    format!("run twice: the first attempt was limited by loadlab ({why})")
                }));
                format!("- {:.0} req/s: {}\n", st.rate, n.join("; "))
            })
            .collect();
    if !notes.is_empty() {
        out.push_str("\n### Notes\n\n");
        out.extend(notes);
    }
    out
}

fn opt(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.1}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::capacity::figures::tests::step;
    use crate::analysis::capacity::{SearchContext, SearchEnd, SearchSettings};

    #[test]
    fn renders_figures_and_every_step() {
        let r = CapacityResult::build(
            SearchContext {
                scenario: "api".into(),
                scenario_path: "api.toml".into(),
                target: "http://127.0.0.1:9/".into(),
                started_at: "2025-01-01T00:00:00Z".into(),
                slo: "p99<50ms".into(),
            },
            SearchSettings {
                start_rate: 100.0,
                max_rate: 1000.0,
                growth: 2.0,
                precision: 0.05,
                step_s: 20.0,
                warmup_s: 5.0,
                max_in_flight: 256,
            },
            vec![
                step(100.0, 10.0, true, Some(0.05)),
                step(200.0, 30.0, false, Some(0.1)),
            ],
            SearchEnd::Found {
                capacity: 100.0,
                first_fail: 200.0,
            },
            Some(0.5),
        );
        let md = render(&r);
        assert!(md.starts_with("# Capacity: api\n"));
        assert!(
            md.contains("| 100 | 100.0 | 5.0 | 10.0 | 0% | 0 | 0.050 | ✓ |"),
            "{md}"
        );
        assert!(md.contains("- knee: 200 req/s"), "{md}");
        assert!(md.contains("target CPU per request: 0.500 ms"), "{md}");
        assert!(md.contains("| 500m | 50% | 500 (above capacity) |"), "{md}");
    }
}
