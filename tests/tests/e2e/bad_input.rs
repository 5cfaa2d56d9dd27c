//! Bad input gets a clear 4xx with a stable error code, never a 5xx, and corrupts nothing.

use reqwest::StatusCode;

use crate::util::{DEMO_KIOSK_TOKEN, Server, integrity_ok};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_errors_and_leave_the_database_intact() {
    let mut server = Server::start();
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{}", server.base_url, path);
    let huge = format!(
        "{{\"services\":[\"residence-permit\"],\"language\":\"{}\"}}",
        "x".repeat(400 * 1024)
    );

    struct Case {
        name: &'static str,
        method: reqwest::Method,
        path: &'static str,
        token: Option<&'static str>,
        body: Option<String>,
        status: StatusCode,
        code: &'static str,
    }
    let post = reqwest::Method::POST;
    let get = reqwest::Method::GET;
    let kiosk = Some(DEMO_KIOSK_TOKEN);
    let cases = vec![
        Case {
            name: "malformed JSON",
            method: post.clone(),
            path: "/api/v1/tickets",
            token: kiosk,
            body: Some("{\"services\": [".into()),
            status: StatusCode::BAD_REQUEST,
            code: "malformed_request",
        },
        Case {
            name: "wrong type",
            method: post.clone(),
            path: "/api/v1/tickets",
            token: kiosk,
            body: Some("{\"services\": \"residence-permit\", \"language\": \"de\"}".into()),
            status: StatusCode::BAD_REQUEST,
            code: "malformed_request",
        },
        Case {
            name: "unknown field",
            method: post.clone(),
            path: "/api/v1/tickets",
            token: kiosk,
            body: Some(
                "{\"services\": [\"residence-permit\"], \"language\": \"de\", \"x\": 1}".into(),
            ),
            status: StatusCode::BAD_REQUEST,
            code: "malformed_request",
        },
        Case {
            name: "unknown service",
            method: post.clone(),
            path: "/api/v1/tickets",
            token: kiosk,
            body: Some("{\"services\": [\"teleportation\"], \"language\": \"de\"}".into()),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "unknown_service",
        },
        Case {
            name: "no service",
            method: post.clone(),
            path: "/api/v1/tickets",
            token: kiosk,
            body: Some("{\"services\": [], \"language\": \"de\"}".into()),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_input",
        },
        Case {
            name: "unknown language",
            method: post.clone(),
            path: "/api/v1/tickets",
            token: kiosk,
            body: Some("{\"services\": [\"residence-permit\"], \"language\": \"klingon\"}".into()),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "unknown_language",
        },
        Case {
            name: "oversized body",
            method: post.clone(),
            path: "/api/v1/tickets",
            token: kiosk,
            body: Some(huge),
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "payload_too_large",
        },
        Case {
            name: "missing token",
            method: post.clone(),
            path: "/api/v1/tickets",
            token: None,
            body: Some("{\"services\": [\"residence-permit\"], \"language\": \"de\"}".into()),
            status: StatusCode::UNAUTHORIZED,
            code: "unauthenticated",
        },
        Case {
            name: "invalid token",
            method: post.clone(),
            path: "/api/v1/tickets",
            token: Some("guess"),
            body: Some("{\"services\": [\"residence-permit\"], \"language\": \"de\"}".into()),
            status: StatusCode::UNAUTHORIZED,
            code: "unauthenticated",
        },
        Case {
            name: "kiosk at a desk",
            method: post.clone(),
            path: "/api/v1/desks/eg-01/call-next",
            token: kiosk,
            body: None,
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
        },
        Case {
            name: "no login at a desk",
            method: post.clone(),
            path: "/api/v1/desks/eg-01/call-next",
            token: None,
            body: None,
            status: StatusCode::UNAUTHORIZED,
            code: "unauthenticated",
        },
        Case {
            name: "config without token",
            method: get.clone(),
            path: "/api/v1/config",
            token: None,
            body: None,
            status: StatusCode::UNAUTHORIZED,
            code: "unauthenticated",
        },
        Case {
            name: "unknown path",
            method: get.clone(),
            path: "/api/v1/nothing-here",
            token: kiosk,
            body: None,
            status: StatusCode::NOT_FOUND,
            code: "not_found",
        },
        Case {
            name: "huge token in path",
            method: get.clone(),
            path: "/api/v1/tickets/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            token: None,
            body: None,
            status: StatusCode::NOT_FOUND,
            code: "ticket_not_found",
        },
        Case {
            name: "wrong password",
            method: post.clone(),
            path: "/api/v1/session",
            token: None,
            body: Some("{\"name\": \"staff\", \"password\": \"nope\"}".into()),
            status: StatusCode::UNAUTHORIZED,
            code: "invalid_credentials",
        },
        Case {
            name: "garbage check-in",
            method: post.clone(),
            path: "/api/v1/checkins",
            token: kiosk,
            body: Some("{\"code\": \"\\u0000\\u001b[2J%%%\"}".into()),
            status: StatusCode::NOT_FOUND,
            code: "unknown_appointment",
        },
    ];
    for case in &cases {
        let mut request = http.request(case.method.clone(), url(case.path));
        if let Some(token) = case.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = &case.body {
            request = request
                .header("content-type", "application/json")
                .body(body.clone());
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        assert_eq!(status, case.status, "{}: {body}", case.name);
        assert_eq!(body["error"], case.code, "{}: {body}", case.name);
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            case.name
        );
    }

    // Failed logins are throttled per name.
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = http
            .post(url("/api/v1/session"))
            .json(&serde_json::json!({"name": "supervisor", "password": "wrong"}))
            .send()
            .await
            .unwrap()
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);

    // The server still works and the database is intact.
    let ticket = server
        .kiosk()
        .issue_ticket(
            &crate::util::issue(&["residence-permit"], "de"),
            "after-the-storm",
        )
        .await
        .unwrap();
    assert_eq!(ticket.number, "A-001", "no failed request used up a number");
    server.kill();
    assert!(integrity_ok(&server.db_path()));
}
