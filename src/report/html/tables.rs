//! The per stage × request table, and errors by class and HTTP status codes.

use crate::metrics::outcome::ALL_OUTCOMES;
use crate::metrics::{Outcome, RunResult, StageResult, Summary};
use crate::report::escape::escape_html as esc;
use crate::report::format::{format_count, format_micros, format_percent, format_rate};
use std::collections::BTreeMap;

const HEAD: &str = r#"<tr><th>stage</th><th>request</th><th class="num">requests</th><th class="num">ok/s</th><th class="num">errors</th><th class="num">dropped</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">p99.9</th><th class="num">max</th><th class="num">svc p99</th></tr>"#;

pub fn requests(r: &RunResult) -> String {
    let mut rows = String::new();
    for stage in &r.stages {
        let mut first = true;
        for req in &stage.requests {
            rows.push_str(&row(stage, Some(&req.name), first, false));
            first = false;
        }
        if stage.requests.len() != 1 {
            rows.push_str(&row(stage, None, first, true));
        }
    }
    if r.stages.len() > 1 {
        rows.push_str(&summary_row(
            "whole run",
            "all",
            &r.summary(None, None),
            &BTreeMap::new(),
            "total stage-start",
        ));
    }
    format!(
        r#"<h2 id="requests">Requests by stage</h2>
<div class="scroll"><table><thead>{HEAD}</thead><tbody>{rows}</tbody></table></div>
<p class="notice">Measured windows only (warm-up excluded). Latency from intended start; svc = service time from actual send; ok/s over the measured window.</p>"#
    )
}

fn row(stage: &StageResult, request: Option<&str>, first: bool, total: bool) -> String {
    let s = stage.summary(request);
    let classes = error_classes(stage, request);
    let class = match (first, total) {
        (true, true) => "total stage-start",
        (true, false) => "stage-start",
        (false, true) => "total",
        (false, false) => "",
    };
    let stage_cell = if first { stage.name.as_str() } else { "" };
    summary_row(stage_cell, request.unwrap_or("all"), &s, &classes, class)
}

fn error_classes(stage: &StageResult, request: Option<&str>) -> BTreeMap<Outcome, u64> {
    let mut by = BTreeMap::new();
    for r in stage
        .requests
        .iter()
        .filter(|r| request.is_none_or(|n| n == r.name))
    {
        for (o, res) in r
            .outcomes
            .iter()
            .filter(|(o, res)| o.is_error() && res.count > 0)
        {
            *by.entry(*o).or_insert(0) += res.count;
        }
    }
    by
}

fn summary_row(
    stage: &str,
    request: &str,
    s: &Summary,
    classes: &BTreeMap<Outcome, u64>,
    class: &str,
) -> String {
    let lat = |v: Option<u64>| match v {
        Some(v) if s.latency.count() > 0 => {
            format!(r#"<td class="num">{}</td>"#, format_micros(v as f64))
        }
        _ => r#"<td class="num dim">–</td>"#.to_string(),
    };
    let errors = if s.errors == 0 {
        r#"<td class="num dim">0</td>"#.to_string()
    } else {
        let detail: Vec<String> = classes
            .iter()
            .map(|(o, n)| format!("{} {}", o.label(), format_count(*n)))
            .collect();
        format!(
            r#"<td class="num err">{} ({})<span class="classes">{}</span></td>"#,
            format_count(s.errors),
            format_percent(s.error_rate()),
            detail.join(" · ")
        )
    };
    let dropped = if s.dropped == 0 {
        r#"<td class="num dim">0</td>"#.to_string()
    } else {
        format!(r#"<td class="num err">{}</td>"#, format_count(s.dropped))
    };
    let svc = if s.service_time.count() == 0 {
        r#"<td class="num dim">–</td>"#.to_string()
    } else {
        format!(
            r#"<td class="num">{}</td>"#,
            format_micros(s.service_time.percentile(99.0) as f64)
        )
    };
    format!(
        r#"<tr class="{class}"><td class="name">{}</td><td class="name">{}</td><td class="num">{}</td><td class="num">{}</td>{errors}{dropped}{}{}{}{}{}{svc}</tr>"#,
        esc(stage),
        esc(request),
        format_count(s.sent),
        format_rate(s.throughput()),
        lat(Some(s.latency.percentile(50.0))),
        lat(Some(s.latency.percentile(90.0))),
        lat(Some(s.latency.percentile(99.0))),
        lat(Some(s.latency.percentile(99.9))),
        lat(Some(s.latency.max())),
    )
}

/// Errors by class and responses by status code, per stage × request (measured windows).
pub fn errors(r: &RunResult) -> String {
    let classes: Vec<Outcome> = ALL_OUTCOMES
        .iter()
        .copied()
        .filter(|o| o.is_error())
        .filter(|o| {
            r.stages
                .iter()
                .flat_map(|s| &s.requests)
                .any(|q| q.outcomes.get(o).is_some_and(|x| x.count > 0))
        })
        .collect();
    let mut codes: Vec<&str> = r
        .stages
        .iter()
        .flat_map(|s| &s.requests)
        .flat_map(|q| q.status_codes.keys().map(String::as_str))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let mut out = String::from(r#"<h2 id="errors">Errors and status codes</h2>"#);
    if classes.is_empty() {
        out.push_str(r#"<p class="notice">No request failed in the measured windows.</p>"#);
    } else {
        let head: String = classes
            .iter()
            .map(|o| format!(r#"<th class="num">{}</th>"#, o.label()))
            .collect();
        let rows = grid(r, |q| {
            classes
                .iter()
                .map(|o| q.outcomes.get(o).map_or(0, |x| x.count))
                .collect()
        });
        out.push_str(&format!(
            r#"<h3>Failed requests by class</h3><div class="scroll"><table><thead><tr><th>stage</th><th>request</th>{head}</tr></thead><tbody>{rows}</tbody></table></div>
<p class="notice">status = a complete response with an unexpected status; connect, timeout, reset, tls, protocol = transport failures; aborted = still in flight when the run stopped.</p>"#
        ));
    }
    if !codes.is_empty() {
        let head: String = codes
            .iter()
            .map(|c| format!(r#"<th class="num">{}</th>"#, esc(c)))
            .collect();
        let rows = grid(r, |q| {
            codes
                .iter()
                .map(|c| q.status_codes.get(*c).copied().unwrap_or(0))
                .collect()
        });
        out.push_str(&format!(
            r#"<h3>Responses by HTTP status</h3><div class="scroll"><table><thead><tr><th>stage</th><th>request</th>{head}</tr></thead><tbody>{rows}</tbody></table></div>"#
        ));
    }
    out
}

fn grid(r: &RunResult, cells: impl Fn(&crate::metrics::RequestResult) -> Vec<u64>) -> String {
    let mut rows = String::new();
    for stage in &r.stages {
        for q in &stage.requests {
            let values = cells(q);
            if values.iter().all(|v| *v == 0) {
                continue;
            }
            let tds: String = values
                .iter()
                .map(|v| {
                    if *v == 0 {
                        r#"<td class="num dim">0</td>"#.to_string()
                    } else {
                        format!(r#"<td class="num">{}</td>"#, format_count(*v))
                    }
                })
                .collect();
            rows.push_str(&format!(
                r#"<tr><td class="name">{}</td><td class="name">{}</td>{tds}</tr>"#,
                esc(&stage.name),
                esc(&q.name)
            ));
        }
    }
    rows
}
