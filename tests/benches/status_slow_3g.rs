//! How soon a visitor on a slow mobile connection can read their number on the status page:
//! a fresh headless Chromium (nothing cached) with the network throttled through the
//! DevTools protocol (`Network.emulateNetworkConditions`) opens `/t/{token}` for an Arabic,
//! a Tigrinya and a German ticket, three times each, under two conditions:
//! - "3G 400 ms": 400 kbit/s each way, 400 ms round trip (the issue's);
//! - "DevTools Slow 3G": 400 kbit/s, 2 s round trip (Chromium's preset, the worst case).
//!
//! Reported per load: the first contentful paint (the number is on screen, in a fallback
//! font if the page's fonts are still coming: `font-display: swap`), the moment the last
//! font arrived (the number and every text in the page's own fonts), and the bytes.
//!
//! Run: `cargo build --release --bin queue-server && cargo bench -p lotse-tests --bench
//! status_slow_3g` (the bench starts `target/release/queue-server`).

#![allow(clippy::unwrap_used)] // A benchmark may panic on unexpected errors.

#[allow(dead_code)]
#[path = "../tests/e2e/browser.rs"]
mod browser;
#[allow(dead_code)]
#[path = "../tests/e2e/util.rs"]
mod util;

use std::time::Duration;

use fantoccini::Locator;

use browser::Browser;
use util::{Server, status_page_of_new_ticket};

/// (name, round trip in ms, bytes per second each way)
const CONDITIONS: [(&str, u64, u64); 2] = [
    ("3G 400 ms", 400, 400_000 / 8),
    ("DevTools Slow 3G", 2000, 400_000 / 8),
];
/// Loads per condition and language; `STATUS_BENCH_RUNS` overrides.
fn runs() -> usize {
    std::env::var("STATUS_BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(3)
}

/// Once the fonts are in: first contentful paint, the end of the last font, all bytes.
const TIMES: &str = r#"
const done = arguments[arguments.length - 1];
document.fonts.ready.then(() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1;
  const resources = performance.getEntriesByType('resource');
  const fonts = resources.filter((entry) => entry.name.includes('/assets/fonts/'));
  const fontsDone = Math.max(0, ...fonts.map((entry) => entry.responseEnd));
  const bytes = performance.getEntriesByType('navigation')
    .concat(resources)
    .filter((entry) => !entry.name.endsWith('/panel'))
    .reduce((sum, entry) => sum + entry.transferSize, 0);
  done([paint, fontsDone, bytes]);
});
"#;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let server = Server::start();
    println!("| condition | language | first paint (median) | fonts done (median) | bytes |");
    println!("|---|---|---:|---:|---:|");
    for (condition, latency, throughput) in CONDITIONS {
        for language in ["ar", "ti", "de"] {
            let (mut paints, mut fonts, mut bytes) = (Vec::new(), Vec::new(), 0.0);
            for _ in 0..runs() {
                let page = status_page_of_new_ticket(&server, language).await;
                let phone = Browser::start(412, 915).await;
                phone.cdp("Network.enable", serde_json::json!({})).await;
                phone
                    .cdp(
                        "Network.emulateNetworkConditions",
                        serde_json::json!({
                            "offline": false,
                            "latency": latency,
                            "downloadThroughput": throughput,
                            "uploadThroughput": throughput,
                        }),
                    )
                    .await;
                phone.client.goto(&page).await.unwrap();
                phone
                    .client
                    .wait()
                    .at_most(Duration::from_secs(60))
                    .for_element(Locator::Css(".number strong"))
                    .await
                    .unwrap();
                let times = phone.client.execute_async(TIMES, vec![]).await.unwrap();
                let [paint, font, transferred]: [f64; 3] = serde_json::from_value(times).unwrap();
                eprintln!(
                    "{condition} {language}: paint {paint:.0} ms, fonts {font:.0} ms, {transferred} B"
                );
                paints.push(paint);
                fonts.push(font);
                bytes = transferred;
                phone.close().await;
            }
            println!(
                "| {condition} | {language} | {:.2} s | {:.2} s | {:.1} KB |",
                median(paints) / 1000.0,
                median(fonts) / 1000.0,
                bytes / 1000.0
            );
        }
    }
}
