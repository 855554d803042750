//! Request templates: `{{env.NAME}}`, `{{rand A B}}`, `{{seq}}`, `{{uuid}}` compiled once, then
//! rendered per request into a reused buffer.

use std::fmt::Write as _;

/// A compiled template. `source` is what the user wrote (safe to show: environment values are
/// never in it); the parts hold the resolved pieces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Literal(String),
    Rand { low: i64, high: i64 },
    Seq,
    Uuid,
}

/// Per-worker state that dynamic parts draw on.
pub struct RenderContext {
    pub seq: u64,
    pub rng: fastrand::Rng,
}

/// What compiling a template found besides the parts: environment values that are secrets.
#[derive(Debug, Default)]
pub struct Compiled {
    pub template: Template,
    pub secrets: Vec<String>,
}

impl Template {
    /// Compiles `source`, resolving `{{env.X}}` through `env` (values become secrets).
    pub fn compile(source: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Compiled, String> {
        let mut parts = Vec::new();
        let mut secrets = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find("{{") {
            push_literal(&mut parts, &rest[..open]);
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| format!("unclosed `{{{{` in template {source:?}"))?;
            let expr = after[..close].trim();
            parts.push(compile_expr(expr, env, &mut secrets)?);
            rest = &after[close + 2..];
        }
        push_literal(&mut parts, rest);
        merge_literals(&mut parts);
        Ok(Compiled {
            template: Template {
                source: source.to_string(),
                parts,
            },
            secrets,
        })
    }

    /// A template with no placeholders.
    pub fn literal(text: &str) -> Template {
        Template {
            source: text.to_string(),
            parts: vec![Part::Literal(text.to_string())],
        }
    }

    /// What the user wrote.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The rendered text when the template has no dynamic parts.
    pub fn static_value(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [Part::Literal(s)] => Some(s),
            _ => None,
        }
    }

    /// Appends the rendering to `out`.
    pub fn render_into(&self, out: &mut String, ctx: &mut RenderContext) {
        for part in &self.parts {
            match part {
                Part::Literal(s) => out.push_str(s),
                Part::Rand { low, high } => {
                    let _ = write!(out, "{}", ctx.rng.i64(*low..=*high));
                }
                Part::Seq => {
                    let _ = write!(out, "{}", ctx.seq);
                }
                Part::Uuid => write_uuid_v4(out, ctx.rng.u128(..)),
            }
        }
    }
}

fn push_literal(parts: &mut Vec<Part>, text: &str) {
    if !text.is_empty() {
        parts.push(Part::Literal(text.to_string()));
    }
}

fn merge_literals(parts: &mut Vec<Part>) {
    let mut merged: Vec<Part> = Vec::with_capacity(parts.len());
    for part in parts.drain(..) {
        match (merged.last_mut(), part) {
            (Some(Part::Literal(prev)), Part::Literal(next)) => prev.push_str(&next),
            (_, part) => merged.push(part),
        }
    }
    *parts = merged;
}

fn compile_expr(
    expr: &str,
    env: &dyn Fn(&str) -> Option<String>,
    secrets: &mut Vec<String>,
) -> Result<Part, String> {
    if let Some(name) = expr.strip_prefix("env.") {
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "invalid environment variable name in `{{{{{expr}}}}}`"
            ));
        }
        let value = env(name).ok_or_else(|| {
            format!("environment variable {name} is not set (used as `{{{{env.{name}}}}}`)")
        })?;
        if !value.is_empty() {
            secrets.push(value.clone());
        }
        return Ok(Part::Literal(value));
    }
    let mut words = expr.split_whitespace();
    match (words.next(), words.next(), words.next(), words.next()) {
        (Some("seq"), None, ..) => Ok(Part::Seq),
        (Some("uuid"), None, ..) => Ok(Part::Uuid),
        (Some("rand"), Some(a), Some(b), None) => {
            let low: i64 = a
                .parse()
                .map_err(|_| format!("`{{{{rand {a} {b}}}}}`: {a:?} is not an integer"))?;
            let high: i64 = b
                .parse()
                .map_err(|_| format!("`{{{{rand {a} {b}}}}}`: {b:?} is not an integer"))?;
            if low > high {
                return Err(format!(
                    "`{{{{rand {a} {b}}}}}`: the low bound is above the high bound"
                ));
            }
            Ok(Part::Rand { low, high })
        }
        (Some("rand"), ..) => Err(format!(
            "`{{{{{expr}}}}}`: rand takes two integers, e.g. `{{{{rand 1 100}}}}`"
        )),
        _ => Err(format!(
            "unknown template function `{{{{{expr}}}}}`; known: env.NAME, rand A B, seq, uuid"
        )),
    }
}

/// Formats 128 random bits as an RFC 4122 version 4 UUID.
fn write_uuid_v4(out: &mut String, bits: u128) {
    let b = (bits & !(0xF << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
    let _ = write!(
        out,
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        (b >> 96) as u32,
        (b >> 80) as u16,
        (b >> 64) as u16,
        (b >> 48) as u16,
        b & 0xFFFF_FFFF_FFFF
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "TOKEN").then(|| "s3cret".to_string())
    }

    fn render(t: &Template, seq: u64) -> String {
        let mut ctx = RenderContext {
            seq,
            rng: fastrand::Rng::with_seed(7),
        };
        let mut out = String::new();
        t.render_into(&mut out, &mut ctx);
        out
    }

    #[test]
    fn env_values_are_resolved_and_reported_as_secrets() {
        let c = Template::compile("Bearer {{ env.TOKEN }}", &env).unwrap();
        assert_eq!(c.template.static_value(), Some("Bearer s3cret"));
        assert_eq!(c.secrets, vec!["s3cret".to_string()]);
        assert_eq!(c.template.source(), "Bearer {{ env.TOKEN }}");
    }

    #[test]
    fn missing_env_is_an_error_naming_the_variable() {
        let e = Template::compile("{{env.NOPE}}", &env).unwrap_err();
        assert!(e.contains("NOPE is not set"), "{e}");
    }

    #[test]
    fn dynamic_parts_render() {
        let c = Template::compile("/item/{{rand 1 3}}?n={{seq}}", &env).unwrap();
        assert!(c.template.static_value().is_none());
        let out = render(&c.template, 41);
        assert!(out.starts_with("/item/") && out.ends_with("?n=41"), "{out}");
        let id: i64 = out[6..7].parse().unwrap();
        assert!((1..=3).contains(&id));
    }

    #[test]
    fn uuids_are_version_4() {
        let c = Template::compile("{{uuid}}", &env).unwrap();
        let out = render(&c.template, 0);
        assert_eq!(out.len(), 36);
        assert_eq!(&out[14..15], "4");
        assert!(matches!(&out[19..20], "8" | "9" | "a" | "b"), "{out}");
    }

    #[test]
    fn bad_templates_explain_themselves() {
        assert!(Template::compile("{{nope}}", &env)
            .unwrap_err()
            .contains("unknown template function"));
        assert!(Template::compile("{{rand 5 1}}", &env)
            .unwrap_err()
            .contains("low bound"));
        assert!(Template::compile("{{rand x 1}}", &env)
            .unwrap_err()
            .contains("not an integer"));
        assert!(Template::compile("a {{seq", &env)
            .unwrap_err()
            .contains("unclosed"));
    }
}
