//! The terminal summary of a run: per stage × request table, thresholds, generator health.

use super::format::{format_count, format_micros, format_percent, format_rate};
use super::table::render_table;
use crate::metrics::{RunResult, Summary};

pub fn render(result: &RunResult) -> String {
    let mut out = String::new();
    out.push_str(&headline(result));
    if let Some(banner) = warning_banner(result) {
        out.push_str(&banner);
    }
    out.push('\n');
    out.push_str(&stage_table(result));
    out.push_str(
        "  latency = response complete − intended start (coordinated omission corrected);\n",
    );
    out.push_str("  svc p99 = service time (complete − actual send). Warm-up excluded.\n");
    out.push_str(&error_classes_line(result));
    if !result.thresholds.is_empty() {
        out.push_str("\nthresholds\n");
        for t in &result.thresholds {
            let mark = if t.passed { "✓" } else { "✗" };
            out.push_str(&format!(
                "  {mark} {:<32} observed {}\n",
                t.expression, t.observed_text
            ));
        }
    }
    out.push_str(&probes_section(result));
    out.push_str(&generator_line(result));
    out
}

/// Top functions of each profile capture and the target's CPU use per stage.
fn probes_section(r: &RunResult) -> String {
    let probes = crate::probe::ProbeResults::from_value(&r.probes);
    let mut out = String::new();
    for c in probes.profiles.iter().chain(&probes.self_profile) {
        let who = if c.url == "self" {
            "loadlab itself".to_string()
        } else {
            format!("stage {}", c.stage)
        };
        match (&c.summary, &c.reason) {
            (Some(summary), _) => {
                let mut per_req = c
                    .cpu_seconds_per_1k_requests
                    .map(|v| format!(", {v:.3} CPU s per 1,000 requests in the profile"))
                    .unwrap_or_default();
                if let Some(v) = c.process_cpu_seconds_per_1k_requests {
                    per_req.push_str(&format!(", {v:.3} by the process's own counter"));
                }
                out.push_str(&format!(
                    "
{:?} profile, {who} ({:.0}s, {} requests{per_req})
",
                    c.kind,
                    c.window_s[1] - c.window_s[0],
                    format_count(c.requests_in_window)
                ));
                if let Some(ratio) = c.profile_process_disagreement() {
                    out.push_str(&format!(
                        "  note: the profile reads {ratio:.1}× the process's own CPU counter; \
                         signal-based profilers can skew at low utilisation — trust the counter \
                         for CPU per request, the profile for where the time goes\n"
                    ));
                }
                let rows: Vec<Vec<String>> = summary
                    .top
                    .iter()
                    .take(5)
                    .map(|f| {
                        vec![
                            format_percent(f.flat_share),
                            format_percent(f.cum_share),
                            truncate(&f.name, 90),
                        ]
                    })
                    .collect();
                out.push_str(&render_table(&["flat", "cum", "function"], &rows, 0));
            }
            (None, reason) => out.push_str(&format!(
                "
{:?} profile, {who}: FAILED — {}\n",
                c.kind,
                reason.as_deref().unwrap_or("no reason given")
            )),
        }
    }
    if let Some(m) = &probes.metrics {
        if !m.cpu_cores_by_stage.is_empty() {
            let cells: Vec<String> = m
                .cpu_cores_by_stage
                .iter()
                .map(|s| format!("{} {:.2}", s.stage, s.value))
                .collect();
            out.push_str(&format!(
                "
target CPU cores used: {}\n",
                cells.join(" · ")
            ));
        }
        if let Some(s) = &m.scrape {
            if s.scrapes_failed > 0 {
                out.push_str(&format!(
                    "metrics: {} of {} scrapes of {} failed (last: {})\n",
                    s.scrapes_failed,
                    s.scrapes_failed + s.scrapes_ok,
                    s.url,
                    s.last_error.as_deref().unwrap_or("?")
                ));
            }
        }
        for q in &m.queries {
            match &q.error {
                Some(e) => out.push_str(&format!("query {}: FAILED — {e}\n", q.name)),
                None => out.push_str(&format!("query {}: {} series\n", q.name, q.series.len())),
            }
        }
    }
    out
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars().take(max - 1).collect::<String>() + "…"
    }
}

