//! The spoken-call texts the server works with, loaded once: for the browser display's
//! announcements and for the voice clips recorded on the admin page.

use std::sync::OnceLock;

use lotse_voices::{PhraseTable, Segment};

use crate::config::Config;
use crate::domain::DomainError;
use crate::domain::voice_clips;

/// The embedded phrase table (empty, with a warning, if it were invalid: calls then go
/// unspoken rather than the server failing).
pub fn phrase_table() -> &'static PhraseTable {
    static TABLE: OnceLock<PhraseTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        PhraseTable::embedded().unwrap_or_else(|error| {
            tracing::warn!(%error, "the phrase table is invalid; calls are not spoken");
            PhraseTable::empty()
        })
    })
}

/// The clips a recorded pack of `language` needs in this building.
pub fn needed_clips(config: &Config, language: &str) -> Result<Vec<Segment>, DomainError> {
    voice_clips::needed(phrase_table(), &config.building.site.languages, language)
}
