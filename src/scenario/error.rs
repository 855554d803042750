//! Scenario errors that point at the file, line, column and field a user must fix.

use std::fmt;
use std::path::PathBuf;

/// Where in the scenario file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// A scenario that cannot be loaded, parsed or resolved into a plan.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{path}: cannot read scenario: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", render_invalid(.path, .location.as_ref(), .field, .message))]
    Invalid {
        path: PathBuf,
        location: Option<Location>,
        /// Dotted path of the offending field, e.g. `load.stage[2].duration`.
        field: String,
        message: String,
    },
}

fn render_invalid(
    path: &std::path::Path,
    location: Option<&Location>,
    field: &str,
    message: &str,
) -> String {
    let mut out = path.display().to_string();
    if let Some(loc) = location {
        out.push_str(&format!(":{}:{}", loc.line, loc.column));
    }
    if !field.is_empty() {
        out.push_str(&format!(": field `{field}`"));
    }
    out.push_str(": ");
    out.push_str(message);
    out
}

/// A validation problem before it is placed in the file: the field path and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: FieldPath,
    pub message: String,
}

impl FieldError {
    pub fn new(field: FieldPath, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// A path into the TOML document: keys and array indexes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPath(pub Vec<PathPart>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Key(String),
    Index(usize),
}

impl FieldPath {
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }
    pub fn key(&self, key: &str) -> Self {
        let mut parts = self.0.clone();
        parts.push(PathPart::Key(key.to_string()));
        FieldPath(parts)
    }
    pub fn index(&self, index: usize) -> Self {
        let mut parts = self.0.clone();
        parts.push(PathPart::Index(index));
        FieldPath(parts)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, part) in self.0.iter().enumerate() {
            match part {
                PathPart::Key(k) if i == 0 => write!(f, "{k}")?,
                PathPart::Key(k) => write!(f, ".{k}")?,
                PathPart::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Line and column (1-based) of a byte offset in `text`.
pub fn location_of(text: &str, offset: usize) -> Location {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.chars().count(), |nl| {
        before[nl + 1..].chars().count()
    }) + 1;
    Location { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_one_based() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(location_of(text, 0), Location { line: 1, column: 1 });
        assert_eq!(location_of(text, 6), Location { line: 2, column: 1 });
        assert_eq!(location_of(text, 9), Location { line: 2, column: 4 });
    }

    #[test]
    fn field_paths_render_like_toml() {
        let p = FieldPath::root()
            .key("load")
            .key("stage")
            .index(2)
            .key("rate");
        assert_eq!(p.to_string(), "load.stage[2].rate");
    }

    #[test]
    fn invalid_error_names_file_line_and_field() {
        let e = ScenarioError::Invalid {
            path: "s.toml".into(),
            location: Some(Location { line: 3, column: 7 }),
            field: "load.model".into(),
            message: "expected `open` or `closed`".into(),
        };
        assert_eq!(
            e.to_string(),
            "s.toml:3:7: field `load.model`: expected `open` or `closed`"
        );
    }
}
