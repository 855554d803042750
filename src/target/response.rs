//! Small response builders shared by the handlers. Bodies are `Full<Bytes>`: a static or
//! already-built buffer, so a response costs no allocation beyond what hyper itself needs.

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Response, StatusCode};
use http_body_util::Full;

use super::params::ParamError;

/// The response body type of every demo endpoint.
pub type Body = Full<Bytes>;

/// `text/plain; charset=utf-8`.
pub const TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");

/// A response with a body and no headers besides the ones hyper adds (content-length, date).
pub fn bare(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response
}

/// A plain-text response.
pub fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = bare(status, body);
    response.headers_mut().insert(CONTENT_TYPE, TEXT_PLAIN);
    response
}

/// 400 with the reason as a short text body.
pub fn bad_request(err: &ParamError) -> Response<Body> {
    text(StatusCode::BAD_REQUEST, format!("{err}\n"))
}
