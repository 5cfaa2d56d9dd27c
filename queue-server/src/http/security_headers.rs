//! The headers every response carries, pages and API alike: a content security policy
//! without inline scripts or styles, no framing, no sniffing, no referrer; HSTS behind TLS.

use axum::http::{HeaderValue, header};
use axum::response::Response;

use super::extract::BehindTls;

/// Scripts and styles only from our own files: no inline scripts or styles, no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Browsers that reached us over TLS keep to TLS for a year (sent only behind a TLS proxy;
/// browsers ignore it over plain HTTP anyway).
const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// Adds the headers every response carries, pages and API alike.
pub async fn add(BehindTls(tls): BehindTls, mut response: Response) -> Response {
    let headers = response.headers_mut();
    if tls {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(STRICT_TRANSPORT_SECURITY));
    }
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}
