//! Views of folded stacks: flame graphs and differential flame graphs (inferno, SVG ready to
//! inline in an HTML page: no XML prolog, no external resources), and the per-function
//! CPU-per-request diff that reports rank as top regressions and improvements.

use std::collections::{HashMap, HashSet};

use inferno::flamegraph::{self, Options};
use serde::{Deserialize, Serialize};

use super::ProbeError;

/// Width in pixels of every flame graph: it fits the run report's column (1,124 px) and is
/// scaled to fit elsewhere. A fixed width, not inferno's default "fluid" one: the fluid
/// script sizes the frames from the SVG's own width when it loads, and where that width is
/// not known yet (a frame not laid out) it sets a negative `width`, which Chromium logs as a
/// console error ("attribute width: A negative value is not valid").
pub const FLAME_GRAPH_WIDTH: usize = 1100;

/// Presentation options for [`flame_graph_svg_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlameGraphOptions {
    pub title: String,
    pub subtitle: Option<String>,
    /// What the counts are, shown in tooltips ("samples", "ns", "bytes").
    pub count_name: String,
}

impl FlameGraphOptions {
    fn inferno(&self) -> Options<'static> {
        let mut opts = Options::default();
        opts.title = self.title.clone();
        opts.subtitle = self.subtitle.clone();
        opts.count_name = self.count_name.clone();
        opts.hash = true; // a function keeps its colour across graphs
        opts.deterministic = true;
        opts.image_width = Some(FLAME_GRAPH_WIDTH);
        opts
    }
}

/// Renders a flame graph of `folded` (`root;…;leaf`, value) as an inline SVG.
pub fn flame_graph_svg(folded: &[(String, u64)], title: &str) -> Result<String, ProbeError> {
    let opts = FlameGraphOptions {
        title: title.to_string(),
        subtitle: None,
        count_name: "ns".into(),
    };
    flame_graph_svg_with(folded, &opts)
}

/// [`flame_graph_svg`] with a subtitle and count name.
pub fn flame_graph_svg_with(
    folded: &[(String, u64)],
    options: &FlameGraphOptions,
) -> Result<String, ProbeError> {
    let folded = fit_counts(folded);
    if folded.is_empty() {
        return Err(ProbeError::Empty {
            what: options.title.clone(),
        });
    }
    let lines: Vec<String> = folded
        .iter()
        .map(|(stack, value)| format!("{stack} {value}"))
        .collect();
    render(&mut options.inferno(), lines.iter().map(String::as_str))
}

/// Renders a differential flame graph: frame widths from `after`, colour from the change
/// (red: more, blue: less) after scaling `before` to `after`'s total (pprof `-normalize`).
/// Stacks that disappeared have no width in it; [`function_cost_diff`] lists them.
pub fn diff_flame_graph_svg(
    before: &[(String, u64)],
    after: &[(String, u64)],
    title: &str,
) -> Result<String, ProbeError> {
    let (before, after) = (fit_counts(before), fit_counts(after));
    if before.is_empty() || after.is_empty() {
        let side = if before.is_empty() { "before" } else { "after" };
        return Err(ProbeError::Empty {
            what: format!("{title} ({side} profile)"),
        });
    }
    let text = |folded: &[(String, u64)]| {
        folded
            .iter()
            .map(|(s, v)| format!("{s} {v}\n"))
            .collect::<String>()
    };
    let mut diff = Vec::new();
    let opts = inferno::differential::Options {
        normalize: true,
        strip_hex: false,
    };
    inferno::differential::from_readers(
        opts,
        text(&before).as_bytes(),
        text(&after).as_bytes(),
        &mut diff,
    )
    .map_err(|e| ProbeError::Render {
        reason: e.to_string(),
    })?;
    let diff = String::from_utf8_lossy(&diff);
    let options = FlameGraphOptions {
        title: title.to_string(),
        subtitle: Some(
            "width: after; red: more than before, blue: less (normalized to equal totals)".into(),
        ),
        count_name: "ns".into(),
    };
    render(&mut options.inferno(), diff.lines())
}

fn render<'a>(
    opts: &mut Options<'_>,
    lines: impl IntoIterator<Item = &'a str>,
) -> Result<String, ProbeError> {
    let mut svg = Vec::new();
    flamegraph::from_lines(opts, lines, &mut svg).map_err(|e| ProbeError::Render {
        reason: e.to_string(),
    })?;
    let svg = String::from_utf8_lossy(&svg);
    // Inline-ready: drop the `<?xml …?>` prolog and the DOCTYPE before the root element.
    let start = svg.find("<svg").unwrap_or(0);
    Ok(svg[start..].to_string())
}

