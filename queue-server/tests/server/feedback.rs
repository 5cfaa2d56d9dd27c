//! Visitor feedback, in-process: asked only when every concern is finished, given once (a
//! second time 409), score and comment checked (422), posts from other sites refused, the
//! comment escaped on the supervisors' page and only for their agencies, and the retention
//! deletes the comment but keeps the score.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use lotse_protocol::Role;
use lotse_queue_server::http::{AppState, app};
use tower::ServiceExt;

async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, String) {
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = support::body_bytes(response).await;
    let body = String::from_utf8(bytes.to_vec()).unwrap();
    (status, location.unwrap_or(body))
}

async fn post_feedback(state: &AppState, token: &str, form: &str) -> (StatusCode, String) {
    let request = Request::post(format!("/t/{token}/feedback"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(form.to_owned()))
        .unwrap();
    send(state, request).await
}

async fn page(state: &AppState, path: &str) -> String {
    let request = Request::get(path).body(Body::empty()).unwrap();
    let (status, body) = send(state, request).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    body
}

/// Marks every stop of the ticket `token` done (as a desk would have).
async fn finish(state: &AppState, token: &str) {
    let token = token.to_owned();
    state
        .store
        .run(move |c| {
            c.execute(
                "UPDATE stops SET status = 'done', finished_at = 0
                 WHERE ticket_id = (SELECT id FROM tickets WHERE token = ?1)",
                [token],
            )?;
            Ok::<_, support::TestError>(())
        })
        .await
        .unwrap();
}

async fn stored(state: &AppState) -> Vec<(i64, Option<String>)> {
    state
        .store
        .run(|c| {
            let mut statement = c.prepare("SELECT score, comment FROM feedback ORDER BY id")?;
            let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok::<_, support::TestError>(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn asked_when_finished_given_once_and_checked() {
    let (state, _time) = support::state_with_clock();
    let (_, token) = support::walk_in(&state, "payment-card", "ar").await;
    let status_page = format!("/t/{token}");

    // While the concern is open: no question, and a post is refused.
    assert!(!page(&state, &status_page).await.contains("name=\"score\""));
    let (status, body) = post_feedback(&state, &token, "score=5").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("visit_not_finished"), "{body}");

    finish(&state, &token).await;
    let asked = page(&state, &status_page).await;
    assert!(asked.contains("كيف كانت زيارتك؟"), "asked in Arabic");
    assert!(asked.contains("dir=\"rtl\""));
    assert!(asked.contains("maxlength=\"500\""));
    assert_eq!(asked.matches("type=\"radio\"").count(), 5);
    assert!(
        !asked.contains("http-equiv=\"refresh\""),
        "no refresh while typing"
    );

    for (form, code) in [
        ("score=0", StatusCode::UNPROCESSABLE_ENTITY),
        ("score=6", StatusCode::UNPROCESSABLE_ENTITY),
        ("score=five", StatusCode::UNPROCESSABLE_ENTITY),
        ("comment=no+score", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        assert_eq!(post_feedback(&state, &token, form).await.0, code, "{form}");
    }
    let too_long = format!("score=3&comment={}", "x".repeat(501));
    assert_eq!(
        post_feedback(&state, &token, &too_long).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(stored(&state).await, [], "nothing refused was stored");

    // Given: back to the status page (Post/Redirect/Get), which now only thanks.
    let (status, location) = post_feedback(&state, &token, "score=4&comment=++Good++").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, status_page);
    let thanked = page(&state, &status_page).await;
    assert!(thanked.contains("شكرًا لك على ملاحظاتك!"));
    assert!(!thanked.contains("name=\"score\""));

    // A second time: refused, the first stays.
    let (status, body) = post_feedback(&state, &token, "score=1").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("feedback_already_given"), "{body}");
    assert_eq!(stored(&state).await, [(4, Some("Good".to_owned()))]);

    // An unknown ticket.
    let (status, _) = post_feedback(&state, "no-such-token", "score=3").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn posts_from_another_site_are_refused() {
    let (state, _time) = support::state_with_clock();
    let (_, token) = support::walk_in(&state, "payment-card", "de").await;
    finish(&state, &token).await;
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let request = Request::post(format!("/t/{token}/feedback"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "lotse.example")
            .header(name, value)
            .body(Body::from("score=1"))
            .unwrap();
        let (status, _) = send(&state, request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {value}");
    }
    assert_eq!(stored(&state).await, []);
    // The same form from this site's own page.
    let request = Request::post(format!("/t/{token}/feedback"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "lotse.example")
        .header(header::ORIGIN, "https://lotse.example")
        .body(Body::from("score=2"))
        .unwrap();
    assert_eq!(send(&state, request).await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn supervisors_read_their_agencies_comments_escaped_and_scores_count() {
    let (state, time) = support::state_with_clock();
    support::add_user(&state, "benefits-lead", Role::Supervisor, "asylum-benefits").await;
    support::add_user(&state, "immigration-lead", Role::Supervisor, "immigration").await;
    let (_, token) = support::walk_in(&state, "payment-card", "en").await;
    finish(&state, &token).await;
    let comment = "score=2&comment=%3Cscript%3Ealert(1)%3C%2Fscript%3E+slow";
    assert_eq!(
        post_feedback(&state, &token, comment).await.0,
        StatusCode::SEE_OTHER
    );

    let stats = |cookie: String| {
        let request = Request::get("/staff/stats?range=today")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        send(&state, request)
    };
    let (cookie, _) = support::login(&state, "benefits-lead").await;
    let (status, html) = stats(cookie.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; slow"),
        "escaped"
    );
    assert!(!html.contains("<script>alert(1)"));
    let (_, other) = stats(support::login(&state, "immigration-lead").await.0).await;
    assert!(!other.contains("alert(1)"), "another agency's comment");
    assert!(other.contains("Keine Kommentare."));

    // The score is in the figures and the export.
    let request = Request::get("/staff/stats/export?range=today&format=csv")
        .header(header::COOKIE, cookie.clone())
        .body(Body::empty())
        .unwrap();
    let (_, csv) = send(&state, request).await;
    for line in [
        "feedback,alle Besuche,Bewertungen,1\r\n",
        "feedback,alle Besuche,Mittel,2.0\r\n",
        "feedback,alle Besuche,2,1\r\n",
        "feedback,Behörde: Leistungen für Asylsuchende (AsylbLG),Mittel,2.0\r\n",
        "feedback,Anliegen: Bezahlkarte und Auszahlung,1,0\r\n",
    ] {
        assert!(csv.contains(line), "{line}");
    }

    // The next day the comment is gone, the score stays.
    *time.lock().unwrap() += Duration::days(1);
    let purged = support::purge(&state).await;
    assert_eq!(purged.purged.feedback_comments, 1);
    assert_eq!(stored(&state).await, [(2, None)]);
    let (_, html) = stats(cookie).await;
    assert!(!html.contains("alert(1)"));
}

#[tokio::test]
async fn the_api_takes_feedback_once() {
    let (state, _time) = support::state_with_clock();
    let (_, token) = support::walk_in(&state, "payment-card", "fa").await;
    finish(&state, &token).await;
    let post = |body: &'static str| {
        let request = Request::post(format!("/api/v1/tickets/{token}/feedback"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap();
        send(&state, request)
    };
    assert_eq!(
        post(r#"{"score":9}"#).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Not even a `u8`, as the schema says: a malformed body.
    assert_eq!(post(r#"{"score":300}"#).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        post(r#"{"score":5,"comment":" خوب "}"#).await.0,
        StatusCode::NO_CONTENT
    );
    let (status, body) = post(r#"{"score":5}"#).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let body: lotse_protocol::ApiErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(body.error, lotse_protocol::ErrorCode::FeedbackAlreadyGiven);
    assert_eq!(stored(&state).await, [(5, Some("خوب".to_owned()))]);
}
