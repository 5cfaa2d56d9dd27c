//! County statistics: the building page's figures and charts (`web::stats::figures`) for one
//! building, several side by side (their key figures in columns) with their total, or the
//! county total; CSV and XLSX exports of the same tables (`stats::export`). A supervisor may
//! choose only the buildings of their account.

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use lotse_protocol::Channel;
use lotse_queue_server::stats::export::{tables_csv, tables_xlsx};
use lotse_queue_server::stats::load::Computed;
use lotse_queue_server::stats::tables::{Lang, Table};
use lotse_queue_server::stats::{Dimension, Period};
use lotse_queue_server::web::stats::{Chosen, charts, figures, filled, narrowing_fields};
use maud::{Markup, html};
use serde::Deserialize;

use super::session::CountyUser;
use super::{county_page, html_response, lang_of};
use crate::county_stats::{self, Narrowed, report, reports};
use crate::db::profiles;
use crate::error::CentralError;
use crate::state::CentralState;

#[derive(Debug, Deserialize, Default)]
pub struct StatsQuery {
    /// Building ids, comma-separated; none: every building the account sees.
    buildings: Option<String>,
    from: Option<String>,
    to: Option<String>,
    agency: Option<String>,
    service: Option<String>,
    channel: Option<String>,
    language: Option<String>,
    split: Option<String>,
    lang: Option<String>,
    format: Option<String>,
}

/// What the query asks, checked against the account.
struct Asked {
    buildings: Vec<String>,
    period: Period,
    narrowed: Narrowed,
    lang: Lang,
}

fn asked(
    state: &CentralState,
    user: &CountyUser,
    query: &StatsQuery,
) -> Result<Asked, CentralError> {
    let seen: Vec<String> = state
        .config
        .buildings
        .iter()
        .filter(|b| user.sees(&b.id))
        .map(|b| b.id.clone())
        .collect();
    let buildings: Vec<String> = match query.buildings.as_deref().filter(|b| !b.is_empty()) {
        None => seen,
        Some(list) => list.split(',').map(str::to_owned).collect(),
    };
    if buildings
        .iter()
        .any(|b| !user.sees(b) || state.config.building(b).is_none())
    {
        return Err(CentralError::Forbidden);
    }
    let yesterday = state
        .now()
        .with_timezone(&state.config.time_zone)
        .date_naive()
        - Duration::days(1);
    let date = |text: &Option<String>, default: NaiveDate| -> Result<NaiveDate, CentralError> {
        match text.as_deref().filter(|t| !t.is_empty()) {
            None => Ok(default),
            Some(t) => t
                .parse()
                .map_err(|_| CentralError::Malformed(format!("{t:?} is not a date"))),
        }
    };
    let to = date(&query.to, yesterday)?;
    let from = date(&query.from, to - Duration::days(29))?;
    let period = Period::new(from, to)
        .ok_or_else(|| CentralError::Malformed("the period ends before it begins".into()))?;
    let invalid = |what: &str| CentralError::Invalid(what.to_owned());
    let narrowed = Narrowed {
        agency: filled(&query.agency),
        service: filled(&query.service),
        channel: filled(&query.channel)
            .map(|c| c.parse::<Channel>().map_err(|_| invalid("unknown channel")))
            .transpose()?,
        language: filled(&query.language),
        split: filled(&query.split)
            .map(|s| s.parse::<Dimension>().map_err(|_| invalid("unknown split")))
            .transpose()?
            .unwrap_or_default(),
    };
    Ok(Asked {
        buildings,
        period,
        narrowed,
        lang: lang_of(query.lang.as_deref()),
    })
}

pub async fn page(
    State(state): State<CentralState>,
    user: CountyUser,
    Query(query): Query<StatsQuery>,
) -> Response {
    let title = |lang: Lang| lang.pick("Statistik Landkreis", "County statistics");
    match content(&state, &user, &query).await {
        Ok((lang, content)) => html_response(
            StatusCode::OK,
            county_page(title(lang), Some(&user), lang, content),
        ),
        // What the person asked for cannot be shown: said on the page, with the way back.
        Err(error @ (CentralError::Invalid(_) | CentralError::Malformed(_))) => {
            let lang = lang_of(query.lang.as_deref());
            let content = html! {
                h1 { (title(lang)) }
                p.alert role="alert" { (error.to_string()) }
                p { a href={ "/county/stats?lang=" (lang.code()) } {
                    (lang.pick("Zurück zur Statistik", "Back to the statistics"))
                } }
            };
            html_response(
                error.status(),
                county_page(title(lang), Some(&user), lang, content),
            )
        }
        Err(error) => error.into_response(),
    }
}

