//! GitHub-flavoured Markdown summary of a run, sized for a pull-request comment or
//! `$GITHUB_STEP_SUMMARY`: headline, banner, thresholds, per stage × request table.

use super::escape::escape_markdown as md;
use super::format::{format_count, format_micros, format_percent, format_rate};
use crate::metrics::{LoadModelInfo, RunResult, Summary};
use std::fmt::Write as _;

pub fn render(r: &RunResult) -> String {
    let mut out = String::new();
    headline(&mut out, r);
    banner(&mut out, r);
    totals(&mut out, r);
    thresholds(&mut out, r);
    stages(&mut out, r);
    out.push_str(
        "\n<sub>Latency = response complete − intended start (coordinated omission corrected); \
         svc p99 = service time (complete − actual send). Measured windows, warm-up excluded.</sub>\n",
    );
    out
}

fn headline(out: &mut String, r: &RunResult) {
    let failed = r.thresholds.iter().filter(|t| !t.passed).count();
    let verdict = if r.thresholds.is_empty() {
        "no thresholds".to_string()
    } else if failed == 0 {
        format!("all {} thresholds passed", r.thresholds.len())
    } else {
        format!("{failed} of {} thresholds failed", r.thresholds.len())
    };
    let icon = match (failed, r.is_partial() || r.generator.bottleneck) {
        (f, _) if f > 0 => "❌ ",
        (_, true) => "⚠️ ",
        _ if r.thresholds.is_empty() => "",
        _ => "✅ ",
    };
    let model = match r.scenario.model {
        LoadModelInfo::Open => "open model".to_string(),
        LoadModelInfo::Closed { think_time_s } => {
            format!("closed model, think {}", format_micros(think_time_s * 1e6))
        }
    };
    let digest: String = r
        .scenario
        .digest
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect();
    let _ = writeln!(
        out,
        "### {icon}loadlab · {} — {verdict}\n",
        md(&r.scenario.name)
    );
    let _ = writeln!(
        out,
        "{} · {} · HTTP/{} · {:.1} s · started {} · loadlab {} · scenario `{digest}`\n",
        md(&r.scenario.target),
        model,
        md(&r.scenario.http_version),
        r.run.duration_s,
        md(&r.run.started_at),
        md(&r.loadlab_version),
    );
}

fn banner(out: &mut String, r: &RunResult) {
    if !r.is_partial() && !r.generator.bottleneck {
        return;
    }
    out.push_str("> [!CAUTION]\n");
    if r.is_partial() {
        let _ = writeln!(
            out,
            "> **Partial run:** {} — the figures cover only what ran.  ",
            md(r.run.partial_reason.as_deref().unwrap_or("stopped early"))
        );
    }
    if r.generator.bottleneck {
        out.push_str("> **The load generator was the bottleneck:** latency and throughput understate the target.\n");
        for w in &r.generator.warnings {
            let _ = writeln!(out, "> - {}", md(w));
        }
    }
    out.push('\n');
}

fn totals(out: &mut String, r: &RunResult) {
    let s = r.summary(None, None);
    let lat = |v: u64| {
        if s.latency.count() == 0 {
            "–".into()
        } else {
            format_micros(v as f64)
        }
    };
    let _ = writeln!(
        out,
        "**{} requests · {} ok/s · errors {} · dropped {} · p50 {} · p99 {} · max {}**\n",
        format_count(s.sent),
        format_rate(s.throughput()),
        format_percent(s.error_rate()),
        format_count(s.dropped),
        lat(s.latency.percentile(50.0)),
        lat(s.latency.percentile(99.0)),
        lat(s.latency.max()),
    );
}

fn thresholds(out: &mut String, r: &RunResult) {
    if r.thresholds.is_empty() {
        return;
    }
    out.push_str("| | threshold | observed |\n|:-:|:--|--:|\n");
    for t in &r.thresholds {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            if t.passed { "✅" } else { "❌" },
            md(&t.expression),
            md(&t.observed_text)
        );
    }
    out.push('\n');
}

fn stages(out: &mut String, r: &RunResult) {
    out.push_str("| stage | request | requests | ok/s | errors | dropped | p50 | p90 | p99 | p99.9 | max | svc p99 |\n");
    out.push_str("|:--|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for stage in &r.stages {
        for (i, q) in stage.requests.iter().enumerate() {
            let name = if i == 0 {
                md(&stage.name)
            } else {
                String::new()
            };
            row(out, &name, &md(&q.name), &stage.summary(Some(&q.name)));
        }
        if stage.requests.len() != 1 {
            let name = if stage.requests.is_empty() {
                md(&stage.name)
            } else {
                String::new()
            };
            row(out, &name, "**all**", &stage.summary(None));
        }
    }
    if r.stages.len() > 1 {
        row(out, "**whole run**", "**all**", &r.summary(None, None));
    }
}

fn row(out: &mut String, stage: &str, request: &str, s: &Summary) {
    let lat = |v: u64| {
        if s.latency.count() == 0 {
            "–".into()
        } else {
            format_micros(v as f64)
        }
    };
    let errors = if s.errors == 0 {
        "0".into()
    } else {
        format!(
            "{} ({})",
            format_count(s.errors),
            format_percent(s.error_rate())
        )
    };
    let svc = if s.service_time.count() == 0 {
        "–".into()
    } else {
        format_micros(s.service_time.percentile(99.0) as f64)
    };
    let _ = writeln!(
        out,
        "| {stage} | {request} | {} | {} | {errors} | {} | {} | {} | {} | {} | {} | {svc} |",
        format_count(s.sent),
        format_rate(s.throughput()),
        format_count(s.dropped),
        lat(s.latency.percentile(50.0)),
        lat(s.latency.percentile(90.0)),
        lat(s.latency.percentile(99.0)),
        lat(s.latency.percentile(99.9)),
        lat(s.latency.max()),
    );
}
