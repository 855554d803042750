//! Scenario files: parse the TOML, validate it, and resolve it into a [`Plan`].
//!
//! Every error names the file, the line and column, and the field to fix.

mod error;
mod locate;
pub mod plan;
mod resolve;
mod schema;
pub mod template;
pub mod threshold;
pub mod units;

pub use error::{FieldError, FieldPath, Location, ScenarioError};
pub use plan::*;
pub use resolve::parse_http_url;
pub use template::{RenderContext, Template};
pub use threshold::{Metric, Op, Threshold};

use sha2::{Digest, Sha256};
use std::path::Path;

/// Reads and resolves the scenario at `path`, taking `{{env.X}}` from the process environment.
pub fn load(path: &Path) -> Result<Plan, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let env = |name: &str| std::env::var(name).ok();
    load_from_str(path, &text, &env)
}

/// Resolves scenario `text` as if read from `path` (relative files resolve beside it).
pub fn load_from_str(
    path: &Path,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Plan, ScenarioError> {
    let raw: schema::RawScenario = toml::from_str(text).map_err(|e| {
        let location = e.span().map(|s| error::location_of(text, s.start));
        let field = e
            .span()
            .and_then(|s| locate::path_at(text, s.start))
            .map(|p| p.to_string())
            .unwrap_or_default();
        ScenarioError::Invalid {
            path: path.to_path_buf(),
            location,
            field,
            message: e.message().trim().to_string(),
        }
    })?;
    let source = ScenarioSource {
        path: path.to_path_buf(),
        digest: hex_digest(text.as_bytes()),
        text: text.to_string(),
    };
    let base_dir = path.parent().unwrap_or(Path::new("."));
    let ctx = resolve::ResolveContext { base_dir, env };
    resolve::resolve(raw, source, &ctx).map_err(|e| ScenarioError::Invalid {
        path: path.to_path_buf(),
        location: locate::locate(text, &e.field),
        field: e.field.to_string(),
        message: e.message,
    })
}

fn hex_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
