//! Query-string parsing for the demo endpoints, without allocation on the success path.
//!
//! A query is scanned in place (`a=1&b=2`); numbers are parsed from the raw text. Only `/status`
//! needs a decoded text value (`body=`), and only that decodes percent escapes (and `+` as a
//! space, like Go's `url.ParseQuery`). Unknown parameters are ignored, so load generators may add
//! cache-busting parameters; when a name repeats, the first occurrence wins.

use std::borrow::Cow;
use std::fmt;

/// A raw query string (the part after `?`, possibly empty).
#[derive(Debug, Clone, Copy)]
pub struct Query<'a>(&'a str);

impl<'a> Query<'a> {
    /// Wraps the query of a request URI; `None` (no `?`) is the empty query.
    pub fn new(raw: Option<&'a str>) -> Self {
        Query(raw.unwrap_or(""))
    }

    /// The raw (still percent-encoded) value of the first `name=` pair; a bare `name` gives `""`.
    pub fn raw(&self, name: &str) -> Option<&'a str> {
        self.0.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == name).then_some(value)
        })
    }

    /// A non-negative, finite number in `[0, max]`, or `default` when the parameter is missing.
    pub fn f64_in(&self, name: &'static str, default: f64, max: f64) -> Result<f64, ParamError> {
        let Some(raw) = self.raw(name) else {
            return Ok(default);
        };
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && (0.0..=max).contains(&v) => Ok(v),
            _ => Err(ParamError::new(name, raw, Expected::Number { max })),
        }
    }

    /// An integer in `[min, max]`, or `default` when the parameter is missing.
    pub fn u64_in(
        &self,
        name: &'static str,
        default: u64,
        min: u64,
        max: u64,
    ) -> Result<u64, ParamError> {
        let Some(raw) = self.raw(name) else {
            return Ok(default);
        };
        match raw.parse::<u64>() {
            Ok(v) if (min..=max).contains(&v) => Ok(v),
            _ => Err(ParamError::new(name, raw, Expected::Integer { min, max })),
        }
    }

    /// The percent-decoded text of a parameter (`+` is a space); borrowed when nothing to decode.
    pub fn text(&self, name: &'static str) -> Result<Option<Cow<'a, [u8]>>, ParamError> {
        match self.raw(name) {
            None => Ok(None),
            Some(raw) => percent_decode(raw)
                .map(Some)
                .ok_or_else(|| ParamError::new(name, raw, Expected::PercentEncoded)),
        }
    }
}

/// Decodes `%XX` escapes and `+`; `None` when an escape is malformed.
pub fn percent_decode(raw: &str) -> Option<Cow<'_, [u8]>> {
    let bytes = raw.as_bytes();
    if !bytes.iter().any(|&b| b == b'%' || b == b'+') {
        return Some(Cow::Borrowed(bytes));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = hex_value(*bytes.get(i + 1)?)?;
                let lo = hex_value(*bytes.get(i + 2)?)?;
                out.push(hi << 4 | lo);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Some(Cow::Owned(out))
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// What a parameter should have looked like; part of the 400 message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expected {
    Number {
        max: f64,
    },
    Integer {
        min: u64,
        max: u64,
    },
    PercentEncoded,
    /// A constraint between parameters, e.g. `stall_ms < period_ms`.
    Custom(&'static str),
}

/// A rejected query parameter; its `Display` is the body of the 400 response.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError {
    pub name: &'static str,
    pub value: String,
    pub expected: Expected,
}

impl ParamError {
    pub fn new(name: &'static str, value: &str, expected: Expected) -> Self {
        // Bounded so a huge bad value does not make a huge error body.
        let value = value.chars().take(64).collect();
        ParamError {
            name,
            value,
            expected,
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bad query parameter {}={:?}: expected ",
            self.name, self.value
        )?;
        match self.expected {
            Expected::Number { max } => write!(f, "a number from 0 to {max}"),
            Expected::Integer { min, max } => write!(f, "an integer from {min} to {max}"),
            Expected::PercentEncoded => write!(f, "valid percent-encoding (%XX)"),
            Expected::Custom(what) => f.write_str(what),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_first_value_and_ignores_unknown_names() {
        let q = Query::new(Some("seq=4&ms=10&jitter_ms=5&ms=99&flag"));
        assert_eq!(q.raw("ms"), Some("10"));
        assert_eq!(q.raw("jitter_ms"), Some("5"));
        assert_eq!(q.raw("flag"), Some(""));
        assert_eq!(q.raw("missing"), None);
        assert_eq!(Query::new(None).raw("ms"), None);
        assert_eq!(Query::new(Some("")).raw("ms"), None);
    }

    #[test]
    fn numbers_accept_fractions_and_reject_out_of_range() {
        let q = Query::new(Some(
            "ms=0.5&neg=-1&nan=NaN&inf=inf&big=1e9&word=abc&empty=",
        ));
        assert_eq!(q.f64_in("ms", 10.0, 1000.0), Ok(0.5));
        assert_eq!(q.f64_in("missing", 10.0, 1000.0), Ok(10.0));
        for name in ["neg", "nan", "inf", "big", "word", "empty"] {
            let err = q.f64_in(name, 0.0, 1000.0).unwrap_err();
            assert_eq!(err.name, name);
        }
    }

    #[test]
    fn integers_respect_bounds() {
        let q = Query::new(Some(
            "code=503&low=99&frac=1.5&huge=99999999999999999999999",
        ));
        assert_eq!(q.u64_in("code", 200, 200, 599), Ok(503));
        assert_eq!(q.u64_in("missing", 200, 200, 599), Ok(200));
        assert!(q.u64_in("low", 200, 200, 599).is_err());
        assert!(q.u64_in("frac", 200, 200, 599).is_err());
        assert!(q.u64_in("huge", 0, 0, u64::MAX).is_err());
    }

    #[test]
    fn error_message_names_the_parameter_and_the_range() {
        let err = Query::new(Some("ms=abc"))
            .f64_in("ms", 0.0, 600000.0)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "bad query parameter ms=\"abc\": expected a number from 0 to 600000"
        );
    }

    #[test]
    fn text_is_percent_decoded() {
        let q = Query::new(Some(
            "body=%3Cscript%3Ealert(1)%3C/script%3E+x&plain=abc&bad=%zz&cut=%4",
        ));
        assert_eq!(
            q.text("body").unwrap().as_deref(),
            Some(&b"<script>alert(1)</script> x"[..])
        );
        assert!(matches!(q.text("plain"), Ok(Some(Cow::Borrowed(b"abc")))));
        assert_eq!(q.text("missing"), Ok(None));
        assert_eq!(
            q.text("bad").unwrap_err().expected,
            Expected::PercentEncoded
        );
        assert!(q.text("cut").is_err());
    }
}