fn headline(r: &RunResult) -> String {
    let model = match &r.scenario.model {
        crate::metrics::LoadModelInfo::Open => "open model".to_string(),
        crate::metrics::LoadModelInfo::Closed { think_time_s } => {
            format!("closed model, think {}", format_micros(think_time_s * 1e6))
        }
    };
    let status = if r.is_partial() {
        format!(
            "  PARTIAL ({})",
            r.run.partial_reason.as_deref().unwrap_or("stopped early")
        )
    } else {
        String::new()
    };
    format!(
        "loadlab · {} · {:.1}s · {} · {} → {}{}\n",
        r.scenario.name,
        r.run.duration_s,
        model,
        r.scenario.http_version,
        r.scenario.target,
        status
    )
}

/// Loud notices that change how the numbers must be read.
pub fn warning_banner(r: &RunResult) -> Option<String> {
    let mut lines = Vec::new();
    if r.is_partial() {
        lines.push(format!(
            "!! partial run: {} — figures cover only what ran",
            r.run.partial_reason.as_deref().unwrap_or("stopped early")
        ));
    }
    if r.generator.bottleneck {
        lines.push(
            "!! the load generator was a bottleneck: latency and throughput understate the target"
                .into(),
        );
        for w in &r.generator.warnings {
            lines.push(format!("   - {w}"));
        }
    }
    (!lines.is_empty()).then(|| lines.join("\n") + "\n")
}

fn stage_table(r: &RunResult) -> String {
    let header = [
        "stage", "request", "sent", "ok/s", "errors", "dropped", "p50", "p90", "p99", "p99.9",
        "max", "svc p99",
    ];
    let mut rows = Vec::new();
    for stage in &r.stages {
        let names: Vec<&str> = stage.requests.iter().map(|q| q.name.as_str()).collect();
        for name in &names {
            let s = stage.summary(Some(name));
            rows.push(summary_row(&stage.name, name, &s));
        }
        if names.len() > 1 {
            rows.push(summary_row(&stage.name, "(all)", &stage.summary(None)));
        }
    }
    if r.stages.len() > 1 {
        rows.push(summary_row("(run)", "(all)", &r.summary(None, None)));
    }
    render_table(&header, &rows, 2)
}

fn summary_row(stage: &str, request: &str, s: &Summary) -> Vec<String> {
    let lat = |p: f64| {
        if s.latency.count() == 0 {
            "-".to_string()
        } else {
            format_micros(s.latency.percentile(p) as f64)
        }
    };
    vec![
        stage.to_string(),
        request.to_string(),
        format_count(s.sent),
        format_rate(s.throughput()),
        if s.errors == 0 {
            "0".into()
        } else {
            format!(
                "{} ({})",
                format_count(s.errors),
                format_percent(s.error_rate())
            )
        },
        format_count(s.dropped),
        lat(50.0),
        lat(90.0),
        lat(99.0),
        lat(99.9),
        if s.latency.count() == 0 {
            "-".into()
        } else {
            format_micros(s.latency.max() as f64)
        },
        if s.service_time.count() == 0 {
            "-".into()
        } else {
            format_micros(s.service_time.percentile(99.0) as f64)
        },
    ]
}

/// What went wrong, by class, over the whole run (warm-up included): a reader of a failing run
/// sees at once whether the target timed out, reset, refused or broke the protocol.
fn error_classes_line(r: &RunResult) -> String {
    let (_, _, by) = r.all_counts();
    let cells: Vec<String> = by
        .iter()
        .filter(|(o, n)| o.is_error() && **n > 0)
        .map(|(o, n)| format!("{} {}", o.label(), format_count(*n)))
        .collect();
    if cells.is_empty() {
        return String::new();
    }
    format!("\nerrors by class: {}\n", cells.join(" · "))
}

fn generator_line(r: &RunResult) -> String {
    let g = &r.generator;
    format!(
        "\ngenerator: {} thread(s), CPU {:.2}s ({:.0}% of its threads), scheduler lag p99 {} (max {}), in-flight cap hits {}, connections opened {}\n",
        g.threads,
        g.cpu_seconds,
        g.cpu_utilization * 100.0,
        format_micros(g.scheduler_lag_p99_us as f64),
        format_micros(g.scheduler_lag_max_us as f64),
        format_count(g.in_flight_cap_hits),
        format_count(g.connections_opened),
    )
}
