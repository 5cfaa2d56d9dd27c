//! Our cookies, read and written with the `cookie` crate: every one HttpOnly and
//! SameSite=Strict, `Secure` behind a TLS proxy; and the constant-time comparison of the
//! secrets they (and CSRF tokens) carry, with `subtle`.

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};
use subtle::ConstantTimeEq;

use super::extract::behind_tls;
use crate::http::error::AppError;

/// The longest cookie value we accept (our secrets are 43 characters).
const MAX_VALUE_LENGTH: usize = 128;

/// The value of the cookie `name`, if the request carries one of reasonable length.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| !value.is_empty() && value.len() <= MAX_VALUE_LENGTH)
}

/// A `Set-Cookie` value for our cookie `name` on `path`, kept `max_age_seconds`.
pub fn set(
    name: &'static str,
    value: &str,
    path: &'static str,
    max_age_seconds: i64,
    request: &HeaderMap,
) -> Result<HeaderValue, AppError> {
    build(
        name,
        value,
        path,
        max_age_seconds,
        request,
        SameSite::Strict,
    )
}

/// [`set`] with SameSite=Lax, for the one cookie a navigation from another site must bring
/// back: the pairing of an OpenID login with its browser (`web/oidc.rs`).
pub fn set_lax(
    name: &'static str,
    value: &str,
    path: &'static str,
    max_age_seconds: i64,
    request: &HeaderMap,
) -> Result<HeaderValue, AppError> {
    build(name, value, path, max_age_seconds, request, SameSite::Lax)
}

fn build(
    name: &'static str,
    value: &str,
    path: &'static str,
    max_age_seconds: i64,
    request: &HeaderMap,
    same_site: SameSite,
) -> Result<HeaderValue, AppError> {
    let cookie = Cookie::build((name, value))
        .path(path)
        .http_only(true)
        .same_site(same_site)
        .secure(behind_tls(request))
        .max_age(cookie::time::Duration::seconds(max_age_seconds))
        .build();
    HeaderValue::from_str(&cookie.to_string()).map_err(|e| AppError::Internal(e.to_string()))
}

/// The `Set-Cookie` value that removes our cookie `name` on `path`.
pub fn clear(name: &'static str, path: &'static str) -> HeaderValue {
    let cookie = Cookie::build((name, ""))
        .path(path)
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(cookie::time::Duration::ZERO)
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Compares a secret a client sent with the expected one in time that does not depend on
/// where they differ.
pub fn same_secret(sent: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_round_trip_and_carry_our_attributes() {
        let mut request = HeaderMap::new();
        let value = set("lotse_session", "abc", "/", 3600, &request).expect("a cookie");
        let text = value.to_str().expect("text");
        for part in [
            "lotse_session=abc",
            "HttpOnly",
            "SameSite=Strict",
            "Path=/",
            "Max-Age=3600",
        ] {
            assert!(text.contains(part), "{text}");
        }
        assert!(!text.contains("Secure"), "{text}");
        request.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        let secure = set("lotse_session", "abc", "/", 3600, &request).expect("a cookie");
        assert!(secure.to_str().expect("text").contains("Secure"));
        let cleared = clear("lotse_session", "/");
        assert!(cleared.to_str().expect("text").contains("Max-Age=0"));

        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; lotse_session=xyz; b=2"),
        );
        assert_eq!(read(&headers, "lotse_session").as_deref(), Some("xyz"));
        assert_eq!(read(&headers, "lotse"), None);
        let long = format!("lotse_session={}", "x".repeat(129));
        headers.insert(COOKIE, HeaderValue::from_str(&long).expect("header"));
        assert_eq!(read(&headers, "lotse_session"), None);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
        assert!(
            !same_secret("", ""),
            "an empty expected secret matches nothing"
        );
    }
}
