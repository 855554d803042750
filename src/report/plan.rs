//! The resolved plan as `loadlab validate` prints it.

use super::format::{format_count, format_micros};
use super::table::render_table;
use crate::engine::schedule::RateCurve;
use crate::scenario::{units::format_duration, LoadModel, Plan, Target};

pub fn render(plan: &Plan) -> String {
    let mut out = format!(
        "scenario {} ({}, sha256 {})\n",
        plan.name,
        plan.source.path.display(),
        &plan.source.digest[..12]
    );
    let target = match &plan.target {
        Target::Demo(d) => format!(
            "demo (built-in, delay scale {}, limited workers {})",
            d.delay_scale, d.limited_workers
        ),
        Target::Url(u) => u.to_string(),
    };
    out.push_str(&format!("target   {target}\n"));
    out.push_str(&format!(
        "http     {}, timeout {}, connect timeout {}, connections {}, max in flight {}{}\n",
        plan.http.version,
        format_duration(plan.http.timeout),
        format_duration(plan.http.connect_timeout),
        plan.http.connections,
        plan.http.max_in_flight,
        if plan.http.tls.insecure {
            ", TLS verification OFF"
        } else {
            ""
        }
    ));
    let (model, unit) = match plan.load.model {
        LoadModel::Open => (
            "open (arrival rate; arrivals beyond max in flight are dropped)".to_string(),
            "rate/s",
        ),
        LoadModel::Closed { think_time } => (
            format!(
                "closed (users; think time {})",
                format_micros(think_time.as_secs_f64() * 1e6)
            ),
            "users",
        ),
    };
    out.push_str(&format!("model    {model}\n\nstages\n"));
    let rows: Vec<Vec<String>> = plan
        .load
        .stages
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                format_duration(s.start),
                format_duration(s.duration),
                if s.from == s.to {
                    format!("{}", s.to)
                } else {
                    format!("{} → {}", s.from, s.to)
                },
                if s.warmup.is_zero() {
                    "-".into()
                } else {
                    format_duration(s.warmup)
                },
            ]
        })
        .collect();
    out.push_str(&render_table(
        &["name", "start", "duration", unit, "warm-up"],
        &rows,
        1,
    ));
    if plan.load.model == LoadModel::Open {
        let total = RateCurve::new(&plan.load.stages).total_arrivals();
        out.push_str(&format!(
            "  expected arrivals: {}\n",
            format_count(total.round() as u64)
        ));
    }
    out.push_str("\nrequests\n");
    let total_weight: u32 = plan.requests.iter().map(|r| r.weight).sum();
    let rows: Vec<Vec<String>> = plan
        .requests
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                r.method.to_string(),
                r.path.source().to_string(),
                format!(
                    "{:.0}%",
                    r.weight as f64 * 100.0 / total_weight.max(1) as f64
                ),
                if r.expect_status.is_empty() {
                    "2xx/3xx".into()
                } else {
                    r.expect_status
                        .iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(",")
                },
            ]
        })
        .collect();
    out.push_str(&render_table(
        &["name", "method", "path", "share", "expect"],
        &rows,
        3,
    ));
    if !plan.thresholds.is_empty() {
        out.push_str("\nthresholds\n");
        for t in &plan.thresholds {
            out.push_str(&format!("  {}\n", t.expression));
        }
    }
    if let Some(p) = &plan.profile {
        let stages: Vec<&str> = p
            .stages
            .iter()
            .map(|&i| plan.load.stages[i].name.as_str())
            .collect();
        out.push_str(&format!(
            "\nprofile  {} during {}\n",
            p.url,
            stages.join(", ")
        ));
    }
    if let Some(m) = &plan.metrics {
        if let Some(s) = &m.scrape {
            out.push_str(&format!(
                "metrics  scrape {} every {}\n",
                s.url,
                format_duration(s.interval)
            ));
        }
        if let Some(q) = &m.query {
            out.push_str(&format!(
                "metrics  {} PromQL queries against {}\n",
                q.queries.len(),
                q.prometheus
            ));
        }
    }
    out
}
