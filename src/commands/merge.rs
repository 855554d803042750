//! `loadlab merge DIR...`: read the segments' results, merge them, write a normal run directory.

use super::{exit, Failure};
use crate::cli::MergeArgs;
use crate::metrics::RunResult;
use crate::redact::Redactor;
use crate::run::output::{read_result, RunDir};
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

pub fn merge(args: MergeArgs) -> Result<u8, Failure> {
    let parts = args
        .dirs
        .iter()
        .map(|d| read_result(d).map_err(Failure::bad_input))
        .collect::<Result<Vec<_>, _>>()?;
    let merged = crate::merge::merge(&parts, args.allow_partial)
        .map_err(|e| Failure::bad_input(e.to_string()))?;
    let out = args.out.clone().unwrap_or_else(|| default_dir(&merged));
    if let Some(clash) = args.dirs.iter().find(|d| same_dir(d, &out)) {
        return Err(Failure::bad_input(format!(
            "--out {} is segment directory {}: write the merged run elsewhere",
            out.display(),
            clash.display()
        )));
    }
    // The segments' results were redacted when they were written.
    let dir = RunDir::prepare(&out, Redactor::default())
        .map_err(|e| Failure::cannot_run(e.to_string()))?;
    let result_path = write_views(&dir, &merged)?;
    if !args.quiet {
        print!("{}", crate::report::terminal::render(&merged));
        println!(
            "\nmerged {} segment(s) · result: {}",
            parts.len(),
            result_path.display()
        );
    }
    let passed = merged.thresholds.iter().all(|t| t.passed);
    Ok(if passed {
        exit::PASS
    } else {
        exit::THRESHOLD_FAILED
    })
}

/// Writes everything a run directory holds. The single call site for the views a run writes:
/// today `result.json`; the HTML and Markdown views join here when they land.
fn write_views(dir: &RunDir, result: &RunResult) -> Result<PathBuf, Failure> {
    dir.write_result(result)
        .map_err(|e| Failure::cannot_run(e.to_string()))
}

/// `reports/<name>-<UTC start>-merged`.
fn default_dir(result: &RunResult) -> PathBuf {
    let start = UNIX_EPOCH + Duration::from_millis(result.run.start_unix_ms);
    let stamp = humantime::format_rfc3339_seconds(start)
        .to_string()
        .replace([':', '-'], "");
    let name: String = result
        .scenario
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    PathBuf::from("reports").join(format!("{name}-{stamp}-merged"))
}

fn same_dir(segment: &Path, out: &Path) -> bool {
    let segment = if segment.is_dir() {
        segment
    } else {
        segment.parent().unwrap_or(segment)
    };
    match (segment.canonicalize(), out.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
