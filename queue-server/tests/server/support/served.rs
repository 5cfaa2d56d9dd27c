//! The server through its real accept loop on a real socket, and HTTP clients that connect
//! from chosen loopback addresses (127.0.0.2, 127.0.0.3, …): what depends on the connection
//! (the client address, limits per client) is seen only this way.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use chrono::Utc;
use lotse_protocol::Role;
use lotse_queue_server::auth::{AgencyScope, DeviceKind, hash_password, token_hash};
use lotse_queue_server::config::Config;
use lotse_queue_server::limits::Limits;
use lotse_queue_server::storage::{Store, accounts};

use super::PASSWORD;

/// A server running on `127.0.0.1` on a free port; it stops when the test's runtime ends.
pub struct Served {
    pub address: SocketAddr,
    pub store: Store,
}

impl Served {
    /// The sample building, always open, default limits.
    pub async fn start() -> Served {
        Served::start_with(Config::embedded().unwrap().always_open(), Limits::default()).await
    }

    pub async fn start_with(config: Config, limits: Limits) -> Served {
        let store = Store::in_memory().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(lotse_queue_server::run_with(
            listener,
            store.clone(),
            config,
            Arc::new(Utc::now),
            limits,
            std::future::pending(),
        ));
        Served { address, store }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Adds an account with [`PASSWORD`] working for `agencies` (`*` = all).
    pub async fn add_user(&self, name: &'static str, role: Role, agencies: &str) {
        let hash = hash_password(PASSWORD).unwrap();
        let scope = AgencyScope::parse(agencies);
        self.store
            .run(move |c| {
                accounts::add_user(c, Utc::now(), name, role, &hash)?;
                accounts::set_user_agencies(c, name, &scope)
            })
            .await
            .unwrap();
    }

    /// Adds a device whose token is `token` (also its name).
    pub async fn add_device(&self, kind: DeviceKind, token: &'static str) {
        let hash = token_hash(token);
        self.store
            .run(move |c| accounts::add_device(c, Utc::now(), kind, token, &hash))
            .await
            .unwrap();
    }

    /// Logs `name` in with `password` from `from`; the status and, on success, the client
    /// (which keeps the session cookie) with the session's CSRF token.
    pub async fn login(
        &self,
        from: &str,
        name: &str,
        password: &str,
    ) -> (reqwest::StatusCode, reqwest::Client, String) {
        let client = client_from(from);
        let response = client
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({ "name": name, "password": password }))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        let csrf = body["csrf_token"].as_str().unwrap_or_default().to_owned();
        (status, client, csrf)
    }
}

/// A client whose connections come from `ip` (a loopback address such as `127.0.0.5`),
/// keeping cookies.
pub fn client_from(ip: &str) -> reqwest::Client {
    let ip: IpAddr = ip.parse().unwrap();
    reqwest::Client::builder()
        .local_address(ip)
        .cookie_store(true)
        .build()
        .unwrap()
}

impl Served {
    /// Logs `name` in from `from` without keeping cookies; the session cookie (`name=value`)
    /// and the CSRF token, for requests written by hand.
    pub async fn session(&self, from: &str, name: &str) -> (String, String) {
        let response = plain_client_from(from)
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({ "name": name, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK);
        let cookie = super::set_cookie_pair(response.headers());
        let body: serde_json::Value = response.json().await.unwrap();
        (cookie, body["csrf_token"].as_str().unwrap().to_owned())
    }

    /// A raw connection from `from` (a loopback address).
    pub async fn connect_from(&self, from: &str) -> tokio::net::TcpStream {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket
            .bind(SocketAddr::new(from.parse().unwrap(), 0))
            .unwrap();
        socket.connect(self.address).await.unwrap()
    }
}

/// [`client_from`] without a cookie store.
pub fn plain_client_from(ip: &str) -> reqwest::Client {
    let ip: IpAddr = ip.parse().unwrap();
    reqwest::Client::builder()
        .local_address(ip)
        .build()
        .unwrap()
}

/// Reads from `socket` until the answer's head and `body_bytes` more have arrived (or the
/// socket ends); gives up after [`PATIENCE`] with what arrived.
pub async fn read_answer(socket: &mut tokio::net::TcpStream) -> String {
    read_half(socket).await
}

/// [`read_answer`] from any reader (such as the reading half of a split socket).
pub async fn read_half(socket: &mut (impl tokio::io::AsyncRead + Unpin)) -> String {
    use tokio::io::AsyncReadExt;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut read = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&read).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    let (key, value) = line.split_once(':')?;
                    key.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if body.len() >= length {
                return text;
            }
        }
        match tokio::time::timeout_at(deadline, socket.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return text,
            Ok(Ok(n)) => read.extend_from_slice(&buffer[..n]),
        }
    }
}

/// Long enough for anything a test waits for to happen on a loaded machine.
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);
