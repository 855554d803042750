//! Profile captures: top functions by flat and cumulative cost, and the flame graph, embedded
//! in a sandboxed `<iframe srcdoc>` (escaped) so each graph keeps its own document, script and
//! element ids, and nothing in it can reach the page.

use crate::report::escape::escape_html as esc;
use crate::report::probes::ProfileView;
use std::collections::BTreeMap;

/// Rows of each top table.
const TOP_ROWS: usize = 15;

/// The profiles section; `flame_graphs` maps a capture's flame graph file name to its SVG.
pub fn section(profiles: &[ProfileView], flame_graphs: &BTreeMap<String, String>) -> String {
    if profiles.is_empty() {
        return String::new();
    }
    let mut out = String::from(r#"<h2 id="profiles">Target profiles</h2>"#);
    for (i, p) in profiles.iter().enumerate() {
        out.push_str(&profile(i, p, flame_graphs));
    }
    out
}

fn profile(index: usize, p: &ProfileView, flame_graphs: &BTreeMap<String, String>) -> String {
    let mut out = format!(
        r#"<section class="profile" id="profile-{index}"><h3>{}</h3>"#,
        esc(&p.title)
    );
    if let Some(failure) = &p.failure {
        out.push_str(&format!(
            r#"<p class="err">The capture failed: {}</p></section>"#,
            esc(failure)
        ));
        return out;
    }
    let mut facts = Vec::new();
    if p.duration_s > 0.0 {
        facts.push(format!("{:.0} s captured", p.duration_s));
    }
    if p.unit == "nanoseconds" && p.total_value > 0 {
        facts.push(format!("{:.2} CPU seconds", p.total_value as f64 / 1e9));
    }
    if let Some(per) = p.cpu_seconds_per_1000_requests {
        facts.push(format!(
            "<strong>{per:.3} CPU s per 1,000 requests</strong>"
        ));
    }
    if !facts.is_empty() {
        out.push_str(&format!("<p>{}</p>", facts.join(" · ")));
    }
    out.push_str(&top_table(p));
    match p.flame_graph.as_ref().map(|f| (f, flame_graphs.get(f))) {
        Some((_, Some(svg))) => out.push_str(&format!(
            r#"<iframe class="flame" title="flame graph: {}" sandbox="allow-scripts" loading="lazy" srcdoc="{}"></iframe>"#,
            esc(&p.title),
            esc(svg)
        )),
        Some((file, None)) => out.push_str(&format!(
            r#"<p class="notice">Flame graph {} is not in the run directory.</p>"#,
            esc(file)
        )),
        None => {}
    }
    out.push_str("</section>");
    out
}

fn top_table(p: &ProfileView) -> String {
    if p.top.is_empty() {
        return r#"<p class="notice">No samples.</p>"#.into();
    }
    let rows: String = p
        .top
        .iter()
        .take(TOP_ROWS)
        .map(|f| {
            format!(
                r#"<tr><td class="fn">{}</td><td class="num bar" style="--w:{:.1}%">{:.1}%</td><td class="num">{:.1}%</td></tr>"#,
                esc(&f.name),
                (f.flat_share * 100.0).clamp(0.0, 100.0),
                f.flat_share * 100.0,
                f.cum_share * 100.0
            )
        })
        .collect();
    format!(
        r#"<div class="scroll"><table><thead><tr><th>function</th><th class="num" style="width:160px">flat</th><th class="num" style="width:110px">cum</th></tr></thead><tbody>{rows}</tbody></table></div>
<p class="notice">flat: samples where the function itself was running; cum: samples with the function anywhere on the stack (once per sample).</p>"#
    )
}
