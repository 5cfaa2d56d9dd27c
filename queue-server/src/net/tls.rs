//! HTTPS served by the server itself (rustls): the certificate chain and key come from PEM
//! files (`--tls-cert`, `--tls-key`) and are read again on SIGHUP. A reload swaps what new
//! handshakes present; connections already open, live streams among them, keep theirs.
//! A file that cannot be read or does not fit keeps the previous certificate in use.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use anyhow::{Context, bail};
use rustls::crypto::CryptoProvider;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// What HSTS tells browsers: HTTPS only for a year (no `includeSubDomains`: a county's other
/// hosts under the same domain are not ours to decide).
pub const HSTS: &str = "max-age=31536000";

/// Where the certificate chain and its key are.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The server's TLS: an acceptor for new connections whose certificate can be reloaded.
#[derive(Clone)]
pub struct ServerTls {
    acceptor: TlsAcceptor,
    certificate: Arc<Reloadable>,
}

impl fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerTls")
            .field("files", &self.certificate.files)
            .finish()
    }
}

impl ServerTls {
    /// Reads the certificate and key; fails with the file and the reason.
    pub fn load(files: TlsFiles) -> anyhow::Result<ServerTls> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let current = read_certified_key(&files, &provider)?;
        let certificate = Arc::new(Reloadable {
            files,
            provider: provider.clone(),
            current: RwLock::new(Arc::new(current)),
        });
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("no TLS protocol version in common with the crypto provider")?
            .with_no_client_auth()
            .with_cert_resolver(certificate.clone());
        // The server speaks HTTP/1.1 only (net/mod.rs).
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(ServerTls {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            certificate,
        })
    }

    pub fn acceptor(&self) -> TlsAcceptor {
        self.acceptor.clone()
    }

    /// Reads the files again and uses them for new connections; on an error the previous
    /// certificate stays.
    pub fn reload(&self) -> anyhow::Result<()> {
        let fresh = read_certified_key(&self.certificate.files, &self.certificate.provider)?;
        *self
            .certificate
            .current
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(fresh);
        Ok(())
    }

    /// Reloads on every SIGHUP until the process ends.
    pub async fn reload_on_hangup(self) {
        let mut hangups =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
                Ok(hangups) => hangups,
                Err(error) => {
                    tracing::error!(%error, "cannot listen for SIGHUP: no certificate reloads");
                    return;
                }
            };
        while hangups.recv().await.is_some() {
            match self.reload() {
                Ok(()) => tracing::info!(
                    cert = %self.certificate.files.cert.display(),
                    "TLS certificate reloaded"
                ),
                Err(error) => tracing::error!(
                    error = %format!("{error:#}"),
                    "TLS certificate not reloaded; the previous one stays in use"
                ),
            }
        }
    }
}

/// The certificate new handshakes get, swapped by a reload.
struct Reloadable {
    files: TlsFiles,
    provider: Arc<CryptoProvider>,
    current: RwLock<Arc<CertifiedKey>>,
}

impl fmt::Debug for Reloadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reloadable")
            .field("files", &self.files)
            .finish()
    }
}

impl ResolvesServerCert for Reloadable {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        )
    }
}

fn read_certified_key(files: &TlsFiles, provider: &CryptoProvider) -> anyhow::Result<CertifiedKey> {
    let chain = read_chain(&files.cert)?;
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .with_context(|| format!("{}: no private key in PEM", files.key.display()))?;
    let signing_key = provider
        .key_provider
        .load_private_key(key)
        .with_context(|| format!("{}: unusable private key", files.key.display()))?;
    let certified = CertifiedKey::new(chain, signing_key);
    certified.keys_match().with_context(|| {
        format!(
            "{} does not belong to the certificate {}",
            files.key.display(),
            files.cert.display()
        )
    })?;
    Ok(certified)
}

fn read_chain(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let chain = CertificateDer::pem_file_iter(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{}: not a PEM certificate chain", path.display()))?;
    if chain.is_empty() {
        bail!("{}: no certificate in it", path.display());
    }
    Ok(chain)
}

/// A TLS client configuration that trusts only the CA certificates in the PEM file
/// `ca_file` (a county's private PKI): directory logins over LDAPS and the central
/// service's database connections.
pub fn client_trusting(ca_file: &Path) -> anyhow::Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_file_iter(ca_file)
        .with_context(|| format!("cannot read {}", ca_file.display()))?
    {
        let certificate =
            certificate.with_context(|| format!("{}: not a PEM certificate", ca_file.display()))?;
        roots
            .add(certificate)
            .with_context(|| format!("{}: not a CA certificate", ca_file.display()))?;
    }
    if roots.is_empty() {
        bail!("{}: no certificate in it", ca_file.display());
    }
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("no TLS protocol version in common with the crypto provider")?
    .with_root_certificates(roots)
    .with_no_client_auth())
}
