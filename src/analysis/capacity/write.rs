//! Writes a capacity directory's own files in one place: `capacity.json`, `capacity.md` and
//! `capacity.html` (the steps wrote `steps/rate-N/result.json` themselves).

use super::error::CapacityError;
use super::result::{CapacityResult, CAPACITY_FILE};
use super::{html, markdown};
use std::path::{Path, PathBuf};

/// Renders every view of `result` and writes them into `dir`; returns the paths written.
pub fn write_capacity_dir(
    dir: &Path,
    result: &CapacityResult,
    p99_limit_ms: Option<f64>,
) -> Result<Vec<PathBuf>, CapacityError> {
    let json = serde_json::to_string_pretty(result).map_err(|e| CapacityError::Write {
        path: dir.join(CAPACITY_FILE),
        message: e.to_string(),
    })?;
    let files = [
        (CAPACITY_FILE, json + "\n"),
        ("capacity.md", markdown::render(result)),
        ("capacity.html", html::render(result, p99_limit_ms)?),
    ];
    files
        .iter()
        .map(|(name, text)| write_atomic(&dir.join(name), text))
        .collect()
}

/// Writes `text` to `path` through a temporary file renamed into place.
pub fn write_atomic(path: &Path, text: &str) -> Result<PathBuf, CapacityError> {
    let fail = |e: std::io::Error| CapacityError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            fail(e)
        })?;
    Ok(path.to_path_buf())
}
