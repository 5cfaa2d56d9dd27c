//! Staff directories: LDAP/Active Directory password checks and look-ups, bounded like the
//! local password checks (a few at a time, the rest wait briefly, then `Busy`), each within
//! its timeouts; the OpenID provider (`oidc.rs`). What the groups grant is `domain::directory`; the login and re-validation
//! that use this are `http::session` and `revalidate`.

mod ldap;
pub mod oidc;
mod pool;
pub mod revalidate;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::auth::CHECK_WAIT;
use crate::config::auth::{AuthConfig, LdapSettings};
use pool::Pool;

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

/// The configured LDAP directory, if any: its settings, the bound on checks at once and the
/// idle connections; the OpenID provider, if any.
pub struct Directory {
    ldap: Option<Ldap>,
    oidc: Option<oidc::Oidc>,
}

struct Ldap {
    settings: Arc<LdapSettings>,
    permits: Semaphore,
    pool: Pool,
}

impl Directory {
    pub fn new(auth: &AuthConfig) -> Directory {
        Directory {
            ldap: auth.ldap().map(|settings| Ldap {
                permits: Semaphore::new(settings.max_concurrent),
                pool: Pool::new(settings.max_concurrent),
                settings: Arc::new(settings.clone()),
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
        let ldap = self.ldap.as_ref()?;
        Some(ldap.bounded(Check::Password { name, password }).await)
    }

    /// The user `name` as the directory knows them now; `None` without an LDAP directory.
    pub async fn look_up(&self, name: &str) -> Option<Result<DirectoryUser, DirectoryError>> {
        let ldap = self.ldap.as_ref()?;
        Some(ldap.bounded(Check::LookUp { name }).await)
    }

    /// How many LDAP connections were opened since start (0 without LDAP).
    pub fn ldap_connections_opened(&self) -> u64 {
        self.ldap.as_ref().map_or(0, |ldap| ldap.pool.opened())
    }
}

/// What is asked of the directory.
#[derive(Clone, Copy)]
enum Check<'a> {
    Password { name: &'a str, password: &'a str },
    LookUp { name: &'a str },
}

impl Check<'_> {
    async fn on(self, connection: &mut ldap::Connection) -> Result<DirectoryUser, DirectoryError> {
        match self {
            Check::Password { name, password } => connection.check_password(name, password).await,
            Check::LookUp { name } => connection.look_up(name).await,
        }
    }
}

impl Ldap {
    /// Runs `check` once a place is free, on an idle connection of the pool or else a new one,
    /// all within the time its steps may take (connect, two binds, a few searches). An idle
    /// connection the directory has dropped in the meantime fails as unreachable: then the
    /// check runs again on a new one. A connection goes back to the pool only after the check
    /// succeeded on it (a refused password bind leaves it bound as nobody).
    async fn bounded(&self, check: Check<'_>) -> Result<DirectoryUser, DirectoryError> {
        let _permit = tokio::time::timeout(CHECK_WAIT, self.permits.acquire())
            .await
            .map_err(|_| DirectoryError::Busy)?
            .map_err(|_| DirectoryError::Busy)?;
        let settings = &self.settings;
        let limit =
            settings.connect_timeout + settings.operation_timeout * 16 + Duration::from_secs(1);
        tokio::time::timeout(limit, async {
            if let Some(mut idle) = self.pool.take() {
                match check.on(&mut idle).await {
                    Err(DirectoryError::Unreachable(error)) => {
                        tracing::debug!(%error, "an idle LDAP connection failed; connecting anew");
                    }
                    done => return self.keep_if_done(idle, done).await,
                }
            }
            let mut connection = ldap::Connection::open(settings.clone()).await?;
            self.pool.opened_one();
            let done = check.on(&mut connection).await;
            self.keep_if_done(connection, done).await
        })
        .await
        .map_err(|_| DirectoryError::Unreachable("the directory took too long".into()))?
    }

    async fn keep_if_done(
        &self,
        connection: ldap::Connection,
        done: Result<DirectoryUser, DirectoryError>,
    ) -> Result<DirectoryUser, DirectoryError> {
        if done.is_ok() {
            self.pool.put(connection);
        } else {
            connection.close().await;
        }
        done
    }
}
