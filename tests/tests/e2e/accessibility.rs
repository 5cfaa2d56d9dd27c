//! Every web page audited with axe-core (vendored in `tests/vendor/axe-core`) in headless
//! Chromium against WCAG 2.1 A and AA: the visitor's status page (waiting, called, not
//! found; Arabic and Tigrinya), the browser display, and the staff pages (login, console,
//! overview with an alert, admin, password). Prints every finding; fails on a serious or critical one.

use fantoccini::Locator;

use crate::browser::Browser;
use crate::util::{DEMO_DISPLAY_TOKEN, Server, status_page_of_new_ticket};
use crate::web_staff::{log_in, log_in_at, wait_for};

const AXE: &str = include_str!("../../vendor/axe-core/axe.min.js");

/// Runs axe on the page and answers `{violations: [{id, impact, help, targets}], passes}`.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
  .then((results) => done({
    passes: results.passes.length,
    violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((node) => node.target.join(' ')),
    })),
  }))
  .catch((error) => done({ error: String(error) }));
"#;

/// One page's findings.
struct Audit {
    page: String,
    passes: u64,
    /// (rule, impact, help, elements)
    violations: Vec<(String, String, String, Vec<String>)>,
}

/// Opens `url` and waits for `ready` to be on the page.
async fn open(browser: &Browser, url: &str, ready: &str) {
    browser.client.goto(url).await.unwrap();
    wait_for(browser, ready).await;
}

