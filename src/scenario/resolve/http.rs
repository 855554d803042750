//! The `[http]` section: protocol version, timeouts, connection and in-flight limits, TLS.

use super::values::{optional_duration, positive};
use super::{Resolved, Resolver};
use crate::scenario::error::{FieldError, FieldPath};
use crate::scenario::plan::{HttpPlan, HttpVersion, LoadModel, LoadPlan, Target, TlsPlan};
use crate::scenario::schema::{RawHttp, RawTls};
use std::time::Duration;

impl Resolver<'_> {
    pub(super) fn resolve_http(
        &mut self,
        raw: &RawHttp,
        target: &Target,
        load: &LoadPlan,
        at: &FieldPath,
    ) -> Resolved<HttpPlan> {
        let version = match raw.version.as_deref() {
            None | Some("1.1") | Some("1") => HttpVersion::Http1,
            Some("2") | Some("2.0") => HttpVersion::Http2,
            Some(other) => {
                return Err(FieldError::new(
                    at.key("version"),
                    format!("unknown HTTP version {other:?}; use \"1.1\" or \"2\""),
                ))
            }
        };
        let timeout = optional_duration(
            raw.timeout.as_deref(),
            Duration::from_secs(30),
            &at.key("timeout"),
        )?;
        let connect_timeout = optional_duration(
            raw.connect_timeout.as_deref(),
            Duration::from_secs(5),
            &at.key("connect_timeout"),
        )?;
        let connections = raw
            .connections
            .map(|c| positive(c, &at.key("connections")))
            .transpose()?;
        let max_in_flight = raw
            .max_in_flight
            .map(|c| positive(c, &at.key("max_in_flight")))
            .transpose()?;
        let (connections, max_in_flight) = match (version, load.model) {
            (_, LoadModel::Closed { .. }) => {
                let users = load
                    .stages
                    .iter()
                    .map(|s| s.from.max(s.to))
                    .fold(0.0, f64::max) as usize;
                let conns = match version {
                    HttpVersion::Http1 => users.max(1),
                    HttpVersion::Http2 => connections.unwrap_or(1).min(users.max(1)),
                };
                (conns, users.max(1))
            }
            (HttpVersion::Http1, LoadModel::Open) => {
                let n = match (connections, max_in_flight) {
                    (Some(c), Some(m)) if m > c => {
                        return Err(FieldError::new(
                            at.key("max_in_flight"),
                            format!("HTTP/1.1 carries one request per connection: max_in_flight ({m}) cannot exceed connections ({c})"),
                        ))
                    }
                    (_, Some(m)) => m,
                    (Some(c), None) => c,
                    (None, None) => 256,
                };
                (n, n)
            }
            (HttpVersion::Http2, LoadModel::Open) => {
                let c = connections.unwrap_or(1);
                (c, max_in_flight.unwrap_or(256).max(c))
            }
        };
        let tls = match &raw.tls {
            None => TlsPlan::default(),
            Some(t) => self.resolve_tls(t, target, &at.key("tls"))?,
        };
        Ok(HttpPlan {
            version,
            timeout,
            connect_timeout,
            connections,
            max_in_flight,
            headers: self.headers(&raw.headers, &at.key("headers"))?,
            tls,
        })
    }

    fn resolve_tls(&mut self, raw: &RawTls, target: &Target, at: &FieldPath) -> Resolved<TlsPlan> {
        if let Target::Url(uri) = target {
            if uri.scheme_str() != Some("https") {
                return Err(FieldError::new(
                    at.clone(),
                    "TLS settings need an https:// target",
                ));
            }
        }
        let ca = match &raw.ca {
            None => None,
            Some(path) => {
                let full = self.ctx.base_dir.join(path);
                if !full.is_file() {
                    return Err(FieldError::new(
                        at.key("ca"),
                        format!("CA file {} does not exist", full.display()),
                    ));
                }
                Some(full)
            }
        };
        Ok(TlsPlan {
            insecure: raw.insecure,
            ca,
            sni: raw.sni.clone(),
        })
    }
}
