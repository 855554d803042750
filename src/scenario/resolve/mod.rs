//! Resolution: the scenario as written becomes a validated `Plan`, or a `FieldError` naming
//! the field to fix.
//!
//! Each section has its own module; this one runs them in order and collects the secrets
//! (`{{env.X}}` values) that later outputs must redact.

mod http;
mod load;
mod probes;
mod requests;
mod send_ahead;
mod target;
mod templates;
mod thresholds;
mod values;

pub use target::parse_http_url;

use super::compare_section::resolve_optional as resolve_compare;
use super::error::{FieldError, FieldPath};
use super::plan::*;
use super::schema::RawScenario;
use load::resolve_load;
use std::path::Path;
use target::resolve_demo;
use thresholds::resolve_thresholds;

type Resolved<T> = Result<T, FieldError>;

/// Everything resolution needs from outside the file.
pub struct ResolveContext<'a> {
    /// Directory relative paths (CA files, body files) are resolved against.
    pub base_dir: &'a Path,
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

/// Collects secrets while templates are compiled.
struct Resolver<'a> {
    ctx: &'a ResolveContext<'a>,
    secrets: Vec<String>,
}

pub fn resolve(raw: RawScenario, source: ScenarioSource, ctx: &ResolveContext) -> Resolved<Plan> {
    let mut r = Resolver {
        ctx,
        secrets: Vec::new(),
    };
    // An error may quote a value that came from the environment (an invalid URL holding a
    // token): messages are redacted like every other output.
    resolve_with(&mut r, raw, source).map_err(|mut e| {
        e.message = crate::redact::Redactor::new(&r.secrets)
            .text(&e.message)
            .into_owned();
        e
    })
}

fn resolve_with(r: &mut Resolver, raw: RawScenario, source: ScenarioSource) -> Resolved<Plan> {
    let root = FieldPath::root();
    if raw.name.trim().is_empty() {
        return Err(FieldError::new(root.key("name"), "must not be empty"));
    }
    let demo = resolve_demo(raw.demo.as_ref(), &root.key("demo"))?;
    let target = r.resolve_target(&raw.target, demo, &root.key("target"))?;
    let load = resolve_load(&raw.load, &root.key("load"))?;
    let http = r.resolve_http(&raw.http, &target, &load, &root.key("http"))?;
    let requests = r.resolve_requests(&raw.requests, &root.key("request"))?;
    let thresholds =
        resolve_thresholds(&raw.thresholds, &requests, &load, &root.key("thresholds"))?;
    let profile = match &raw.profile {
        Some(p) => Some(r.resolve_profile(p, &load, &root.key("profile"))?),
        None => None,
    };
    let metrics = match &raw.metrics {
        Some(m) => Some(r.resolve_metrics(m, &root.key("metrics"))?),
        None => None,
    };
    let compare = resolve_compare(raw.compare.as_ref(), &root)?;
    let mut secrets = r.secrets.clone();
    secrets.sort();
    secrets.dedup();
    Ok(Plan {
        name: raw.name,
        description: raw.description,
        source,
        target,
        http,
        requests,
        load,
        thresholds,
        profile,
        metrics,
        compare,
        secrets,
    })
}
