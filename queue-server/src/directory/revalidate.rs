//! Re-validation of directory sessions: every account whose groups were confirmed longer
//! than `revalidate_minutes` ago and that has a session is looked up again (LDAP: a search
//! with the service account; OIDC: a fresh ID token for the refresh token, whose groups
//! claim counts; without a refresh token, e.g. after a restart, the sessions end). Still mapped →
//! its role, agencies and languages as the groups grant now; gone, disabled (where the user
//! filter excludes disabled users) or in no mapped group → its sessions end. A directory that
//! cannot answer leaves the sessions as they are (logged): an outage of the directory does
//! not log the whole building out; the account is tried again at the next round.

use chrono::{DateTime, Utc};

use super::{Directory, DirectoryError};
use crate::config::auth::AuthConfig;
use crate::domain::directory::{self, AccountSource};
use crate::services::ServiceError;
use crate::services::commands::directory as commands;
use crate::storage::{Store, directory_accounts};

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Revalidated {
    pub confirmed: usize,
    pub withdrawn: usize,
    /// Left alone because the directory did not answer.
    pub unanswered: usize,
}

/// One round at `now`.
pub async fn revalidate_due(
    store: &Store,
    auth: &AuthConfig,
    directory: &Directory,
    now: DateTime<Utc>,
) -> Result<Revalidated, ServiceError> {
    let every = chrono::Duration::from_std(auth.revalidate_every).unwrap_or(chrono::Duration::MAX);
    let before = now - every;
    let due = store
        .read(move |c| directory_accounts::due_for_revalidation(c, before))
        .await?;
    let mut done = Revalidated::default();
    for (name, source) in due {
        let found = match source {
            AccountSource::Ldap => directory.look_up(&name).await,
            AccountSource::Oidc => match directory.oidc() {
                Some(oidc) => Some(oidc.refresh(&name).await),
                None => None,
            },
            AccountSource::Local => continue,
        };
        let verdict = match found {
            Some(Ok(user)) => {
                directory::grant(&auth.groups, &user.groups).map_err(|r| r.to_string())
            }
            Some(Err(DirectoryError::InvalidCredentials)) => {
                Err("no longer found in the directory".to_owned())
            }
            None => Err("its directory is no longer configured".to_owned()),
            Some(Err(error)) => {
                tracing::warn!(%error, "cannot re-validate a directory account now");
                done.unanswered += 1;
                continue;
            }
        };
        match verdict {
            Ok(grant) => {
                store
                    .run(move |c| commands::confirm(c, now, &name, &grant))
                    .await?;
                done.confirmed += 1;
            }
            Err(why) => {
                tracing::info!(%why, "a directory account lost its sessions");
                store
                    .run(move |c| commands::withdraw(c, now, &name, &why))
                    .await?;
                done.withdrawn += 1;
            }
        }
    }
    Ok(done)
}
