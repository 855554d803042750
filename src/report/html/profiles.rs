//! Profile captures: top functions by flat and cumulative cost, and the flame graph, embedded
//! as a sandboxed `<iframe>` of a base64 `data:image/svg+xml` URL: each graph is a real SVG
//! document with its own script and element ids (inferno's script assumes both), and nothing
//! in it can reach the page. (A `srcdoc` frame would parse the SVG as HTML, where inferno's
//! fluid-width script measures the wrong viewport.)

use crate::report::escape::escape_html as esc;
use crate::report::probes::ProfileView;
use base64::Engine as _;
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
            r#"<iframe class="flame" title="flame graph: {}" style="height:{}px" sandbox="allow-scripts" src="data:image/svg+xml;base64,{}"></iframe>"#,
            esc(&p.title),
            svg_height(svg) + 4,
            base64::engine::general_purpose::STANDARD.encode(svg)
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

/// The height the SVG's root element declares (inferno sets it from the stack depth), so the
/// frame fits the graph; 640 px when it says nothing usable.
fn svg_height(svg: &str) -> u32 {
    let root = svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|end| &svg[start..start + end]));
    root.and_then(|tag| {
        let value = &tag[tag.find(" height=\"")? + 9..];
        value[..value.find('"')?].trim().parse::<f64>().ok()
    })
    .filter(|h| h.is_finite())
    .map_or(640, |h| h.clamp(120.0, 2400.0) as u32)
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

#[cfg(test)]
mod tests {
    use super::svg_height;

    #[test]
    fn frames_fit_the_graph() {
        assert_eq!(
            svg_height(r#"<svg version="1.1" width="1200" height="342" onload="init(evt)">"#),
            342
        );
        assert_eq!(svg_height(r#"<svg height="5">"#), 120);
        assert_eq!(svg_height(r#"<svg width="1"><rect height="9000"/>"#), 640);
        assert_eq!(svg_height("no svg"), 640);
    }
}
