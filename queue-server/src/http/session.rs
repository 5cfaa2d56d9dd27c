//! Staff log-in and log-out: throttled attempts (per name and per client address, counted
//! before the password is checked), bounded argon2id checks off the executor or the password
//! checked by the LDAP directory (`directory`), directory users' accounts made from their
//! groups, logs that never carry a typed name, and an HttpOnly, SameSite=Strict session
//! cookie.

use axum::http::{HeaderMap, HeaderValue};
use chrono::{DateTime, Duration, Utc};
use lotse_protocol::{Login, Role, SessionInfo};
use sha2::{Digest, Sha256};

use super::AppState;
use super::cookies;
use super::extract::{ClientAddress, SESSION_COOKIE, session_token};
use crate::auth::{dummy_hash, new_secret, token_hash};
use crate::config::auth::Method;
use crate::directory::DirectoryError;
use crate::domain::directory::{self, AccountSource, Grant};
use crate::http::error::AppError;
use crate::services::commands::session as session_commands;
use crate::storage::accounts::{self, RecentFailures};
use crate::storage::directory_accounts;

/// Failed logins for one name from one client address within [`THROTTLE_WINDOW_SECONDS`]
/// that lock the name for that address; other addresses may still log in with it.
pub const MAX_FAILURES: i64 = 5;
/// Failed logins from one client address within the window, whatever the names, before that
/// address must wait (password spraying).
pub const MAX_CLIENT_FAILURES: i64 = 20;
/// Failed logins for one name within the window from all addresses together (a guesser with
/// many addresses) that lock the name for every address that has failed on it. Addresses
/// that have not (the colleague at the next desk) may still log in; one address alone never
/// reaches this, as [`MAX_CLIENT_FAILURES`] stops it first.
pub const MAX_NAME_FAILURES: i64 = 50;
pub const THROTTLE_WINDOW_SECONDS: i64 = 60;
/// A session lasts one working day.
pub const SESSION_HOURS: i64 = 12;

/// Whether a login may go ahead, given the failures of the last minute. Pure: the policy
/// README's "Staff logins" section describes.
pub fn throttle(recent: RecentFailures) -> Result<(), AppError> {
    let spraying = recent.client >= MAX_CLIENT_FAILURES;
    let guessing = recent.name_from_client >= MAX_FAILURES;
    let many_guessing = recent.name >= MAX_NAME_FAILURES && recent.name_from_client > 0;
    if spraying || guessing || many_guessing {
        Err(AppError::TooManyAttempts)
    } else {
        Ok(())
    }
}

/// Checks a name and password (here or in the directory), opens a session and returns it
/// with its `Set-Cookie` value. Shared by the API and the login page.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    client: &ClientAddress,
    login: Login,
) -> Result<(SessionInfo, HeaderValue), AppError> {
    if login.name.len() > 100 || login.password.len() > 1_000 {
        return Err(AppError::InvalidCredentials);
    }
    let now = state.now();
    let name = login.name.trim().to_owned();
    let checked = check_login(state, &name, login.password, client, now).await?;
    let source = checked.source();
    let (role, token, csrf) = open_session(state, &name, client, checked, now).await?;
    tracing::info!(
        name = %log_safe(&name),
        role = role.as_str(),
        source = source.as_str(),
        %client,
        "staff logged in"
    );
    let cookie = session_cookie(&token, headers)?;
    let session = SessionInfo {
        name,
        role,
        csrf_token: csrf,
    };
    Ok((session, cookie))
}

/// Opens a session for the directory user `name` (vouched for by `source`, e.g. the OpenID
/// provider) with what their `groups` grant under the mapping; [`AppError::NotPermitted`]
/// when they grant nothing.
pub async fn open_directory_session(
    state: &AppState,
    headers: &HeaderMap,
    client: &ClientAddress,
    (name, source): (&str, AccountSource),
    groups: &[String],
) -> Result<(SessionInfo, HeaderValue), AppError> {
    let grant = directory::grant(&state.config.auth.groups, groups).map_err(|refusal| {
        tracing::warn!(name_tag = %name_tag(name), %client, %refusal, "directory login refused");
        AppError::NotPermitted
    })?;
    let checked = Checked::Directory { source, grant };
    let (role, token, csrf) = open_session(state, name, client, checked, state.now()).await?;
    tracing::info!(name = %log_safe(name), role = role.as_str(), source = source.as_str(), %client, "staff logged in");
    let cookie = session_cookie(&token, headers)?;
    let session = SessionInfo {
        name: name.to_owned(),
        role,
        csrf_token: csrf,
    };
    Ok((session, cookie))
}

type Account = Option<(i64, Role, String)>;

/// Who a login proved to be.
enum Checked {
    /// A local account whose password matched.
    Local { user_id: i64, role: Role },
    /// A directory user and what their groups grant now.
    Directory { source: AccountSource, grant: Grant },
}

