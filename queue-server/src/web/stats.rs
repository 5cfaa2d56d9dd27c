//! `/staff/stats` (supervisors and admins): the period's figures as KPI tiles beside the
//! period before, charts drawn on the server (`stats_charts.rs`) with a table under each, the
//! other tables, and downloads of exactly these tables (`/staff/stats/export`). German or
//! English (`lang=en`). Works without JavaScript: the filters are a GET form. A supervisor
//! sees and downloads only their agencies' figures (`stats::scope`).

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use lotse_protocol::{Channel, localized};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use strum::IntoEnumIterator;

use super::feedback_comments::{section, visible_comments};
use super::html_response;
use super::layout::staff_page;
use super::page_access::StaffArea;
use super::session::StaffPage;
use super::stats_charts::{bars, heatmap};
use crate::config::Config;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::stats::figures::Zone;
use crate::stats::load::{Computed, ReadAt, compute_all, load};
use crate::stats::scope::StatsScope;
use crate::stats::tables::{Cell, KPI_TILES, Lang, Table, dimension_name};
use crate::stats::{Dimension, Filter, Period, export};

/// The page's query: range preset or dates, filters, breakdown, language.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatsQuery {
    range: Option<String>,
    from: Option<String>,
    to: Option<String>,
    agency: Option<String>,
    service: Option<String>,
    desk: Option<String>,
    channel: Option<String>,
    language: Option<String>,
    split: Option<String>,
    lang: Option<String>,
    format: Option<String>,
}

/// What the query asks for, checked.
struct Asked {
    range: String,
    scope: StatsScope,
    period: Period,
    filter: Filter,
    split: Dimension,
    lang: Lang,
}

