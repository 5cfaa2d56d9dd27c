//! A typed async client for every endpoint of the queue server.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::API_PREFIX;
use crate::building::Building;
use crate::desk::{CallSpecific, DeskTicket, Finish, Queues, Resume, Transfer};
use crate::display::{DisplayQuery, DisplaySnapshot};
use crate::error::{ApiErrorBody, ErrorCode};
use crate::session::{ChangePassword, Login, SessionInfo};
use crate::ticket::{
    CheckIn, GiveFeedback, ImportAppointments, ImportedAppointments, IssueTicket, Ticket,
};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server could not be reached or the connection broke.
    #[error("cannot reach the queue server: {0}")]
    Transport(#[source] reqwest::Error),
    /// The server answered with an error code.
    #[error("queue server refused ({status}): {} - {}", body.error, body.message)]
    Api {
        status: StatusCode,
        body: ApiErrorBody,
    },
    /// The server answered with something that is not the expected JSON.
    #[error("unexpected answer from the queue server ({status}): {detail}")]
    Unexpected { status: StatusCode, detail: String },
    /// No complete answer within the request's deadline (a server or network that accepts
    /// and then stalls). The request may or may not have been carried out.
    #[error("the queue server did not answer within {0:?}")]
    Timeout(Duration),
}

/// How long a request may take. Every request of [`Client`] has both; the event stream
/// uses `request` for its headers and its own idle timeout after that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Establishing the TCP connection.
    pub connect: Duration,
    /// The whole request: connect, send, the answer's headers and its whole body.
    pub request: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            connect: Duration::from_secs(3),
            request: Duration::from_secs(10),
        }
    }
}

impl ClientError {
    /// The stable error code of an API error, e.g. `ErrorCode::UnknownService`.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api { body, .. } => Some(body.error),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ClientError::Api { status, .. } | ClientError::Unexpected { status, .. } => {
                Some(*status)
            }
            ClientError::Transport(e) => e.status(),
            ClientError::Timeout(_) => None,
        }
    }

    /// Whether retrying the same request (with the same idempotency key) may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            ClientError::Transport(_) | ClientError::Timeout(_) => true,
            ClientError::Api { status, .. } | ClientError::Unexpected { status, .. } => {
                status.is_server_error()
            }
        }
    }
}

/// A client for one queue server. Cloning is cheap and shares connections and cookies.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    bearer: Option<String>,
    /// The session's CSRF token after `login`, sent with every request.
    csrf: Arc<Mutex<Option<String>>>,
    deadlines: Deadlines,
}

impl Client {
    /// A client for the server at `base_url` (e.g. `http://127.0.0.1:8080`) with the
    /// default deadlines.
    pub fn new(base_url: &str) -> Result<Client, ClientError> {
        Client::with_deadlines(base_url, Deadlines::default())
    }

    /// A client whose every request gives up after `deadlines`.
    pub fn with_deadlines(base_url: &str, deadlines: Deadlines) -> Result<Client, ClientError> {
        Client::build(base_url, deadlines, None)
    }

    /// A client that trusts only the certificate authorities in `ca_pem` (one or more PEM
    /// certificates: the county's own CA) for the server's HTTPS certificate, none of the
    /// built-in public ones.
    pub fn with_server_ca(
        base_url: &str,
        deadlines: Deadlines,
        ca_pem: &[u8],
    ) -> Result<Client, ClientError> {
        Client::build(base_url, deadlines, Some(ca_pem))
    }

    fn build(
        base_url: &str,
        deadlines: Deadlines,
        ca_pem: Option<&[u8]>,
    ) -> Result<Client, ClientError> {
        let mut builder = reqwest::Client::builder()
            .cookie_store(true)
            .connect_timeout(deadlines.connect);
        if let Some(pem) = ca_pem {
            builder = builder.tls_built_in_root_certs(false);
            for ca in reqwest::Certificate::from_pem_bundle(pem).map_err(ClientError::Transport)? {
                builder = builder.add_root_certificate(ca);
            }
        }
        let http = builder.build().map_err(ClientError::Transport)?;
        Ok(Client {
            base: base_url.trim_end_matches('/').to_owned(),
            http,
            bearer: None,
            csrf: Arc::new(Mutex::new(None)),
            deadlines,
        })
    }

    pub fn deadlines(&self) -> Deadlines {
        self.deadlines
    }

