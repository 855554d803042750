//! The one place report views are written into a run directory — by `loadlab run` at the end of
//! a run and by `loadlab report` — with the artefacts they embed read from the same directory.

use super::html::{self, HtmlInput};
use super::{junit, markdown, probes, ReportError};
use crate::metrics::RunResult;
use crate::run::output::RunDir;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Largest flame graph embedded; a bigger one is linked as missing rather than bloating the page.
const MAX_FLAME_GRAPH_BYTES: u64 = 16 << 20;

/// A view written to a file of the run directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Html,
    Markdown,
    Junit,
}

/// What `loadlab run` writes next to `result.json`.
pub const RUN_VIEWS: [View; 2] = [View::Html, View::Markdown];

impl View {
    pub fn file_name(self) -> &'static str {
        match self {
            View::Html => "index.html",
            View::Markdown => "summary.md",
            View::Junit => "junit.xml",
        }
    }
}

/// Renders `view` of `result`; `flame_graphs` maps flame graph file names to their SVG text.
pub fn render_view(
    view: View,
    result: &RunResult,
    flame_graphs: &BTreeMap<String, String>,
) -> Result<String, ReportError> {
    match view {
        View::Html => html::render(&HtmlInput {
            result,
            flame_graphs,
        }),
        View::Markdown => Ok(markdown::render(result)),
        View::Junit => Ok(junit::render(result)),
    }
}

/// Writes each of `views` into `dir` (redacted) and returns the paths written.
pub fn write_views(
    dir: &RunDir,
    result: &RunResult,
    views: &[View],
) -> Result<Vec<PathBuf>, ReportError> {
    // Render from the redacted result; if it cannot round-trip, the text is still redacted on write.
    let redacted = dir.redacted(result).ok();
    let result = redacted.as_ref().unwrap_or(result);
    let flame_graphs = if views.contains(&View::Html) {
        load_flame_graphs(dir.path(), result)
    } else {
        BTreeMap::new()
    };
    let mut written = Vec::with_capacity(views.len());
    for view in views {
        let text = render_view(*view, result, &flame_graphs)?;
        written.push(dir.write_text(view.file_name(), &text)?);
    }
    Ok(written)
}

/// Reads the flame graphs the result's profiles name. Only plain relative paths inside the run
/// directory are read (a result file cannot make the report embed `/etc/passwd`); missing,
/// oversized or unreadable files are left out and the page says so.
pub fn load_flame_graphs(dir: &Path, result: &RunResult) -> BTreeMap<String, String> {
    probes::profiles(&result.probes)
        .into_iter()
        .filter_map(|p| p.flame_graph)
        .filter(|name| is_inside(name))
        .filter_map(|name| {
            let path = dir.join(&name);
            let size = std::fs::metadata(&path).ok()?.len();
            if size > MAX_FLAME_GRAPH_BYTES {
                return None;
            }
            let svg = std::fs::read_to_string(&path).ok()?;
            Some((name, svg))
        })
        .collect()
}

fn is_inside(name: &str) -> bool {
    let path = Path::new(name);
    !name.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::Redactor;
    use crate::report::test_support::sample_result;
    use serde_json::json;

    #[test]
    fn only_files_inside_the_run_directory_are_embedded() {
        assert!(is_inside("profiles/cpu-steady.svg"));
        for bad in ["../x.svg", "/etc/passwd", "a/../../b", "", "./."] {
            assert!(!is_inside(bad), "{bad}");
        }
    }

    #[test]
    fn writes_views_with_flame_graphs_and_secrets_redacted() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("profiles")).unwrap();
        std::fs::write(
            tmp.path().join("profiles/cpu.svg"),
            "<svg height=\"200\"></svg>",
        )
        .unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "nope").unwrap();
        let mut r = sample_result();
        r.scenario.target = "http://h/?token=s3cr&t".into();
        r.probes = json!({"profiles": [
            {"stage": "steady", "flame_graph": "profiles/cpu.svg", "summary": {"top": []}},
            {"stage": "spike", "flame_graph": "../secret.txt", "summary": {"top": []}}
        ]});
        let dir = RunDir::existing(tmp.path(), Redactor::new(&["s3cr&t".into()]));
        let paths = write_views(&dir, &r, &[View::Html, View::Markdown, View::Junit]).unwrap();
        assert_eq!(paths.len(), 3);
        let html = std::fs::read_to_string(tmp.path().join("index.html")).unwrap();
        assert!(html.contains("data:image/svg+xml;base64,"));
        assert!(html.contains("../secret.txt is not in the run directory"));
        assert!(
            !html.contains("s3cr"),
            "the secret leaked (escaped as s3cr&amp;t)"
        );
        let md = std::fs::read_to_string(tmp.path().join("summary.md")).unwrap();
        assert!(md.contains("REDACTED") && !md.contains("s3cr"));
        assert!(tmp.path().join("junit.xml").exists());
    }
}
