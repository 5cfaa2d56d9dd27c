//! The open live event streams, counted per credential (a device token or a staff session)
//! and per staff account over all its sessions: opening one beyond either limit ends the
//! oldest of that credential or account, so one account cannot fill the connections with
//! many sessions' streams.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use smallvec::SmallVec;
use tokio::sync::Notify;

/// The open streams per key (a credential's token hash, or `staff:NAME`), oldest first.
#[derive(Debug)]
pub struct LiveStreams {
    per_credential: usize,
    per_account: usize,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    next_id: u64,
    by_key: HashMap<String, VecDeque<(u64, Arc<Notify>)>>,
}

impl LiveStreams {
    /// At most `per_credential` streams per token or session, and `per_account` per staff
    /// account.
    pub fn new(per_credential: usize, per_account: usize) -> LiveStreams {
        LiveStreams {
            per_credential: per_credential.max(1),
            per_account: per_account.max(1),
            open: Mutex::new(Open::default()),
        }
    }

    /// Registers a new stream of `credential` (and of the staff `account`, if it is one's);
    /// beyond a limit the oldest stream of that credential or account is told to end.
    pub fn open(self: &Arc<Self>, credential: String, account: Option<String>) -> StreamSlot {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let id = open.next_id;
        open.next_id += 1;
        let replaced = Arc::new(Notify::new());
        let mut keys: SmallVec<[String; 2]> = SmallVec::new();
        keys.push(credential);
        keys.extend(account);
        for (key, limit) in keys.iter().zip([self.per_credential, self.per_account]) {
            let streams = open.by_key.entry(key.clone()).or_default();
            streams.push_back((id, replaced.clone()));
            while streams.len() > limit {
                if let Some((_, oldest)) = streams.pop_front() {
                    oldest.notify_one();
                }
            }
        }
        StreamSlot {
            keys,
            id,
            replaced,
            streams: self.clone(),
        }
    }

    /// How many streams are open in all.
    pub fn total(&self) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let mut ids: Vec<u64> = open.by_key.values().flatten().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }

    /// How many streams `key` (a credential's token hash, or `staff:NAME`) has open.
    pub fn count(&self, key: &str) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.by_key.get(key).map_or(0, VecDeque::len)
    }
}

/// One open stream; it leaves the register when the stream ends.
#[derive(Debug)]
pub struct StreamSlot {
    keys: SmallVec<[String; 2]>,
    id: u64,
    replaced: Arc<Notify>,
    streams: Arc<LiveStreams>,
}

impl StreamSlot {
    /// Completes when a newer stream of the same credential or account took this one's place.
    pub async fn replaced(&self) {
        self.replaced.notified().await;
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self
            .streams
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for key in &self.keys {
            if let Some(streams) = open.by_key.get_mut(key) {
                streams.retain(|(id, _)| *id != self.id);
                if streams.is_empty() {
                    open.by_key.remove(key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_keeps_its_limit_over_all_its_sessions() {
        let streams = Arc::new(LiveStreams::new(2, 3));
        let account = || Some("staff:clerk".to_owned());
        let first = streams.open("session-1".into(), account());
        let _second = streams.open("session-1".into(), account());
        let _third = streams.open("session-2".into(), account());
        assert_eq!(streams.count("staff:clerk"), 3);
        // A fourth from a third session ends the account's oldest, which was session 1's.
        let _fourth = streams.open("session-3".into(), account());
        assert!(futures::FutureExt::now_or_never(first.replaced()).is_some());
        assert_eq!(streams.count("staff:clerk"), 3);
        drop(first);
        assert_eq!(streams.count("session-1"), 1);
        assert_eq!(streams.total(), 3);
        // A device token counts on its own.
        let _display = streams.open("display".into(), None);
        assert_eq!(streams.total(), 4);
    }
}
