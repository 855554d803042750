//! The HTML view of a comparison: one self-contained page (inline CSS, inline SVG charts,
//! the differential flame graph as a data URI; nothing loaded from the network) with the
//! verdict-coloured tables, the overlaid percentile curves of every stage and the profile
//! diff. Every piece of text from the runs is HTML-escaped. The page layout lives in
//! `compare_template.html`.

use super::compare_chart::{percentile_curves_svg, PercentileChart, BASE_COLOR, CANDIDATE_COLOR};
use super::compare_format::{format_change, format_evidence, format_value, headline};
use super::format::format_micros;
use crate::analysis::compare::{Comparison, ProfileComparison, RunRef, StageComparison};
use crate::probe::{diff_flame_graph_svg, FunctionDelta};
use base64::Engine as _;
use plotters::style::RGBColor;

const TEMPLATE: &str = include_str!("compare_template.html");

pub fn render(c: &Comparison) -> String {
    let title = format!(
        "loadlab compare · {} · {} vs {}",
        c.base.scenario, c.base.label, c.candidate.label
    );
    let runs =
        run_row("base", &c.base, BASE_COLOR) + &run_row("candidate", &c.candidate, CANDIDATE_COLOR);
    let warnings: String = c
        .warnings
        .iter()
        .map(|w| format!("<div class=\"warning\">{}</div>\n", esc(w)))
        .collect();
    let stages: String = c
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| stage_section(c, i, s))
        .collect();
    let profile = c.profile.as_ref().map(profile_section).unwrap_or_default();
    fill(
        TEMPLATE,
        &[
            ("title", esc(&title)),
            ("runs", runs),
            (
                "status",
                if c.has_regression() { "fail" } else { "pass" }.into(),
            ),
            ("headline", esc(&headline(c))),
            ("warnings", warnings),
            ("stages", stages),
            ("profile", profile),
            ("method", esc(&c.method)),
        ],
    )
}

fn swatch(color: RGBColor) -> String {
    format!(
        "<span class=\"swatch\" style=\"background:rgb({},{},{})\"></span>",
        color.0, color.1, color.2
    )
}

fn run_row(role: &str, r: &RunRef, color: RGBColor) -> String {
    format!(
        "<tr><th>{}{role}</th><td><code>{}</code></td><td>{}</td><td>{:.1}s</td><td>{}</td><td>{}</td></tr>\n",
        swatch(color),
        esc(&r.label),
        esc(&r.started_at),
        r.duration_s,
        esc(&r.target),
        if r.partial { "partial" } else { "" }
    )
}

/// A stage's section; its chart is the figure `chart-percentiles-{index}`.
fn stage_section(c: &Comparison, index: usize, s: &StageComparison) -> String {
    let mut out = format!(
        "<h2>Stage {}</h2>\n<p>{} and {} measured seconds tested.</p>\n",
        esc(&s.name),
        s.base_windows,
        s.candidate_windows
    );
    let chart = PercentileChart {
        curve: &s.curve,
        width: 900,
        height: 380,
    };
    match percentile_curves_svg(&chart) {
        Ok(svg) => out.push_str(&format!(
            "<figure id=\"chart-percentiles-{index}\" class=\"chart\">{svg}<figcaption class=\"legend\">Latency by percentile, \
             successful requests of the whole stage: <span>{}base {}</span><span>{}candidate {}</span></figcaption></figure>\n",
            swatch(BASE_COLOR),
            esc(&c.base.label),
            swatch(CANDIDATE_COLOR),
            esc(&c.candidate.label)
        )),
        Err(e) => out.push_str(&format!("<p>No chart: {}</p>\n", esc(&e.to_string()))),
    }
    out.push_str(
        "<table class=\"metrics\"><tr><th>request</th><th>metric</th><th>base</th><th>candidate</th>\
         <th>change</th><th>tolerance</th><th>verdict</th><th>evidence</th><th>note</th></tr>\n",
    );
    for row in &s.rows {
        for (i, m) in row.metrics.iter().enumerate() {
            let tolerance = if m.metric.absolute_change() {
                format!("{:.2} pt", m.tolerance * 100.0)
            } else {
                format!("{:.0}%", m.tolerance * 100.0)
            };
            out.push_str(&format!(
                "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td class=\"verdict {v}\">{v}</td><td class=\"evidence\">{}</td><td class=\"note\">{}</td></tr>\n",
                if i == 0 { " class=\"group\"" } else { "" },
                if i == 0 { esc(&row.request) } else { String::new() },
                esc(m.metric.label()),
                esc(&format_value(m.metric, m.base)),
                esc(&format_value(m.metric, m.candidate)),
                esc(&format_change(m)),
                esc(&tolerance),
                esc(&format_evidence(m, c.settings.confidence)),
                esc(m.note.as_deref().unwrap_or("")),
                v = m.verdict.label(),
            ));
        }
    }
    out.push_str("</table>\n");
    out
}

fn profile_section(p: &ProfileComparison) -> String {
    let stage = p
        .stage
        .as_deref()
        .map(|s| format!(" (stage {})", esc(s)))
        .unwrap_or_default();
    let mut out = format!("<h2>Profile diff{stage}</h2>\n");
    if p.base_requests == 0 || p.candidate_requests == 0 {
        out.push_str("<p>The profiles do not say how many requests they cover: no CPU per request by function.</p>\n");
    } else {
        out.push_str(&function_table(
            "Top CPU-per-request regressions",
            &p.regressions,
        ));
        out.push_str(&function_table(
            "Top CPU-per-request improvements",
            &p.improvements,
        ));
    }
    match diff_flame_graph_svg(&p.base_folded, &p.candidate_folded, "Differential flame graph") {
        Ok(svg) => out.push_str(&format!(
            "<figure id=\"chart-flame-diff\" class=\"flame\"><img alt=\"differential flame graph\" src=\"data:image/svg+xml;base64,{}\"></figure>\n",
            base64::engine::general_purpose::STANDARD.encode(svg.as_bytes())
        )),
        Err(e) => out.push_str(&format!("<p>No differential flame graph: {}</p>\n", esc(&e.to_string()))),
    }
    out
}

fn function_table(title: &str, deltas: &[FunctionDelta]) -> String {
    let mut out = format!("<h3>{}</h3>\n", esc(title));
    if deltas.is_empty() {
        return out + "<p>None.</p>\n";
    }
    out.push_str(
        "<table class=\"metrics\"><tr><th>function</th><th>change</th><th>base /req</th>\
         <th>candidate /req</th><th>Δ /req</th><th>Δ share</th></tr>\n",
    );
    for d in deltas {
        out.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{:+.1}µs</td><td>{:+.1} pt</td></tr>\n",
            esc(&d.name),
            esc(&format!("{:?}", d.change).to_lowercase()),
            esc(&format_micros(d.before_ns_per_req / 1e3)),
            esc(&format_micros(d.after_ns_per_req / 1e3)),
            d.delta_ns_per_req / 1e3,
            d.delta_share * 100.0
        ));
    }
    out + "</table>\n"
}

/// Replaces each `{{key}}` of `template` in one pass, so inserted text is never rescanned.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").and_then(|end| {
            let key = &after[..end];
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (v, end))
        }) {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// HTML-escapes text for element content and quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[path = "compare_views_tests.rs"]
mod tests;