async fn content(
    state: &CentralState,
    user: &CountyUser,
    query: &StatsQuery,
) -> Result<(Lang, Markup), CentralError> {
    let asked = asked(state, user, query)?;
    let lang = asked.lang;
    let narrowed = &asked.narrowed;
    let asked_report = county_stats::Asked {
        buildings: &asked.buildings,
        period: asked.period,
        narrowed,
        lang,
    };
    let several = asked.buildings.len() > 1;
    let (total, each) = reports(&state.pool, &state.reports, asked_report, several).await?;
    let tables = total.tables.clone();
    let drawn = tokio::task::spawn_blocking(move || charts(&tables))
        .await
        .unwrap_or_default();
    let names = state.config.names();
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let chosen: Vec<&str> = asked
        .buildings
        .iter()
        .map(|b| names.get(b.as_str()).copied().unwrap_or(b))
        .collect();
    let profiles = profiles::all(&state.pool).await?;
    let naming = county_stats::naming(&profiles, &asked.buildings).ok_or(CentralError::NotFound)?;
    let filter = narrowed.filter(&naming)?;
    let export = |format: &str| {
        let mut link = format!(
            "/county/stats/export?buildings={}&from={}&to={}&lang={}&split={}",
            asked.buildings.join(","),
            asked.period.from,
            asked.period.to,
            lang.code(),
            <&str>::from(narrowed.split),
        );
        let ids = [
            ("agency", narrowed.agency.as_deref()),
            ("service", narrowed.service.as_deref()),
            ("channel", narrowed.channel.map(|c| c.as_str())),
            ("language", narrowed.language.as_deref()),
        ];
        for (key, value) in ids {
            if let Some(value) = value {
                link.push_str(&format!("&{key}={value}"));
            }
        }
        link.push_str(&format!("&format={format}"));
        link
    };
    let chosen_fields = Chosen {
        agency: narrowed.agency.as_deref(),
        filter: &filter,
        split: narrowed.split,
    };
    Ok((
        lang,
        html! {
            div.heading {
                h1 { (l("Statistik Landkreis", "County statistics")) " " small.period { (asked.period.from) " – " (asked.period.to) } }
            }
            form.filters method="get" action="/county/stats" {
                input type="hidden" name="lang" value=(lang.code());
                label { (l("Häuser (Kennungen, mit Komma)", "Buildings (ids, comma-separated)"))
                    input name="buildings" value=(asked.buildings.join(",")); }
                label { (l("von", "from")) input type="date" name="from" value=(asked.period.from); }
                label { (l("bis", "to")) input type="date" name="to" value=(asked.period.to); }
                (narrowing_fields(&naming, &|_| true, &chosen_fields, lang))
                button.primary type="submit" { (l("Anzeigen", "Show")) }
            }
            p { (chosen.join(", ")) }
            p.downloads {
                (l("Herunterladen:", "Download:")) " "
                a href=(export("xlsx")) download { "XLSX" } " · "
                a href=(export("csv")) download { "CSV" }
            }
            @if !each.is_empty() { (side_by_side(&each, &names, lang)) }
            (figures(&total.tables, &drawn, lang))
            p.note { (l("Verpasste Termine, Platzauslastung und einzelne Anliegen bleiben im jeweiligen Haus.",
                "Missed appointments, desk utilisation and single concerns stay in each building.")) }
        },
    ))
}

/// The key figures of each building in a column of its own.
fn side_by_side(
    each: &[(String, Computed)],
    names: &std::collections::BTreeMap<&str, &str>,
    lang: Lang,
) -> Markup {
    let kpis =
        |c: &Computed| -> Option<Table> { c.tables.iter().find(|t| t.id == "kpis").cloned() };
    let first = each.first().and_then(|(_, c)| kpis(c));
    html! {
        section.stat id="buildings" {
            h2 { (lang.pick("Häuser nebeneinander", "Buildings side by side")) }
            table {
                thead { tr {
                    th scope="col" { (lang.pick("Kennzahl", "Figure")) }
                    @for (id, _) in each { th scope="col" { (names.get(id.as_str()).copied().unwrap_or(id)) } }
                } }
                tbody {
                    @if let Some(first) = first {
                        @for (i, row) in first.rows.iter().enumerate() {
                            tr {
                                th scope="row" { (row[0].plain()) }
                                @for (_, computed) in each {
                                    td.number { (kpis(computed).and_then(|t| t.rows.get(i).map(|r| r[1].shown(lang))).unwrap_or_default()) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/county/stats/export?…&format=csv|xlsx`: the total's tables as a file.
pub async fn download(
    State(state): State<CentralState>,
    user: CountyUser,
    Query(query): Query<StatsQuery>,
) -> Response {
    let result = async {
        let asked = asked(&state, &user, &query)?;
        let computed = report(
            &state.pool,
            &state.reports,
            &asked.buildings,
            asked.period,
            &asked.narrowed,
            asked.lang,
        )
        .await?;
        let (bytes, kind, extension) = match query.format.as_deref() {
            Some("xlsx") => (
                tables_xlsx(&computed.tables, asked.period, asked.lang)
                    .map_err(|e| CentralError::Invalid(e.to_string()))?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            _ => (
                tables_csv(&computed.tables).map_err(|e| CentralError::Invalid(e.to_string()))?,
                "text/csv; charset=utf-8",
                "csv",
            ),
        };
        let file = format!(
            "attachment; filename=\"lotse-county-{}-{}.{extension}\"",
            asked.period.from, asked.period.to
        );
        Ok::<_, CentralError>(
            (
                [
                    (header::CONTENT_TYPE, kind.to_owned()),
                    (header::CONTENT_DISPOSITION, file),
                ],
                bytes,
            )
                .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
