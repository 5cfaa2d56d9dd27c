//! A display fetches the voice clips an admin recorded on the server into its clip folder,
//! and keeps its last pack when the server cannot be reached.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use lotse_display_board::recorded_voices::{Fetched, fetch, from_server};
use lotse_protocol::Client;
use lotse_voices::{Audio, ClipPack, PhraseTable, Script, Segment, SpeechConfig};

fn word(seconds: f64, pitch: f64) -> Vec<u8> {
    let rate = 16_000u32;
    let samples = (0..(f64::from(rate) * seconds) as usize)
        .map(|i| (8_000.0 * (i as f64 * pitch * std::f64::consts::TAU / 16_000.0).sin()) as i16)
        .collect();
    Audio { rate, samples }.to_wav()
}

/// Records `key` of `language` through the admin page, as its recorder script does.
async fn record(url: &str, language: &str, key: &str, wav: Vec<u8>) {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let session: serde_json::Value = http
        .post(format!("{url}/api/v1/session"))
        .json(&serde_json::json!({"name": "admin", "password": "lotse-demo-admin"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = session["csrf_token"].as_str().unwrap();
    let response = http
        .post(format!("{url}/staff/admin/voices/{language}/{key}"))
        .header("X-CSRF-Token", csrf)
        .header("Content-Type", "audio/wav")
        .body(wav)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204, "{}", response.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_display_speaks_what_the_interpreters_recorded_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let url = lotse_queue_server::local::start_demo_server(&dir.path().join("lotse.db")).unwrap();
    record(&url, "ps", "digit.4", word(0.6, 440.0)).await;
    record(&url, "ps", "digit.2", word(0.5, 660.0)).await;

    // The default speech setup speaks Pashto and Tigrinya from packs in the default folder.
    let table = PhraseTable::embedded().unwrap();
    let languages: Vec<&str> = table.languages().collect();
    let speech = SpeechConfig::default();
    let wanted = from_server(&speech, &languages);
    assert!(
        wanted.contains(&"ps") && wanted.contains(&"ti"),
        "{wanted:?}"
    );
    assert!(!wanted.contains(&"de"), "German has an engine");

    let clips = dir.path().join("voices");
    let display = Client::new(&url)
        .unwrap()
        .with_device_token("demo-display-token");
    let fetched = fetch(&display, &clips, &["ps", "ti"]).await;
    let needed = table.clip_list("ps").unwrap().len();
    assert_eq!(
        fetched,
        [
            (
                "ps".to_owned(),
                Fetched::Written {
                    clips: 2,
                    missing: needed - 2
                }
            ),
            ("ti".to_owned(), Fetched::NoneRecorded),
        ]
    );
    let pack = ClipPack::load(&clips.join("ps")).unwrap();
    let script = |keys: &[&str]| Script {
        language: "ps".into(),
        segments: keys
            .iter()
            .map(|key| Segment {
                key: (*key).into(),
                text: String::new(),
                pause_ms: 0,
            })
            .collect(),
    };
    assert!(pack.missing(&script(&["digit.4", "digit.2"])).is_empty());
    assert_eq!(pack.missing(&script(&["digit.7"])), ["digit.7"]);

    // The server goes away: the pack fetched last stays.
    let gone = Client::new("http://127.0.0.1:9")
        .unwrap()
        .with_device_token("demo-display-token");
    let failed = fetch(&gone, &clips, &["ps"]).await;
    assert!(matches!(failed[0].1, Fetched::Failed(_)), "{failed:?}");
    let kept = ClipPack::load(&clips.join("ps")).unwrap();
    assert!(kept.missing(&script(&["digit.4", "digit.2"])).is_empty());
}
