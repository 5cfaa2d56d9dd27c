//! Checks the kiosk's bundled translations (`lang/<code>/LC_MESSAGES/lotse-kiosk.po`) against
//! the UI and the language table: a catalogue for every language, every `@tr` text in it
//! with the same placeholders, every plural form filled in, and no text left in Latin letters
//! for a visitor whose language is written in another script.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lotse_protocol::languages::{LANGUAGES, Script};

const CONTEXT: &str = "kiosk";

/// A text the UI translates: its message and, for a counted text, its plural message.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Message {
    id: String,
    plural: Option<String>,
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn slint_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("ui/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            slint_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "slint") {
            out.push(path);
        }
    }
}

/// The quoted string at the start of `text` (after spaces), and what follows it.
fn quoted(text: &str) -> Option<(String, &str)> {
    let rest = text.trim_start().strip_prefix('"')?;
    let end = rest.find('"')?;
    Some((rest[..end].to_owned(), &rest[end + 1..]))
}

/// Every `@tr("kiosk" => "…")` and `@tr("kiosk" => "…" | "…" % n)` of the UI.
fn ui_messages() -> Vec<Message> {
    let mut files = Vec::new();
    slint_files(&manifest().join("ui"), &mut files);
    let marker = format!("@tr(\"{CONTEXT}\" =>");
    let mut messages = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("readable");
        for (at, _) in source.match_indices(&marker) {
            let (id, rest) = quoted(&source[at + marker.len()..]).expect("a quoted message");
            let plural = rest
                .trim_start()
                .strip_prefix('|')
                .and_then(quoted)
                .map(|(plural, _)| plural);
            messages.push(Message { id, plural });
        }
    }
    messages.sort();
    messages.dedup();
    messages
}

/// Placeholders of a message: `{}` and `{n}` style, in order.
fn placeholders(text: &str) -> Vec<&str> {
    text.match_indices('{')
        .filter_map(|(at, _)| text[at..].find('}').map(|end| &text[at..=at + end]))
        .collect()
}

fn plural_count(catalogue: &rspolib::POFile) -> usize {
    let header = catalogue
        .metadata
        .get("Plural-Forms")
        .expect("every catalogue states its plural forms");
    header
        .split(';')
        .find_map(|part| part.trim().strip_prefix("nplurals="))
        .and_then(|n| n.trim().parse().ok())
        .expect("nplurals=N")
}

#[test]
fn every_language_translates_every_text_of_the_ui() {
    let messages = ui_messages();
    assert!(messages.iter().any(|m| m.plural.is_some()), "{messages:?}");
    for language in LANGUAGES {
        let path = manifest()
            .join("lang")
            .join(language.code)
            .join("LC_MESSAGES/lotse-kiosk.po");
        let catalogue = rspolib::pofile(path.as_path())
            .unwrap_or_else(|e| panic!("{}: no catalogue ({e})", language.code));
        let forms = plural_count(&catalogue);
        let entries: BTreeMap<&str, &rspolib::POEntry> = catalogue
            .entries
            .iter()
            .filter(|e| e.msgctxt.as_deref() == Some(CONTEXT) && !e.obsolete)
            .map(|e| (e.msgid.as_str(), e))
            .collect();
        for message in &messages {
            let code = language.code;
            let entry = entries
                .get(message.id.as_str())
                .unwrap_or_else(|| panic!("{code} lacks {:?}", message.id));
            let translations: Vec<&str> = match &message.plural {
                None => vec![entry.msgstr.as_deref().unwrap_or_default()],
                Some(plural) => {
                    assert_eq!(
                        entry.msgid_plural.as_deref(),
                        Some(plural.as_str()),
                        "{code}"
                    );
                    assert_eq!(entry.msgstr_plural.len(), forms, "{code} {:?}", message.id);
                    entry.msgstr_plural.iter().map(String::as_str).collect()
                }
            };
            for translation in translations {
                assert!(
                    !translation.trim().is_empty(),
                    "{code} {:?} is empty",
                    message.id
                );
                // A plural form may spell its number out ("دقيقتين"), never add another one.
                let wanted = placeholders(&message.id);
                let found = placeholders(translation);
                assert!(
                    found.iter().all(|p| wanted.contains(p))
                        && (message.plural.is_some() || found == wanted),
                    "{code} {:?}: placeholders {found:?}, want {wanted:?}",
                    message.id
                );
                if language.script != Script::Latin {
                    assert!(
                        translation.chars().any(|c| language.script.has_letter(c)),
                        "{code} {:?}: {translation:?} is not in its script",
                        message.id
                    );
                }
            }
        }
    }
}
