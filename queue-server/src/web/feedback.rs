//! Visitor feedback on the status page: "How was your visit?" with five faces and an
//! optional comment, once every concern is finished; a plain HTML form (POST
//! `/t/{token}/feedback`, then back to `/t/{token}`: Post/Redirect/Get), so it works without
//! JavaScript. Afterwards the page only thanks the visitor.
//!
//! Cross-site posts: the status page has no session, so there is no CSRF token to check; the
//! token in the URL is the capability (another site does not know it). In addition a browser
//! that says where a post comes from must say it comes from this site: `Sec-Fetch-Site` must
//! be `same-origin`, and without it an `Origin` other than `null` must name this host.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use lotse_protocol::limits::MAX_FEEDBACK_COMMENT_CHARS;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use super::status::text;
use crate::domain::DomainError;
use crate::domain::feedback::{Question, SCORES};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::services::commands::feedback as command;

/// What the status page of `token` shows about feedback (`NotYet` for an unknown token).
pub async fn question(state: &AppState, token: &str) -> Result<Question, AppError> {
    let (config, now, token) = (state.config.clone(), state.now(), token.to_owned());
    let question = state
        .store
        .read(move |c| command::question(c, &config, now, &token))
        .await?;
    Ok(question.unwrap_or(Question::NotYet))
}

/// The question (a form) or the thanks, in the visitor's language.
pub fn markup(language: &str, token: &str, question: Question) -> Markup {
    let t = |key: &str| text(language, key);
    match question {
        Question::NotYet => html! {},
        Question::Thanked => html! { p.feedback-thanks role="status" { (t("feedback_thanks")) } },
        Question::Asked => html! {
            form.feedback method="post" action=(format!("/t/{token}/feedback")) {
                fieldset.faces {
                    legend { h2 { (t("feedback_question")) } }
                    @for score in SCORES {
                        label.face {
                            input type="radio" name="score" value=(score) required;
                            (face(score))
                            span { (t(&format!("feedback_score_{score}"))) }
                        }
                    }
                }
                label for="feedback-comment" { (t("feedback_comment")) }
                textarea #feedback-comment name="comment" rows="4"
                    maxlength=(MAX_FEEDBACK_COMMENT_CHARS) {}
                button type="submit" { (t("feedback_send")) }
            }
        },
    }
}

/// A face for `score` (1 frowns, 3 is straight, 5 smiles), drawn so no emoji font is needed;
/// hidden from screen readers, which read the text label beside it.
fn face(score: u8) -> Markup {
    // The mouth's control point: below the corners for a smile, above for a frown.
    let bend = 62 + (i32::from(score) - 3) * 9;
    let svg = format!(
        r#"<svg viewBox="0 0 100 100" width="48" height="48" aria-hidden="true" focusable="false"><circle cx="50" cy="50" r="46" fill="currentColor" fill-opacity="0.12" stroke="currentColor" stroke-width="5"/><circle cx="35" cy="40" r="6" fill="currentColor"/><circle cx="65" cy="40" r="6" fill="currentColor"/><path d="M30 66 Q50 {bend} 70 66" fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round"/></svg>"#
    );
    PreEscaped(svg)
}

#[derive(Debug, Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

/// `POST /t/{token}/feedback`: stores the feedback and sends the browser back to the page.
pub async fn give(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(form): Form<FeedbackForm>,
) -> Result<Response, AppError> {
    if !same_site(&headers) {
        return Err(AppError::Forbidden);
    }
    let score: i64 = form
        .score
        .trim()
        .parse()
        .map_err(|_| DomainError::BadScore)?;
    let path = format!("/t/{token}");
    crate::http::visitor::give_feedback(&state, token, score, form.comment).await?;
    Ok(Redirect::to(&path).into_response())
}

/// Whether a post comes from this site, as far as the browser tells.
fn same_site(headers: &HeaderMap) -> bool {
    let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        return site == "same-origin";
    }
    match (value(header::ORIGIN.as_str()), value(header::HOST.as_str())) {
        (None | Some("null"), _) => true,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority == host),
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("a header value"));
        }
        map
    }

    #[test]
    fn posts_from_other_sites_are_refused() {
        assert!(same_site(&headers(&[])));
        assert!(same_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(same_site(&headers(&[
            ("origin", "https://lotse.example"),
            ("host", "lotse.example")
        ])));
        assert!(!same_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "lotse.example")
        ])));
        // Referrer-Policy: no-referrer makes browsers send `Origin: null` on our own forms.
        assert!(same_site(&headers(&[
            ("origin", "null"),
            ("host", "lotse.example")
        ])));
    }
}
