//! Resolution: the scenario as written becomes a validated `Plan`, or a `FieldError` naming
//! the field to fix.

use super::error::{FieldError, FieldPath};
use super::plan::*;
use super::schema::*;
use super::template::Template;
use super::threshold::parse_threshold;
use super::units::{parse_duration, parse_rate};
use http::{HeaderName, Method, Uri};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

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
        compare: super::compare_section::resolve_optional(raw.compare.as_ref(), &root)?,
        secrets,
    })
}

fn resolve_demo(raw: Option<&RawDemo>, at: &FieldPath) -> Resolved<DemoOptions> {
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
    fn template(&mut self, text: &str, at: &FieldPath) -> Resolved<Template> {
        let compiled =
            Template::compile(text, self.ctx.env).map_err(|m| FieldError::new(at.clone(), m))?;
        self.secrets.extend(compiled.secrets);
        Ok(compiled.template)
    }

    /// URLs may use `{{env.X}}` too (a host or a token in a query string), but nothing dynamic.
    fn static_url(&mut self, text: &str, at: &FieldPath) -> Resolved<Uri> {
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
    fn probe_url(&mut self, text: &str, at: &FieldPath) -> Resolved<Uri> {
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

    fn resolve_target(
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

    fn headers(
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

    fn resolve_http(
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

    fn resolve_requests(
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

    fn resolve_profile(
        &mut self,
        raw: &RawProfile,
        load: &LoadPlan,
        at: &FieldPath,
    ) -> Resolved<ProfilePlan> {
        let url = self.probe_url(&raw.url, &at.key("url"))?;
        let stages = if raw.stages.is_empty() {
            vec![longest_stage(load)]
        } else {
            raw.stages
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    load.stage_index(name).ok_or_else(|| {
                        FieldError::new(at.key("stages").index(i), unknown_stage(name, load))
                    })
                })
                .collect::<Resolved<_>>()?
        };
        let seconds = match raw.seconds {
            None => None,
            Some(s) if s >= 1 => Some(s as u64),
            Some(_) => return Err(FieldError::new(at.key("seconds"), "must be at least 1")),
        };
        let kinds = if raw.kinds.is_empty() {
            vec![ProfileKind::Cpu]
        } else {
            raw.kinds
                .iter()
                .enumerate()
                .map(|(i, k)| match k.as_str() {
                    "cpu" => Ok(ProfileKind::Cpu),
                    "heap" => Ok(ProfileKind::Heap),
                    "goroutine" => Ok(ProfileKind::Goroutine),
                    other => Err(FieldError::new(
                        at.key("kinds").index(i),
                        format!("unknown profile kind {other:?}; use cpu, heap or goroutine"),
                    )),
                })
                .collect::<Resolved<_>>()?
        };
        Ok(ProfilePlan {
            url,
            stages,
            seconds,
            kinds,
            headers: self.headers(&raw.headers, &at.key("headers"))?,
        })
    }

    fn resolve_metrics(&mut self, raw: &RawMetrics, at: &FieldPath) -> Resolved<MetricsPlan> {
        if raw.url.is_none() && raw.prometheus.is_none() {
            return Err(FieldError::new(at.clone(), "set `url` (a /metrics endpoint to scrape) or `prometheus` (a server to query), or both"));
        }
        let scrape = match &raw.url {
            None => None,
            Some(url) => Some(ScrapePlan {
                url: self.probe_url(url, &at.key("url"))?,
                interval: optional_duration(
                    raw.interval.as_deref(),
                    Duration::from_secs(2),
                    &at.key("interval"),
                )?,
                series: raw
                    .series
                    .iter()
                    .enumerate()
                    .map(|(i, text)| {
                        crate::probe::SeriesSelector::parse(text)
                            .map(|_| text.clone())
                            .map_err(|e| FieldError::new(at.key("series").index(i), e.to_string()))
                    })
                    .collect::<Resolved<_>>()?,
                headers: self.headers(&raw.headers, &at.key("headers"))?,
            }),
        };
        let query = match &raw.prometheus {
            None => {
                if !raw.queries.is_empty() {
                    return Err(FieldError::new(
                        at.key("queries"),
                        "queries need `prometheus = \"http://...\"`, the server to ask",
                    ));
                }
                None
            }
            Some(url) => Some(QueryPlan {
                prometheus: self.static_url(url, &at.key("prometheus"))?,
                queries: raw
                    .queries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                step: optional_duration(
                    raw.step.as_deref(),
                    Duration::from_secs(1),
                    &at.key("step"),
                )?,
            }),
        };
        Ok(MetricsPlan { scrape, query })
    }
}

fn longest_stage(load: &LoadPlan) -> usize {
    let mut best = 0;
    for (i, s) in load.stages.iter().enumerate() {
        if s.duration > load.stages[best].duration {
            best = i;
        }
    }
    best
}

fn unknown_stage(name: &str, load: &LoadPlan) -> String {
    let names: Vec<&str> = load.stages.iter().map(|s| s.name.as_str()).collect();
    format!("no stage named {name:?}; stages are: {}", names.join(", "))
}

fn resolve_load(raw: &RawLoad, at: &FieldPath) -> Resolved<LoadPlan> {
    let model = match raw.model.as_str() {
        "open" => {
            if raw.think_time.is_some() {
                return Err(FieldError::new(at.key("think_time"), "think_time applies to the closed model (users); the open model sends at a rate"));
            }
            LoadModel::Open
        }
        "closed" => LoadModel::Closed {
            think_time: optional_duration(
                raw.think_time.as_deref(),
                Duration::ZERO,
                &at.key("think_time"),
            )?,
        },
        other => {
            return Err(FieldError::new(
                at.key("model"),
                format!(
                    "unknown model {other:?}; use \"open\" (arrival rate) or \"closed\" (users)"
                ),
            ))
        }
    };
    let overload = match (raw.overload.as_deref(), model) {
        (None, _) | (Some("drop"), _) => Overload::Drop,
        (Some("queue"), LoadModel::Open) => Overload::Queue,
        (Some("queue"), LoadModel::Closed { .. }) => {
            return Err(FieldError::new(
                at.key("overload"),
                "overload applies to the open model; closed-model users wait by nature",
            ))
        }
        (Some(other), _) => {
            return Err(FieldError::new(
                at.key("overload"),
                format!("unknown overload policy {other:?}; use \"drop\" (count and skip) or \"queue\" (wait for a connection)"),
            ))
        }
    };
    if raw.stages.is_empty() {
        return Err(FieldError::new(
            at.key("stage"),
            "no [[load.stage]] defined",
        ));
    }
    let mut stages: Vec<StagePlan> = Vec::with_capacity(raw.stages.len());
    let mut start = Duration::ZERO;
    let mut level = 0.0;
    for (i, s) in raw.stages.iter().enumerate() {
        let at = at.key("stage").index(i);
        let name = s.name.clone().unwrap_or_else(|| format!("stage{}", i + 1));
        if name.contains(':') || name.trim().is_empty() {
            return Err(FieldError::new(
                at.key("name"),
                "must be non-empty and contain no `:`",
            ));
        }
        if stages.iter().any(|p| p.name == name) {
            return Err(FieldError::new(
                at.key("name"),
                format!("duplicate stage name {name:?}"),
            ));
        }
        let duration =
            parse_duration(&s.duration).map_err(|m| FieldError::new(at.key("duration"), m))?;
        if duration.is_zero() {
            return Err(FieldError::new(
                at.key("duration"),
                "must be longer than zero",
            ));
        }
        let target = stage_level(s, model, &at)?;
        let warmup = optional_duration(s.warmup.as_deref(), Duration::ZERO, &at.key("warmup"))?;
        if warmup >= duration {
            return Err(FieldError::new(
                at.key("warmup"),
                "must be shorter than the stage's duration",
            ));
        }
        let from = if s.ramp { level } else { target };
        stages.push(StagePlan {
            name,
            start,
            duration,
            from,
            to: target,
            warmup,
        });
        start += duration;
        level = target;
    }
    Ok(LoadPlan {
        model,
        overload,
        stages,
    })
}

fn stage_level(s: &RawStage, model: LoadModel, at: &FieldPath) -> Resolved<f64> {
    match (model, &s.rate, s.users) {
        (_, Some(_), Some(_)) => Err(FieldError::new(at.key("users"), "set rate (open model) or users (closed model), not both")),
        (LoadModel::Open, Some(rate), None) => {
            let r = match rate {
                RateValue::Number(n) => *n,
                RateValue::Text(t) => parse_rate(t).map_err(|m| FieldError::new(at.key("rate"), m))?,
            };
            if !(r.is_finite() && r >= 0.0) {
                return Err(FieldError::new(at.key("rate"), "must be zero or positive"));
            }
            if r > 10_000_000.0 {
                return Err(FieldError::new(at.key("rate"), "above 10M/s; split the load into segments"));
            }
            Ok(r)
        }
        (LoadModel::Open, None, _) => Err(FieldError::new(
            at.key("rate"),
            "the open model needs a rate per stage, e.g. rate = \"200/s\" (users belong to the closed model)",
        )),
        (LoadModel::Closed { .. }, None, Some(users)) => {
            if !(0..=100_000).contains(&users) {
                return Err(FieldError::new(at.key("users"), "must be between 0 and 100000"));
            }
            Ok(users as f64)
        }
        (LoadModel::Closed { .. }, _, None) => Err(FieldError::new(
            at.key("users"),
            "the closed model needs users per stage (a rate belongs to the open model)",
        )),
    }
}

fn resolve_thresholds(
    raw: &BTreeMap<String, String>,
    requests: &[RequestPlan],
    load: &LoadPlan,
    at: &FieldPath,
) -> Resolved<Vec<super::threshold::Threshold>> {
    raw.iter()
        .map(|(key, value)| {
            let field = at.key(key);
            let t = parse_threshold(key, value).map_err(|m| FieldError::new(field.clone(), m))?;
            if let Some(stage) = &t.stage {
                if load.stage_index(stage).is_none() {
                    return Err(FieldError::new(field, unknown_stage(stage, load)));
                }
            }
            if let Some(req) = &t.request {
                if !requests.iter().any(|r| &r.name == req) {
                    let names: Vec<&str> = requests.iter().map(|r| r.name.as_str()).collect();
                    return Err(FieldError::new(
                        field,
                        format!(
                            "no request named {req:?}; requests are: {}",
                            names.join(", ")
                        ),
                    ));
                }
            }
            Ok(t)
        })
        .collect()
}

fn optional_duration(text: Option<&str>, default: Duration, at: &FieldPath) -> Resolved<Duration> {
    match text {
        None => Ok(default),
        Some(t) => parse_duration(t).map_err(|m| FieldError::new(at.clone(), m)),
    }
}

fn positive(value: i64, at: &FieldPath) -> Resolved<usize> {
    if (1..=1_000_000).contains(&value) {
        Ok(value as usize)
    } else {
        Err(FieldError::new(at.clone(), "must be between 1 and 1000000"))
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

/// One rendering of a template with a fixed context: dynamic parts (numbers, UUIDs) never add
/// characters that are invalid in a URL or header, so this checks the literal parts.
fn sample_rendering(t: &Template) -> String {
    let mut out = String::new();
    t.render_into(
        &mut out,
        &mut super::template::RenderContext {
            seq: 0,
            rng: fastrand::Rng::with_seed(1),
        },
    );
    out
}
