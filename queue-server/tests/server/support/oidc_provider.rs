//! A real OpenID provider for directory-login tests: npm's `oidc-provider` (panva, certified)
//! on the machine's Node.js, run by `oidc-provider.mjs` on a free port; installed once into
//! the user's cache directory (`~/.cache/lotse-tests/oidc-provider`); stopped when dropped.
//! The test chooses who logs in at the provider and their groups, and rotates the signing
//! key by restarting it with a new first key.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::slapd::free_port;

pub const CLIENT_ID: &str = "lotse";
pub const CLIENT_SECRET: &str = "lotse-client-secret";
/// Where the provider sends the browser back; the test takes the code from there and calls
/// the server's callback itself.
pub const REDIRECT_URL: &str = "http://lotse.test/staff/login/oidc/callback";
pub const POST_LOGOUT_URL: &str = "http://lotse.test/staff/login";
const VERSION: &str = "9.13.3";

/// The folder with `node_modules/oidc-provider`, installed on first use; `None` (with a
/// message) without Node.js and npm.
fn installed() -> Option<&'static Path> {
    static FOLDER: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOLDER
        .get_or_init(|| {
            let found = |program: &str| Command::new(program).arg("--version").output().is_ok();
            if !found("node") || !found("npm") {
                eprintln!("SKIPPED: node and npm are missing (apt install nodejs npm)");
                return None;
            }
            let home =
                std::env::var_os("HOME").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
            let folder = home.join(".cache/lotse-tests/oidc-provider");
            if !folder.join("node_modules/oidc-provider").exists() {
                std::fs::create_dir_all(&folder).unwrap();
                std::fs::write(folder.join("package.json"), "{\"private\":true}\n").unwrap();
                let status = Command::new("npm")
                    .args(["install", "--no-audit", "--no-fund"])
                    .arg(format!("oidc-provider@{VERSION}"))
                    .current_dir(&folder)
                    .status()
                    .unwrap();
                assert!(status.success(), "npm install oidc-provider failed");
            }
            // The script sits beside the package so that Node finds it.
            std::fs::write(
                folder.join("oidc-provider.mjs"),
                include_str!("oidc-provider.mjs"),
            )
            .unwrap();
            Some(folder)
        })
        .as_deref()
}

pub struct OidcProvider {
    child: Option<Child>,
    pub port: u16,
    folder: &'static Path,
    keys: tempfile::TempDir,
}

impl OidcProvider {
    /// Starts the provider signing with the key `a`.
    pub fn start() -> Option<OidcProvider> {
        let folder = installed()?;
        let mut provider = OidcProvider {
            child: None,
            port: free_port(),
            folder,
            keys: tempfile::tempdir().unwrap(),
        };
        provider.run("a");
        Some(provider)
    }

    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// (Re)starts the process with the signing keys `kids` (the first signs).
    pub fn run(&mut self, kids: &str) {
        self.stop();
        let child = Command::new("node")
            .arg(self.folder.join("oidc-provider.mjs"))
            .arg(self.port.to_string())
            .arg(self.keys.path())
            .arg(kids)
            .arg(REDIRECT_URL)
            .arg(POST_LOGOUT_URL)
            .current_dir(self.folder)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "oidc-provider did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A key rotation: a new key `b` signs from now on, `a` is still published.
    pub fn rotate_keys(&mut self) {
        self.run("b,a");
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    async fn post(&self, path: &str, body: String) -> String {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.issuer()))
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.text().await.unwrap()
    }

    /// The next login at the provider is `name`'s.
    pub async fn next_user(&self, name: &str) {
        self.post(&format!("/test/user/{name}"), String::new())
            .await;
    }

    /// `name`'s groups from now on.
    pub async fn set_groups(&self, name: &str, groups: &[&str]) {
        self.post(
            &format!("/test/groups/{name}?g={}", groups.join(",")),
            String::new(),
        )
        .await;
    }

    /// A JWT with `claims`, signed with the provider's current key.
    pub async fn sign(&self, claims: serde_json::Value) -> String {
        self.post("/test/sign", claims.to_string()).await
    }

    /// Follows the browser's way from the authorization URL through the provider's
    /// interaction to the redirect back; returns that URL (with `code` and `state`).
    pub async fn authorize(&self, authorization_url: &str) -> url::Url {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                if attempt.url().as_str().starts_with(REDIRECT_URL) {
                    attempt.stop()
                } else {
                    attempt.follow()
                }
            }))
            .build()
            .unwrap();
        let response = browser.get(authorization_url).send().await.unwrap();
        assert!(
            response.status().is_redirection(),
            "{}: {}",
            response.status(),
            response.text().await.unwrap_or_default()
        );
        let location = response.headers()["location"].to_str().unwrap();
        url::Url::parse(location).unwrap()
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        self.stop();
    }
}
