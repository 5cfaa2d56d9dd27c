//! HTTPS served by the real `queue-server` binary with certificates from a test CA made here
//! (rcgen): a kiosk client that trusts the CA connects; one that trusts another CA is
//! refused with a certificate error; SIGHUP swaps the certificate for new connections while
//! a live stream opened before stays open and keeps receiving events.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures::StreamExt;
use lotse_protocol::{Client, Deadlines, IssueTicket};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};

/// A certificate authority made for one test.
struct Authority {
    certificate: rcgen::Certificate,
    key: KeyPair,
}

impl Authority {
    fn new(name: &str) -> Authority {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let certificate = params.self_signed(&key).unwrap();
        Authority { certificate, key }
    }

    fn pem(&self) -> Vec<u8> {
        self.certificate.pem().into_bytes()
    }

    /// Writes a server certificate for 127.0.0.1 signed by this CA, and its key.
    fn issue_server_certificate(&self, files: &Files) {
        let params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
        let key = KeyPair::generate().unwrap();
        let certificate = params
            .signed_by(&key, &self.certificate, &self.key)
            .unwrap();
        std::fs::write(&files.cert, certificate.pem()).unwrap();
        std::fs::write(&files.key, key.serialize_pem()).unwrap();
    }
}

struct Files {
    cert: PathBuf,
    key: PathBuf,
}

impl Files {
    fn in_dir(dir: &Path) -> Files {
        Files {
            cert: dir.join("server.pem"),
            key: dir.join("server-key.pem"),
        }
    }
}

/// The server, killed when the test ends.
struct Server {
    child: Child,
    base_url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path, files: &Files) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_queue-server"))
        .args([
            "serve",
            "--demo",
            "--always-open",
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--db")
        .arg(dir.join("lotse.db"))
        .arg("--tls-cert")
        .arg(&files.cert)
        .arg("--tls-key")
        .arg(&files.key)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut base_url = None;
    for line in stdout.lines() {
        let line = line.unwrap();
        if let Some(address) = line.strip_prefix("listening on ") {
            base_url = Some(address.to_owned());
            break;
        }
    }
    let base_url = base_url.expect("the server says where it listens");
    assert!(base_url.starts_with("https://"), "{base_url}");
    Server { child, base_url }
}

fn client(server: &Server, ca: &Authority) -> Client {
    Client::with_server_ca(&server.base_url, Deadlines::default(), &ca.pem()).unwrap()
}

/// The error and its causes, as a kiosk's log shows them.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn residence_permit() -> IssueTicket {
    IssueTicket {
        services: vec!["residence-permit".to_owned()],
        language: "de".to_owned(),
        channel: None,
        priority: false,
        interpreter: false,
    }
}

#[tokio::test]
async fn a_client_trusting_the_county_ca_connects_and_gets_hsts() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, files) = (Authority::new("County CA"), Files::in_dir(dir.path()));
    ca.issue_server_certificate(&files);
    let server = start(dir.path(), &files);

    client(&server, &ca).healthz().await.unwrap();
    let http = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&ca.pem()).unwrap())
        .build()
        .unwrap();
    let answer = http
        .get(format!("{}/healthz", server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

#[tokio::test]
async fn a_client_trusting_another_ca_is_refused_with_a_certificate_error() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, files) = (Authority::new("County CA"), Files::in_dir(dir.path()));
    ca.issue_server_certificate(&files);
    let server = start(dir.path(), &files);

    let stranger = Authority::new("Another CA");
    let error = client(&server, &stranger).healthz().await.unwrap_err();
    let text = chain(&error);
    assert!(
        text.contains("invalid peer certificate") && text.contains("UnknownIssuer"),
        "a clear certificate error: {text}"
    );
}

#[tokio::test]
async fn sighup_swaps_the_certificate_while_a_live_stream_stays_open() {
    let dir = tempfile::tempdir().unwrap();
    let (old_ca, files) = (Authority::new("County CA 2026"), Files::in_dir(dir.path()));
    old_ca.issue_server_certificate(&files);
    let server = start(dir.path(), &files);

    // A display's live stream over the old certificate.
    let http = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&old_ca.pem()).unwrap())
        .build()
        .unwrap();
    let stream = http
        .get(format!("{}/api/v1/events", server.base_url))
        .bearer_auth("demo-display-token")
        .header("Accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert!(stream.status().is_success(), "{}", stream.status());
    let mut stream = stream.bytes_stream();

    let new_ca = Authority::new("County CA 2027");
    new_ca.issue_server_certificate(&files);
    let hangup = Command::new("kill")
        .args(["-HUP", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(hangup.success());

    // New connections get the new certificate once the server has read it.
    let kiosk = client(&server, &new_ca).with_device_token("demo-kiosk-token");
    let mut attempts = 0;
    while let Err(error) = kiosk.healthz().await {
        attempts += 1;
        assert!(attempts < 300, "the new certificate never came: {error}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let error = client(&server, &old_ca).healthz().await.unwrap_err();
    assert!(chain(&error).contains("invalid peer certificate"));

    // The stream opened before the swap is still there and carries the new ticket's event.
    let ticket = kiosk
        .issue_ticket(&residence_permit(), "tls-reload")
        .await
        .unwrap();
    let mut seen = String::new();
    while !seen.contains(&ticket.number) {
        let chunk = tokio::time::timeout(Duration::from_secs(30), stream.next())
            .await
            .expect("an event within 30 s")
            .expect("the live stream is still open")
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}
