//! Voice clips recorded on the admin page: only usable recordings of needed clips are kept,
//! only by an admin with the session's CSRF token, each audited; displays download them.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use lotse_protocol::{Role, VoicePack};
use lotse_queue_server::auth::DeviceKind;
use lotse_queue_server::http::{AppState, app};
use lotse_voices::Audio;
use support::{add_device, add_user, always_open_state, login};
use tower::ServiceExt;

fn tone(seconds: f64) -> Vec<u8> {
    let rate = 16_000u32;
    let samples = (0..(f64::from(rate) * seconds) as usize)
        .map(|i| (8_000.0 * (i as f64 * 440.0 * std::f64::consts::TAU / 16_000.0).sin()) as i16)
        .collect();
    Audio { rate, samples }.to_wav()
}

async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let body = support::body_bytes(response).await;
    (status, body.to_vec())
}

/// Posts a WAV as the recorder script does.
async fn record(
    state: &AppState,
    (cookie, csrf): &(String, String),
    path: &str,
    wav: Vec<u8>,
) -> (StatusCode, Vec<u8>) {
    let request = Request::post(path)
        .header(header::COOKIE, cookie)
        .header("x-csrf-token", csrf)
        .header(header::CONTENT_TYPE, "audio/wav")
        .body(Body::from(wav))
        .unwrap();
    send(state, request).await
}

async fn pack(state: &AppState, language: &str) -> VoicePack {
    let request = Request::get(format!("/api/v1/voices/{language}"))
        .header(header::AUTHORIZATION, "Bearer display-1")
        .body(Body::empty())
        .unwrap();
    let (status, body) = send(state, request).await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_slice(&body).unwrap()
}

async fn setup() -> (AppState, (String, String)) {
    let state = always_open_state();
    add_user(&state, "admin-1", Role::Admin, "*").await;
    add_device(&state, DeviceKind::Display, "display-1").await;
    let admin = login(&state, "admin-1").await;
    (state, admin)
}

#[tokio::test]
async fn an_admin_records_a_clip_and_a_display_downloads_it() {
    let (state, admin) = setup().await;
    let before = pack(&state, "ps").await;
    assert!(before.clips.is_empty());
    assert!(before.missing.iter().any(|k| k == "digit.4"));

    let wav = tone(0.8);
    let (status, _) = record(
        &state,
        &admin,
        "/staff/admin/voices/ps/digit.4",
        wav.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let after = pack(&state, "ps").await;
    assert_eq!(after.clips.len(), 1);
    assert_eq!(after.clips[0].key, "digit.4");
    assert_eq!(after.clips[0].bytes, wav.len() as u64);
    assert_eq!(after.missing.len(), before.missing.len() - 1);
    let request = Request::get("/api/v1/voices/ps/digit.4")
        .header(header::AUTHORIZATION, "Bearer display-1")
        .body(Body::empty())
        .unwrap();
    let (status, body) = send(&state, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, wav);

    let audited: String = state
        .store
        .read(|c| {
            Ok::<_, support::TestError>(c.query_row(
                "SELECT actor || ' ' || action || ' ' || detail FROM audit WHERE action LIKE 'voice%'",
                [],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap();
    assert!(
        audited.starts_with("admin-1 voice-clip-record ps digit.4"),
        "{audited}"
    );
}

#[tokio::test]
async fn unusable_recordings_and_callers_are_refused_and_nothing_is_kept() {
    let (state, admin) = setup().await;
    add_user(&state, "staff-1", Role::Staff, "*").await;
    let staff = login(&state, "staff-1").await;
    let path = "/staff/admin/voices/ps/digit.4";
    let refused = [
        (
            "garbage",
            record(&state, &admin, path, b"RIFF....WAVEfmt garbage".to_vec())
                .await
                .0,
        ),
        (
            "too short",
            record(&state, &admin, path, tone(0.05)).await.0,
        ),
        (
            "not needed",
            record(&state, &admin, "/staff/admin/voices/ps/digit.44", tone(1.0))
                .await
                .0,
        ),
        (
            "no language",
            record(&state, &admin, "/staff/admin/voices/xx/digit.4", tone(1.0))
                .await
                .0,
        ),
        (
            "staff role",
            record(&state, &staff, path, tone(1.0)).await.0,
        ),
        (
            "wrong csrf",
            record(&state, &(admin.0.clone(), "wrong".into()), path, tone(1.0))
                .await
                .0,
        ),
    ];
    assert_eq!(
        refused.map(|(why, status)| (why, status.as_u16())),
        [
            ("garbage", 422),
            ("too short", 422),
            ("not needed", 404),
            ("no language", 422),
            ("staff role", 403),
            ("wrong csrf", 403),
        ]
    );
    assert!(pack(&state, "ps").await.clips.is_empty());
}

#[tokio::test]
async fn the_upload_form_works_without_javascript_and_a_clip_can_be_deleted() {
    let (state, admin) = setup().await;
    let boundary = "lotse-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"wav\"; filename=\"a.wav\"\r\n\
         Content-Type: audio/wav\r\n\r\n",
        admin.1
    )
    .into_bytes();
    body.extend(tone(1.0));
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let request = Request::post("/staff/admin/voices/ti/letter.A")
        .header(header::COOKIE, &admin.0)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let (status, _) = send(&state, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(pack(&state, "ti").await.clips[0].key, "letter.A");

    let page = Request::get("/staff/admin/voices/ti")
        .header(header::COOKIE, &admin.0)
        .body(Body::empty())
        .unwrap();
    let (status, html) = send(&state, page).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains(r#"src="/staff/admin/voices/ti/letter.A""#));

    let delete = Request::post("/staff/admin/voices/ti/letter.A/delete")
        .header(header::COOKIE, &admin.0)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={}", admin.1)))
        .unwrap();
    let (status, _) = send(&state, delete).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(pack(&state, "ti").await.clips.is_empty());
}

/// The browser display's spoken call of a Pashto visitor, as WAV.
async fn announcement_of_a_pashto_call(state: &AppState) -> Audio {
    use lotse_queue_server::services::commands::desk::DeskRequest;
    support::walk_in(state, "residence-permit", "ps").await;
    support::at_desk(state, "eg-01", DeskRequest::CallNext).await;
    support::at_desk(state, "eg-01", DeskRequest::Finish { outcome: None }).await;
    let call: i64 = state
        .store
        .read(|c| {
            Ok::<_, support::TestError>(c.query_row(
                "SELECT MAX(id) FROM events WHERE body LIKE '%ticket_called%'",
                [],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap();
    let request = Request::get(format!("/display/announcement/{call}"))
        .header(header::AUTHORIZATION, "Bearer display-1")
        .body(Body::empty())
        .unwrap();
    let (status, wav) = send(state, request).await;
    assert_eq!(status, StatusCode::OK);
    Audio::from_wav(&wav).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_display_speaks_pashto_with_the_recorded_clips() {
    let (state, admin) = setup().await;
    let before = announcement_of_a_pashto_call(&state).await;
    let needed = lotse_queue_server::speech::needed_clips(&state.config, "ps").unwrap();
    for clip in &needed {
        let path = format!("/staff/admin/voices/ps/{}", clip.key);
        let (status, _) = record(&state, &admin, &path, tone(0.4)).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{}", clip.key);
    }
    let after = announcement_of_a_pashto_call(&state).await;
    // German only before; German and then the Pashto words after (each recorded word 0.4 s).
    let added = after.duration_seconds() - before.duration_seconds();
    assert!(added > 2.0, "{added:.2} s more");
}
