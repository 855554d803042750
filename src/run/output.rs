//! The run directory: checked writable before any load, written in one place, secrets
//! redacted on the way out, never silently lost.

use crate::metrics::{LatencyHistogram, RunResult};
use crate::redact::Redactor;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("output directory {path} is not writable: {source}")]
    NotWritable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot serialize the result: {0}")]
    Serialize(String),
}

pub struct RunDir {
    path: PathBuf,
    redactor: Redactor,
}

impl RunDir {
    /// Creates `path` and proves it writable, before the load starts.
    pub fn prepare(path: &Path, redactor: Redactor) -> Result<RunDir, OutputError> {
        let not_writable = |source| OutputError::NotWritable {
            path: path.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(path).map_err(not_writable)?;
        let probe = path.join(".loadlab-write-test");
        std::fs::write(&probe, b"ok").map_err(not_writable)?;
        let _ = std::fs::remove_file(&probe);
        Ok(RunDir {
            path: path.to_path_buf(),
            redactor,
        })
    }

    /// Opens an existing run directory for re-rendering views.
    pub fn existing(path: &Path, redactor: Redactor) -> RunDir {
        RunDir {
            path: path.to_path_buf(),
            redactor,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a text file (redacted) atomically: a temporary file renamed into place, so a
    /// reader never sees half a file.
    pub fn write_text(&self, name: &str, text: &str) -> Result<PathBuf, OutputError> {
        self.write_bytes(name, self.redactor.text(text).as_bytes())
    }

    /// Binary artefacts (raw profiles) are written as they are.
    pub fn write_bytes(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, OutputError> {
        let target = self.path.join(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|source| OutputError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let tmp = self.path.join(format!(".{}.tmp", name.replace('/', "_")));
        let write = |p: &Path| std::fs::write(p, bytes);
        write(&tmp)
            .and_then(|_| std::fs::rename(&tmp, &target))
            .map_err(|source| {
                let _ = std::fs::remove_file(&tmp);
                OutputError::Write {
                    path: target.clone(),
                    source,
                }
            })?;
        Ok(target)
    }

    /// The result as the run directory holds it: every string redacted. Views render from
    /// this, so a secret is removed before escaping could disguise it.
    pub fn redacted(&self, result: &RunResult) -> Result<RunResult, OutputError> {
        let value = redacted_value(result, &self.redactor)?;
        serde_json::from_value(value).map_err(|e| OutputError::Serialize(e.to_string()))
    }

    /// `result.json`, redacted.
    pub fn write_result(&self, result: &RunResult) -> Result<PathBuf, OutputError> {
        let json = result_json(result, &self.redactor)?;
        self.write_bytes("result.json", json.as_bytes())
    }
}

/// The redacted JSON text of a result.
pub fn result_json(result: &RunResult, redactor: &Redactor) -> Result<String, OutputError> {
    let value = redacted_value(result, redactor)?;
    serde_json::to_string_pretty(&value).map_err(|e| OutputError::Serialize(e.to_string()))
}

/// The result as JSON with every string redacted except its encoded histograms: those are
/// base64 of binary data, never user text, and a short secret that occurs in one by chance
/// must not corrupt it.
fn redacted_value(
    result: &RunResult,
    redactor: &Redactor,
) -> Result<serde_json::Value, OutputError> {
    let serialize = |e: String| OutputError::Serialize(e);
    let mut value = serde_json::to_value(result).map_err(|e| serialize(e.to_string()))?;
    let histograms: HashSet<String> = result
        .histograms()
        .map(LatencyHistogram::encode)
        .collect::<Result<_, _>>()
        .map_err(serialize)?;
    redactor.json_keeping(&mut value, &|s| histograms.contains(s));
    Ok(value)
}

/// When the run directory cannot take the result (disk full, directory removed), keep it
/// somewhere: the system temp dir, else the caller prints it.
pub fn write_fallback(result: &RunResult, redactor: &Redactor) -> Result<PathBuf, String> {
    let json = result_json(result, redactor).map_err(|e| e.to_string())?;
    let name = format!(
        "loadlab-{}-{}.json",
        result
            .scenario
            .name
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
        result.run.start_unix_ms
    );
    let path = std::env::temp_dir().join(name);
    std::fs::write(&path, &json).map_err(|_| json)?;
    Ok(path)
}

/// Reads a run directory's `result.json`.
pub fn read_result(dir: &Path) -> Result<RunResult, String> {
    let path = if dir.is_dir() {
        dir.join("result.json")
    } else {
        dir.to_path_buf()
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a loadlab result: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::REDACTED;
    use crate::report::test_support::sample_result;

    #[test]
    fn secrets_inside_encoded_histograms_leave_them_intact() {
        let mut result = sample_result();
        let encoded = result.stages[0].requests[0]
            .outcomes
            .values()
            .next()
            .unwrap();
        let chance = encoded.latency.encode().unwrap()[20..24].to_string();
        result.scenario.target = format!("http://h/?a=AAAA&b={chance}");
        result.stages[0].requests[0].name = format!("get-{chance}");
        let redactor = Redactor::new(&["AAAA".into(), chance.clone()]);

        let json = result_json(&result, &redactor).unwrap();
        let back: RunResult = serde_json::from_str(&json).unwrap();

        assert_eq!(
            back.scenario.target,
            format!("http://h/?a={REDACTED}&b={REDACTED}")
        );
        assert_eq!(back.stages[0].requests[0].name, format!("get-{REDACTED}"));
        let counts = |r: &RunResult| r.histograms().map(|h| h.count()).collect::<Vec<_>>();
        assert!(counts(&result).iter().sum::<u64>() > 0);
        assert_eq!(counts(&back), counts(&result));
        assert!(back.histograms().eq(result.histograms()));
    }
}
