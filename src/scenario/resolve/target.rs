//! Where the load goes: the target (a URL or the built-in demo) and the URLs probes use.

use super::values::positive;
use super::{Resolved, Resolver};
use crate::scenario::error::{FieldError, FieldPath};
use crate::scenario::plan::{DemoOptions, Target};
use crate::scenario::schema::RawDemo;
use http::Uri;

pub(super) fn resolve_demo(raw: Option<&RawDemo>, at: &FieldPath) -> Resolved<DemoOptions> {
    let mut demo = DemoOptions::default();
    let Some(raw) = raw else { return Ok(demo) };
    if let Some(scale) = raw.delay_scale {
        if !(scale.is_finite() && scale > 0.0) {
            return Err(FieldError::new(
                at.key("delay_scale"),
                "must be a positive number",
            ));
        }
        demo.delay_scale = scale;
    }
    if let Some(workers) = raw.limited_workers {
        demo.limited_workers = positive(workers, &at.key("limited_workers"))?;
    }
    Ok(demo)
}

impl Resolver<'_> {
    /// URLs may use `{{env.X}}` too (a host or a token in a query string), but nothing dynamic.
    pub(super) fn static_url(&mut self, text: &str, at: &FieldPath) -> Resolved<Uri> {
        let t = self.template(text, at)?;
        let Some(value) = t.static_value() else {
            return Err(FieldError::new(
                at.clone(),
                "only {{env.X}} may be used in a URL",
            ));
        };
        parse_http_url(value).map_err(|m| FieldError::new(at.clone(), m))
    }

    /// Probe URLs may be absolute, or a path (`/debug/pprof/profile`) on the target itself.
    /// Templates apply to both forms (`/metrics?token={{env.T}}`).
    pub(super) fn probe_url(&mut self, text: &str, at: &FieldPath) -> Resolved<Uri> {
        if text.starts_with('/') {
            let t = self.template(text, at)?;
            let Some(value) = t.static_value() else {
                return Err(FieldError::new(
                    at.clone(),
                    "only {{env.X}} may be used in a URL",
                ));
            };
            return value
                .parse::<Uri>()
                .map_err(|e| FieldError::new(at.clone(), format!("invalid path {text:?}: {e}")));
        }
        self.static_url(text, at)
    }

    pub(super) fn resolve_target(
        &mut self,
        text: &str,
        demo: DemoOptions,
        at: &FieldPath,
    ) -> Resolved<Target> {
        if text.trim() == "demo" {
            return Ok(Target::Demo(demo));
        }
        self.static_url(text, at).map(Target::Url)
    }
}

/// An absolute http(s) URL with a host.
pub fn parse_http_url(text: &str) -> Result<Uri, String> {
    let uri: Uri = text
        .parse()
        .map_err(|e| format!("invalid URL {text:?}: {e}"))?;
    match uri.scheme_str() {
        Some("http") | Some("https") => {}
        _ => return Err(format!("URL {text:?} must start with http:// or https://")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(format!("URL {text:?} has no host"));
    }
    // `http` accepts any digits as a port; an unusable one would silently become the default.
    let host_port = uri
        .authority()
        .and_then(|a| a.as_str().rsplit('@').next())
        .unwrap_or("");
    if let Some((_, port)) = host_port
        .rsplit_once(':')
        .filter(|_| !host_port.ends_with(']'))
    {
        if !matches!(port.parse::<u16>(), Ok(1..)) {
            return Err(format!(
                "URL {text:?}: port {port:?} is not a number between 1 and 65535"
            ));
        }
    }
    Ok(uri)
}
