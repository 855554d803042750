//! The Markdown view of a comparison, sized for a pull-request comment or a GitHub step
//! summary: the headline, warnings, the `(all)` row of every stage, the per-request rows
//! and the profile diff folded away, and the method. Every name is escaped.

use super::compare_format::{format_change, format_evidence, format_value, headline};
use super::format::format_micros;
use crate::analysis::compare::{Comparison, RowComparison, Verdict};
use crate::probe::FunctionDelta;

pub fn render(c: &Comparison) -> String {
    let mark = if c.has_regression() { "❌" } else { "✅" };
    let mut out = format!("## {mark} loadlab compare: {}\n\n", esc(&headline(c)));
    out.push_str(&format!(
        "**base** {} ({}) → **candidate** {} ({}) · scenario **{}**\n\n",
        esc(&c.base.label),
        esc(&c.base.started_at),
        esc(&c.candidate.label),
        esc(&c.candidate.started_at),
        esc(&c.base.scenario)
    ));
    for w in &c.warnings {
        out.push_str(&format!("> ⚠️ {}\n", esc(w)));
    }
    if !c.warnings.is_empty() {
        out.push('\n');
    }
    let all: Vec<(&str, &RowComparison)> = c
        .stages
        .iter()
        .flat_map(|s| {
            s.rows
                .iter()
                .filter(|r| r.all)
                .map(move |r| (s.name.as_str(), r))
        })
        .collect();
    out.push_str(&table(c, &all));
    let requests: Vec<(&str, &RowComparison)> = c
        .stages
        .iter()
        .flat_map(|s| {
            s.rows
                .iter()
                .filter(|r| !r.all)
                .map(move |r| (s.name.as_str(), r))
        })
        .collect();
    if !requests.is_empty() {
        out.push_str("\n<details><summary>Per request</summary>\n\n");
        out.push_str(&table(c, &requests));
        out.push_str("\n</details>\n");
    }
    if let Some(p) = &c.profile {
        out.push_str("\n<details><summary>Profile diff: CPU per request by function</summary>\n\n");
        out.push_str(&functions("Regressions", &p.regressions));
        out.push_str(&functions("Improvements", &p.improvements));
        out.push_str("</details>\n");
    }
    out.push_str(&format!(
        "\n<details><summary>Method</summary>\n\n{}\n\n</details>\n",
        esc(&c.method)
    ));
    out
}

fn table(c: &Comparison, rows: &[(&str, &RowComparison)]) -> String {
    let mut out = String::from(
        "| stage | request | metric | base | candidate | change | verdict | evidence |\n\
         |---|---|---|--:|--:|--:|---|---|\n",
    );
    for (stage, row) in rows {
        for m in &row.metrics {
            let verdict = match m.verdict {
                Verdict::Regressed => "🔴 **regressed**".to_string(),
                Verdict::Improved => "🟢 improved".to_string(),
                v => v.label().to_string(),
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                esc(stage),
                esc(&row.request),
                m.metric.label(),
                format_value(m.metric, m.base),
                format_value(m.metric, m.candidate),
                format_change(m),
                verdict,
                esc(&format_evidence(m, c.settings.confidence))
            ));
        }
    }
    out
}

fn functions(title: &str, deltas: &[FunctionDelta]) -> String {
    if deltas.is_empty() {
        return format!("**{title}**: none\n\n");
    }
    let mut out = format!(
        "**{title}**\n\n| function | base /req | candidate /req | change /req |\n|---|--:|--:|--:|\n"
    );
    for d in deltas {
        out.push_str(&format!(
            "| `{}` | {} | {} | {:+.1}µs |\n",
            code(&d.name),
            format_micros(d.before_ns_per_req / 1e3),
            format_micros(d.after_ns_per_req / 1e3),
            d.delta_ns_per_req / 1e3
        ));
    }
    out.push('\n');
    out
}

/// Escapes text for a Markdown table cell: HTML metacharacters, pipes, emphasis and
/// link syntax, line breaks.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '|' | '*' | '_' | '`' | '[' | ']' | '\\' | '#' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text inside a code span (function names, which may hold `<` and `>`: a code span shows
/// them literally). Backticks and pipes cannot be escaped there, so they are replaced.
fn code(text: &str) -> String {
    text.replace('`', "'")
        .replace('|', "¦")
        .replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>a|b</script>"),
            "&lt;script&gt;a\\|b&lt;/script&gt;"
        );
        assert_eq!(code("a`b|c\n"), "a'b¦c ");
    }
}
