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
        self.json_keeping(value, &|_| false);
    }

    /// As [`Redactor::json`], but string values for which `keep` holds are left exactly as they
    /// are: machine encodings (HDR histograms in base64) that hold no user text, where replacing
    /// a short secret that occurs in them by chance would corrupt the data.
    pub fn json_keeping(&self, value: &mut serde_json::Value, keep: &dyn Fn(&str) -> bool) {
        if self.secrets.is_empty() {
            return;
        }
        match value {
            serde_json::Value::String(s) => {
                if keep(s) {
                    return;
                }
                if let Cow::Owned(r) = self.text(s) {
                    *s = r;
                }
            }
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(|v| self.json_keeping(v, keep))
            }
            serde_json::Value::Object(map) => {
                let entries: Vec<(String, serde_json::Value)> =
                    std::mem::take(map).into_iter().collect();
                for (k, mut v) in entries {
                    self.json_keeping(&mut v, keep);
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

    #[test]
    fn kept_strings_are_left_whole() {
        let r = Redactor::new(&["AAAA".into()]);
        let mut v = serde_json::json!({"h": "xxAAAAxx", "name": "AAAA-api", "AAAA": "AAAA"});
        r.json_keeping(&mut v, &|s| s == "xxAAAAxx");
        assert_eq!(
            v,
            serde_json::json!({"h": "xxAAAAxx", "name": "[REDACTED]-api", "[REDACTED]": "[REDACTED]"})
        );
    }
}
