//! Request extractors: JSON bodies whose rejections are our JSON errors, the caller (device
//! bearer token or staff session cookie), and the client address login limits count by.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};

use super::{AppState, cookies};
use crate::auth::{Caller, DeviceKind, token_hash};
use crate::http::error::AppError;
use crate::storage::accounts;

/// The name of the staff session cookie.
pub const SESSION_COOKIE: &str = "lotse_session";

/// The cookie a browser display keeps its display token in (set by `/display?token=…`),
/// because `EventSource` cannot send an `Authorization` header.
pub const DISPLAY_COOKIE: &str = "lotse_display";

/// `axum::Json` with errors in our format: 400 `malformed_request`, 413 `payload_too_large`.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> AppError {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::MalformedRequest(rejection.body_text())
        }
    }
}

/// The header that carries a session's CSRF token on API calls that change something.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The value of the session cookie, if the request carries one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookies::read(headers, SESSION_COOKIE)
}

/// The display a token belongs to, if it is an active display's: only display tokens are ever
/// put in the browser display's cookie, anything else is refused.
pub async fn display_device(state: &AppState, token: &str) -> Result<Option<Caller>, AppError> {
    Ok(device(state, token).await?.filter(|caller| {
        matches!(
            caller,
            Caller::Device {
                kind: DeviceKind::Display,
                ..
            }
        )
    }))
}

/// The device a token belongs to, if it is an active one.
pub async fn device(state: &AppState, token: &str) -> Result<Option<Caller>, AppError> {
    let hash = token_hash(token);
    state
        .store
        .read(move |connection| accounts::device_by_token(connection, &hash))
        .await
        .map(|device| device.map(|(kind, name)| Caller::Device { kind, name }))
        .map_err(AppError::from)
}

/// The secret a request authenticates with, before it is checked. The first of these counts:
/// the `Authorization` header, the session cookie, the browser display's cookie.
enum Credential {
    Bearer(String),
    Session(String),
    DisplayCookie(String),
}

fn credential(headers: &HeaderMap) -> Result<Option<Credential>, AppError> {
    if let Some(value) = headers.get(AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .ok_or(AppError::Unauthenticated)?;
        return Ok(Some(Credential::Bearer(token.to_owned())));
    }
    if let Some(token) = session_token(headers) {
        return Ok(Some(Credential::Session(token)));
    }
    Ok(cookies::read(headers, DISPLAY_COOKIE).map(Credential::DisplayCookie))
}

/// The hash of the token or session a request authenticates with: what per-credential
/// limits count by. A display's token counts the same from its header and from its cookie.
pub fn credential_key(headers: &HeaderMap) -> Option<String> {
    match credential(headers).ok()?? {
        Credential::Bearer(token)
        | Credential::Session(token)
        | Credential::DisplayCookie(token) => Some(token_hash(&token)),
    }
}

/// Requests that pages make by themselves (the live parts reloading after an event, the event
/// stream): they do not keep a staff session from idling out.
const AUTOMATIC_REQUESTS: [&str; 3] = ["/api/v1/events", "/staff/panel", "/staff/overview/panel"];

/// Whether a request is something a person did, which keeps a staff session alive.
pub fn counts_as_activity(method: &Method, path: &str) -> bool {
    !(method == Method::GET && AUTOMATIC_REQUESTS.contains(&path))
}

/// The live staff session of this session token; a request that counts as activity renews
/// its idle timeout.
pub async fn staff_session(
    state: &AppState,
    token_hash: String,
    activity: bool,
) -> Result<Option<accounts::StaffSession>, AppError> {
    let now = state.now();
    let idle_since = state.limits.session_idle_since(now);
    // Looked up on a reader: the console's panel reloads never queue behind the writer.
    let hash = token_hash.clone();
    let session = state
        .store
        .read(move |connection| accounts::session_by_token(connection, &hash, now, idle_since))
        .await?;
    if session.is_some() && activity {
        state
            .store
            .run(move |connection| accounts::touch_session(connection, &token_hash, now))
            .await?;
    }
    Ok(session)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, AppError> {
        match credential(&parts.headers)? {
            Some(Credential::Bearer(token)) => device(state, &token)
                .await?
                .ok_or(AppError::Unauthenticated),
            Some(Credential::Session(token)) => {
                let activity = counts_as_activity(&parts.method, parts.uri.path());
                let session = staff_session(state, token_hash(&token), activity)
                    .await?
                    .ok_or(AppError::Unauthenticated)?;
                // A browser sends the cookie on its own; a change must also prove it comes
                // from our page, which alone knows the session's CSRF token.
                if !parts.method.is_safe() {
                    let sent = parts
                        .headers
                        .get(CSRF_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    if !cookies::same_secret(sent, &session.csrf) {
                        return Err(AppError::CsrfRejected);
                    }
                }
                Ok(Caller::Staff {
                    name: session.name,
                    role: session.role,
                    agencies: session.agencies,
                    desk: session.desk,
                })
            }
            Some(Credential::DisplayCookie(token)) => display_device(state, &token)
                .await?
                .ok_or(AppError::Unauthenticated),
            None => Err(AppError::Unauthenticated),
        }
    }
}

/// Whether the request came through a TLS proxy (`X-Forwarded-Proto: https`): then cookies
/// are `Secure` and responses carry HSTS. Nothing on a plain-HTTP building network.
pub fn behind_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes() == b"https")
}

