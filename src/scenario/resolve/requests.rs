//! The `[[request]]` entries: method, path and body templates, weights, expected statuses.

use super::templates::sample_rendering;
use super::{Resolved, Resolver};
use crate::scenario::error::{FieldError, FieldPath};
use crate::scenario::plan::{Body, RequestPlan};
use crate::scenario::schema::{OneOrMany, RawRequest};
use http::Method;

impl Resolver<'_> {
    pub(super) fn resolve_requests(
        &mut self,
        raw: &[RawRequest],
        at: &FieldPath,
    ) -> Resolved<Vec<RequestPlan>> {
        if raw.is_empty() {
            return Err(FieldError::new(
                at.clone(),
                "no [[request]] defined; add at least one with a name and a path",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        raw.iter()
            .enumerate()
            .map(|(i, req)| {
                let at = at.index(i);
                if req.name.trim().is_empty() || req.name.contains(':') {
                    return Err(FieldError::new(
                        at.key("name"),
                        "must be non-empty and contain no `:`",
                    ));
                }
                if !seen.insert(req.name.clone()) {
                    return Err(FieldError::new(
                        at.key("name"),
                        format!("duplicate request name {:?}", req.name),
                    ));
                }
                self.resolve_request(req, &at)
            })
            .collect()
    }

    fn resolve_request(&mut self, raw: &RawRequest, at: &FieldPath) -> Resolved<RequestPlan> {
        let method = match raw.method.as_deref() {
            None => Method::GET,
            Some(m) => Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                .map_err(|_| FieldError::new(at.key("method"), format!("invalid method {m:?}")))?,
        };
        if !raw.path.starts_with('/') {
            return Err(FieldError::new(
                at.key("path"),
                "must start with `/` (the target holds scheme, host and port)",
            ));
        }
        let path = self.template(&raw.path, &at.key("path"))?;
        if sample_rendering(&path)
            .parse::<http::uri::PathAndQuery>()
            .is_err()
        {
            return Err(FieldError::new(
                at.key("path"),
                format!(
                    "{:?} is not a valid URL path: spaces and other special characters must be percent-encoded (a space is %20)",
                    path.source()
                ),
            ));
        }
        let body = match (&raw.body, &raw.body_file) {
            (Some(_), Some(_)) => {
                return Err(FieldError::new(
                    at.key("body_file"),
                    "set either body or body_file, not both",
                ))
            }
            (Some(text), None) => Some(Body::Template(self.template(text, &at.key("body"))?)),
            (None, Some(file)) => {
                let full = self.ctx.base_dir.join(file);
                let bytes = std::fs::read(&full).map_err(|e| {
                    FieldError::new(
                        at.key("body_file"),
                        format!("cannot read {}: {e}", full.display()),
                    )
                })?;
                Some(Body::Bytes(bytes.into()))
            }
            (None, None) => None,
        };
        let weight = match raw.weight {
            None => 1,
            Some(w) if (1..=1_000_000).contains(&w) => w as u32,
            Some(_) => {
                return Err(FieldError::new(
                    at.key("weight"),
                    "must be between 1 and 1000000",
                ))
            }
        };
        let expect_status = match &raw.expect_status {
            None => Vec::new(),
            Some(OneOrMany::One(code)) => vec![status_code(*code, &at.key("expect_status"))?],
            Some(OneOrMany::Many(codes)) => codes
                .iter()
                .enumerate()
                .map(|(i, c)| status_code(*c, &at.key("expect_status").index(i)))
                .collect::<Resolved<_>>()?,
        };
        Ok(RequestPlan {
            name: raw.name.clone(),
            method,
            path,
            headers: self.headers(&raw.headers, &at.key("headers"))?,
            body,
            weight,
            expect_status,
        })
    }
}

fn status_code(code: i64, at: &FieldPath) -> Resolved<u16> {
    if (100..=599).contains(&code) {
        Ok(code as u16)
    } else {
        Err(FieldError::new(
            at.clone(),
            format!("{code} is not an HTTP status code"),
        ))
    }
}
