//! The self-contained HTML run report: inline CSS, inline SVG charts, flame graphs in
//! sandboxed `srcdoc` frames; no network, no external script. Everything that comes from a
//! scenario, a target or a result file is escaped ([`crate::report::escape::escape_html`]).

mod figures;
mod overview;
mod profiles;
mod tables;
mod template;

use crate::metrics::RunResult;
use crate::report::charts::data;
use crate::report::ReportError;
use std::collections::BTreeMap;

const TEMPLATE: &str = include_str!("../templates/run.html");

/// What the page is rendered from: the result and the artefacts it embeds.
#[derive(Debug, Clone, Copy)]
pub struct HtmlInput<'a> {
    pub result: &'a RunResult,
    /// Flame graph SVGs by the file name `probes.profiles[].flame_graph` gives.
    pub flame_graphs: &'a BTreeMap<String, String>,
}

pub fn render(input: &HtmlInput<'_>) -> Result<String, ReportError> {
    let r = input.result;
    let bands = data::stage_bands(r);
    let profile_views = crate::report::probes::profiles(&r.probes);
    let slots = [
        (
            "version",
            crate::report::escape::escape_html(&r.loadlab_version),
        ),
        ("title", overview::title(r)),
        ("header", overview::header(r)),
        ("banner", overview::banner(r)),
        ("cards", overview::cards(r)),
        ("thresholds", overview::thresholds(r)),
        ("requests", tables::requests(r)),
        ("charts", figures::run_charts(r)),
        ("errors", tables::errors(r)),
        (
            "profiles",
            profiles::section(&profile_views, input.flame_graphs),
        ),
        ("metrics", figures::metric_charts(r, &bands)),
        ("generator", overview::generator(r)),
        ("scenario", overview::scenario(r)),
        ("footer", overview::footer(r)),
    ];
    template::fill("run.html", TEMPLATE, &slots)
}

#[cfg(test)]
mod tests;
