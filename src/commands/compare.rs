//! `loadlab compare BASE CANDIDATE`: read both results, compare, print the terminal table,
//! write the views into `<out>/compare-<base>-vs-<candidate>/`, and exit 1 on a significant
//! regression, 2 when the runs cannot be compared.

use super::{exit, Failure};
use crate::analysis::compare::{
    compare as compare_runs, scenario_settings, CompareOptions, Comparison,
};
use crate::cli::{CompareArgs, CompareFormat};
use crate::metrics::RunResult;
use crate::redact::Redactor;
use crate::report::{compare_html, compare_junit, compare_markdown, compare_terminal};
use crate::run::output::{read_result, RunDir};
use std::path::{Path, PathBuf};

/// A significant regression: the same status a failed threshold gives.
const REGRESSION: u8 = exit::THRESHOLD_FAILED;

pub fn compare(args: CompareArgs) -> Result<u8, Failure> {
    let base = read_result(&args.base).map_err(Failure::bad_input)?;
    let candidate = read_result(&args.candidate).map_err(Failure::bad_input)?;
    let (opts, note) = options(&args, &base, &candidate)?;
    let mut comparison =
        compare_runs(&base, &candidate, &opts).map_err(|e| Failure::bad_input(e.to_string()))?;
    comparison.warnings.extend(note);
    if args.format.contains(&CompareFormat::Terminal) {
        print!("{}", compare_terminal::render(&comparison));
    }
    let dir_name = format!(
        "compare-{}-vs-{}",
        file_safe(&opts.base_label),
        file_safe(&opts.candidate_label)
    );
    write_views(&args.out.join(dir_name), &args.format, &comparison)?;
    Ok(if comparison.has_regression() {
        REGRESSION
    } else {
        exit::PASS
    })
}

/// The comparison's options: defaults, then the runs' `[compare]` section, then the flags.
/// Also a warning when the two runs' sections differ.
fn options(
    args: &CompareArgs,
    base: &RunResult,
    candidate: &RunResult,
) -> Result<(CompareOptions, Option<String>), Failure> {
    let mut opts = CompareOptions {
        base_label: run_label(&args.base),
        candidate_label: run_label(&args.candidate),
        ..CompareOptions::default()
    };
    let (section, note) = scenario_settings(base, candidate);
    if let Some((settings, side)) = section {
        opts.apply_settings(settings, side)
            .map_err(|e| Failure::bad_input(e.to_string()))?;
    }
    for t in &args.tolerance {
        opts.tolerances.set(t.metric, t.value);
    }
    opts.alpha = args.alpha.unwrap_or(opts.alpha);
    opts.confidence = args.confidence.unwrap_or(opts.confidence);
    opts.min_windows = args.min_windows.unwrap_or(opts.min_windows);
    Ok((opts, note))
}

fn write_views(dir: &Path, formats: &[CompareFormat], c: &Comparison) -> Result<(), Failure> {
    let files: Vec<(&str, String)> = formats
        .iter()
        .filter_map(|f| match f {
            CompareFormat::Terminal => None,
            CompareFormat::Html => Some(Ok(("index.html", compare_html::render(c)))),
            CompareFormat::Md => Some(Ok(("comparison.md", compare_markdown::render(c)))),
            CompareFormat::Junit => Some(Ok(("comparison.junit.xml", compare_junit::render(c)))),
            CompareFormat::Json => Some(
                serde_json::to_string_pretty(c)
                    .map(|json| ("comparison.json", json))
                    .map_err(|e| {
                        Failure::cannot_run(format!("cannot serialize the comparison: {e}"))
                    }),
            ),
        })
        .collect::<Result<_, _>>()?;
    if files.is_empty() {
        return Ok(());
    }
    let out = RunDir::prepare(dir, Redactor::default())
        .map_err(|e| Failure::cannot_run(e.to_string()))?;
    for (name, text) in files {
        let path = out
            .write_text(name, &text)
            .map_err(|e| Failure::cannot_run(e.to_string()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// A run's name: its directory (the parent of a `result.json` given directly).
fn run_label(path: &Path) -> String {
    let dir: PathBuf = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let absolute = std::path::absolute(&dir).unwrap_or(dir);
    absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "run".into())
}

/// Letters, digits, `.`, `_` and `-` kept; anything else becomes `_`.
fn file_safe(label: &str) -> String {
    let safe: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    safe.trim_start_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_directory_names() {
        assert_eq!(file_safe("before run/../x"), "before_run_.._x");
        assert_eq!(file_safe(".."), "");
        assert_eq!(
            run_label(Path::new("/tmp/reports/before/result.json")),
            "before"
        );
    }
}
