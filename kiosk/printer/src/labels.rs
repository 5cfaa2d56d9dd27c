//! The fixed texts printed on a ticket, in every kiosk language (from `labels.toml`).

use std::collections::HashMap;
use std::sync::OnceLock;

use lotse_protocol::plural::Counted;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub your_number: String,
    pub your_concerns: String,
    pub people_ahead_one: String,
    pub people_ahead: String,
    pub you_are_next: String,
    /// The wait, with a form per plural category of the language (`{m}` the minutes).
    pub about_minutes: Counted,
    pub appointment_at: String,
    pub please_bring: String,
    pub watch_screen: String,
    /// "You will be called for each concern. Watch the screen and your phone." (instead of
    /// `watch_screen` on a ticket with several concerns; no order is promised).
    pub each_concern_called: String,
    /// "An interpreter will be arranged." (the visitor asked for one at the kiosk).
    pub interpreter_arranged: String,
    pub scan_hint: String,
    pub issued: String,
}

impl Labels {
    /// The labels of `language`, or German when the language is unknown.
    pub fn of(language: &str) -> &'static Labels {
        let all = all();
        all.get(language)
            .or_else(|| all.get("de"))
            .unwrap_or_else(|| fallback())
    }

    pub fn people_ahead(&self, n: u32) -> String {
        match n {
            0 => self.you_are_next.clone(),
            1 => self.people_ahead_one.clone(),
            n => self.people_ahead.replace("{n}", &n.to_string()),
        }
    }

    pub fn about_minutes(&self, language: &str, minutes: u32) -> String {
        self.about_minutes
            .form(language, u64::from(minutes))
            .replace("{m}", &minutes.to_string())
    }

    pub fn appointment_at(&self, time: &str) -> String {
        self.appointment_at.replace("{time}", time)
    }
}

fn all() -> &'static HashMap<String, Labels> {
    static ALL: OnceLock<HashMap<String, Labels>> = OnceLock::new();
    ALL.get_or_init(|| {
        toml::from_str(include_str!("labels.toml")).unwrap_or_else(|error| {
            tracing::error!(%error, "labels.toml is invalid");
            HashMap::new()
        })
    })
}

fn fallback() -> &'static Labels {
    static FALLBACK: OnceLock<Labels> = OnceLock::new();
    FALLBACK.get_or_init(|| Labels {
        your_number: "Nummer".into(),
        your_concerns: String::new(),
        people_ahead_one: "1".into(),
        people_ahead: "{n}".into(),
        you_are_next: String::new(),
        about_minutes: Counted::Same("{m} min".into()),
        appointment_at: "{time}".into(),
        please_bring: String::new(),
        watch_screen: String::new(),
        each_concern_called: String::new(),
        interpreter_arranged: String::new(),
        scan_hint: String::new(),
        issued: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kiosk_language_has_labels() {
        for language in lotse_protocol::languages::codes() {
            let labels = all().get(language).expect(language);
            assert!(labels.people_ahead.contains("{n}"), "{language}");
            assert!(labels.about_minutes.is_complete(), "{language}");
            for form in labels.about_minutes.forms() {
                assert!(
                    form.contains("{m}") || !form.contains('{'),
                    "{language}: {form}"
                );
            }
            assert!(!labels.interpreter_arranged.is_empty(), "{language}");
        }
    }

    #[test]
    fn no_label_is_left_in_latin_letters_for_another_script() {
        for language in lotse_protocol::languages::LANGUAGES {
            let labels = Labels::of(language.code);
            let mut texts = vec![
                &labels.your_number,
                &labels.your_concerns,
                &labels.people_ahead_one,
                &labels.people_ahead,
                &labels.you_are_next,
                &labels.appointment_at,
                &labels.please_bring,
                &labels.watch_screen,
                &labels.each_concern_called,
                &labels.interpreter_arranged,
                &labels.scan_hint,
                &labels.issued,
            ]
            .into_iter()
            .map(String::as_str)
            .collect::<Vec<_>>();
            texts.extend(labels.about_minutes.forms());
            for text in texts {
                assert!(
                    text.chars().any(|c| language.script.has_letter(c)),
                    "{}: {text:?}",
                    language.code
                );
            }
        }
        let de = Labels::of("de");
        assert_eq!(de.people_ahead(1), "1 Person vor Ihnen");
        assert_eq!(de.people_ahead(0), de.you_are_next);
        let twelve = de.people_ahead(12);
        assert!(twelve.contains("12") && !twelve.contains('{'), "{twelve}");
        assert_eq!(Labels::of("xx").your_number, Labels::of("de").your_number);
    }

    #[test]
    fn minutes_take_the_plural_form_of_the_count() {
        let minutes = |language: &str, n| Labels::of(language).about_minutes(language, n);
        assert_eq!(minutes("de", 1), "Wartezeit: etwa 1 Minute");
        assert_eq!(minutes("de", 5), "Wartezeit: etwa 5 Minuten");
        assert_eq!(minutes("en", 1), "Waiting time: about 1 minute");
        assert_eq!(minutes("ar", 1), "وقت الانتظار: حوالي دقيقة واحدة");
        assert_eq!(minutes("ar", 2), "وقت الانتظار: حوالي دقيقتين");
        assert_eq!(minutes("ar", 5), "وقت الانتظار: حوالي 5 دقائق");
        assert_eq!(minutes("ar", 15), "وقت الانتظار: حوالي 15 دقيقة");
        assert_eq!(minutes("ru", 1), "Время ожидания: около 1 минуты");
        assert_eq!(minutes("ru", 3), "Время ожидания: около 3 минут");
        assert_eq!(minutes("ru", 21), "Время ожидания: около 21 минуты");
        assert_eq!(minutes("uk", 25), "Час очікування: близько 25 хвилин");
    }
}
