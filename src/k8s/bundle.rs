//! The scenario as shipped to the pods: the file itself plus the files it refers to
//! (`body_file`, `[http.tls] ca`), checked by resolving the scenario first.

use super::error::K8sError;
use crate::scenario::{self, Plan, Target};
use std::path::{Component, Path};

/// One file of the ConfigMap: its key, its path under `/scenario`, and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct BundleFile {
    pub key: String,
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The scenario and what travels with it.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub scenario_name: String,
    /// Planned length of the load.
    pub duration_s: f64,
    /// The scenario file first, then the files it refers to.
    pub files: Vec<BundleFile>,
    /// Things the user should know before applying the manifest.
    pub warnings: Vec<String>,
}

/// A ConfigMap holds at most 1 MiB.
const CONFIG_MAP_LIMIT: usize = 1024 * 1024 - 4096;

impl Bundle {
    /// Reads and resolves the scenario at `path`. `{{env.X}}` variables unset here resolve to a
    /// placeholder: the pods get the real values (see `--env-secret`).
    pub fn load(path: &Path) -> Result<Bundle, K8sError> {
        let text = std::fs::read_to_string(path).map_err(|source| K8sError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let env = |name: &str| {
            std::env::var(name)
                .ok()
                .or_else(|| Some(format!("loadlab-k8s-placeholder-{name}")))
        };
        let plan = scenario::load_from_str(path, &text, &env)?;
        let file_name = path.file_name().map_or_else(
            || "scenario.toml".into(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut bundle = Bundle {
            scenario_name: plan.name.clone(),
            duration_s: plan.load.total_duration().as_secs_f64(),
            files: vec![BundleFile {
                key: config_map_key(&file_name),
                path: config_map_key(&file_name),
                bytes: text.clone().into_bytes(),
            }],
            warnings: plan_warnings(&plan),
        };
        let base = path.parent().unwrap_or(Path::new("."));
        for reference in referenced_files(&text) {
            bundle.add_reference(base, &reference)?;
        }
        let bytes: usize = bundle.files.iter().map(|f| f.bytes.len()).sum();
        if bytes > CONFIG_MAP_LIMIT {
            return Err(K8sError::TooLarge { bytes });
        }
        Ok(bundle)
    }

    /// The scenario file's name under `/scenario`.
    pub fn scenario_path(&self) -> &str {
        &self.files[0].path
    }

    fn add_reference(&mut self, base: &Path, reference: &str) -> Result<(), K8sError> {
        let rel = Path::new(reference);
        let portable = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !portable {
            self.warnings.push(format!(
                "{reference} is not below the scenario's directory, so it is not shipped: make it exist at that path in the image"
            ));
            return Ok(());
        }
        let path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if self.files.iter().any(|f| f.path == path) {
            return Ok(());
        }
        let full = base.join(rel);
        let bytes = std::fs::read(&full).map_err(|source| K8sError::Read { path: full, source })?;
        let mut key = config_map_key(&path);
        while self.files.iter().any(|f| f.key == key) {
            key.insert(0, '_');
        }
        self.files.push(BundleFile { key, path, bytes });
        Ok(())
    }
}

/// ConfigMap keys allow `[-._a-zA-Z0-9]`; anything else becomes `_`.
fn config_map_key(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `body_file` of every request and `[http.tls] ca`, as written.
fn referenced_files(text: &str) -> Vec<String> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut refs = Vec::new();
    if let Some(ca) = doc
        .get("http")
        .and_then(|h| h.get("tls"))
        .and_then(|t| t.get("ca"))
        .and_then(|c| c.as_str())
    {
        refs.push(ca.to_string());
    }
    if let Some(requests) = doc.get("request").and_then(|r| r.as_array()) {
        refs.extend(
            requests
                .iter()
                .filter_map(|r| r.get("body_file").and_then(|b| b.as_str()))
                .map(str::to_string),
        );
    }
    refs
}

fn plan_warnings(plan: &Plan) -> Vec<String> {
    let mut warnings = Vec::new();
    if matches!(plan.target, Target::Demo(_)) {
        warnings.push(
            "the scenario's target is `demo`: every pod would load its own built-in demo target; point `target` at the service to test".into(),
        );
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_references() {
        assert_eq!(config_map_key("my scenario.toml"), "my_scenario.toml");
        let refs = referenced_files(
            "[http.tls]\nca = \"certs/ca.pem\"\n[[request]]\nbody_file = \"b.json\"\n[[request]]\npath = \"/\"\n",
        );
        assert_eq!(refs, vec!["certs/ca.pem", "b.json"]);
    }
}
