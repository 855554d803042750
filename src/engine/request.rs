//! Building requests: weighted choice of the scenario's requests, templates rendered into a
//! reused buffer, static parts (URI, headers, bodies) prepared once.

use super::connect::RequestBody;
use crate::scenario::{Body, HttpVersion, Plan, RenderContext, RequestPlan, Template};
use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, HOST, USER_AGENT};
use http::{Method, Request, Uri};

/// A request of the scenario, ready to be stamped out.
struct Prepared {
    method: Method,
    path: Template,
    static_uri: Option<Uri>,
    headers: HeaderMap,
    dynamic_headers: Vec<(HeaderName, Template)>,
    body: PreparedBody,
}

enum PreparedBody {
    Empty,
    Static(Bytes),
    Template(Template),
}

pub struct RequestFactory {
    prepared: Vec<Prepared>,
    /// Cumulative weights, for weighted choice.
    cumulative: Vec<u64>,
    /// `scheme://authority` for HTTP/2 (absolute URIs), empty for HTTP/1.1 (origin form).
    uri_prefix: String,
    /// Path of the target URL (without a trailing `/`), prefixed to every request path.
    base_path: String,
}

#[derive(Debug, thiserror::Error)]
#[error("request {request:?}: {message}")]
pub struct RequestSetupError {
    pub request: String,
    pub message: String,
}

impl RequestFactory {
    pub fn new(plan: &Plan, target: &Uri) -> Result<RequestFactory, RequestSetupError> {
        let authority = target
            .authority()
            .map(|a| a.as_str())
            .unwrap_or("")
            .to_string();
        let uri_prefix = match plan.http.version {
            HttpVersion::Http1 => String::new(),
            HttpVersion::Http2 => {
                format!("{}://{}", target.scheme_str().unwrap_or("http"), authority)
            }
        };
        let base_path = target.path().trim_end_matches('/').to_string();
        let mut factory = RequestFactory {
            prepared: Vec::new(),
            cumulative: Vec::new(),
            uri_prefix,
            base_path,
        };
        let mut total = 0u64;
        for req in &plan.requests {
            let prepared = factory.prepare(plan, req, &authority)?;
            factory.prepared.push(prepared);
            total += req.weight as u64;
            factory.cumulative.push(total);
        }
        Ok(factory)
    }

    fn prepare(
        &self,
        plan: &Plan,
        req: &RequestPlan,
        authority: &str,
    ) -> Result<Prepared, RequestSetupError> {
        let err = |message: String| RequestSetupError {
            request: req.name.clone(),
            message,
        };
        let mut headers = HeaderMap::new();
        if plan.http.version == HttpVersion::Http1 {
            let host = HeaderValue::from_str(authority)
                .map_err(|_| err(format!("invalid host {authority:?}")))?;
            headers.insert(HOST, host);
        }
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("loadlab/", env!("CARGO_PKG_VERSION"))),
        );
        let mut dynamic_headers = Vec::new();
        for (name, value) in plan.http.headers.iter().chain(&req.headers) {
            match value.static_value() {
                Some(v) => {
                    let v = HeaderValue::from_str(v).map_err(|_| {
                        err(format!(
                            "header {name} has a value that is not valid in HTTP"
                        ))
                    })?;
                    headers.insert(name.clone(), v);
                }
                None => dynamic_headers.push((name.clone(), value.clone())),
            }
        }
        let static_uri = match req.path.static_value() {
            Some(p) => Some(self.uri(p).map_err(err)?),
            None => {
                // Render once to catch templates that can never form a valid URI.
                let mut probe = String::new();
                req.path.render_into(
                    &mut probe,
                    &mut RenderContext {
                        seq: 0,
                        rng: fastrand::Rng::with_seed(1),
                    },
                );
                self.uri(&probe).map_err(err)?;
                None
            }
        };
        let body = match &req.body {
            None => PreparedBody::Empty,
            Some(Body::Bytes(b)) => PreparedBody::Static(b.clone()),
            Some(Body::Template(t)) => match t.static_value() {
                Some(s) => PreparedBody::Static(Bytes::copy_from_slice(s.as_bytes())),
                None => PreparedBody::Template(t.clone()),
            },
        };
        Ok(Prepared {
            method: req.method.clone(),
            path: req.path.clone(),
            static_uri,
            headers,
            dynamic_headers,
            body,
        })
    }

    fn uri(&self, path: &str) -> Result<Uri, String> {
        let full = format!("{}{}{}", self.uri_prefix, self.base_path, path);
        full.parse::<Uri>()
            .map_err(|e| format!("path {path:?} does not form a valid URI: {e}"))
    }

    /// Picks a request index by weight.
    #[inline]
    pub fn pick(&self, rng: &mut fastrand::Rng) -> usize {
        let total = *self.cumulative.last().unwrap_or(&1);
        if self.cumulative.len() == 1 {
            return 0;
        }
        let x = rng.u64(0..total);
        self.cumulative.partition_point(|&c| c <= x)
    }

    /// Builds request `index`. `scratch` is reused between calls to render templates.
    pub fn build(
        &self,
        index: usize,
        ctx: &mut RenderContext,
        scratch: &mut String,
    ) -> Request<RequestBody> {
        let p = &self.prepared[index];
        let uri = match &p.static_uri {
            Some(u) => u.clone(),
            None => {
                scratch.clear();
                scratch.push_str(&self.uri_prefix);
                scratch.push_str(&self.base_path);
                p.path.render_into(scratch, ctx);
                // Validated at preparation; a failure here would be a template bug, so fall
                // back to the base path rather than panic mid-run.
                scratch.parse().unwrap_or_else(|_| Uri::from_static("/"))
            }
        };
        let mut headers = p.headers.clone();
        for (name, template) in &p.dynamic_headers {
            scratch.clear();
            template.render_into(scratch, ctx);
            if let Ok(v) = HeaderValue::from_str(scratch) {
                headers.insert(name.clone(), v);
            }
        }
        let body = match &p.body {
            PreparedBody::Empty => Bytes::new(),
            PreparedBody::Static(b) => b.clone(),
            PreparedBody::Template(t) => {
                scratch.clear();
                t.render_into(scratch, ctx);
                Bytes::copy_from_slice(scratch.as_bytes())
            }
        };
        let mut request = Request::new(RequestBody::new(body));
        *request.method_mut() = p.method.clone();
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        request
    }
}
