//! Templates in the scenario: compiled once, their `{{env.X}}` values collected as secrets.

use super::{Resolved, Resolver};
use crate::scenario::error::{FieldError, FieldPath};
use crate::scenario::template::{RenderContext, Template};
use http::HeaderName;
use std::collections::BTreeMap;

impl Resolver<'_> {
    pub(super) fn template(&mut self, text: &str, at: &FieldPath) -> Resolved<Template> {
        let compiled =
            Template::compile(text, self.ctx.env).map_err(|m| FieldError::new(at.clone(), m))?;
        self.secrets.extend(compiled.secrets);
        Ok(compiled.template)
    }

    pub(super) fn headers(
        &mut self,
        raw: &BTreeMap<String, String>,
        at: &FieldPath,
    ) -> Resolved<Vec<(HeaderName, Template)>> {
        raw.iter()
            .map(|(name, value)| {
                let field = at.key(name);
                let header = HeaderName::try_from(name.as_str()).map_err(|_| {
                    FieldError::new(
                        field.clone(),
                        format!("{name:?} is not a valid header name"),
                    )
                })?;
                let template = self.template(value, &field)?;
                if http::HeaderValue::from_str(&sample_rendering(&template)).is_err() {
                    return Err(FieldError::new(
                        field,
                        "not a valid header value: control characters (such as a line break) are not allowed",
                    ));
                }
                Ok((header, template))
            })
            .collect()
    }
}

/// One rendering of a template with a fixed context: dynamic parts (numbers, UUIDs) never add
/// characters that are invalid in a URL or header, so this checks the literal parts.
pub(super) fn sample_rendering(t: &Template) -> String {
    let mut out = String::new();
    t.render_into(
        &mut out,
        &mut RenderContext {
            seq: 0,
            rng: fastrand::Rng::with_seed(1),
        },
    );
    out
}
