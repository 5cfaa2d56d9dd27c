//! The stats page in headless Chromium on a generated history (120 days, written by
//! `queue-server demo-history` into the running server's database; the 30 oldest are folded
//! into daily aggregates, the rest read in detail): a supervisor opens it, changes the range,
//! downloads the XLSX (fetched by the page's own link and session), sees the desks'
//! utilisation (none above 100 %); a supervisor of one agency is offered only theirs and
//! refused another; a staff account gets 403. Screenshots go to the test output folder.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{Duration, Utc};
use chrono_tz::Europe::Berlin;
use fantoccini::Locator;

use crate::browser::Browser;
use crate::util::{Server, server_binary};
use crate::web_staff::{click, text_of, type_into, wait_for};

async fn log_in(browser: &Browser, base: &str, name: &str, password: &str) {
    browser
        .client
        .goto(&format!("{base}/staff/login"))
        .await
        .unwrap();
    type_into(browser, "input[name=name]", name).await;
    type_into(browser, "input[name=password]", password).await;
    click(browser, ".login button[type=submit]").await;
    wait_for(browser, "header.bar nav").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_reads_the_statistics_and_downloads_them_staff_may_not() {
    let server = Server::start();
    let generated = Command::new(server_binary())
        .args(["demo-history", "--days", "120", "--db"])
        .arg(server.db_path())
        .env("RUST_LOG", "warn")
        .output()
        .expect("demo-history runs");
    assert!(generated.status.success(), "{generated:?}");
    let base = server.base_url.clone();
    let today = Utc::now().with_timezone(&Berlin).date_naive();
    let (from, to) = (today - Duration::days(120), today - Duration::days(1));

    let browser = Browser::start(1280, 2200).await;
    log_in(&browser, &base, "supervisor", "lotse-demo-supervisor").await;
    browser
        .client
        .goto(&format!(
            "{base}/staff/stats?range=custom&from={from}&to={to}"
        ))
        .await
        .unwrap();
    let tiles = text_of(&browser, ".tiles").await;
    assert!(
        tiles.contains("Besuche") && tiles.contains("Servicegrad"),
        "{tiles}"
    );
    let charts = browser
        .client
        .find_all(Locator::Css(".chart svg"))
        .await
        .unwrap();
    assert_eq!(charts.len(), 4);
    browser.screenshot("staff-stats").await;

    // The desks: staffed time and utilisation from the generated desk shifts.
    let desks = text_of(&browser, "#desks").await;
    assert!(
        desks.contains("besetzt (h)") && desks.contains("Auslastung") && desks.contains(" %"),
        "{desks}"
    );
    // A desk serves one visitor at a time: no desk is utilised above 100 %.
    let utilisations: Vec<f64> = desks
        .split(" %")
        .filter_map(|before| before.split_whitespace().last())
        .filter_map(|number| number.replace(',', ".").parse().ok())
        .collect();
    assert!(utilisations.len() >= 20, "{desks}");
    assert!(utilisations.iter().all(|u| *u <= 100.0), "{desks}");
    browser
        .client
        .execute("document.getElementById('desks').scrollIntoView()", vec![])
        .await
        .unwrap();
    browser.screenshot("staff-stats-desks").await;

    // The range changes through the form (no script needed): this week.
    let range = wait_for(&browser, "select[name=range]").await;
    range.select_by_value("week").await.unwrap();
    click(&browser, ".filters button[type=submit]").await;
    let heading = text_of(&browser, "h1").await;
    assert!(heading.contains(&today.to_string()), "{heading}");
    assert!(!heading.contains(&from.to_string()), "{heading}");

    // Back to the generated period in English, and its XLSX through the page's link.
    browser
        .client
        .goto(&format!(
            "{base}/staff/stats?range=custom&from={from}&to={to}&lang=en"
        ))
        .await
        .unwrap();
    assert!(text_of(&browser, "h1").await.contains("Statistics"));
    let link = wait_for(&browser, "a[href*='format=xlsx']").await;
    let href = link.attr("href").await.unwrap().expect("a link");
    let answer = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(async r => {
               const bytes = new Uint8Array(await r.arrayBuffer());
               done([r.status, r.headers.get('content-disposition'), bytes.length,
                     String.fromCharCode(bytes[0], bytes[1])]);
             });",
            vec![serde_json::Value::String(href)],
        )
        .await
        .unwrap();
    assert_eq!(answer[0], 200, "{answer}");
    assert!(
        answer[1].as_str().unwrap_or("").contains(".xlsx"),
        "{answer}"
    );
    assert!(answer[2].as_u64().unwrap_or(0) > 5_000, "{answer}");
    assert_eq!(answer[3], "PK", "an XLSX is a zip file");
    browser.close().await;

    let staff = Browser::start(1280, 800).await;
    log_in(&staff, &base, "staff", "lotse-demo-staff").await;
    staff
        .client
        .goto(&format!("{base}/staff/stats"))
        .await
        .unwrap();
    assert!(text_of(&staff, "h1").await.contains("Kein Zugriff"));
    staff.close().await;

    // A supervisor of the jobcenter: only its figures, another agency refused.
    let mut add = Command::new(server_binary())
        .args([
            "user",
            "add",
            "--name",
            "jc-lead",
            "--role",
            "supervisor",
            "--agencies",
            "jobcenter",
            "--db",
        ])
        .arg(server.db_path())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("user add runs");
    add.stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    assert!(add.wait().unwrap().success());
    let jc = Browser::start(1280, 800).await;
    log_in(&jc, &base, "jc-lead", "a long enough password").await;
    jc.client
        .goto(&format!(
            "{base}/staff/stats?range=custom&from={from}&to={to}"
        ))
        .await
        .unwrap();
    let agencies: Vec<String> = {
        let mut values = Vec::new();
        for option in jc
            .client
            .find_all(Locator::Css("select[name=agency] option"))
            .await
            .unwrap()
        {
            values.push(option.attr("value").await.unwrap().unwrap_or_default());
        }
        values
    };
    assert_eq!(agencies, ["", "jobcenter"]);
    jc.client
        .goto(&format!("{base}/staff/stats?agency=immigration"))
        .await
        .unwrap();
    let refused = text_of(&jc, "body").await;
    assert!(refused.contains("not allowed"), "{refused}");
    jc.close().await;
}
