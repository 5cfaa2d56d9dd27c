//! Staff directories: LDAP/Active Directory password checks and look-ups, bounded like the
//! local password checks (a few at a time, the rest wait briefly, then `Busy`), each within
//! its timeouts; the OpenID provider (`oidc.rs`). What the groups grant is `domain::directory`; the login and re-validation
//! that use this are `http::session` and `revalidate`.

mod ldap;
pub mod oidc;
pub mod revalidate;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::auth::CHECK_WAIT;
use crate::config::auth::{AuthConfig, LdapSettings};

/// A user as the directory knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryUser {
    /// The entry's distinguished name.
    pub id: String,
    /// The distinguished names of their groups, nested ones included.
    pub groups: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// Unknown user, wrong password, or several entries for one name.
    #[error("wrong name or password")]
    InvalidCredentials,
    /// Down, too slow, refused TLS, or the service account cannot bind.
    #[error("the directory cannot be reached: {0}")]
    Unreachable(String),
    /// Every place for a directory check was taken for too long.
    #[error("too many directory checks at once")]
    Busy,
}

/// The configured LDAP directory, if any, with the bound on checks at once; the OpenID
/// provider, if any.
pub struct Directory {
    ldap: Option<(Arc<LdapSettings>, Arc<Semaphore>)>,
    oidc: Option<oidc::Oidc>,
}

impl Directory {
    pub fn new(auth: &AuthConfig) -> Directory {
        Directory {
            ldap: auth.ldap().map(|settings| {
                let permits = Arc::new(Semaphore::new(settings.max_concurrent));
                (Arc::new(settings.clone()), permits)
            }),
            oidc: auth.oidc().map(oidc::Oidc::new),
        }
    }

    pub fn has_ldap(&self) -> bool {
        self.ldap.is_some()
    }

    pub fn oidc(&self) -> Option<&oidc::Oidc> {
        self.oidc.as_ref()
    }

    /// Whether any directory is configured (then sessions are re-validated).
    pub fn any(&self) -> bool {
        self.ldap.is_some() || self.oidc.is_some()
    }

    /// Checks `name`'s `password` against the directory; `None` without an LDAP directory.
    pub async fn check_password(
        &self,
        name: &str,
        password: &str,
    ) -> Option<Result<DirectoryUser, DirectoryError>> {
        let (settings, permits) = self.ldap.as_ref()?;
        Some(
            bounded(settings, permits, async |mut connection| {
                let checked = connection.check_password(name, password).await;
                connection.close().await;
                checked
            })
            .await,
        )
    }

    /// The user `name` as the directory knows them now; `None` without an LDAP directory.
    pub async fn look_up(&self, name: &str) -> Option<Result<DirectoryUser, DirectoryError>> {
        let (settings, permits) = self.ldap.as_ref()?;
        Some(
            bounded(settings, permits, async |mut connection| {
                let found = connection.look_up(name).await;
                connection.close().await;
                found
            })
            .await,
        )
    }
}

/// Runs `work` on a fresh connection once a place is free, all within the time its steps may
/// take (connect, two binds, a few searches).
async fn bounded<T>(
    settings: &Arc<LdapSettings>,
    permits: &Semaphore,
    work: impl AsyncFnOnce(ldap::Connection) -> Result<T, DirectoryError>,
) -> Result<T, DirectoryError> {
    let _permit = tokio::time::timeout(CHECK_WAIT, permits.acquire())
        .await
        .map_err(|_| DirectoryError::Busy)?
        .map_err(|_| DirectoryError::Busy)?;
    let limit = settings.connect_timeout + settings.operation_timeout * 16 + Duration::from_secs(1);
    let settings = settings.clone();
    tokio::time::timeout(limit, async move {
        work(ldap::Connection::open(settings).await?).await
    })
    .await
    .map_err(|_| DirectoryError::Unreachable("the directory took too long".into()))?
}
