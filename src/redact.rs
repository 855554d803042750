//! Keeps secrets (values of `{{env.*}}`) out of every output: result.json, reports, messages.

use std::borrow::Cow;

pub const REDACTED: &str = "[REDACTED]";

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// Longest secrets first, so a secret containing another is replaced whole.
    pub fn new(secrets: &[String]) -> Self {
        let mut secrets: Vec<String> = secrets.iter().filter(|s| !s.is_empty()).cloned().collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = Cow::Owned(out.replace(s.as_str(), REDACTED));
            }
        }
        out
    }

    /// Redacts every string (and key) of a JSON document, leaving numbers intact.
    pub fn json(&self, value: &mut serde_json::Value) {
        if self.secrets.is_empty() {
            return;
        }
        match value {
            serde_json::Value::String(s) => {
                if let Cow::Owned(r) = self.text(s) {
                    *s = r;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            serde_json::Value::Object(map) => {
                let entries: Vec<(String, serde_json::Value)> =
                    std::mem::take(map).into_iter().collect();
                for (k, mut v) in entries {
                    self.json(&mut v);
                    map.insert(self.text(&k).into_owned(), v);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_secrets_in_text_and_json_strings_only() {
        let r = Redactor::new(&["1234".into(), "tok-1234".into()]);
        assert_eq!(
            r.text("Bearer tok-1234 and 1234"),
            "Bearer [REDACTED] and [REDACTED]"
        );
        let mut v =
            serde_json::json!({"url": "http://h/?t=1234", "n": 12345, "tok-1234": [ "x1234" ]});
        r.json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"url": "http://h/?t=[REDACTED]", "n": 12345, "[REDACTED]": ["x[REDACTED]"]})
        );
    }
}