impl Checked {
    fn source(&self) -> AccountSource {
        match self {
            Checked::Local { .. } => AccountSource::Local,
            Checked::Directory { source, .. } => *source,
        }
    }
}

/// Checks a login under the throttle: a local account by its password here (when local
/// logins are on), any other name in the directory (when one is configured). A name that is
/// neither costs the same password check as a local one.
async fn check_login(
    state: &AppState,
    name: &str,
    password: String,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<Checked, AppError> {
    let (attempt, account, source) = begin_attempt(state, name, client, now).await?;
    let local = state.config.auth.allows(Method::Local);
    let in_directory = match source {
        Some(AccountSource::Local) => false,
        Some(AccountSource::Ldap) | None => state.directory.has_ldap(),
        Some(AccountSource::Oidc) => false,
    };
    if in_directory {
        return check_in_directory(state, name, &password, client, attempt).await;
    }
    let account = account.filter(|_| local && source == Some(AccountSource::Local));
    let (user_id, role) = verify_local(state, name, password, client, attempt, account).await?;
    Ok(Checked::Local { user_id, role })
}

/// The directory's answer for `name`, mapped through the configured groups. A directory
/// that cannot answer is no failed attempt (the throttle forgets it).
async fn check_in_directory(
    state: &AppState,
    name: &str,
    password: &str,
    client: &ClientAddress,
    attempt: i64,
) -> Result<Checked, AppError> {
    let forget = async || {
        let forget = move |c: &_| accounts::forget_attempt(c, attempt);
        state.store.run(forget).await
    };
    let checked = state.directory.check_password(name, password).await;
    let user = match checked {
        Some(Ok(user)) => user,
        Some(Err(DirectoryError::InvalidCredentials)) | None => {
            tracing::warn!(name_tag = %name_tag(name), %client, source = "ldap", "failed login");
            return Err(AppError::InvalidCredentials);
        }
        Some(Err(DirectoryError::Busy)) => {
            forget().await?;
            return Err(AppError::Busy);
        }
        Some(Err(DirectoryError::Unreachable(reason))) => {
            forget().await?;
            tracing::error!(%reason, "the LDAP directory cannot be reached; directory logins fail");
            return Err(AppError::DirectoryUnavailable);
        }
    };
    match directory::grant(&state.config.auth.groups, &user.groups) {
        Ok(grant) => Ok(Checked::Directory {
            source: AccountSource::Ldap,
            grant,
        }),
        Err(refusal) => {
            tracing::warn!(name_tag = %name_tag(name), %client, %refusal, "directory login refused");
            Err(AppError::NotPermitted)
        }
    }
}

/// Checks a name and password under the login throttle: the attempt counts as a failure
/// until the caller clears it on success (`open_session`, a password change). Logins and
/// password changes share it, so a stolen session cannot guess the password any faster.
pub async fn check_credentials(
    state: &AppState,
    name: &str,
    password: String,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(i64, Role), AppError> {
    let (attempt, account, _) = begin_attempt(state, name, client, now).await?;
    verify_local(state, name, password, client, attempt, account).await
}

/// Checks `password` against the local `account` (a name without one costs the same check:
/// the answer does not tell them apart).
async fn verify_local(
    state: &AppState,
    name: &str,
    password: String,
    client: &ClientAddress,
    attempt: i64,
    account: Account,
) -> Result<(i64, Role), AppError> {
    let stored = account
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |(_, _, hash)| hash.clone());
    let valid = match state.passwords.verify(password, stored).await {
        Ok(valid) => valid,
        Err(error) => {
            // Never checked: not a failure.
            let forget = move |c: &_| accounts::forget_attempt(c, attempt);
            state.store.run(forget).await?;
            return Err(error);
        }
    };
    match account.filter(|_| valid) {
        Some((user_id, role, _)) => Ok((user_id, role)),
        None => {
            tracing::warn!(name_tag = %name_tag(name), %client, "failed login");
            Err(AppError::InvalidCredentials)
        }
    }
}

/// Applies the throttle and, if the attempt may go ahead, counts it as a failure at once, in
/// one transaction: attempts that arrive together cannot all pass a count none has raised
/// yet. Returns the attempt's id, the account's login record (if the name has an enabled
/// one) and where the name's account comes from (if it has one).
async fn begin_attempt(
    state: &AppState,
    name: &str,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(i64, Account, Option<AccountSource>), AppError> {
    let (name, client) = (name.to_owned(), client.0.clone());
    let since = now - Duration::seconds(THROTTLE_WINDOW_SECONDS);
    state
        .store
        .run(move |c| {
            throttle(accounts::failures_since(c, &name, &client, since)?)?;
            let attempt = accounts::record_attempt(c, &name, &client, now)?;
            let source = directory_accounts::source_of(c, &name)?;
            Ok((attempt, accounts::login_record(c, &name)?, source))
        })
        .await
}

/// Stores a new session (for a directory user, their account made or updated first; the
/// login in the audit log) and clears this address's failures for the name; returns the
/// role, the session token and its CSRF token.
async fn open_session(
    state: &AppState,
    name: &str,
    client: &ClientAddress,
    checked: Checked,
    now: DateTime<Utc>,
) -> Result<(Role, String, String), AppError> {
    let (token, csrf) = (new_secret(), new_secret());
    let (hash, session_csrf) = (token_hash(&token), csrf.clone());
    let (name, client) = (name.to_owned(), client.0.clone());
    let expires = now + Duration::hours(SESSION_HOURS);
    let at_most = state.limits.max_sessions_per_account;
    let role = match &checked {
        Checked::Local { role, .. } => *role,
        Checked::Directory { grant, .. } => grant.role,
    };
    let ended = state
        .store
        .run(move |c| {
            let secrets = (hash.as_str(), session_csrf.as_str());
            let session = (expires, at_most);
            match checked {
                Checked::Local { user_id, .. } => {
                    let who = (user_id, name.as_str(), client.as_str());
                    session_commands::log_in(c, now, who, AccountSource::Local, secrets, session)
                }
                Checked::Directory { source, grant } => {
                    let who = (name.as_str(), client.as_str());
                    session_commands::log_in_from_directory(
                        c,
                        now,
                        who,
                        (source, &grant),
                        secrets,
                        session,
                    )
                    .map(|(_, ended)| ended)
                }
            }
        })
        .await
        .map_err(|error| match AppError::from(error) {
            AppError::Forbidden => AppError::NotPermitted,
            other => other,
        })?;
    if ended > 0 {
        tracing::info!(
            ended,
            "ended the account's oldest sessions (at most {at_most})"
        );
    }
    Ok((role, token, csrf))
}

fn session_cookie(token: &str, headers: &HeaderMap) -> Result<HeaderValue, AppError> {
    cookies::set(SESSION_COOKIE, token, "/", SESSION_HOURS * 3600, headers)
}

/// What the log says instead of a typed name, which may be a password typed in the wrong
/// field: the first 8 hex digits of its SHA-256. Enough to see repeated attempts on one name
/// and to check a suspicion (`printf %s NAME | sha256sum | cut -c1-8`), too short to recover
/// a password from.
pub fn name_tag(name: &str) -> String {
    Sha256::digest(name.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Text for the log with control characters, line and paragraph separators and bidi
/// overrides escaped, so that it cannot forge or disguise log lines.
pub fn log_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            let hidden = c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            if hidden {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie() -> HeaderValue {
    cookies::clear(SESSION_COOKIE, "/")
}

/// Ends the session of this cookie, if any, and records it in the audit log.
pub async fn end_session(
    state: &AppState,
    headers: &HeaderMap,
    name: &str,
) -> Result<(), AppError> {
    if let Some(token) = session_token(headers) {
        let hash = token_hash(&token);
        let (now, name) = (state.now(), name.to_owned());
        state
            .store
            .run(move |c| session_commands::log_out(c, now, (&hash, &name)))
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name_from_client: i64, name: i64, client: i64, allowed: bool) {
        let recent = RecentFailures {
            name_from_client,
            name,
            client,
        };
        assert_eq!(throttle(recent).is_ok(), allowed, "{recent:?}");
    }

    #[test]
    fn the_throttle_locks_guessers_and_sprayers_but_not_the_rest() {
        check(0, 0, 0, true);
        check(4, 4, 4, true);
        // Five failures on a name from one address lock it for that address ...
        check(5, 5, 5, false);
        // ... not for another address, even one that failed on it once (a typo) ...
        check(0, 5, 0, true);
        check(1, 5, 1, true);
        check(0, MAX_NAME_FAILURES - 1, 3, true);
        // ... until the name failed often from many addresses: then every address that
        // failed on it waits, those that did not may still log in.
        check(1, MAX_NAME_FAILURES, 1, false);
        check(0, MAX_NAME_FAILURES * 10, 0, true);
        // Twenty failures from one address, on any names, lock that address.
        check(0, 0, MAX_CLIENT_FAILURES - 1, true);
        check(0, 0, MAX_CLIENT_FAILURES, false);
    }

    #[test]
    fn logged_text_cannot_break_lines_or_reveal_names() {
        assert_eq!(log_safe("Müller"), "Müller");
        assert_eq!(log_safe("a\nb\rc\u{1b}[2J"), "a\\u{a}b\\u{d}c\\u{1b}[2J");
        assert_eq!(log_safe("x\u{202e}y\u{2028}"), "x\\u{202e}y\\u{2028}");
        let tag = name_tag("clerk");
        assert_eq!(tag.len(), 8);
        assert!(tag.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(tag, name_tag("clerk2"));
        // The same as `printf %s clerk | sha256sum | cut -c1-8`.
        assert_eq!(tag, "c40dc72b");
    }
}
