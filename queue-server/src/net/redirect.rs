//! The optional plain-HTTP listener beside HTTPS (`--http-redirect-listen`): every request
//! is sent on to the same path under the building's public HTTPS address. The target is the
//! configured base URL, never the request's Host header, so nobody can make the server
//! redirect elsewhere.

use axum::Router;
use axum::http::{StatusCode, Uri, header};
use axum::response::IntoResponse;

/// A router answering everything with 308 to `base` (e.g. `https://lotse.example.org`)
/// plus the request's path and query.
pub fn to_https(base: &str) -> Router {
    let base = base.trim_end_matches('/').to_owned();
    Router::new().fallback(move |uri: Uri| {
        let base = base.clone();
        async move {
            let path = uri.path_and_query().map_or("/", |p| p.as_str());
            (
                StatusCode::PERMANENT_REDIRECT,
                [(header::LOCATION, format!("{base}{path}"))],
            )
                .into_response()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    #[tokio::test]
    async fn sends_the_path_and_query_to_the_public_https_address() {
        let answer = to_https("https://lotse.example.org/")
            .oneshot(
                Request::get("/t/abc?lang=de")
                    .header(header::HOST, "evil.example")
                    .body(Body::empty())
                    .unwrap_or_default(),
            )
            .await
            .unwrap_or_else(|never| match never {});
        assert_eq!(answer.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(
            answer.headers()[header::LOCATION],
            "https://lotse.example.org/t/abc?lang=de"
        );
    }
}
