//! Spoken-call numbers: call event → the WAV (gong, then the voice) handed to the player,
//! p50/p99, with espeak-ng (German + the ticket's language) and with a clip pack; CPU time
//! per announcement (the process and the engines it ran); memory with the voices loaded.
//! `cargo bench -p lotse-voices --bench speech_bench` (needs espeak-ng).

#![allow(clippy::unwrap_used)] // A benchmark may stop at the first failure.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::Utc;
use lotse_protocol::{Building, Change, Event};
use lotse_voices::clips::synthetic_pack;
use lotse_voices::{
    Announcer, Audio, PhraseTable, Player, Request, Speaker, SpeakerSettings, SpeechConfig,
};

const BUILDING: &str = include_str!("../../queue-server/src/config/building.toml");
const CALLS: usize = 300;
/// Ticket numbers said into the cache at start (as the display does).
const PREPARED: u32 = 30;

/// Hands each WAV on at once (the measurement ends when the player has it).
struct Handoff(mpsc::Sender<(Instant, usize)>);

impl Player for Handoff {
    fn play(&mut self, wav: &[u8]) -> std::io::Result<()> {
        let _ = self.0.send((Instant::now(), wav.len()));
        Ok(())
    }
}

/// (user + system CPU of this process and its finished children) in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may contain spaces) start at the state, field 3.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<f64> = rest
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0.0))
        .collect();
    // utime 14, stime 15, cutime 16, cstime 17 (1-based over the whole line).
    let ticks: f64 = fields.get(11..15).map(|f| f.iter().sum()).unwrap_or(0.0);
    ticks / 100.0
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn percentile(samples: &mut [Duration], p: usize) -> f64 {
    samples.sort();
    samples[(samples.len() * p / 100).min(samples.len() - 1)].as_secs_f64() * 1000.0
}

fn gong() -> Vec<u8> {
    // The display's chime is 1.9 s at 22.05 kHz; a tone of that length stands in.
    let rate = lotse_voices::audio::RATE;
    let samples = (0..rate * 19 / 10)
        .map(|n| ((n as f32 * 0.13).sin() * 8_000.0) as i16)
        .collect();
    Audio { rate, samples }.to_wav()
}

fn call_event(id: i64, number: &str, desk: &str, language: &str) -> Event {
    Event {
        id,
        at: Utc::now(),
        change: Change::TicketCalled {
            number: number.into(),
            service: "residence-permit".into(),
            desk: desk.into(),
            recall: 0,
            language: Some(language.into()),
        },
    }
}

/// Runs `CALLS` calls one after another; prints latency and CPU per call.
fn measure(
    name: &str,
    building: &Building,
    config: &SpeechConfig,
    announcer: Arc<Announcer>,
    languages: &[&str],
) {
    let (sender, handed) = mpsc::channel();
    let settings = SpeakerSettings {
        gong: Some(gong()),
        volume: 80,
        max_age: Duration::from_secs(30),
    };
    let speaker = Speaker::start(
        announcer,
        Box::new(Handoff(sender)),
        settings,
        Arc::new(Instant::now),
    )
    .unwrap();
    let desks: Vec<&str> = building.desks.iter().map(|d| d.id.as_str()).collect();
    let prefixes: Vec<&str> = building
        .agencies
        .iter()
        .map(|a| a.prefix.as_str())
        .collect();
    let mut latencies = Vec::with_capacity(CALLS);
    let mut bytes = 0;
    let cpu_before = cpu_seconds();
    for n in 0..CALLS {
        // Numbers run up through the day, past the prepared ones (each new number is said
        // by the engine once, then cached).
        let number = format!("{}-{:03}", prefixes[n % prefixes.len()], 1 + n / 2);
        let language = languages[n % languages.len()];
        let event = call_event(n as i64, &number, desks[n % desks.len()], language);
        let start = Instant::now();
        let call = lotse_voices::call(&event, building).unwrap();
        speaker.say(Request {
            languages: config.languages_for(call.language.as_deref()),
            spoken: call.spoken,
        });
        let (at, size) = handed.recv_timeout(Duration::from_secs(30)).unwrap();
        latencies.push(at - start);
        bytes += size;
    }
    let cpu = (cpu_seconds() - cpu_before) / CALLS as f64 * 1000.0;
    println!(
        "{name}: call event → WAV handed to the player, {CALLS} calls: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; CPU {cpu:.1} ms per announcement; WAV {} KiB on average",
        percentile(&mut latencies, 50),
        percentile(&mut latencies, 99),
        percentile(&mut latencies, 100),
        bytes / CALLS / 1024,
    );
}

fn main() {
    let building: Building = toml::from_str(BUILDING).unwrap();
    let table = PhraseTable::embedded().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for language in ["ps", "ti"] {
        synthetic_pack(&dir.path().join(language), &table, language).unwrap();
    }
    let config = SpeechConfig {
        clips: dir.path().to_owned(),
        ..SpeechConfig::default()
    };
    let rss_start = rss_kib();

    // espeak-ng without preparation: every part said on first use.
    let cold = Arc::new(Announcer::new(
        table.clone(),
        config.build_voices(table.languages()),
    ));
    measure(
        "espeak-ng, de + ticket language, nothing prepared",
        &building,
        &config,
        cold,
        &["ar", "en", "fa", "uk", "ru", "tr", "fr"],
    );

    // As the display runs: the building's parts prepared when it arrives.
    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let announcer = Arc::new(Announcer::new(
        table.clone(),
        config.build_voices(table.languages()),
    ));
    announcer.prewarm(&building, PREPARED);
    println!(
        "prepared {} parts of 10 languages in {:.1} s ({:.1} s CPU)",
        announcer.cached(),
        started.elapsed().as_secs_f64(),
        cpu_seconds() - cpu_before,
    );
    measure(
        "espeak-ng, de + ticket language, prepared",
        &building,
        &config,
        announcer.clone(),
        &["ar", "en", "fa", "uk", "ru", "tr", "fr"],
    );
    let clips_only = SpeechConfig {
        languages: vec!["ticket".into()],
        ..config.clone()
    };
    measure(
        "clip pack alone (ps, ti)",
        &building,
        &clips_only,
        announcer.clone(),
        &["ps", "ti"],
    );
    measure(
        "espeak-ng de + clip pack (ps, ti)",
        &building,
        &config,
        announcer.clone(),
        &["ps", "ti"],
    );
    println!(
        "RSS: {} KiB before the voices, {} KiB with 10 languages loaded and {} parts cached",
        rss_start,
        rss_kib(),
        announcer.cached()
    );
}