async fn audit(browser: &Browser, page: &str) -> Audit {
    browser
        .client
        .execute(AXE, vec![])
        .await
        .expect("axe injected");
    let result = browser
        .client
        .execute_async(RUN_AXE, vec![])
        .await
        .expect("axe ran");
    assert!(result.get("error").is_none(), "{page}: {result}");
    let violations = result["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .map(|v| {
            let text = |key: &str| v[key].as_str().unwrap_or_default().to_owned();
            let targets = serde_json::from_value(v["targets"].clone()).unwrap_or_default();
            (text("id"), text("impact"), text("help"), targets)
        })
        .collect();
    Audit {
        page: page.to_owned(),
        passes: result["passes"].as_u64().unwrap_or_default(),
        violations,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_core_without_serious_violations() {
    let server = Server::start();
    let base = server.base_url.clone();
    let mut audits = Vec::new();

    let mut pages = Vec::new();
    for language in ["ar", "ti"] {
        pages.push((language, status_page_of_new_ticket(&server, language).await));
    }
    let phone = Browser::start(412, 915).await;
    for (language, page) in &pages {
        open(&phone, page, ".panel[data-state=waiting]").await;
        audits.push(audit(&phone, &format!("status page, waiting ({language})")).await);
    }
    // The Arabic visitor is called, served, and asked for feedback.
    let staff_client = server.staff().await;
    staff_client.call_next("eg-01").await.unwrap();
    let (_, arabic) = &pages[0];
    open(&phone, arabic, ".panel[data-state=called]").await;
    audits.push(audit(&phone, "status page, called (ar)").await);
    staff_client.start("eg-01").await.unwrap();
    staff_client
        .finish("eg-01", &lotse_protocol::Finish::default())
        .await
        .unwrap();
    open(&phone, arabic, "form.feedback").await;
    audits.push(audit(&phone, "status page, feedback (ar)").await);
    open(&phone, &format!("{base}/t/no-such-token"), "h1").await;
    audits.push(audit(&phone, "status page, not found").await);
    phone.close().await;

    let display = Browser::start(1920, 1080).await;
    let board = format!("{base}/display?token={DEMO_DISPLAY_TOKEN}");
    open(&display, &board, ".calls .call").await;
    audits.push(audit(&display, "browser display").await);
    display.close().await;

    // A kiosk printer alert, so the console and the overview show their alert list.
    server
        .kiosk()
        .report_status(&lotse_protocol::DeviceStatus {
            printer: lotse_protocol::PrinterCondition::PaperOut,
        })
        .await
        .unwrap();
    let staff = Browser::start(1280, 800).await;
    open(&staff, &format!("{base}/staff/login"), "input[name=name]").await;
    audits.push(audit(&staff, "staff login").await);
    log_in_at(&staff, &base, ("admin", "lotse-demo-admin"), "eg-02", false).await;
    audits.push(audit(&staff, "staff console").await);
    for (path, page, ready) in [
        ("/staff/overview", "overview", "#live .alert-item"),
        ("/staff/admin", "admin", "table.audit"),
        ("/staff/password", "password", "input[type=password]"),
        ("/staff/stats", "statistics", "section.stat"),
        ("/staff/admin/voices", "voice recordings", "table"),
        (
            "/staff/admin/voices/ps",
            "voice recordings (ps)",
            "table.voices",
        ),
    ] {
        open(&staff, &format!("{base}{path}"), ready).await;
        audits.push(audit(&staff, page).await);
    }
    assert!(
        staff.client.find(Locator::Css("h1")).await.is_ok(),
        "the last page rendered"
    );
    staff.close().await;

    // The interpreter lands on their own page.
    let interpreter = Browser::start(1280, 800).await;
    log_in(
        &interpreter,
        &base,
        ("interpreter", "lotse-demo-interpreter"),
    )
    .await;
    wait_for(&interpreter, "section.requests").await;
    audits.push(audit(&interpreter, "interpreter").await);
    interpreter.close().await;

    println!("| page | passed rules | violations |");
    println!("|---|---:|---|");
    for audit in &audits {
        let found: Vec<String> = audit
            .violations
            .iter()
            .map(|(id, impact, help, targets)| {
                format!("{id} ({impact}): {help} [{}]", targets.join("; "))
            })
            .collect();
        let found = if found.is_empty() {
            "none".to_owned()
        } else {
            found.join("<br>")
        };
        println!("| {} | {} | {found} |", audit.page, audit.passes);
    }
    for audit in &audits {
        for (id, impact, help, targets) in &audit.violations {
            assert!(
                !["serious", "critical"].contains(&impact.as_str()),
                "{}: {id} ({impact}): {help} at {targets:?}",
                audit.page
            );
        }
    }
}

/// The status page at 200 % zoom (a 412 px wide phone then lays out 206 CSS pixels at twice
/// the scale) and in landscape: nothing runs off the side, the number is whole on screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_page_reflows_at_200_percent_zoom_and_in_landscape() {
    let server = Server::start();
    for language in ["ar", "ti"] {
        let page = status_page_of_new_ticket(&server, language).await;
        for (view, width, height, scale) in [("zoom-200", 206, 457, 2), ("landscape", 915, 412, 1)]
        {
            let phone = Browser::start(412, 915).await;
            phone
                .cdp(
                    "Emulation.setDeviceMetricsOverride",
                    serde_json::json!({
                        "width": width, "height": height, "deviceScaleFactor": scale, "mobile": true
                    }),
                )
                .await;
            open(&phone, &page, ".panel[data-state=waiting]").await;
            let layout = phone
                .client
                .execute(
                    "const page = document.documentElement;
                     const number = document.querySelector('.number strong').getBoundingClientRect();
                     return [page.scrollWidth, page.clientWidth, number.left, number.right];",
                    vec![],
                )
                .await
                .unwrap();
            let [scroll, client, left, right]: [f64; 4] =
                serde_json::from_value(layout).expect("four numbers");
            assert!(
                scroll <= client,
                "{language} {view}: {scroll} px wide in {client}"
            );
            assert!(
                left >= 0.0 && right <= client,
                "{language} {view}: the number at {left}..{right} of {client}"
            );
            phone.screenshot(&format!("status-{language}-{view}")).await;
            phone.close().await;
        }
    }
}
