//! Staff change their own password, proving the current one (throttled like logins,
//! argon2id off the executor). Every session of the account ends. Shared by
//! `PUT /api/v1/session/password` and the page `/staff/password`.

use lotse_protocol::ChangePassword;

use super::AppState;
use super::extract::ClientAddress;
use super::session::{check_credentials, log_safe};
use crate::domain::accounts::{MAX_PASSWORD_BYTES, check_password};
use crate::http::error::AppError;
use crate::services::commands::session as session_commands;

/// Checks `name`'s current password (under the login throttle) and sets the new one; ends
/// every session of the account and records the change in the audit log.
pub async fn change_password(
    state: &AppState,
    name: &str,
    client: &ClientAddress,
    request: ChangePassword,
) -> Result<(), AppError> {
    let ChangePassword {
        current_password,
        new_password,
    } = request;
    check_password(&new_password)?;
    if current_password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::InvalidCredentials);
    }
    let now = state.now();
    check_credentials(state, name, current_password, client, now).await?;
    let hash = state.passwords.hash(new_password).await?;
    let (actor, from) = (name.to_owned(), client.0.clone());
    state
        .store
        .run(move |c| session_commands::change_own_password(c, now, (&actor, &from), &hash))
        .await?;
    tracing::info!(name = %log_safe(name), "staff changed their password");
    Ok(())
}
