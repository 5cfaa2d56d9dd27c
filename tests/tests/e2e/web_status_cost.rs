//! What the visitor's status page costs a phone on mobile data: the bytes a fresh browser
//! transfers for the first load and for a repeat load, in each of the building's languages,
//! read from the browser's own performance entries (`transferSize`: headers and the body as
//! it came over the wire, 0 for what came from the cache). The table is printed for the
//! README; the budgets of issue 16 are asserted (bytes, not time).

use std::time::Duration;

use fantoccini::Locator;

use crate::browser::Browser;
use crate::util::{Server, issue, new_key};

/// At most this many bytes (KB = 1,000 bytes, as in the issue) for the first load, in every language.
const FIRST_LOAD_BUDGET: u64 = 60_000;
/// At most this many bytes for a repeat load (everything but the page itself cached).
const REPEAT_LOAD_BUDGET: u64 = 3_000;

/// The page and every resource it loaded once its fonts are ready, without the panel
/// polls: `[[url, transferSize], …]`.
const TRANSFERS: &str = r#"
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => requestAnimationFrame(() => document.fonts.ready.then(() => {
  const entries = performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'))
    .filter((entry) => !entry.name.endsWith('/panel'));
  done(entries.map((entry) => [entry.name, entry.transferSize]));
})));
"#;

/// The bytes of one load of `url`, with each resource's share.
async fn load(browser: &Browser, url: &str) -> (u64, Vec<(String, u64)>) {
    browser.client.goto(url).await.unwrap();
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".number strong"))
        .await
        .unwrap();
    let entries = browser
        .client
        .execute_async(TRANSFERS, vec![])
        .await
        .expect("the performance entries");
    let entries: Vec<(String, u64)> =
        serde_json::from_value(entries).expect("[[url, transferSize], …]");
    let total = entries.iter().map(|(_, bytes)| bytes).sum();
    (total, entries)
}

/// A resource's name for the table: the part after the host.
fn short(url: &str) -> &str {
    url.splitn(4, '/').nth(3).unwrap_or(url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_page_costs_little_data_in_every_language() {
    let server = Server::start();
    let building = lotse_queue_server::config::Config::embedded().expect("the sample building");
    let mut rows = Vec::new();
    for language in &building.building.site.languages {
        let ticket = server
            .kiosk()
            .issue_ticket(&issue(&["residence-permit"], language), &new_key())
            .await
            .unwrap();
        let url = format!("{}/t/{}", server.base_url, ticket.token);
        // A fresh profile: nothing cached.
        let phone = Browser::start(412, 915).await;
        let (first, resources) = load(&phone, &url).await;
        // Arabic joins and Ethiopic draws with the subset fonts as with the full ones.
        if ["ar", "ti"].contains(&language.as_str()) {
            phone.screenshot(&format!("status-{language}-fonts")).await;
        }
        let (repeat, _) = load(&phone, &url).await;
        phone.close().await;
        let detail: Vec<String> = resources
            .iter()
            .map(|(name, bytes)| format!("/{} {bytes}", short(name)))
            .collect();
        println!(
            "{language}: first {first} B, repeat {repeat} B ({})",
            detail.join(", ")
        );
        rows.push((language.clone(), first, repeat));
    }
    println!("| language | first load | repeat load |");
    println!("|---|---:|---:|");
    for (language, first, repeat) in &rows {
        println!(
            "| {language} | {:.1} KB | {:.1} KB |",
            *first as f64 / 1000.0,
            *repeat as f64 / 1000.0
        );
    }
    for (language, first, repeat) in &rows {
        assert!(
            *first <= FIRST_LOAD_BUDGET,
            "{language}: first load {first} B > {FIRST_LOAD_BUDGET} B"
        );
        assert!(
            *repeat <= REPEAT_LOAD_BUDGET,
            "{language}: repeat load {repeat} B > {REPEAT_LOAD_BUDGET} B"
        );
    }
}