/// A query value as given: trimmed; empty is none.
pub fn filled(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl StatsQuery {
    fn asked(
        &self,
        config: &Config,
        today: chrono::NaiveDate,
        scope: StatsScope,
    ) -> Result<Asked, AppError> {
        let bad = |what: &str| AppError::InvalidInput(what.to_owned());
        let range = filled(&self.range).unwrap_or_else(|| "month".to_owned());
        let period = if range == "custom" {
            let date = |v: &Option<String>| {
                filled(v)
                    .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
                    .ok_or_else(|| bad("from and to must be dates (YYYY-MM-DD)"))
            };
            let (from, to) = (date(&self.from)?, date(&self.to)?);
            Period::new(from, to)
                .filter(|p| p.days() <= 3_700)
                .ok_or_else(|| bad("from must not lie after to, at most ten years"))?
        } else {
            Period::preset(&range, today)
                .ok_or_else(|| bad("range: today, week, month, year or custom"))?
        };
        let known = |value: Option<String>, ok: &dyn Fn(&str) -> bool, what: &str| match value {
            Some(v) if !ok(&v) => Err(bad(what)),
            other => Ok(other),
        };
        let building = &config.building;
        let agency = known(
            filled(&self.agency),
            &|v| building.agency(v).is_some(),
            "unknown agency",
        )?;
        let filter = Filter {
            service: known(
                filled(&self.service),
                &|v| building.service(v).is_some(),
                "unknown service",
            )?,
            desk: known(
                filled(&self.desk),
                &|v| building.desk(v).is_some(),
                "unknown desk",
            )?,
            channel: filled(&self.channel)
                .map(|c| c.parse::<Channel>().map_err(|_| bad("unknown channel")))
                .transpose()?,
            language: known(
                filled(&self.language),
                &|v| config.speaks(v),
                "unknown language",
            )?,
            hour: None,
            weekday: None,
            ..scope.filter(agency.as_deref())?
        };
        let split = filled(&self.split)
            .map(|s| s.parse::<Dimension>().map_err(|_| bad("unknown split")))
            .transpose()?
            .unwrap_or_default();
        Ok(Asked {
            range,
            scope,
            period,
            filter,
            split,
            lang: Lang::parse(self.lang.as_deref().unwrap_or("de")),
        })
    }
}

/// When the page reads the statistics (open desk shifts count until now).
fn read_at(state: &AppState) -> ReadAt {
    ReadAt::new(state.now(), &state.limits)
}

async fn computed(
    state: &AppState,
    page: &StaffPage,
    query: &StatsQuery,
) -> Result<(Asked, Computed), AppError> {
    let config = state.config.clone();
    let today = Zone::new(config.time_zone).date(state.now());
    let scope = StatsScope::of(page.role, &page.agencies);
    let asked = query.asked(&config, today, scope)?;
    let loaded = load(&state.store, &config, asked.period, read_at(state)).await?;
    let (filter, period, split, lang) =
        (asked.filter.clone(), asked.period, asked.split, asked.lang);
    // A year's figures take a while to compute: off the async workers, behind serving.
    let computed = crate::background::run(move || {
        Ok::<_, AppError>(compute_all(&loaded, &config, period, &filter, split, lang))
    })
    .await?;
    Ok((asked, computed))
}

pub async fn page(
    State(state): State<AppState>,
    page: StaffPage,
    Query(mut query): Query<StatsQuery>,
) -> Response {
    if let Err(denied) = page.require(StaffArea::Statistics) {
        return denied;
    }
    // Without a choice in the link, the account's language.
    query
        .lang
        .get_or_insert_with(|| page.lang.code().to_owned());
    match computed(&state, &page, &query).await {
        Ok((asked, computed)) => {
            let report_tables = computed.tables.clone();
            let charts = tokio::task::spawn_blocking(move || charts(&report_tables))
                .await
                .unwrap_or_default();
            let title = asked.lang.pick("Statistik", "Statistics");
            let comments = match visible_comments(&state, &page.agencies).await {
                Ok(comments) => comments,
                Err(error) => return error.into_response(),
            };
            let comments = section(
                &comments,
                &state.config.building,
                state.config.time_zone,
                asked.lang,
            );
            let alarms = match super::alarm::stats_section(&state, asked.period, asked.lang).await {
                Ok(alarms) => alarms,
                Err(response) => return response,
            };
            let comments = maud::html! { (alarms) (comments) };
            let content = content(&state.config, &query, &asked, &computed, &charts, comments);
            html_response(
                StatusCode::OK,
                staff_page(title, Some(&page), None, content),
            )
        }
        Err(error) => error.into_response(),
    }
}

/// `/staff/stats/export?…&format=csv|xlsx|legs`: the page's tables as a file.
pub async fn download(
    State(state): State<AppState>,
    page: StaffPage,
    Query(query): Query<StatsQuery>,
) -> Response {
    if let Err(denied) = page.require(StaffArea::Statistics) {
        return denied;
    }
    let format = query.format.clone().unwrap_or_default();
    let result = async {
        let (asked, computed) = computed(&state, &page, &query).await?;
        let name = format!("lotse-statistik-{}-{}", asked.period.from, asked.period.to);
        let written = match format.as_str() {
            "csv" => export::tables_csv(&computed.tables)
                .map(|b| (b, "text/csv; charset=utf-8", format!("{name}.csv"))),
            "xlsx" => export::tables_xlsx(&computed.tables, asked.period, asked.lang).map(|b| {
                (
                    b,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    format!("{name}.xlsx"),
                )
            }),
            "legs" => {
                let config = state.config.clone();
                let mut loaded = load(&state.store, &config, asked.period, read_at(&state)).await?;
                // Only the legs at the agencies asked for or the supervisor may see.
                loaded.legs.retain(|leg| {
                    config
                        .building
                        .service(&leg.service)
                        .is_some_and(|s| asked.filter.keeps_agency(&s.agency))
                });
                export::legs_csv(
                    &loaded.legs,
                    &config.building,
                    config.time_zone,
                    asked.period,
                )
                .map(|b| (b, "text/csv; charset=utf-8", format!("{name}-anliegen.csv")))
            }
            _ => {
                return Err(AppError::InvalidInput(
                    "format: csv, xlsx or legs".to_owned(),
                ));
            }
        };
        written.map_err(|e| AppError::Internal(e.to_string()))
    }
    .await;
    match result {
        Ok((bytes, kind, file)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, kind.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

/// The SVG of each chart by the id of the table it belongs to.
#[derive(Default)]
pub struct Charts(Vec<(&'static str, String)>);

/// The charts of a report's tables (drawn with plotters; a second or so for a year: run it
/// on a blocking thread).
pub fn charts(tables: &[Table]) -> Charts {
    let find = |id: &str| tables.iter().find(|t| t.id == id);
    let mut charts = Vec::new();
    let number = |cell: &Cell| match cell {
        Cell::Count(n) => *n as f64,
        Cell::Number(n) => *n,
        Cell::Percent(Some(share)) => *share,
        _ => 0.0,
    };
    for id in ["arrivals", "languages_by_hour"] {
        if let Some(table) = find(id).filter(|t| !t.rows.is_empty()) {
            let rows: Vec<String> = table.rows.iter().map(|r| r[0].plain()).collect();
            let values: Vec<Vec<f64>> = table
                .rows
                .iter()
                .map(|r| r[1..].iter().map(number).collect())
                .collect();
            push(
                &mut charts,
                id,
                heatmap(&rows, &table.columns[1..], &values),
            );
        }
    }
    if let Some(table) = find("wait_distribution") {
        let labels: Vec<String> = table.rows.iter().map(|r| r[0].plain()).collect();
        let values: Vec<f64> = table.rows.iter().map(|r| number(&r[1])).collect();
        push(
            &mut charts,
            "wait_distribution",
            bars(&labels, &values, 1.0, false),
        );
    }
    if let Some(table) = find("services").filter(|t| !t.rows.is_empty()) {
        let level = table.columns.len() - 2;
        let labels: Vec<String> = table.rows.iter().map(|r| r[0].plain()).collect();
        let values: Vec<f64> = table.rows.iter().map(|r| number(&r[level])).collect();
        push(&mut charts, "services", bars(&labels, &values, 1.0, true));
    }
    Charts(charts)
}

fn push(charts: &mut Vec<(&'static str, String)>, id: &'static str, drawn: Result<String, String>) {
    match drawn {
        Ok(svg) => charts.push((id, svg)),
        Err(error) => tracing::error!(chart = id, %error, "chart not drawn"),
    }
}

fn content(
    config: &Config,
    query: &StatsQuery,
    asked: &Asked,
    computed: &Computed,
    charts: &Charts,
    comments: Markup,
) -> Markup {
    let lang = asked.lang;
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let building = &config.building;
    let link = |format: &str| export_link(query, format);
    let other_lang = match lang {
        Lang::De => "en",
        Lang::En => "de",
    };
    html! {
        div.heading {
            h1 { (l("Statistik", "Statistics")) " " small.period { (asked.period.from) " – " (asked.period.to) } }
            a lang=(other_lang) href=(with(query, "lang", other_lang)) { (l("English", "Deutsch")) }
        }
        form.filters method="get" action="/staff/stats" {
            input type="hidden" name="lang" value=(lang.code());
            label { (l("Zeitraum", "Period"))
                select name="range" {
                    @for (value, de, en) in [("today", "heute", "today"), ("week", "diese Woche", "this week"),
                        ("month", "dieser Monat", "this month"), ("year", "dieses Jahr", "this year"), ("custom", "frei", "custom")] {
                        option value=(value) selected[asked.range == value] { (l(de, en)) }
                    }
                }
            }
            label { (l("von", "from")) input type="date" name="from" value=(asked.period.from); }
            label { (l("bis", "to")) input type="date" name="to" value=(asked.period.to); }
            label { (l("Platz", "Desk"))
                select name="desk" { option value="" { (l("alle", "all")) }
                    @for d in building.desks.iter().filter(|d| asked.scope.offers_desk(building, &d.id)) { option value=(d.id) selected[asked.filter.desk.as_deref() == Some(&d.id)] { (d.id) } } }
            }
            (narrowing_fields(building, &|agency| asked.scope.offers(agency), &Chosen {
                agency: filled(&query.agency).as_deref(),
                filter: &asked.filter,
                split: asked.split,
            }, lang))
            button.primary type="submit" { (l("Anzeigen", "Show")) }
        }
        p.downloads {
            (l("Herunterladen:", "Download:")) " "
            a href=(link("xlsx")) download { "XLSX" } " · "
            a href=(link("csv")) download { "CSV" } " · "
            a href=(link("legs")) download { (l("Anliegen einzeln (CSV, anonym)", "single concerns (CSV, anonymised)")) }
        }
        (figures(&computed.tables, charts, lang))
        (comments)
        p.note { (l("Die Statistik nennt Plätze, nie Personen. Definitionen: README, Abschnitt „Statistik“.",
            "Statistics name desks, never people. Definitions: README, section \"Statistics\".")) }
    }
}

/// The figures of a report: the key-figure tiles, then each table with its chart. Shared by
/// the building's statistics page and the county's (`lotse-central`).
pub fn figures(tables: &[Table], charts: &Charts, lang: Lang) -> Markup {
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let kpis = tables.iter().find(|t| t.id == "kpis");
    let chart_of = |id: &str| {
        charts
            .0
            .iter()
            .find(|(c, _)| *c == id)
            .map(|(_, svg)| svg.clone())
    };
    html! {
        @if let Some(kpis) = kpis {
            section.tiles aria-label=(l("Kennzahlen", "Key figures")) {
                @for row in KPI_TILES.iter().filter_map(|i| kpis.rows.get(*i)) {
                    div.tile {
                        span.label { (row[0].plain()) }
                        span.value { (row[1].shown(lang)) }
                        span.before { (l("davor", "before")) " " (row[2].shown(lang)) }
                    }
                }
            }
        }
        @for table in tables {
            section.stat id=(table.id) {
                h2 { (table.title) }
                @if let Some(svg) = chart_of(table.id) {
                    div.chart aria-hidden="true" { (PreEscaped(svg)) }
                }
                (table_markup(table, lang))
            }
        }
    }
}

fn table_markup(table: &Table, lang: Lang) -> Markup {
    html! {
        table {
            caption.visually-hidden { (table.title) }
            thead { tr { @for column in &table.columns { th scope="col" { (column) } } } }
            tbody {
                @for row in &table.rows {
                    tr {
                        @for (i, cell) in row.iter().enumerate() {
                            @if i == 0 { th scope="row" { (cell.shown(lang)) } }
                            @else { td.number { (cell.shown(lang)) } }
                        }
                    }
                }
            }
        }
    }
}

/// What a statistics form shows as chosen.
pub struct Chosen<'a> {
    pub agency: Option<&'a str>,
    pub filter: &'a Filter,
    pub split: Dimension,
}

/// The form's fields that narrow and split the figures — agency, service, channel, language,
/// breakdown — for `building`'s agencies that `offers` lets the reader choose (the building's
/// statistics page and the county's).
pub fn narrowing_fields(
    building: &lotse_protocol::Building,
    offers: &dyn Fn(&str) -> bool,
    chosen: &Chosen<'_>,
    lang: Lang,
) -> Markup {
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let default = building.site.default_language.as_str();
    let name = |text: &lotse_protocol::Localized| localized(text, lang.code(), default).to_owned();
    let filter = chosen.filter;
    html! {
        label { (l("Behörde", "Agency"))
            select name="agency" { option value="" { (l("alle", "all")) }
                @for a in building.agencies.iter().filter(|a| offers(&a.id)) {
                    option value=(a.id) selected[chosen.agency == Some(a.id.as_str())] { (name(&a.name)) } } }
        }
        label { (l("Anliegen", "Service"))
            select name="service" { option value="" { (l("alle", "all")) }
                @for s in building.services.iter().filter(|s| offers(&s.agency)) { option value=(s.id) selected[filter.service.as_deref() == Some(&s.id)] { (name(&s.name)) } } }
        }
        label { (l("Weg", "Channel"))
            select name="channel" { option value="" { (l("alle", "all")) }
                @for c in [Channel::Kiosk, Channel::WalkIn, Channel::Appointment] {
                    option value=(c.as_str()) selected[filter.channel == Some(c)] { (channel_name(c, lang)) } } }
        }
        label { (l("Sprache", "Language"))
            select name="language" { option value="" { (l("alle", "all")) }
                @for code in &building.site.languages { option value=(code) selected[filter.language.as_deref() == Some(code.as_str())] { (code) } } }
        }
        label { (l("Aufschlüsseln nach", "Split by"))
            select name="split" {
                @for d in Dimension::iter() { option value=(<&str>::from(d)) selected[chosen.split == d] { (dimension_name(d, lang)) } }
            }
        }
    }
}

fn channel_name(channel: Channel, lang: Lang) -> &'static str {
    match channel {
        Channel::Kiosk => lang.pick("Kiosk", "kiosk"),
        Channel::WalkIn => lang.pick("am Platz", "walk-in"),
        Channel::Appointment => lang.pick("Termin", "appointment"),
    }
}

/// The page's URL with one parameter set.
fn with(query: &StatsQuery, key: &str, value: &str) -> String {
    let mut pairs: Vec<(&str, String)> = [
        ("range", &query.range),
        ("from", &query.from),
        ("to", &query.to),
        ("agency", &query.agency),
        ("service", &query.service),
        ("desk", &query.desk),
        ("channel", &query.channel),
        ("language", &query.language),
        ("split", &query.split),
        ("lang", &query.lang),
    ]
    .into_iter()
    .filter(|(k, _)| *k != key)
    .filter_map(|(k, v)| filled(v).map(|v| (k, v)))
    .collect();
    pairs.push((key, value.to_owned()));
    let encoded: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("/staff/stats?{encoded}")
}

fn export_link(query: &StatsQuery, format: &str) -> String {
    with(query, "format", format).replacen("/staff/stats?", "/staff/stats/export?", 1)
}
