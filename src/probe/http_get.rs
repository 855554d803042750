//! A one-shot HTTP/1.1 GET over hyper's connection API, for probes: one TCP (and TLS)
//! connection per request, request headers, an overall timeout, and a capped body.
//! Any status is returned as data; interpreting it is the caller's job.

use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, HOST};
use http::{HeaderMap, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::{truncate_text, ProbeError, ProbeTls};

/// The largest response body a probe accepts (256 MiB).
pub const MAX_BODY_BYTES: usize = 256 << 20;

/// A complete response: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl HttpResponse {
    /// The body as text (lossy UTF-8), trimmed and cut to `max` bytes: for error messages.
    pub fn body_excerpt(&self, max: usize) -> String {
        truncate_text(&String::from_utf8_lossy(&self.body), max)
    }
}

/// `uri` as it may appear in messages: scheme, host, port, path and query, no user info.
pub fn display_url(uri: &Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("http");
    let host = uri.host().unwrap_or("");
    let port = uri.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    format!("{scheme}://{host}{port}{path}")
}

/// GETs `url` with `headers`, within `timeout` for the whole exchange (connect, TLS,
/// response, body). Returns the response whatever its status.
pub async fn http_get(
    url: &Uri,
    headers: &[(String, String)],
    tls: &ProbeTls,
    timeout: Duration,
) -> Result<HttpResponse, ProbeError> {
    let shown = display_url(url);
    match tokio::time::timeout(timeout, get(url, headers, tls, &shown)).await {
        Ok(result) => result,
        Err(_) => Err(ProbeError::Timeout {
            url: shown,
            after: timeout,
        }),
    }
}

struct Target<'a> {
    https: bool,
    host: &'a str,
    port: u16,
}

fn target<'a>(url: &'a Uri, shown: &str) -> Result<Target<'a>, ProbeError> {
    let invalid = |reason: &str| ProbeError::InvalidUrl {
        url: shown.to_string(),
        reason: reason.into(),
    };
    let https = match url.scheme_str() {
        Some("http") => false,
        Some("https") => true,
        Some(other) => {
            return Err(invalid(&format!(
                "unsupported scheme {other:?} (use http or https)"
            )))
        }
        None => return Err(invalid("missing scheme (http:// or https://)")),
    };
    let host = url
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid("missing host"))?;
    let port = url.port_u16().unwrap_or(if https { 443 } else { 80 });
    Ok(Target { https, host, port })
}

async fn get(
    url: &Uri,
    headers: &[(String, String)],
    tls: &ProbeTls,
    shown: &str,
) -> Result<HttpResponse, ProbeError> {
    let target = target(url, shown)?;
    let request = build_request(url, headers, &target)?;
    // IPv6 literals come bracketed in URIs; sockets and SNI want them bare.
    let host = target.host.trim_start_matches('[').trim_end_matches(']');
    let tcp = TcpStream::connect((host, target.port))
        .await
        .map_err(|e| ProbeError::Connect {
            url: shown.to_string(),
            reason: io_reason(&e),
        })?;
    let _ = tcp.set_nodelay(true);
    if !target.https {
        return exchange(tcp, request, shown).await;
    }
    let tls_err = |reason: String| ProbeError::Tls {
        url: shown.to_string(),
        reason,
    };
    let config = tls.client_config().map_err(tls_err)?;
    let name = ServerName::try_from(host.to_string()).map_err(|e| tls_err(e.to_string()))?;
    let stream = tokio_rustls::TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| tls_err(io_reason(&e)))?;
    exchange(stream, request, shown).await
}

fn build_request(
    url: &Uri,
    headers: &[(String, String)],
    target: &Target<'_>,
) -> Result<Request<Empty<Bytes>>, ProbeError> {
    let path = url.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let default_port = if target.https { 443 } else { 80 };
    let host = if target.port == default_port {
        target.host.to_string()
    } else {
        format!("{}:{}", target.host, target.port)
    };
    let mut request =
        Request::get(path)
            .body(Empty::new())
            .map_err(|e| ProbeError::InvalidUrl {
                url: display_url(url),
                reason: e.to_string(),
            })?;
    let map = request.headers_mut();
    let host = HeaderValue::from_str(&host).map_err(|e| ProbeError::InvalidUrl {
        url: display_url(url),
        reason: e.to_string(),
    })?;
    map.insert(HOST, host);
    map.insert(
        http::header::USER_AGENT,
        HeaderValue::from_static("loadlab-probe"),
    );
    for (name, value) in headers {
        let invalid = |reason: String| ProbeError::InvalidHeader {
            name: name.clone(),
            reason,
        };
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|e| invalid(e.to_string()))?;
        // Never echo the value: headers carry tokens.
        let value = HeaderValue::from_str(value)
            .map_err(|_| invalid("invalid characters in value".into()))?;
        map.insert(header, value);
    }
    Ok(request)
}

/// Aborts the connection task when the request is done or dropped (timeout).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn exchange<S>(
    stream: S,
    request: Request<Empty<Bytes>>,
    shown: &str,
) -> Result<HttpResponse, ProbeError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let http_err = |e: hyper::Error| ProbeError::Http {
        url: shown.to_string(),
        reason: hyper_reason(&e),
    };
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(http_err)?;
    let _conn = AbortOnDrop(tokio::spawn(async move {
        let _ = conn.await;
    }));
    let response = sender.send_request(request).await.map_err(http_err)?;
    let (parts, body) = response.into_parts();
    let body = Limited::new(body, MAX_BODY_BYTES)
        .collect()
        .await
        .map_err(|e| {
            if e.downcast_ref::<LengthLimitError>().is_some() {
                ProbeError::BodyTooLarge {
                    url: shown.to_string(),
                    limit: MAX_BODY_BYTES,
                }
            } else {
                ProbeError::Http {
                    url: shown.to_string(),
                    reason: format!("reading body: {e}"),
                }
            }
        })?;
    Ok(HttpResponse {
        status: parts.status,
        headers: parts.headers,
        body: body.to_bytes(),
    })
}

fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused => "connection refused".into(),
        ConnectionReset => "connection reset by peer".into(),
        TimedOut => "connection timed out".into(),
        _ => e.to_string(),
    }
}

fn hyper_reason(e: &hyper::Error) -> String {
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        reason = format!("{reason}: {s}");
        source = s.source();
    }
    reason
}

#[cfg(test)]
#[path = "http_get_tests.rs"]
mod tests;