/// [`behind_tls`] as an extractor, for the layer that adds headers to every response.
pub struct BehindTls(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for BehindTls {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<BehindTls, Self::Rejection> {
        Ok(BehindTls(behind_tls(&parts.headers)))
    }
}

/// Where a request comes from, as login limits count it: the peer's address or, when the peer
/// is a trusted proxy, the client that `X-Forwarded-For` names. An IPv6 client counts by its
/// /64 network (what one subscriber usually gets); without a connection (in-process tests)
/// every request is "unknown".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

impl std::fmt::Display for ClientAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<ClientAddress, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        Ok(client_address(
            peer,
            &parts.headers,
            &state.config.trusted_proxies,
        ))
    }
}

/// The client of a request from `peer`. `X-Forwarded-For` is read only when the peer is a
/// trusted proxy (anyone else could write anything there), from the right: the nearest
/// address that is not a trusted proxy is the client.
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[IpAddr],
) -> ClientAddress {
    let Some(peer) = peer else {
        return ClientAddress("unknown".to_owned());
    };
    let is_trusted = |ip: IpAddr| trusted.iter().any(|t| t.to_canonical() == ip);
    let mut client = peer.to_canonical();
    if is_trusted(client) {
        for hop in forwarded_for(headers).into_iter().rev() {
            // An entry that is no address ends the chain we can believe.
            let Some(hop) = hop else { break };
            client = hop;
            if !is_trusted(hop) {
                break;
            }
        }
    }
    ClientAddress(network_of(client))
}

/// The entries of the `X-Forwarded-For` headers in order; `None` for one that is no address.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let mut hops = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        match value.to_str() {
            Ok(text) => hops.extend(text.split(',').map(|hop| parse_hop(hop.trim()))),
            Err(_) => hops.push(None),
        }
    }
    hops
}

/// An address, possibly with a port (`192.0.2.7:5100`, `[2001:db8::7]:5100`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let ip = hop
        .parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|address| address.ip()))?;
    Some(ip.to_canonical())
}

/// An IPv4 address as it is; an IPv6 address as its /64 network.
fn network_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(peer: &str, forwarded: &[&str], trusted: &[&str], expected: &str) {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append("x-forwarded-for", value.parse().expect("a header value"));
        }
        let trusted: Vec<IpAddr> = trusted
            .iter()
            .map(|t| t.parse().expect("an address"))
            .collect();
        let peer = peer.parse().ok();
        let client = client_address(peer, &headers, &trusted);
        assert_eq!(client.0, expected, "{peer:?} {forwarded:?} {trusted:?}");
    }

    #[test]
    fn the_client_is_the_peer_unless_a_trusted_proxy_names_another() {
        check("192.0.2.7", &[], &[], "192.0.2.7");
        check("", &[], &[], "unknown");
        // Anyone may send the header; only a trusted proxy is believed.
        check("192.0.2.7", &["198.51.100.1"], &[], "192.0.2.7");
        check("192.0.2.7", &["198.51.100.1"], &["10.0.0.1"], "192.0.2.7");
        check("10.0.0.1", &["198.51.100.1"], &["10.0.0.1"], "198.51.100.1");
        // A client's own entries come first; the proxy appends the address it saw.
        check(
            "10.0.0.1",
            &["203.0.113.9, 198.51.100.1"],
            &["10.0.0.1"],
            "198.51.100.1",
        );
        // A chain of trusted proxies, in one header or several.
        check(
            "10.0.0.1",
            &["203.0.113.9, 198.51.100.1", "10.0.0.2"],
            &["10.0.0.1", "10.0.0.2"],
            "198.51.100.1",
        );
        check(
            "10.0.0.1",
            &["198.51.100.1:4711"],
            &["10.0.0.1"],
            "198.51.100.1",
        );
        // Garbage after a trusted proxy: the proxy is what we know.
        check(
            "10.0.0.1",
            &["198.51.100.1, nonsense"],
            &["10.0.0.1"],
            "10.0.0.1",
        );
        check("10.0.0.1", &[], &["10.0.0.1"], "10.0.0.1");
        // IPv4 in IPv6 is IPv4; IPv6 counts by /64.
        check("::ffff:192.0.2.7", &[], &[], "192.0.2.7");
        check("2001:db8:1:2:3:4:5:6", &[], &[], "2001:db8:1:2::/64");
        check(
            "::ffff:10.0.0.1",
            &["[2001:db8::9]:80"],
            &["10.0.0.1"],
            "2001:db8:0:0::/64",
        );
    }
}
