//! Lotse's spoken calls, offline. See ARCHITECTURE.md.
//!
//! The pure core: `phrase` (the phrase table and scripts), `number` (reading numbers),
//! `queue` (the announcement queue), `config` (which voice speaks which language, quiet
//! hours). The adapters: `voice` (the `Voice` trait; espeak-ng and command backends),
//! `clips` (recorded clip packs), `announcer` (scripts → audio, with a cache), `speaker`
//! (the thread that plays calls one after the other).

pub mod announcer;
pub mod audio;
pub mod call;
pub mod check;
pub mod chime;
pub mod clips;
pub mod config;
pub mod number;
pub mod phrase;
pub mod queue;
pub mod speaker;
pub mod voice;

pub use announcer::{AnnounceError, Announcer};
pub use audio::{Audio, AudioError};
pub use call::{Call, call};
pub use chime::chime;
pub use clips::ClipPack;
pub use config::{SpeechConfig, VoiceChoice};
pub use phrase::{NumberReading, PhraseTable, Script, Segment, Spoken};
pub use queue::AnnouncementQueue;
pub use speaker::{CommandPlayer, Player, Request, Speaker, SpeakerSettings};
pub use voice::{Backend, CommandVoice, Voice, VoiceError};
