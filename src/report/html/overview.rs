//! The page's frame: header (what ran, where, when), the red banner, headline figures,
//! thresholds, generator health, the scenario's requests and the footer.

use crate::metrics::{LoadModelInfo, RunResult};
use crate::report::escape::escape_html as esc;
use crate::report::format::{format_count, format_micros, format_percent, format_rate};
use std::fmt::Write as _;

pub fn title(r: &RunResult) -> String {
    format!(
        "{} · loadlab run {}",
        esc(&r.scenario.name),
        esc(&r.run.started_at)
    )
}

pub fn header(r: &RunResult) -> String {
    let failed = r.thresholds.iter().filter(|t| !t.passed).count();
    let mut pills = String::new();
    if r.is_partial() {
        pills.push_str(r#"<span class="pill partial">PARTIAL RUN</span>"#);
    }
    if !r.thresholds.is_empty() {
        let _ = if failed == 0 {
            write!(pills, r#"<span class="pill pass">THRESHOLDS PASSED</span>"#)
        } else {
            write!(
                pills,
                r#"<span class="pill fail">{failed} OF {} THRESHOLDS FAILED</span>"#,
                r.thresholds.len()
            )
        };
    }
    let model = match &r.scenario.model {
        LoadModelInfo::Open => "open (arrival rate)".to_string(),
        LoadModelInfo::Closed { think_time_s } => {
            format!(
                "closed (users), think time {}",
                format_micros(think_time_s * 1e6)
            )
        }
    };
    let env = &r.run.environment;
    let digest = &r.scenario.digest;
    let short: String = digest.chars().take(12).collect();
    let mut items = vec![
        ("Target", esc(&r.scenario.target)),
        ("Started (UTC)", esc(&r.run.started_at)),
        ("Duration", format!("{:.1} s", r.run.duration_s)),
        ("Load model", esc(&model)),
        (
            "HTTP",
            format!(
                "{} · {} connections · max {} in flight · timeout {}",
                esc(&r.scenario.http_version),
                r.scenario.connections,
                r.scenario.max_in_flight,
                format_micros(r.scenario.timeout_s * 1e6)
            ),
        ),
        (
            "Host",
            format!(
                "{} · {}/{} · {} CPUs",
                esc(&env.host),
                esc(&env.os),
                esc(&env.arch),
                env.cpus
            ),
        ),
        (
            "Scenario",
            format!(
                r#"{} · <span class="mono" title="SHA-256 {}">{}</span>"#,
                esc(&r.scenario.path),
                esc(digest),
                esc(&short)
            ),
        ),
        ("loadlab", esc(&r.loadlab_version)),
    ];
    if let Some(seg) = r.run.segment {
        items.push(("Segment", format!("{} of {}", seg.index + 1, seg.count)));
    }
    let meta: String = items
        .iter()
        .map(|(k, v)| format!("<div><dt>{k}</dt><dd>{v}</dd></div>"))
        .collect();
    format!(
        r#"<div class="kicker">loadlab run report</div>
<div class="title-row"><h1>{}</h1>{pills}</div>
<dl class="meta">{meta}</dl>"#,
        esc(&r.scenario.name)
    )
}

/// The red banner: a partial run, or a generator that limited the run. Empty otherwise.
pub fn banner(r: &RunResult) -> String {
    let mut parts = Vec::new();
    if r.is_partial() {
        parts.push(format!(
            "<p><strong>Partial run:</strong> {} — the figures cover only what ran.</p>",
            esc(r.run.partial_reason.as_deref().unwrap_or("stopped early"))
        ));
    }
    if r.generator.bottleneck {
        let warnings: String = r
            .generator
            .warnings
            .iter()
            .map(|w| format!("<li>{}</li>", esc(w)))
            .collect();
        parts.push(format!(
            "<p><strong>The load generator was the bottleneck:</strong> latency and throughput \
             understate what the target can do.</p>{}",
            if warnings.is_empty() {
                String::new()
            } else {
                format!("<ul>{warnings}</ul>")
            }
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(
            r#"<div class="banner" role="alert">{}</div>"#,
            parts.concat()
        )
    }
}

/// Headline figures over every stage's measured window.
pub fn cards(r: &RunResult) -> String {
    let s = r.summary(None, None);
    let lat = |p: f64| {
        if s.latency.count() == 0 {
            "–".to_string()
        } else {
            format_micros(s.latency.percentile(p) as f64)
        }
    };
    let cards = [
        ("Requests", format_count(s.sent), "measured".to_string()),
        (
            "Throughput",
            format_rate(s.throughput()),
            "ok per second".into(),
        ),
        (
            "Errors",
            format_percent(s.error_rate()),
            format!("{} failed", format_count(s.errors)),
        ),
        (
            "Dropped",
            format_count(s.dropped),
            format_percent(s.dropped_rate()) + " of arrivals",
        ),
        ("p50", lat(50.0), "latency".into()),
        ("p99", lat(99.0), "latency".into()),
        (
            "max",
            if s.latency.count() == 0 {
                "–".into()
            } else {
                format_micros(s.latency.max() as f64)
            },
            "latency".into(),
        ),
    ];
    let body: String = cards
        .iter()
        .map(|(label, value, sub)| {
            format!(
                r#"<div class="card"><div class="label">{label}</div><div class="value">{value}</div><div class="sub">{sub}</div></div>"#
            )
        })
        .collect();
    format!(r#"<div class="cards">{body}</div>"#)
}

pub fn thresholds(r: &RunResult) -> String {
    if r.thresholds.is_empty() {
        return r#"<h2 id="thresholds">Thresholds</h2><p class="notice">The scenario sets no thresholds.</p>"#.into();
    }
    let rows: String = r
        .thresholds
        .iter()
        .map(|t| {
            let pill = if t.passed {
                r#"<span class="pill pass">PASS</span>"#
            } else {
                r#"<span class="pill fail">FAIL</span>"#
            };
            format!(
                r#"<tr><td>{pill}</td><td><code>{}</code></td><td class="num">{}</td></tr>"#,
                esc(&t.expression),
                esc(&t.observed_text)
            )
        })
        .collect();
    format!(
        r#"<h2 id="thresholds">Thresholds</h2>
<table><thead><tr><th style="width:80px">result</th><th>threshold</th><th class="num">observed</th></tr></thead><tbody>{rows}</tbody></table>"#
    )
}

pub fn generator(r: &RunResult) -> String {
    let g = &r.generator;
    let rows = [
        ("Engine threads", g.threads.to_string()),
        (
            "CPU used",
            format!(
                "{:.2} s ({:.0}% of its threads)",
                g.cpu_seconds,
                g.cpu_utilization * 100.0
            ),
        ),
        (
            "Scheduler lag p99 / max",
            format!(
                "{} / {}",
                format_micros(g.scheduler_lag_p99_us as f64),
                format_micros(g.scheduler_lag_max_us as f64)
            ),
        ),
        ("In-flight cap hits", format_count(g.in_flight_cap_hits)),
        ("Connections opened", format_count(g.connections_opened)),
        (
            "Bottleneck",
            if g.bottleneck {
                "yes — see the banner".into()
            } else {
                "no".into()
            },
        ),
    ];
    let body: String = rows
        .iter()
        .map(|(k, v)| format!(r#"<tr><td>{k}</td><td class="num">{v}</td></tr>"#))
        .collect();
    let warnings: String = g
        .warnings
        .iter()
        .map(|w| format!("<li>{}</li>", esc(w)))
        .collect();
    format!(
        r#"<h2 id="generator">Load generator</h2>
<table style="max-width:560px"><tbody>{body}</tbody></table>{}"#,
        if warnings.is_empty() {
            String::new()
        } else {
            format!("<ul>{warnings}</ul>")
        }
    )
}

pub fn scenario(r: &RunResult) -> String {
    let rows: String = r
        .scenario
        .requests
        .iter()
        .map(|q| {
            format!(
                r#"<tr><td class="name">{}</td><td>{}</td><td class="name"><code>{}</code></td><td class="num">{}</td></tr>"#,
                esc(&q.name),
                esc(&q.method),
                esc(&q.path),
                q.weight
            )
        })
        .collect();
    let stages: String = r
        .stages
        .iter()
        .map(|s| {
            format!(
                r#"<tr><td class="name">{}</td><td class="num">{:.0}s</td><td class="num">{:.0}s</td><td class="num">{:.0}s</td><td class="num">{} → {}</td></tr>"#,
                esc(&s.name),
                s.start_s,
                s.duration_s,
                s.warmup_s,
                format_rate(s.from),
                format_rate(s.to)
            )
        })
        .collect();
    let level = match r.scenario.model {
        LoadModelInfo::Open => "rate (/s)",
        LoadModelInfo::Closed { .. } => "users",
    };
    format!(
        r#"<h2 id="scenario">Scenario</h2>
<div class="scroll"><table><thead><tr><th>request</th><th>method</th><th>path</th><th class="num">weight</th></tr></thead><tbody>{rows}</tbody></table></div>
<h3>Stages</h3>
<table style="max-width:720px"><thead><tr><th>stage</th><th class="num">start</th><th class="num">duration</th><th class="num">warm-up</th><th class="num">{level}</th></tr></thead><tbody>{stages}</tbody></table>"#
    )
}

pub fn footer(r: &RunResult) -> String {
    format!(
        "<p><strong>Latency</strong> is response complete − intended start (scheduled arrival, or when a \
         closed-model user was ready): a stalled server cannot hide behind a slowed generator. \
         <strong>Service time</strong> is complete − actual send. Statistics cover each stage's measured \
         window (warm-up excluded); errors are counted, never dropped, and kept apart from successes.</p>\
         <p>Rendered from result.json (schema v{}) by loadlab {}. Re-render with <code>loadlab report RUN_DIR</code>.</p>",
        r.schema_version,
        esc(&r.loadlab_version)
    )
}
