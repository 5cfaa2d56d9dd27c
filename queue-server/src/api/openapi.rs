//! `GET /api/v1/openapi.json`: the OpenAPI document, generated from the handlers' annotations
//! and the protocol crate's types. The errors that come from the layers and extractors every
//! operation shares (malformed input, authentication, timeouts, a busy or stopping server)
//! are added here, so each operation lists every status it really returns.

use axum::Json;
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lotse queue server",
        description = "Tickets, desks, appointments and live events \
        for a building where several agencies share one lobby. Errors are `{error, message}` \
        with a stable `error` code. Devices authenticate with `Authorization: Bearer <token>`, \
        staff with the session cookie from `POST /api/v1/session`; with the cookie, every request \
        that changes something must also send the session's `csrf_token` as `X-CSRF-Token` \
        (else 403 `csrf_rejected`)."
    ),
    paths(
        super::healthz,
        super::tickets::config,
        super::tickets::issue,
        super::tickets::status,
        super::tickets::feedback,
        super::tickets::check_in,
        super::tickets::import_appointments,
        super::tickets::device_status,
        super::desks::queues,
        super::display::snapshot,
        super::desks::call_next,
        super::desks::call,
        super::desks::recall,
        super::desks::start,
        super::desks::finish,
        super::desks::no_show,
        super::desks::park,
        super::desks::resume,
        super::desks::transfer,
        super::interpreters::request,
        super::interpreters::list,
        super::interpreters::act,
        super::alarms::list,
        super::alarms::raise,
        super::alarms::acknowledge,
        super::alarms::close,
        super::alerts::list,
        super::alerts::acknowledge,
        super::events::stream,
        super::voices::pack,
        super::voices::clip,
        super::session::login,
        super::session::logout,
        super::password::change,
        document,
    ),
    modifiers(&SharedErrors)
)]
pub struct ApiDoc;

/// Operations that need no caller (`Caller` extractor): no 401 from there.
const OPEN: [(HttpMethod, &str); 5] = [
    (HttpMethod::Get, "/healthz"),
    (HttpMethod::Get, "/api/v1/tickets/{token}"),
    (HttpMethod::Get, "/api/v1/openapi.json"),
    (HttpMethod::Post, "/api/v1/session"),
    (HttpMethod::Delete, "/api/v1/session"),
];

/// Errors particular to an operation that its handler's annotation does not list yet.
const PARTICULAR: [(HttpMethod, &str, &str, &str); 2] = [
    (
        HttpMethod::Post,
        "/api/v1/desks/{desk}/finish",
        "422",
        "invalid_input: the outcome is longer than 64 characters",
    ),
    (
        HttpMethod::Post,
        "/api/v1/checkins",
        "422",
        "unknown_language",
    ),
];

/// Adds the shared errors to every operation (an annotation's own entry for a status stays).
struct SharedErrors;

impl Modify for SharedErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                (HttpMethod::Get, &mut item.get),
                (HttpMethod::Put, &mut item.put),
                (HttpMethod::Post, &mut item.post),
                (HttpMethod::Delete, &mut item.delete),
                (HttpMethod::Patch, &mut item.patch),
            ];
            for (method, operation) in operations {
                if let Some(operation) = operation {
                    add_shared(path, &method, operation);
                }
            }
        }
    }
}

fn add_shared(path: &str, method: &HttpMethod, operation: &mut Operation) {
    let open = OPEN.iter().any(|(m, p)| m == method && *p == path);
    let has_input = operation.request_body.is_some()
        || operation
            .parameters
            .as_ref()
            .is_some_and(|parameters| !parameters.is_empty());
    if has_input {
        add(
            operation,
            "400",
            "malformed_request: the path, query or body does not parse",
        );
    }
    if !open {
        add(
            operation,
            "401",
            "unauthenticated: no valid token or session",
        );
    }
    // A change made with a session cookie needs its CSRF token; roles and device kinds are
    // checked on changes. Logging in has neither.
    let login = *method == HttpMethod::Post && path == "/api/v1/session";
    if *method != HttpMethod::Get && !login {
        add(
            operation,
            "403",
            "forbidden: not for this account or device; csrf_rejected",
        );
    }
    if path.contains("{desk}") {
        add(operation, "404", "unknown_desk");
    }
    for (m, p, status, description) in PARTICULAR {
        if m == *method && p == path {
            add(operation, status, description);
        }
    }
    add(
        operation,
        "408",
        "request_timeout: the answer was not ready in time",
    );
    add(operation, "500", "internal: details are in the server log");
    add(
        operation,
        "503",
        "unavailable: the server is shutting down; busy: every connection is in use \
         (then `Retry-After`)",
    );
}

/// Adds an `ApiErrorBody` response for `status` unless the operation lists it already.
fn add(operation: &mut Operation, status: &str, description: &str) {
    let response = ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ApiErrorBody")))
                .build(),
        )
        .build();
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert(response.into());
}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "this document")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
