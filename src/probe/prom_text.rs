//! A parser of the Prometheus text exposition format 0.0.4: `# HELP` and `# TYPE` lines,
//! other comments, blank lines, samples with labels (escapes `\\`, `\"`, `\n`), Go float
//! values (`NaN`, `+Inf`, `-Inf`) and optional millisecond timestamps. Histogram and summary
//! samples (`x_bucket`, `x_sum`, `x_count`, `x{quantile=…}`) join their family `x`.
//!
//! It is as strict as Prometheus where that catches broken input (bad escapes, a second
//! `TYPE`, a `TYPE` after the family's samples, trailing garbage) and lenient where that
//! only loses nothing (a missing final newline, `\r\n` endings, repeated families).
//! Errors carry the 1-based line number.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The type a `# TYPE` line declares; `Untyped` when there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricType {
    Counter,
    Gauge,
    Histogram,
    Summary,
    Untyped,
}

/// One sample line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromSample {
    /// The sample's own name (`x_bucket` in histogram `x`).
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
    /// Milliseconds since the Unix epoch, when given.
    pub timestamp_ms: Option<i64>,
}

impl PromSample {
    /// The value of label `name`, if present.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A metric family: name, type, help text and its samples in input order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricFamily {
    pub name: String,
    pub kind: MetricType,
    pub help: Option<String>,
    pub samples: Vec<PromSample>,
}

/// Why a text could not be parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PromParseError {
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

/// Parses a whole exposition into its families, in order of first appearance.
pub fn parse_text(input: &str) -> Result<Vec<MetricFamily>, PromParseError> {
    let mut parser = Parser::default();
    for (i, line) in input.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        parser.line(line).map_err(|message| PromParseError {
            line: i + 1,
            message,
        })?;
    }
    Ok(parser.families)
}

#[derive(Default)]
struct Parser {
    families: Vec<MetricFamily>,
    index: HashMap<String, usize>,
    /// Per family: (TYPE seen, HELP seen).
    declared: Vec<(bool, bool)>,
}

impl Parser {
    fn line(&mut self, line: &str) -> Result<(), String> {
        let line = line.trim_start_matches([' ', '\t']);
        if line.trim_end().is_empty() {
            return Ok(());
        }
        match line.strip_prefix('#') {
            Some(comment) => self.comment(comment),
            None => {
                let sample = parse_sample(line)?;
                let family = self.family_for(&sample.name);
                self.families[family].samples.push(sample);
                Ok(())
            }
        }
    }

    fn comment(&mut self, comment: &str) -> Result<(), String> {
        let rest = comment.trim_start_matches([' ', '\t']);
        let (keyword, rest) = split_token(rest);
        if keyword != "HELP" && keyword != "TYPE" {
            return Ok(()); // a plain comment
        }
        let (name, rest) = split_token(rest);
        if !is_metric_name(name) {
            return Err(format!(
                "{keyword} line needs a valid metric name, got {name:?}"
            ));
        }
        let family = self.family_named(name);
        if keyword == "HELP" {
            if self.declared[family].1 {
                return Err(format!("second HELP line for {name}"));
            }
            self.declared[family].1 = true;
            self.families[family].help = Some(unescape_help(rest));
            return Ok(());
        }
        let (kind, trailing) = split_token(rest);
        if !trailing.trim().is_empty() {
            return Err(format!("unexpected text after TYPE {name} {kind}"));
        }
        let kind = match kind {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "summary" => MetricType::Summary,
            "untyped" => MetricType::Untyped,
            other => return Err(format!("unknown metric type {other:?} for {name}")),
        };
        if self.declared[family].0 {
            return Err(format!("second TYPE line for {name}"));
        }
        if !self.families[family].samples.is_empty() {
            return Err(format!("TYPE line for {name} after its samples"));
        }
        self.declared[family].0 = true;
        self.families[family].kind = kind;
        Ok(())
    }

    /// The family named exactly `name`, created untyped if new.
    fn family_named(&mut self, name: &str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.families.push(MetricFamily {
            name: name.to_string(),
            kind: MetricType::Untyped,
            help: None,
            samples: vec![],
        });
        self.declared.push((false, false));
        self.index.insert(name.to_string(), self.families.len() - 1);
        self.families.len() - 1
    }

    /// The family a sample belongs to: its own name, or a histogram/summary it is part of.
    fn family_for(&mut self, sample_name: &str) -> usize {
        if let Some(&i) = self.index.get(sample_name) {
            return i;
        }
        for (suffix, histogram_only) in [("_bucket", true), ("_sum", false), ("_count", false)] {
            let Some(base) = sample_name.strip_suffix(suffix) else {
                continue;
            };
            if let Some(&i) = self.index.get(base) {
                match self.families[i].kind {
                    MetricType::Histogram => return i,
                    MetricType::Summary if !histogram_only => return i,
                    _ => {}
                }
            }
        }
        self.family_named(sample_name)
    }
}

/// Splits off the first blank-separated token; the rest starts after the blanks following it.
fn split_token(s: &str) -> (&str, &str) {
    let end = s.find([' ', '\t']).unwrap_or(s.len());
    (&s[..end], s[end..].trim_start_matches([' ', '\t']))
}

fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// HELP text escapes only `\\` and `\n`; other backslashes stay as they are.
fn unescape_help(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A cursor over one line.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }
    fn take_while(&mut self, ok: impl Fn(usize, char) -> bool) -> &'a str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if !ok(self.pos - start, c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        &self.s[start..self.pos]
    }
    fn token(&mut self) -> &'a str {
        self.skip_blanks();
        self.take_while(|_, c| c != ' ' && c != '\t')
    }
}

/// Parses `name[{labels}] value [timestamp]`.
fn parse_sample(line: &str) -> Result<PromSample, String> {
    let mut cur = Cursor { s: line, pos: 0 };
    let name = cur.take_while(|i, c| {
        c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())
    });
    if name.is_empty() {
        return Err(format!("expected a metric name at {:?}", excerpt(line)));
    }
    let labels = match cur.peek() {
        Some('{' | ' ' | '\t') => {
            cur.skip_blanks();
            if cur.peek() == Some('{') {
                parse_labels(&mut cur)?
            } else {
                Vec::new()
            }
        }
        Some(c) => return Err(format!("unexpected {c:?} after metric name {name}")),
        None => return Err(format!("metric {name} has no value")),
    };
    let value_text = cur.token();
    if value_text.is_empty() {
        return Err(format!("metric {name} has no value"));
    }
    let value = parse_go_float(value_text)
        .ok_or_else(|| format!("invalid value {:?} for {name}", excerpt(value_text)))?;
    let timestamp_text = cur.token();
    let timestamp_ms =
        if timestamp_text.is_empty() {
            None
        } else {
            Some(timestamp_text.parse::<i64>().map_err(|_| {
                format!("invalid timestamp {:?} for {name}", excerpt(timestamp_text))
            })?)
        };
    if !cur.token().is_empty() {
        return Err(format!("unexpected text after the sample of {name}"));
    }
    Ok(PromSample {
        name: name.to_string(),
        labels,
        value,
        timestamp_ms,
    })
}

/// Parses `{name="value",…}` (optional trailing comma) at the cursor.
fn parse_labels(cur: &mut Cursor<'_>) -> Result<Vec<(String, String)>, String> {
    cur.bump(); // '{'
    let mut labels: Vec<(String, String)> = Vec::new();
    loop {
        cur.skip_blanks();
        if cur.peek() == Some('}') {
            cur.bump();
            return Ok(labels);
        }
        let name = cur.take_while(|i, c| {
            c.is_ascii_alphabetic() || c == '_' || (i > 0 && c.is_ascii_digit())
        });
        if name.is_empty() {
            return Err(match cur.peek() {
                Some(c) => format!("invalid label name starting at {c:?}"),
                None => "unterminated label set".into(),
            });
        }
        cur.skip_blanks();
        if cur.bump() != Some('=') {
            return Err(format!("expected '=' after label name {name}"));
        }
        cur.skip_blanks();
        if cur.bump() != Some('"') {
            return Err(format!("expected '\"' to open the value of label {name}"));
        }
        let value = label_value(cur).map_err(|e| format!("label {name}: {e}"))?;
        if labels.iter().any(|(k, _)| k == name) {
            return Err(format!("duplicate label {name}"));
        }
        labels.push((name.to_string(), value));
        cur.skip_blanks();
        match cur.bump() {
            Some(',') => {}
            Some('}') => return Ok(labels),
            Some(c) => return Err(format!("unexpected {c:?} after the value of label {name}")),
            None => return Err("unterminated label set".into()),
        }
    }
}

/// Reads a label value after its opening quote, through the closing quote.
fn label_value(cur: &mut Cursor<'_>) -> Result<String, String> {
    let mut value = String::new();
    loop {
        match cur.bump() {
            Some('"') => return Ok(value),
            Some('\\') => match cur.bump() {
                Some('\\') => value.push('\\'),
                Some('"') => value.push('"'),
                Some('n') => value.push('\n'),
                Some(c) => return Err(format!("invalid escape sequence \\{c}")),
                None => return Err("unterminated value".into()),
            },
            Some(c) => value.push(c),
            None => return Err("unterminated value".into()),
        }
    }
}

/// Go `strconv.ParseFloat` for the forms exporters write: decimals, exponents, `NaN`,
/// `Inf`/`+Inf`/`-Inf` (any case, also `infinity`).
fn parse_go_float(text: &str) -> Option<f64> {
    text.parse::<f64>().ok()
}

fn excerpt(text: &str) -> String {
    super::truncate_text(text, 40)
}

/// Parses a series selector `name` or `name{label="value",…}` (equality only), as used
/// in scenario files to pick series.
pub(crate) fn parse_selector(input: &str) -> Result<(String, Vec<(String, String)>), String> {
    let mut cur = Cursor {
        s: input.trim(),
        pos: 0,
    };
    let name = cur.take_while(|i, c| {
        c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())
    });
    if name.is_empty() {
        return Err("expected a metric name".into());
    }
    let labels = match cur.peek() {
        Some('{') => parse_labels(&mut cur)?,
        None => Vec::new(),
        Some(c) => return Err(format!("unexpected {c:?} after metric name {name}")),
    };
    if cur.pos != cur.s.len() {
        return Err("unexpected text after the label set".into());
    }
    Ok((name.to_string(), labels))
}

#[cfg(test)]
#[path = "prom_text_tests.rs"]
mod tests;
