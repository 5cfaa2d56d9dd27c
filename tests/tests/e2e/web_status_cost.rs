//! What the visitor's status page costs a phone on mobile data: the bytes a fresh browser
//! transfers for the first load and for a repeat load, in each of the building's languages,
//! read from the browser's own performance entries (`transferSize`: headers and the body as
//! it came over the wire, 0 for what came from the cache). The table is printed for the
//! README; the budgets of issue 16 are asserted (bytes, not time). The first load of the
//! staff login and the browser display is printed too.

use crate::browser::Browser;
use crate::util::{DEMO_DISPLAY_TOKEN, Server, status_page_of_new_ticket};
use crate::web_staff::wait_for;

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

/// The bytes of one load of the status page `url`, with each resource's share.
async fn load(browser: &Browser, url: &str) -> (u64, Vec<(String, u64)>) {
    load_until(browser, url, ".number strong").await
}

/// The bytes of one load of `url` once `ready` is on the page, with each resource's share.
async fn load_until(browser: &Browser, url: &str, ready: &str) -> (u64, Vec<(String, u64)>) {
    browser.client.goto(url).await.unwrap();
    wait_for(browser, ready).await;
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

/// The bytes of the first poll of the panel (5 s after the load; an unchanged panel is a
/// bodiless 304).
const POLL: &str = r#"
const done = arguments[arguments.length - 1];
const deadline = Date.now() + 15000;
const wait = () => {
  const poll = performance.getEntriesByType('resource').find((entry) => entry.name.endsWith('/panel'));
  if (poll || Date.now() > deadline) done(poll ? poll.transferSize : -1); else setTimeout(wait, 100);
};
wait();
"#;

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
        let url = status_page_of_new_ticket(&server, language).await;
        // A fresh profile: nothing cached.
        let phone = Browser::start(412, 915).await;
        let (first, resources) = load(&phone, &url).await;
        // Arabic joins and Ethiopic draws with the subset fonts as with the full ones.
        if ["ar", "ti"].contains(&language.as_str()) {
            phone.screenshot(&format!("status-{language}-fonts")).await;
        }
        let (repeat, _) = load(&phone, &url).await;
        if language == "ar" {
            let poll = phone.client.execute_async(POLL, vec![]).await.unwrap();
            println!("{language}: a poll of the panel {poll} B");
        }
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
    // The same fonts and compression serve the staff pages and the browser display.
    let display = format!("/display?token={DEMO_DISPLAY_TOKEN}");
    for (page, ready) in [("/staff/login", "input[name=name]"), (&display, "#board")] {
        let screen = Browser::start(1280, 800).await;
        let (first, resources) =
            load_until(&screen, &format!("{}{page}", server.base_url), ready).await;
        screen.close().await;
        let detail: Vec<String> = resources
            .iter()
            .map(|(name, bytes)| format!("/{} {bytes}", short(name)))
            .collect();
        println!("{page}: first {first} B ({})", detail.join(", "));
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
