//! OpenID Connect logins (the `openidconnect` crate): discovery, the authorization-code flow
//! with PKCE, state and nonce, ID-token checks (issuer, audience, expiry, signature against
//! the provider's JWKS, fetched again when a token names a key we do not have: key
//! rotation), groups and name from configured claims, re-validation with the refresh token,
//! and RP-initiated logout.
//!
//! Pending logins (state → PKCE verifier, nonce, the browser's pairing secret) and the
//! tokens of logged-in users live in memory only: a state is used once and expires after
//! [`PENDING_MINUTES`]; after a restart there is no refresh token, so re-validation ends those
//! sessions and the user logs in again (one click with single sign-on).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use base64::Engine;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdToken};
use openidconnect::reqwest;
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, EndSessionUrl,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, LogoutRequest, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl,
    ProviderMetadataWithLogout, RedirectUrl, RefreshToken, Scope, SignatureVerificationError,
    TokenResponse,
};
use serde_json::Value;
use subtle::ConstantTimeEq;
use tokio::sync::RwLock;

use super::{DirectoryError, DirectoryUser};
use crate::config::auth::OidcSettings;

/// A login begun at the provider must come back within this time.
pub const PENDING_MINUTES: u64 = 10;
/// At most this many logins pending at once (the oldest go): bounded memory.
const MAX_PENDING: usize = 1_000;

type Rp = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// What discovery found.
struct Provider {
    client: Rp,
    end_session: Option<EndSessionUrl>,
}

struct Pending {
    verifier: PkceCodeVerifier,
    nonce: Nonce,
    browser: String,
    since: Instant,
}

/// The tokens of a logged-in user, for re-validation and logout.
struct Tokens {
    refresh: Option<RefreshToken>,
    id_token: CoreIdToken,
}

/// Why an OIDC login failed.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// Unknown, used or expired state, or from another browser: a replay or a stale tab.
    #[error("unknown, used or expired login state")]
    State,
    /// The provider refused or sent an ID token that fails a check.
    #[error("the provider's answer was refused: {0}")]
    Refused(String),
    #[error(transparent)]
    Directory(#[from] DirectoryError),
}

/// A user the provider vouched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcLogin {
    pub name: String,
    pub groups: Vec<String>,
}

pub struct Oidc {
    settings: OidcSettings,
    http: reqwest::Client,
    provider: RwLock<Option<std::sync::Arc<Provider>>>,
    pending: Mutex<HashMap<String, Pending>>,
    tokens: Mutex<HashMap<String, Tokens>>,
}

fn unreachable(error: impl std::fmt::Display) -> DirectoryError {
    DirectoryError::Unreachable(error.to_string())
}

impl Oidc {
    pub fn new(settings: &OidcSettings) -> Oidc {
        let http = reqwest::Client::builder()
            // The token endpoint must not redirect (SSRF); discovery does not need it.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .build()
            .unwrap_or_default();
        Oidc {
            settings: settings.clone(),
            http,
            provider: RwLock::new(None),
            pending: Mutex::new(HashMap::new()),
            tokens: Mutex::new(HashMap::new()),
        }
    }

    /// The button's provider name.
    pub fn name(&self) -> &str {
        &self.settings.name
    }

    /// The provider as discovered, discovering it (again, when `fresh`: new keys).
    async fn provider(&self, fresh: bool) -> Result<std::sync::Arc<Provider>, DirectoryError> {
        if !fresh && let Some(provider) = self.provider.read().await.as_ref() {
            return Ok(provider.clone());
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(unreachable)?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(unreachable)?;
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let secret = self
            .settings
            .client_secret
            .as_ref()
            .map(|s| ClientSecret::new(s.0.clone()));
        let redirect = RedirectUrl::new(self.settings.redirect_url.clone()).map_err(unreachable)?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            secret,
        )
        .set_redirect_uri(redirect);
        let provider = std::sync::Arc::new(Provider {
            client,
            end_session,
        });
        *self.provider.write().await = Some(provider.clone());
        Ok(provider)
    }

