//! Who is calling: devices with bearer tokens, staff with session cookies. Token generation
//! and hashing, argon2id passwords (and [`PasswordChecks`], which bounds how many login checks
//! run at once), and the role checks endpoints use.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use lotse_protocol::{Building, Role};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::http::error::AppError;

pub use lotse_domain::AgencyScope;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter
)]
#[strum(serialize_all = "snake_case")]
pub enum DeviceKind {
    Kiosk,
    Display,
    /// An agency's booking system importing appointments.
    Booking,
    /// IT operations' monitoring reading `GET /metrics`.
    Metrics,
}

impl DeviceKind {
    /// The stored name (one conversion: strum).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq)]
pub enum Caller {
    Device {
        kind: DeviceKind,
        name: String,
    },
    Staff {
        name: String,
        role: Role,
        agencies: AgencyScope,
        /// The desk chosen for this session on the console, if any: desk actions then work
        /// at that desk only (an API session that chose none may use its agencies' desks).
        desk: Option<String>,
    },
}

impl Caller {
    /// Staff of any role.
    pub fn staff(&self) -> Result<&str, AppError> {
        match self {
            Caller::Staff { name, .. } => Ok(name),
            Caller::Device { .. } => Err(AppError::Forbidden),
        }
    }

    /// Staff with at least `role` (staff < supervisor < admin).
    pub fn at_least(&self, minimum: Role) -> Result<&str, AppError> {
        match self {
            Caller::Staff { name, role, .. } if *role >= minimum => Ok(name),
            _ => Err(AppError::Forbidden),
        }
    }

    /// Staff who may work at `desk`: it serves a service of one of their agencies, and it is
    /// the desk chosen for the session if one was. Interpreters work at no desk.
    pub fn staff_at(&self, building: &Building, desk: &str) -> Result<&str, AppError> {
        match self {
            Caller::Staff {
                name,
                agencies,
                desk: chosen,
                role,
            } if *role >= Role::Staff => {
                agencies.check_desk(building, desk)?;
                if chosen.as_deref().is_some_and(|chosen| chosen != desk) {
                    return Err(AppError::Forbidden);
                }
                Ok(name)
            }
            _ => Err(AppError::Forbidden),
        }
    }

    /// Staff may act on the lines of these services (their agencies'); devices are checked
    /// by their kind elsewhere.
    pub fn check_services<'a>(
        &self,
        building: &Building,
        services: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), AppError> {
        match self {
            Caller::Staff { agencies, .. } => Ok(agencies.check_services(building, services)?),
            Caller::Device { .. } => Ok(()),
        }
    }

    /// A device of one of `kinds`, or any staff member (interpreters are not staff here).
    pub fn device_or_staff(&self, kinds: &[DeviceKind]) -> Result<(), AppError> {
        match self {
            Caller::Staff { role, .. } if *role >= Role::Staff => Ok(()),
            Caller::Staff { .. } => Err(AppError::Forbidden),
            Caller::Device { kind, .. } if kinds.contains(kind) => Ok(()),
            Caller::Device { .. } => Err(AppError::Forbidden),
        }
    }

    /// Who this is, for per-caller limits: `device:NAME` or `staff:NAME`.
    pub fn identity(&self) -> String {
        match self {
            Caller::Device { name, .. } => format!("device:{name}"),
            Caller::Staff { name, .. } => format!("staff:{name}"),
        }
    }

    pub fn is_staff(&self) -> bool {
        matches!(self, Caller::Staff { .. })
    }
}

/// A new secret token: 256 random bits, URL-safe text.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token. Tokens are random and long, so a plain hash suffices.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// argon2id hash of a password. Slow on purpose: call it in `spawn_blocking` (the CLI and
/// tests); the server hashes through [`PasswordChecks::hash`].
pub fn hash_password(password: &str) -> Result<String, AppError> {
    hash_password_in(password, &mut Vec::new())
}

/// [`hash_password`] computed in `memory`, grown to the hash's memory cost once and then
/// reused, as [`verify_password_in`] does.
pub fn hash_password_in(password: &str, memory: &mut Vec<Block>) -> Result<String, AppError> {
    let internal = |e: argon2::password_hash::Error| AppError::Internal(e.to_string());
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let encoded = SaltString::encode_b64(&salt).map_err(internal)?;
    let argon2 = Argon2::default();
    let params = argon2.params();
    let needed = params.block_count();
    if memory.len() < needed {
        memory.resize(needed, Block::default());
    }
    let mut output = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    argon2
        .hash_password_into_with_memory(password.as_bytes(), &salt, &mut output, &mut **memory)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let hash = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::default().into()),
        params: ParamsString::try_from(params).map_err(internal)?,
        salt: Some(encoded.as_salt()),
        hash: Some(Output::new(&output).map_err(internal)?),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches `stored`, computed in `memory`: grown to the hash's memory cost
