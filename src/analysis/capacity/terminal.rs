//! The capacity search for people at a terminal: a table row per step as it ends, then the
//! figures and the verdict. Pure: a result in, text out.

use super::result::CapacityResult;
use super::search::SearchEnd;
use super::step::StepRecord;
use crate::report::format::format_percent;

/// The steps table's header.
pub fn header() -> String {
    format!(
        "{:>8} {:>9} {:>9} {:>9} {:>7} {:>8} {:>9}  SLO",
        "rate/s", "achieved", "p50", "p99", "errors", "dropped", "CPU cores"
    )
}

/// One step's row.
pub fn row(s: &StepRecord) -> String {
    let slo = match (s.generator_limited, s.slo_met) {
        (true, _) => "✗ loadlab was the limit",
        (false, true) => "✓",
        (false, false) if s.bad_break => "✗ (badly)",
        (false, false) => "✗",
    };
    let cut = match (s.cut_short.is_some(), s.repeated_because.is_some()) {
        (true, _) => " · cut short",
        (false, true) => " · second attempt",
        (false, false) => "",
    };
    format!(
        "{:>8.0} {:>9.1} {:>9} {:>9} {:>7} {:>8} {:>9}  {slo}{cut}",
        s.rate,
        s.achieved,
        ms(s.p50_ms),
        ms(s.p99_ms),
        format_percent(s.error_rate),
        s.dropped,
        s.target_cpu_cores.map_or("-".into(), |c| format!("{c:.3}")),
    )
}

/// The whole table.
pub fn table(r: &CapacityResult) -> String {
    let mut out = header();
    out.push('\n');
    for s in &r.steps {
        out.push_str(&row(s));
        out.push('\n');
    }
    out
}

/// The figures, a blank line, the verdict.
pub fn summary(r: &CapacityResult) -> String {
    format!("{}\n{}\n", figures(r), r.verdict)
}

/// Capacity, knee, CPU per request and per-pod rates, a line each.
pub fn figures(r: &CapacityResult) -> String {
    let mut lines = Vec::new();
    let slo = &r.context.slo;
    lines.push(match (r.end, r.max_rate_meeting_slo) {
        (SearchEnd::Found { .. }, Some(c)) => format!("capacity: {c:.0} req/s meet {slo}"),
        (SearchEnd::MaxRate { .. }, Some(c)) => {
            format!("capacity: at least {c:.0} req/s (--max-rate) meet {slo}")
        }
        (_, Some(c)) => {
            format!("capacity: not established; {c:.0} req/s met {slo} before the search stopped")
        }
        (_, None) => format!("capacity: none found meeting {slo}"),
    });
    match &r.knee {
        Some(k) => lines.push(format!(
            "knee: {:.0} req/s (p99 {:.1} ms, over 2× the {:.1} ms of the lowest rate)",
            k.rate, k.p99_ms, k.baseline_p99_ms
        )),
        None => lines.push("knee: not reached (p99 never doubled)".into()),
    }
    match r.cpu_seconds_per_request {
        Some(c) => lines.push(format!("CPU per request: {:.3} ms of target CPU", c * 1e3)),
        None => lines.push(
            "CPU per request: unknown (set [metrics] url in the scenario to scrape the target)"
                .into(),
        ),
    }
    if let Some(p) = &r.per_pod {
        let rates: Vec<String> = p
            .rps_per_pod_at_utilization
            .iter()
            .map(|u| {
                format!(
                    "{:.0}% → {:.0} req/s{}",
                    u.utilization_pct,
                    u.rps,
                    if u.above_capacity {
                        " (above capacity)"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        lines.push(format!(
            "per pod ({:.0}m CPU request): {}",
            p.pod_cpu_cores * 1e3,
            rates.join(", ")
        ));
    }
    lines.join("\n") + "\n"
}

fn ms(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| {
        if v < 10.0 {
            format!("{v:.2}ms")
        } else {
            format!("{v:.1}ms")
        }
    })
}