    /// Runs one whole request (headers and body) within the request deadline. Uses tokio's
    /// clock, so tests with paused time see the deadline without waiting for it.
    pub(crate) async fn within<T>(
        &self,
        request: impl Future<Output = Result<T, ClientError>>,
    ) -> Result<T, ClientError> {
        tokio::time::timeout(self.deadlines.request, request)
            .await
            .map_err(|_| ClientError::Timeout(self.deadlines.request))?
    }

    /// Authenticate as a device (kiosk, display, booking system) with its token.
    pub fn with_device_token(mut self, token: &str) -> Client {
        self.bearer = Some(token.to_owned());
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub(crate) fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let url = format!("{}{}{}", self.base, API_PREFIX, path);
        let mut builder = self.http.request(method, url);
        let csrf = self.csrf.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(token) = csrf {
            builder = builder.header("X-CSRF-Token", token);
        }
        match &self.bearer {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn healthz(&self) -> Result<(), ClientError> {
        self.send_empty(self.http.get(format!("{}/healthz", self.base)))
            .await
    }

    pub async fn config(&self) -> Result<Building, ClientError> {
        self.send_json(self.request(Method::GET, "/config")).await
    }

    /// The recent calls of `zone` (all zones when none) and the waiting lines.
    pub async fn display(&self, zone: Option<&str>) -> Result<DisplaySnapshot, ClientError> {
        let query = DisplayQuery {
            zone: zone.map(str::to_owned),
            limit: None,
        };
        self.send_json(self.request(Method::GET, "/display").query(&query))
            .await
    }

    /// Issues a ticket. Retrying with the same `idempotency_key` returns the same ticket.
    pub async fn issue_ticket(
        &self,
        request: &IssueTicket,
        idempotency_key: &str,
    ) -> Result<Ticket, ClientError> {
        let builder = self
            .request(Method::POST, "/tickets")
            .header("Idempotency-Key", idempotency_key)
            .json(request);
        self.send_json(builder).await
    }

    pub async fn ticket(&self, token: &str) -> Result<Ticket, ClientError> {
        self.send_json(self.request(Method::GET, &format!("/tickets/{token}")))
            .await
    }

    /// A visitor's feedback on the visit of `token`.
    pub async fn give_feedback(
        &self,
        token: &str,
        feedback: &GiveFeedback,
    ) -> Result<(), ClientError> {
        let path = format!("/tickets/{token}/feedback");
        self.send_empty(self.request(Method::POST, &path).json(feedback))
            .await
    }

    pub async fn check_in(&self, request: &CheckIn) -> Result<Ticket, ClientError> {
        self.send_json(self.request(Method::POST, "/checkins").json(request))
            .await
    }

    pub async fn import_appointments(
        &self,
        request: &ImportAppointments,
    ) -> Result<ImportedAppointments, ClientError> {
        self.send_json(self.request(Method::POST, "/appointments").json(request))
            .await
    }

    /// The voice clips recorded on the server for `language`.
    pub async fn voice_pack(&self, language: &str) -> Result<crate::VoicePack, ClientError> {
        self.send_json(self.request(Method::GET, &format!("/voices/{language}")))
            .await
    }

    /// One recorded clip as WAV.
    pub async fn voice_clip(&self, language: &str, key: &str) -> Result<Vec<u8>, ClientError> {
        let builder = self.request(Method::GET, &format!("/voices/{language}/{key}"));
        self.within(async {
            let response = builder.send().await.map_err(ClientError::Transport)?;
            let response = expect_success(response).await?;
            let bytes = response.bytes().await.map_err(ClientError::Transport)?;
            Ok(bytes.to_vec())
        })
        .await
    }

    /// Reports this kiosk's printer state.
    pub async fn report_status(&self, status: &crate::DeviceStatus) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::POST, "/devices/status").json(status))
            .await
    }

    pub async fn queues(&self) -> Result<Queues, ClientError> {
        self.send_json(self.request(Method::GET, "/queues")).await
    }

    /// Calls the next ticket to `desk`; `None` when nobody is waiting for it.
    pub async fn call_next(&self, desk: &str) -> Result<Option<DeskTicket>, ClientError> {
        let builder = self.request(Method::POST, &format!("/desks/{desk}/call-next"));
        self.within(async {
            let response = builder.send().await.map_err(ClientError::Transport)?;
            if response.status() == StatusCode::NO_CONTENT {
                return Ok(None);
            }
            decode(expect_success(response).await?).await.map(Some)
        })
        .await
    }

    pub async fn call(&self, desk: &str, number: &str) -> Result<DeskTicket, ClientError> {
        let body = CallSpecific {
            number: number.to_owned(),
        };
        self.desk_action(desk, "call", &body).await
    }

    pub async fn recall(&self, desk: &str) -> Result<DeskTicket, ClientError> {
        self.desk_action(desk, "recall", &()).await
    }

    pub async fn start(&self, desk: &str) -> Result<DeskTicket, ClientError> {
        self.desk_action(desk, "start", &()).await
    }

    pub async fn finish(&self, desk: &str, finish: &Finish) -> Result<DeskTicket, ClientError> {
        self.desk_action(desk, "finish", finish).await
    }

    pub async fn no_show(&self, desk: &str) -> Result<DeskTicket, ClientError> {
        self.desk_action(desk, "no-show", &()).await
    }

    pub async fn park(&self, desk: &str) -> Result<DeskTicket, ClientError> {
        self.desk_action(desk, "park", &()).await
    }

    pub async fn resume(&self, desk: &str, number: &str) -> Result<DeskTicket, ClientError> {
        let body = Resume {
            number: number.to_owned(),
        };
        self.desk_action(desk, "resume", &body).await
    }

    pub async fn transfer(
        &self,
        desk: &str,
        transfer: &Transfer,
    ) -> Result<DeskTicket, ClientError> {
        self.desk_action(desk, "transfer", transfer).await
    }

    async fn desk_action<B: Serialize + ?Sized>(
        &self,
        desk: &str,
        action: &str,
        body: &B,
    ) -> Result<DeskTicket, ClientError> {
        let builder = self
            .request(Method::POST, &format!("/desks/{desk}/{action}"))
            .json(body);
        self.send_json(builder).await
    }

    /// Logs in as staff; the session cookie is kept by this client and its clones.
    pub async fn login(&self, name: &str, password: &str) -> Result<SessionInfo, ClientError> {
        let body = Login {
            name: name.to_owned(),
            password: password.to_owned(),
        };
        let session: SessionInfo = self
            .send_json(self.request(Method::POST, "/session").json(&body))
            .await?;
        *self.csrf.lock().unwrap_or_else(|p| p.into_inner()) = Some(session.csrf_token.clone());
        Ok(session)
    }

    pub async fn logout(&self) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::DELETE, "/session"))
            .await
    }

    /// Changes the logged-in account's password. Every session of the account ends, this
    /// client's too: log in again with the new password.
    pub async fn change_password(&self, current: &str, new: &str) -> Result<(), ClientError> {
        let body = ChangePassword {
            current_password: current.to_owned(),
            new_password: new.to_owned(),
        };
        let response = self
            .request(Method::PUT, "/session/password")
            .json(&body)
            .send()
            .await
            .map_err(ClientError::Transport)?;
        expect_success(response).await?;
        *self.csrf.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }

    /// The SSE request, resuming after `last_event_id`; see [`crate::event_stream`].
    pub(crate) fn events_request(&self, last_event_id: Option<i64>) -> RequestBuilder {
        let builder = self
            .request(Method::GET, "/events")
            .header("Accept", "text/event-stream");
        match last_event_id {
            Some(id) => builder.header("Last-Event-ID", id.to_string()),
            None => builder,
        }
    }

    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
    ) -> Result<T, ClientError> {
        self.within(async {
            let response = builder.send().await.map_err(ClientError::Transport)?;
            decode(expect_success(response).await?).await
        })
        .await
    }

    /// A request whose answer has no body worth reading (only success counts).
    async fn send_empty(&self, builder: RequestBuilder) -> Result<(), ClientError> {
        self.within(async {
            let response = builder.send().await.map_err(ClientError::Transport)?;
            expect_success(response).await.map(|_| ())
        })
        .await
    }
}

/// Turns an error status into [`ClientError::Api`] (or `Unexpected` when the body is not ours).
pub(crate) async fn expect_success(
    response: reqwest::Response,
) -> Result<reqwest::Response, ClientError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let text = response.text().await.map_err(ClientError::Transport)?;
    match serde_json::from_str::<ApiErrorBody>(&text) {
        Ok(body) => Err(ClientError::Api { status, body }),
        Err(_) => Err(ClientError::Unexpected {
            status,
            detail: text.chars().take(200).collect(),
        }),
    }
}

async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, ClientError> {
    let status = response.status();
    let bytes = response.bytes().await.map_err(ClientError::Transport)?;
    serde_json::from_slice(&bytes).map_err(|e| ClientError::Unexpected {
        status,
        detail: e.to_string(),
    })
}