/// (19 MiB) once, then reused, so that checks allocate nothing large. Slow on purpose: logins
/// call it through [`PasswordChecks`].
pub fn verify_password_in(password: &str, stored: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected), Some(argon2)) = (hash.salt, hash.hash, argon2_for(&hash))
    else {
        return false;
    };
    let mut salt_buffer = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buffer) else {
        return false;
    };
    let needed = argon2.params().block_count();
    if memory.len() < needed {
        memory.resize(needed, Block::default());
    }
    let mut computed = vec![0u8; expected.len()];
    argon2
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut computed, &mut **memory)
        .is_ok()
        // `Output` compares in constant time.
        && Output::new(&computed).is_ok_and(|computed| computed == expected)
}

/// The hasher with the algorithm, version and costs a stored hash names.
fn argon2_for(hash: &PasswordHash<'_>) -> Option<Argon2<'static>> {
    let algorithm = Algorithm::try_from(hash.algorithm).ok()?;
    let version = match hash.version {
        Some(version) => Version::try_from(version).ok()?,
        None => Version::default(),
    };
    let params = Params::try_from(hash).ok()?;
    Some(Argon2::new(algorithm, version, params))
}

/// How long a login waits for a free password check before it is refused as busy.
pub const CHECK_WAIT: Duration = Duration::from_secs(2);

/// The password work of the server (checks of logins and password changes, hashes of new
/// and reset passwords), bounded: at most a few at a time (one per core), each in a 19 MiB
/// memory block that the checks of a burst reuse and that is given back when the last
/// check of the burst ends. Unbounded, every concurrent login held its own 19 MiB on its own
/// thread, and the allocator kept it afterwards (measured: 1.3 GB after 64 at once; 64 admin
/// password resets at once 1.2 GB); kept for good, the blocks held 38 MB after the first
/// logins of the day. Work that finds every place taken waits in order, up to a limit.
pub struct PasswordChecks {
    permits: Arc<Semaphore>,
    memories: Arc<Mutex<Vec<Vec<Block>>>>,
    /// Checks waiting or running; the memory blocks go when it falls to zero.
    pending: Arc<AtomicUsize>,
    wait: Duration,
}

impl PasswordChecks {
    /// `at_once` checks at a time (at least one); a login waits up to `wait` for its turn.
    pub fn new(at_once: usize, wait: Duration) -> PasswordChecks {
        PasswordChecks {
            permits: Arc::new(Semaphore::new(at_once.max(1))),
            memories: Arc::new(Mutex::new(Vec::new())),
            pending: Arc::new(AtomicUsize::new(0)),
            wait,
        }
    }

    /// One check per core, waiting up to [`CHECK_WAIT`].
    pub fn per_core() -> PasswordChecks {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        PasswordChecks::new(cores, CHECK_WAIT)
    }

    /// Whether `password` matches `stored`; [`AppError::Busy`] when no check became free in
    /// time.
    pub async fn verify(&self, password: String, stored: String) -> Result<bool, AppError> {
        self.bounded(move |memory| verify_password_in(&password, &stored, memory))
            .await
    }

    /// The argon2id hash of a new password; [`AppError::Busy`] when no place became free in
    /// time.
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.bounded(move |memory| hash_password_in(&password, memory))
            .await?
    }

    /// Runs `work` on a blocking thread once a place is free, in a reused memory block.
    async fn bounded<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let pending = Pending::begin(&self.pending, &self.memories);
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| AppError::Busy)?
            .map_err(|_| AppError::Busy)?;
        let memories = self.memories.clone();
        // The permit and the memory travel with the work: a request abandoned while its work
        // runs frees its place only when the work is done.
        tokio::task::spawn_blocking(move || {
            let mut memory = take_memory(&memories);
            let done = work(&mut memory);
            give_back_memory(&memories, memory);
            drop(permit);
            drop(pending);
            done
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// One check waiting or running; the last one of a burst to end frees the memory blocks,
/// so that the allocator can give them back to the system.
struct Pending {
    count: Arc<AtomicUsize>,
    memories: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl Pending {
    fn begin(count: &Arc<AtomicUsize>, memories: &Arc<Mutex<Vec<Vec<Block>>>>) -> Pending {
        count.fetch_add(1, Ordering::SeqCst);
        Pending {
            count: count.clone(),
            memories: memories.clone(),
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.count.fetch_sub(1, Ordering::SeqCst) == 1
            && let Ok(mut free) = self.memories.lock()
        {
            free.clear();
        }
    }
}

/// A free memory block, or an empty one to grow (at most one per permit ever exists).
fn take_memory(memories: &Mutex<Vec<Vec<Block>>>) -> Vec<Block> {
    memories
        .lock()
        .ok()
        .and_then(|mut free| free.pop())
        .unwrap_or_default()
}

fn give_back_memory(memories: &Mutex<Vec<Vec<Block>>>, memory: Vec<Block>) {
    if let Ok(mut free) = memories.lock() {
        free.push(memory);
    }
}

/// A hash to verify against when the user does not exist, so that the answer takes as long
/// as for a real user and does not reveal which names exist.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$6H1ZzjbPpHvpXHP6f5Jq3mDQzCwYyeXRHcnL7ue2ZXg"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verify_password(password: &str, stored: &str) -> bool {
        verify_password_in(password, stored, &mut Vec::new())
    }

    #[test]
    fn passwords_verify_and_tokens_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("x", dummy_hash()));
        assert_eq!(token_hash("a").len(), 64);
        assert_ne!(new_secret(), new_secret());
    }

    #[test]
    fn checks_agree_with_the_argon2_crate_and_reuse_their_memory() {
        use argon2::PasswordVerifier;
        let hash = hash_password("correct horse battery").unwrap();
        let parsed = PasswordHash::new(&hash).unwrap();
        let mut memory = Vec::new();
        for (password, right) in [("correct horse battery", true), ("correct horse", false)] {
            let theirs = Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            assert_eq!(theirs, right);
            let first = verify_password_in(password, &hash, &mut memory);
            let block = memory.as_ptr();
            assert_eq!(first, right);
            assert_eq!(verify_password_in(password, &hash, &mut memory), right);
            assert_eq!(memory.as_ptr(), block, "the same memory for the next check");
            assert_eq!(memory.len(), Params::default().block_count());
        }
    }

    #[test]
    fn an_unknown_name_costs_as_much_as_a_real_one() {
        // The dummy hash must parse and carry the costs of real hashes: otherwise a wrong
        // login for an unknown name would answer faster and reveal that the name is unknown.
        let real = hash_password("correct horse battery").unwrap();
        let real = PasswordHash::new(&real).unwrap();
        let dummy = PasswordHash::new(dummy_hash()).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(
            Params::try_from(&dummy).unwrap(),
            Params::try_from(&real).unwrap()
        );
        assert!(argon2_for(&dummy).is_some());
        assert_eq!(
            dummy
                .salt
                .unwrap()
                .decode_b64(&mut [0u8; 64])
                .unwrap()
                .len(),
            16
        );
    }

    /// A hash whose check takes about a second (t=60 instead of 2): long enough for a test
    /// to see the check running even on a loaded machine.
    fn slow_hash() -> String {
        dummy_hash().replace(",t=2,", ",t=60,")
    }

    /// Waits until every check is taken (a few seconds at most).
    async fn until_taken(checks: &PasswordChecks) {
        let taken = async {
            while checks.permits.available_permits() > 0 {
                tokio::task::yield_now().await;
            }
        };
        tokio::time::timeout(Duration::from_secs(5), taken)
            .await
            .expect("the checks are taken");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checks_are_bounded_and_later_logins_are_told_busy() {
        let checks = Arc::new(PasswordChecks::new(1, Duration::from_millis(1)));
        let running = checks.clone();
        let first = tokio::spawn(async move { running.verify("guess".into(), slow_hash()).await });
        until_taken(&checks).await;
        let second = checks.verify("guess".into(), dummy_hash().to_owned()).await;
        assert!(matches!(second, Err(AppError::Busy)), "{second:?}");
        assert!(!first.await.unwrap().unwrap());
        assert_eq!(checks.permits.available_permits(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_of_checks_reuses_its_memory_and_gives_it_back_at_the_end() {
        let checks = Arc::new(PasswordChecks::new(1, Duration::from_secs(30)));
        let running = checks.clone();
        let first = tokio::spawn(async move { running.verify("guess".into(), slow_hash()).await });
        until_taken(&checks).await;
        let waiting = checks.clone();
        let second = tokio::spawn(async move { waiting.verify("guess".into(), slow_hash()).await });
        let queued = async {
            while checks.pending.load(Ordering::SeqCst) < 2 {
                tokio::task::yield_now().await;
            }
        };
        tokio::time::timeout(Duration::from_secs(5), queued)
            .await
            .expect("the second check waits");
        assert!(!first.await.unwrap().unwrap());
        assert!(!second.await.unwrap().unwrap());
        // The blocks are given back when the burst is over.
        assert_eq!(checks.pending.load(Ordering::SeqCst), 0);
        assert!(checks.memories.lock().unwrap().is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_abandoned_login_keeps_its_place_until_its_check_ends() {
        let checks = Arc::new(PasswordChecks::new(1, Duration::from_secs(5)));
        let running = checks.clone();
        let abandoned =
            tokio::spawn(async move { running.verify("guess".into(), slow_hash()).await });
        until_taken(&checks).await;
        abandoned.abort();
        assert!(abandoned.await.unwrap_err().is_cancelled());
        assert_eq!(
            checks.permits.available_permits(),
            0,
            "the check still runs"
        );
        // The next login gets its turn once that check is done.
        let next = checks.verify("guess".into(), dummy_hash().to_owned()).await;
        assert!(!next.unwrap());
    }
}
