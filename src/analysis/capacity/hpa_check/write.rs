//! Writes an `hpa` result directory in one place: `hpa.json`, `hpa.md`, `hpa.html`.

use super::super::error::CapacityError;
use super::super::write::write_atomic;
use super::{html, markdown, HpaReport};
use std::path::{Path, PathBuf};

pub fn write_hpa_dir(dir: &Path, report: &HpaReport) -> Result<Vec<PathBuf>, CapacityError> {
    let json = serde_json::to_string_pretty(report).map_err(|e| CapacityError::Write {
        path: dir.join("hpa.json"),
        message: e.to_string(),
    })?;
    let files = [
        ("hpa.json", json + "\n"),
        ("hpa.md", markdown::render(report)),
        ("hpa.html", html::render(report)?),
    ];
    files
        .iter()
        .map(|(name, text)| write_atomic(&dir.join(name), text))
        .collect()
}