    /// Begins a login: the provider's authorization URL (with PKCE challenge, state and
    /// nonce) and the secret that pairs the callback with this browser (its cookie).
    pub async fn begin(&self) -> Result<(String, String), DirectoryError> {
        let provider = self.provider(false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = provider.client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in &self.settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        let browser = crate::auth::new_secret();
        let mut pending = self.pending.lock().map_err(unreachable)?;
        let ttl = std::time::Duration::from_secs(PENDING_MINUTES * 60);
        pending.retain(|_, p| p.since.elapsed() < ttl);
        if pending.len() >= MAX_PENDING
            && let Some(oldest) = pending
                .iter()
                .min_by_key(|(_, p)| p.since)
                .map(|(k, _)| k.clone())
        {
            pending.remove(&oldest);
        }
        pending.insert(
            state.secret().clone(),
            Pending {
                verifier,
                nonce,
                browser: browser.clone(),
                since: Instant::now(),
            },
        );
        Ok((url.to_string(), browser))
    }

    /// Finishes a login at the callback: the state must be pending (it is used up now) and
    /// come from the browser that began it; the code is exchanged with the PKCE verifier and
    /// the ID token checked.
    pub async fn finish(
        &self,
        state: &str,
        browser: Option<&str>,
        code: &str,
    ) -> Result<OidcLogin, OidcError> {
        let pending = self
            .pending
            .lock()
            .map_err(|e| OidcError::Directory(unreachable(e)))?
            .remove(state)
            .ok_or(OidcError::State)?;
        let ttl = std::time::Duration::from_secs(PENDING_MINUTES * 60);
        let same_browser =
            browser.is_some_and(|b| bool::from(b.as_bytes().ct_eq(pending.browser.as_bytes())));
        if !same_browser || pending.since.elapsed() >= ttl {
            return Err(OidcError::State);
        }
        let provider = self.provider(false).await?;
        let response = provider
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Refused(e.to_string()))?
            .set_pkce_verifier(pending.verifier)
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Refused(e.to_string()))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| OidcError::Refused("no ID token".into()))?
            .clone();
        let claims = self.verify(&id_token, Some(&pending.nonce)).await?;
        let login = self.login_of(&claims)?;
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.insert(
                login.name.clone(),
                Tokens {
                    refresh: response.refresh_token().cloned(),
                    id_token,
                },
            );
        }
        Ok(login)
    }

    /// Checks an ID token (signature, issuer, audience, expiry, and the nonce when given)
    /// and returns its claims. A key the cached JWKS lacks makes us fetch the provider's keys
    /// again once (the provider rotated its signing key).
    pub async fn verify(
        &self,
        id_token: &CoreIdToken,
        nonce: Option<&Nonce>,
    ) -> Result<Value, OidcError> {
        let check = |provider: &Provider| {
            let verifier = provider.client.id_token_verifier();
            match nonce {
                Some(nonce) => id_token.claims(&verifier, nonce).map(|_| ()),
                // A refreshed ID token carries no new nonce.
                None => id_token
                    .claims(&verifier, |_: Option<&Nonce>| Ok(()))
                    .map(|_| ()),
            }
        };
        let provider = self.provider(false).await?;
        match check(&provider) {
            Ok(()) => {}
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                tracing::info!(
                    "an ID token names a key we do not have: reading the provider's keys again"
                );
                let provider = self.provider(true).await?;
                check(&provider).map_err(|e| OidcError::Refused(e.to_string()))?;
            }
            Err(error) => return Err(OidcError::Refused(error.to_string())),
        }
        payload(&id_token.to_string())
    }

    /// Name and groups from verified claims.
    fn login_of(&self, claims: &Value) -> Result<OidcLogin, OidcError> {
        let name = claims
            .get(&self.settings.name_claim)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| {
                OidcError::Refused(format!("no \"{}\" claim", self.settings.name_claim))
            })?;
        let groups = match claims.get(&self.settings.groups_claim) {
            Some(Value::Array(values)) => values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        };
        Ok(OidcLogin {
            name: name.to_owned(),
            groups,
        })
    }

    /// Re-validation: the user's groups as a fresh ID token from the refresh token says.
    /// `InvalidCredentials` when there is no refresh token (after a restart) or the provider
    /// refuses it (user disabled, session revoked).
    pub async fn refresh(&self, name: &str) -> Result<DirectoryUser, DirectoryError> {
        let refresh = self
            .tokens
            .lock()
            .map_err(unreachable)?
            .get(name)
            .and_then(|t| t.refresh.clone())
            .ok_or(DirectoryError::InvalidCredentials)?;
        let provider = self.provider(false).await?;
        let request = provider
            .client
            .exchange_refresh_token(&refresh)
            .map_err(unreachable)?;
        let response = match request.request_async(&self.http).await {
            Ok(response) => response,
            Err(openidconnect::RequestTokenError::ServerResponse(refused)) => {
                tracing::info!(error = %refused.error(), "the provider refused a refresh token");
                self.forget(name);
                return Err(DirectoryError::InvalidCredentials);
            }
            Err(error) => return Err(unreachable(error)),
        };
        let id_token = response
            .id_token()
            .ok_or_else(|| unreachable("no ID token in the refresh answer"))?
            .clone();
        let claims = self.verify(&id_token, None).await.map_err(|e| match e {
            OidcError::Directory(error) => error,
            other => unreachable(other),
        })?;
        let login = self.login_of(&claims).map_err(unreachable)?;
        if login.name != name {
            return Err(DirectoryError::InvalidCredentials);
        }
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.insert(
                name.to_owned(),
                Tokens {
                    refresh: Some(response.refresh_token().cloned().unwrap_or(refresh)),
                    id_token,
                },
            );
        }
        Ok(DirectoryUser {
            id: name.to_owned(),
            groups: login.groups,
        })
    }

    /// Where to send the browser to log out at the provider too (RP-initiated logout), if
    /// the provider offers it and we hold the user's ID token; the tokens are forgotten.
    pub async fn logout_url(&self, name: &str) -> Option<String> {
        let tokens = self.tokens.lock().ok()?.remove(name)?;
        let provider = self.provider(false).await.ok()?;
        let mut request = LogoutRequest::from(provider.end_session.clone()?)
            .set_id_token_hint(&tokens.id_token)
            .set_client_id(ClientId::new(self.settings.client_id.clone()));
        if let Some(url) = &self.settings.post_logout_redirect_url
            && let Ok(url) = PostLogoutRedirectUrl::new(url.clone())
        {
            request = request.set_post_logout_redirect_uri(url);
        }
        Some(request.http_get_url().to_string())
    }

    fn forget(&self, name: &str) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.remove(name);
        }
    }
}

/// The claims of a compact JWT whose signature was checked.
fn payload(token: &str) -> Result<Value, OidcError> {
    let bad = |what: &str| OidcError::Refused(format!("ID token: {what}"));
    let part = token.split('.').nth(1).ok_or_else(|| bad("not a JWT"))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| bad("payload is not base64url"))?;
    serde_json::from_slice(&bytes).map_err(|_| bad("payload is not JSON"))
}
