//! `GET /metrics` for IT operations, in the Prometheus text format (which OpenMetrics
//! scrapers read too): people waiting and the longest wait per service, tickets issued and
//! called today, live-stream subscribers, the storage commit-time histogram and the kiosks'
//! printer states. Only a device token of the kind `metrics` may read it.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::auth::{Caller, DeviceKind};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::storage::commit_times::CommitSnapshot;
use crate::storage::metrics::{Readings, read};

/// The printer states a kiosk may report (each gets a 0/1 line, so a missing line never
/// hides a state).
const PRINTER_STATES: [&str; 5] = ["ready", "paper_out", "cover_open", "offline", "unreachable"];

pub async fn metrics(State(state): State<AppState>, caller: Caller) -> Result<Response, AppError> {
    match caller {
        Caller::Device {
            kind: DeviceKind::Metrics,
            ..
        } => {}
        _ => return Err(AppError::Forbidden),
    }
    let now = state.now();
    let day_start = state.config.day_start(now);
    let readings = state.store.read(move |c| read(c, day_start)).await?;
    let body = render(
        &readings,
        now,
        state.streams.total(),
        &state.store.commit_times.snapshot(),
    );
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response())
}

/// A label value with `\\`, `"` and line breaks escaped (kiosk names are free text).
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The exposition text. Pure: the readings and `now` in, text out.
pub fn render(
    readings: &Readings,
    now: DateTime<Utc>,
    streams: usize,
    commits: &CommitSnapshot,
) -> String {
    let mut lines = String::new();
    for line in &readings.lines {
        lines.push_str(&format!(
            "lotse_waiting{{service=\"{}\"}} {}\n",
            label(&line.service),
            line.waiting
        ));
    }
    let mut longest = String::new();
    for line in &readings.lines {
        let seconds = line
            .oldest
            .map_or(0, |oldest| (now - oldest).num_seconds().max(0));
        longest.push_str(&format!(
            "lotse_longest_wait_seconds{{service=\"{}\"}} {seconds}\n",
            label(&line.service)
        ));
    }
    let mut text = String::new();
    let mut push = |name: &str, kind: &str, help: &str, body: &str| {
        text.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{body}"
        ));
    };
    push(
        "lotse_waiting",
        "gauge",
        "People waiting per service now.",
        &lines,
    );
    push(
        "lotse_longest_wait_seconds",
        "gauge",
        "How long the longest-waiting person of each service has waited.",
        &longest,
    );
    push(
        "lotse_tickets_issued_today",
        "gauge",
        "Tickets issued since the start of the building's day.",
        &format!("lotse_tickets_issued_today {}\n", readings.issued_today),
    );
    push(
        "lotse_tickets_called_today",
        "gauge",
        "Concerns called to a desk since the start of the building's day.",
        &format!("lotse_tickets_called_today {}\n", readings.called_today),
    );
    push(
        "lotse_live_streams",
        "gauge",
        "Open live event streams (displays, consoles, status pages).",
        &format!("lotse_live_streams {streams}\n"),
    );
    let mut histogram = String::new();
    for (bound, count) in &commits.cumulative {
        histogram.push_str(&format!(
            "lotse_storage_commit_seconds_bucket{{le=\"{bound}\"}} {count}\n"
        ));
    }
    histogram.push_str(&format!(
        "lotse_storage_commit_seconds_bucket{{le=\"+Inf\"}} {}\nlotse_storage_commit_seconds_sum {}\nlotse_storage_commit_seconds_count {}\n",
        commits.count, commits.sum_seconds, commits.count
    ));
    push(
        "lotse_storage_commit_seconds",
        "histogram",
        "Time of the writer's commits (fsync included).",
        &histogram,
    );
    let mut printers = String::new();
    for (kiosk, reported) in &readings.printers {
        for state in PRINTER_STATES {
            let on = u8::from(reported.as_deref() == Some(state));
            printers.push_str(&format!(
                "lotse_kiosk_printer{{kiosk=\"{}\",state=\"{state}\"}} {on}\n",
                label(kiosk)
            ));
        }
    }
    push(
        "lotse_kiosk_printer",
        "gauge",
        "1 for the state each kiosk's printer last reported.",
        &printers,
    );
    text
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::storage::metrics::Line;

    #[test]
    fn the_text_has_each_family_with_escaped_labels() {
        let now = Utc::now();
        let readings = Readings {
            lines: vec![Line {
                service: "payment-card".into(),
                waiting: 3,
                oldest: Some(now - Duration::seconds(754)),
            }],
            issued_today: 41,
            called_today: 38,
            printers: vec![("Kiosk \"Eingang\"\nLinks".into(), Some("paper_out".into()))],
        };
        let commits = CommitSnapshot {
            cumulative: vec![(0.001, 2), (0.01, 5)],
            count: 6,
            sum_seconds: 0.5,
        };
        let text = render(&readings, now, 12, &commits);
        for line in [
            "lotse_waiting{service=\"payment-card\"} 3\n",
            "lotse_longest_wait_seconds{service=\"payment-card\"} 754\n",
            "lotse_tickets_issued_today 41\n",
            "lotse_tickets_called_today 38\n",
            "lotse_live_streams 12\n",
            "# TYPE lotse_storage_commit_seconds histogram\n",
            "lotse_storage_commit_seconds_bucket{le=\"0.01\"} 5\n",
            "lotse_storage_commit_seconds_bucket{le=\"+Inf\"} 6\n",
            "lotse_storage_commit_seconds_count 6\n",
            "lotse_kiosk_printer{kiosk=\"Kiosk \\\"Eingang\\\"\\nLinks\",state=\"paper_out\"} 1\n",
            "lotse_kiosk_printer{kiosk=\"Kiosk \\\"Eingang\\\"\\nLinks\",state=\"ready\"} 0\n",
        ] {
            assert!(text.contains(line), "{line} in\n{text}");
        }
        assert_eq!(text.matches("# TYPE lotse_waiting gauge").count(), 1);
    }
}