/// Drops empty entries and scales values down so their sum fits comfortably in the
/// renderer's counters (it adds them up unchecked).
fn fit_counts(folded: &[(String, u64)]) -> Vec<(String, u64)> {
    const MAX_TOTAL: u64 = 1 << 52;
    let total = folded
        .iter()
        .fold(0u64, |acc, (_, v)| acc.saturating_add(*v));
    let divisor = total / MAX_TOTAL + 1;
    folded
        .iter()
        .filter(|(stack, _)| !stack.trim().is_empty())
        .map(|(stack, v)| (stack.clone(), v / divisor))
        .filter(|(_, v)| *v > 0)
        .collect()
}

/// How a function's cost changed between two profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FunctionChange {
    /// Only in the after profile.
    New,
    /// Only in the before profile.
    Gone,
    /// In both.
    Both,
}

/// One function's CPU cost per request, before and after. `*_ns_per_req` are flat (self)
/// costs, `*_cum_ns_per_req` include callees; shares are fractions of each profile's total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionDelta {
    pub name: String,
    pub change: FunctionChange,
    pub before_ns_per_req: f64,
    pub after_ns_per_req: f64,
    pub delta_ns_per_req: f64,
    pub before_cum_ns_per_req: f64,
    pub after_cum_ns_per_req: f64,
    pub delta_cum_ns_per_req: f64,
    pub before_share: f64,
    pub after_share: f64,
    /// `after_share - before_share` (in fractions; ×100 for percentage points).
    pub delta_share: f64,
}

/// Per-function CPU nanoseconds per request, before vs after, for every function in either
/// profile, sorted by the largest absolute change in flat cost per request (then cum, name).
/// `before`/`after` are folded CPU stacks in nanoseconds; the request counts are those served
/// during each profile's window. Returns nothing when either count is zero: a cost per
/// request cannot be computed then.
pub fn function_cost_diff(
    before: &[(String, u64)],
    after: &[(String, u64)],
    before_requests: u64,
    after_requests: u64,
) -> Vec<FunctionDelta> {
    if before_requests == 0 || after_requests == 0 {
        return Vec::new();
    }
    let (b, a) = (costs(before), costs(after));
    let names: HashSet<&String> = b.by_name.keys().chain(a.by_name.keys()).collect();
    let mut deltas: Vec<FunctionDelta> = names
        .into_iter()
        .map(|name| {
            let (bf, bc) = b.by_name.get(name).copied().unwrap_or_default();
            let (af, ac) = a.by_name.get(name).copied().unwrap_or_default();
            let change = match (b.by_name.contains_key(name), a.by_name.contains_key(name)) {
                (false, _) => FunctionChange::New,
                (_, false) => FunctionChange::Gone,
                _ => FunctionChange::Both,
            };
            let per = |v: u64, n: u64| v as f64 / n as f64;
            let (before_share, after_share) = (b.share(bf), a.share(af));
            FunctionDelta {
                name: name.clone(),
                change,
                before_ns_per_req: per(bf, before_requests),
                after_ns_per_req: per(af, after_requests),
                delta_ns_per_req: per(af, after_requests) - per(bf, before_requests),
                before_cum_ns_per_req: per(bc, before_requests),
                after_cum_ns_per_req: per(ac, after_requests),
                delta_cum_ns_per_req: per(ac, after_requests) - per(bc, before_requests),
                before_share,
                after_share,
                delta_share: after_share - before_share,
            }
        })
        .collect();
    deltas.sort_by(|x, y| {
        y.delta_ns_per_req
            .abs()
            .total_cmp(&x.delta_ns_per_req.abs())
            .then(
                y.delta_cum_ns_per_req
                    .abs()
                    .total_cmp(&x.delta_cum_ns_per_req.abs()),
            )
            .then_with(|| x.name.cmp(&y.name))
    });
    deltas
}

/// Flat and cum per function name from folded stacks (cum once per stack).
struct Costs {
    by_name: HashMap<String, (u64, u64)>,
    total: u64,
}

impl Costs {
    fn share(&self, v: u64) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            v as f64 / self.total as f64
        }
    }
}

fn costs(folded: &[(String, u64)]) -> Costs {
    let mut by_name: HashMap<String, (u64, u64)> = HashMap::new();
    let mut total = 0u64;
    for (stack, value) in folded {
        let frames: Vec<&str> = stack.split(';').filter(|f| !f.is_empty()).collect();
        let Some(leaf) = frames.last() else { continue };
        total = total.saturating_add(*value);
        let entry = by_name.entry(leaf.to_string()).or_default();
        entry.0 = entry.0.saturating_add(*value);
        let mut seen = HashSet::new();
        for frame in frames {
            if seen.insert(frame) {
                let entry = by_name.entry(frame.to_string()).or_default();
                entry.1 = entry.1.saturating_add(*value);
            }
        }
    }
    Costs { by_name, total }
}

#[cfg(test)]
#[path = "flame_tests.rs"]
mod tests;
