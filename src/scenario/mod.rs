//! Scenario files: parse the TOML, validate it, and resolve it into a [`Plan`].
//!
//! Every error names the file, the line and column, and the field to fix.

mod compare_section;
mod error;
mod locate;
pub mod plan;
mod resolve;
mod schema;
pub mod template;
pub mod threshold;
pub mod units;

pub use compare_section::CompareSettings;
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
        let (field, message) = syntax_error_field(text, &e);
        ScenarioError::Invalid {
            path: path.to_path_buf(),
            location: e.span().map(|s| error::location_of(text, s.start)),
            field,
            message,
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

/// The field a TOML or type error concerns, and its message in one line of plain words.
fn syntax_error_field(text: &str, e: &toml::de::Error) -> (String, String) {
    // The toml crate's messages may span lines ("invalid table header\nduplicate key …") and
    // speak Rust ("expected i64"); an error is one line, in the user's terms.
    let message = e
        .message()
        .trim()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(": ")
        .replace("expected i64", "expected an integer")
        .replace("expected u64", "expected a whole number")
        .replace("expected f64", "expected a number");
    let Some(span) = e.span() else {
        return (String::new(), message);
    };
    // "missing field `x`" carries the span of the table that lacks it.
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        let table = locate::table_at(text, span);
        return (
            table.key(name).to_string(),
            "required, but missing".to_string(),
        );
    }
    let field = locate::path_at(text, span.start)
        .map(|p| p.to_string())
        .unwrap_or_default();
    (field, message)
}

fn hex_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
