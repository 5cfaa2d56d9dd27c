//! The report as tables: what the stats page shows under its charts and what the exports
//! write, built once here so a file holds exactly the page's numbers. Labels in German and
//! English.

use lotse_protocol::{Building, localized};
use strum::IntoEnumIterator;

use super::feedback::{Feedback, Scores};
use super::figures::{Outcome, Summary};
use super::report::{Kpis, Report, Row};
use super::{Dimension, Period};

/// The staff UI languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    De,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Lang {
        if code == "en" { Lang::En } else { Lang::De }
    }

    /// The German or the English text.
    pub fn pick(self, de: &'static str, en: &'static str) -> &'static str {
        self.pick_owned(de, en)
    }

    pub fn pick_owned<T>(self, de: T, en: T) -> T {
        match self {
            Lang::De => de,
            Lang::En => en,
        }
    }
}

/// One value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(usize),
    /// A duration in seconds, shown in minutes.
    Minutes(Option<f64>),
    /// A share in 0..=1, shown in per cent.
    Percent(Option<f64>),
    /// A plain number with one decimal.
    Number(f64),
}

impl Cell {
    /// The machine-readable value (CSV): minutes and per cent with one decimal and a point;
    /// empty when there is nothing to show.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Minutes(seconds) => seconds.map_or(String::new(), |s| format!("{:.1}", s / 60.0)),
            Cell::Percent(share) => share.map_or(String::new(), |s| format!("{:.1}", s * 100.0)),
            Cell::Number(n) => format!("{n:.1}"),
        }
    }

    /// The value as the page shows it (German with a decimal comma).
    pub fn shown(&self, lang: Lang) -> String {
        let text = match self {
            Cell::Percent(Some(_)) => format!("{} %", self.plain()),
            Cell::Minutes(None) | Cell::Percent(None) => "–".to_owned(),
            _ => self.plain(),
        };
        match (lang, self) {
            (Lang::De, Cell::Minutes(_) | Cell::Percent(_) | Cell::Number(_)) => {
                text.replace('.', ",")
            }
            _ => text,
        }
    }
}

/// A table with an id (file and sheet names), a title and columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub id: &'static str,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn minutes(seconds: i64) -> Cell {
    Cell::Minutes(Some(seconds as f64))
}

fn summary_cells(summary: &Summary) -> [Cell; 4] {
    if summary.count == 0 {
        return [
            Cell::Minutes(None),
            Cell::Minutes(None),
            Cell::Minutes(None),
            Cell::Minutes(None),
        ];
    }
    [
        Cell::Minutes(Some(summary.mean)),
        minutes(summary.median),
        minutes(summary.p90),
        minutes(summary.max),
    ]
}

pub fn weekday_name(index: usize, lang: Lang) -> &'static str {
    const DE: [&str; 7] = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    match lang {
        Lang::De => DE[index % 7],
        Lang::En => EN[index % 7],
    }
}

pub fn outcome_name(outcome: Outcome, lang: Lang) -> &'static str {
    match outcome {
        Outcome::Served => lang.pick("bedient", "served"),
        Outcome::NoShow => lang.pick("nicht erschienen", "no-show"),
        Outcome::WalkOut => lang.pick("vor Aufruf gegangen", "left before call"),
        Outcome::Transferred => lang.pick("weitergeleitet", "transferred"),
        Outcome::Parked => lang.pick("geparkt, nicht beendet", "parked, not finished"),
        Outcome::Open => lang.pick("offen", "open"),
    }
}

pub fn dimension_name(dimension: Dimension, lang: Lang) -> &'static str {
    match dimension {
        Dimension::Agency => lang.pick("Behörde", "Agency"),
        Dimension::Service => lang.pick("Anliegen", "Service"),
        Dimension::Desk => lang.pick("Platz", "Desk"),
        Dimension::Channel => lang.pick("Weg", "Channel"),
        Dimension::Language => lang.pick("Sprache", "Language"),
        Dimension::Hour => lang.pick("Stunde", "Hour"),
        Dimension::Weekday => lang.pick("Wochentag", "Weekday"),
    }
}

/// Names for ids in the tables.
struct Names<'a> {
    building: &'a Building,
    lang: Lang,
}

impl Names<'_> {
    fn service(&self, id: &str) -> String {
        self.building.service(id).map_or(id.to_owned(), |s| {
            localized(
                &s.name,
                self.lang.code(),
                &self.building.site.default_language,
            )
            .to_owned()
        })
    }

    fn agency(&self, id: &str) -> String {
        self.building.agency(id).map_or(id.to_owned(), |a| {
            localized(
                &a.name,
                self.lang.code(),
                &self.building.site.default_language,
            )
            .to_owned()
        })
    }

    fn desk(&self, id: &str) -> String {
        self.building.desk(id).map_or(id.to_owned(), |d| {
            let (de, en) = lotse_protocol::desk_label(d);
            self.lang.pick_owned(de, en)
        })
    }

    fn key(&self, dimension: Dimension, key: &str) -> String {
        match dimension {
            Dimension::Agency => self.agency(key),
            Dimension::Service => self.service(key),
            Dimension::Weekday => weekday_name(key.parse().unwrap_or(0), self.lang).to_owned(),
            Dimension::Hour => format!("{key}:00"),
            Dimension::Desk if key.is_empty() => "–".to_owned(),
            Dimension::Desk => self.desk(key),
            _ => key.to_owned(),
        }
    }
}

/// Every table of the report, in the page's order. `previous` is the report's headline
/// figures for the period before (shown beside).
pub fn tables(report: &Report, previous: &Kpis, building: &Building, lang: Lang) -> Vec<Table> {
    let names = Names { building, lang };
    let l = |de, en| lang.pick(de, en).to_owned();
    let mut tables = vec![
        kpi_table(&report.kpis, previous, report.period, lang),
        Table {
            id: "arrivals",
            title: l(
                "Ankünfte (Besuche) nach Wochentag und Stunde",
                "Arrivals (visits) by weekday and hour",
            ),
            columns: std::iter::once(l("Wochentag", "Weekday"))
                .chain(hours(report).map(|h| format!("{h:02}")))
                .collect(),
            rows: (0..7)
                .map(|day| {
                    std::iter::once(Cell::Text(weekday_name(day, lang).to_owned()))
                        .chain(hours(report).map(|h| Cell::Count(report.visit_arrivals[day][h])))
                        .collect()
                })
                .collect(),
        },
        Table {
            id: "waiting_people",
            title: l(
                "Wartende im Mittel je Stunde",
                "People waiting on average per hour",
            ),
            columns: vec![l("Stunde", "Hour"), l("Wartende", "Waiting")],
            rows: hours(report)
                .map(|h| {
                    vec![
                        Cell::Text(format!("{h:02}:00")),
                        Cell::Number(report.waiting_per_hour[h]),
                    ]
                })
                .collect(),
        },
        Table {
            id: "wait_distribution",
            title: l("Verteilung der Wartezeit", "Waiting-time distribution"),
            columns: vec![l("Wartezeit (min)", "Wait (min)"), l("Aufrufe", "Calls")],
            rows: report
                .wait_distribution
                .iter()
                .map(|b| {
                    let label = match b.to {
                        Some(to) => format!("{}–{to}", b.from),
                        None => format!("≥ {}", b.from),
                    };
                    vec![Cell::Text(label), Cell::Count(b.count)]
                })
                .collect(),
        },
        row_table("services", &report.services, Dimension::Service, &names),
    ];
    if report.split_by != Dimension::Service {
        tables.push(row_table("split", &report.split, report.split_by, &names));
    }
    tables.push(Table {
        id: "outcomes",
        title: l("Ausgang der Anliegen", "Outcomes"),
        columns: vec![l("Ausgang", "Outcome"), l("Anliegen", "Concerns")],
        rows: Outcome::iter()
            .map(|o| {
                vec![
                    Cell::Text(outcome_name(o, lang).to_owned()),
                    Cell::Count(report.outcomes.get(&o).copied().unwrap_or(0)),
                ]
            })
            .collect(),
    });
    tables.push(Table {
        id: "languages",
        title: l("Sprachen der Besuchenden", "Visitors' languages"),
        columns: vec![
            l("Sprache", "Language"),
            l("Besuche", "Visits"),
            l("bedient", "Served"),
            l("in der Sprache bedient (%)", "Served in the language (%)"),
        ],
        rows: report
            .languages
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.language.clone()),
                    Cell::Count(r.visits),
                    Cell::Count(r.served),
                    Cell::Percent(r.share_in_language),
                ]
            })
            .collect(),
    });
    tables.push(Table {
        id: "languages_by_hour",
        title: l(
            "Sprachbedarf je Stunde (Besuche)",
            "Language demand per hour (visits)",
        ),
        columns: std::iter::once(l("Sprache", "Language"))
            .chain(hours(report).map(|h| format!("{h:02}")))
            .collect(),
        rows: report
            .languages
            .iter()
            .map(|r| {
                std::iter::once(Cell::Text(r.language.clone()))
                    .chain(hours(report).map(|h| Cell::Count(r.per_hour[h])))
                    .collect()
            })
            .collect(),
    });
    let languages = &building.site.languages;
    let agencies: std::collections::BTreeSet<&str> = report
        .agency_languages
        .iter()
        .map(|(agency, _, _)| agency.as_str())
        .collect();
    let visits = |agency: &str, language: &str| {
        report
            .agency_languages
            .iter()
            .find(|(a, l, _)| a == agency && l == language)
            .map_or(0, |(_, _, n)| *n)
    };
    tables.push(Table {
        id: "agency_languages",
        title: l(
            "Sprachbedarf je Behörde (Besuche)",
            "Language demand per agency (visits)",
        ),
        columns: std::iter::once(l("Behörde", "Agency"))
            .chain(languages.iter().cloned())
            .collect(),
        rows: agencies
            .iter()
            .map(|agency| {
                std::iter::once(Cell::Text(names.agency(agency)))
                    .chain(
                        languages
                            .iter()
                            .map(|language| Cell::Count(visits(agency, language))),
                    )
                    .collect()
            })
            .collect(),
    });
    let c = &report.cross_agency;
    let a = &report.appointments;
    tables.push(Table {
        id: "cross_agency",
        title: l("Behördenübergreifende Besuche", "Visits across agencies"),
        columns: vec![l("Kennzahl", "Figure"), l("Wert", "Value")],
        rows: vec![
            vec![Cell::Text(l("Besuche", "Visits")), Cell::Count(c.visits)],
            vec![
                Cell::Text(l(
                    "mit Anliegen bei ≥ 2 Behörden",
                    "with concerns at ≥ 2 agencies",
                )),
                Cell::Count(c.multi_agency_visits),
            ],
            vec![
                Cell::Text(l(
                    "Weiterleitungen zwischen Behörden",
                    "transfers between agencies",
                )),
                Cell::Count(c.transfers_between_agencies),
            ],
            vec![
                Cell::Text(l(
                    "geplante Übergaben zwischen Behörden",
                    "planned hand-overs between agencies",
                )),
                Cell::Count(c.planned_between_agencies),
            ],
            vec![
                Cell::Text(l(
                    "Zeit im Haus, Mittel (min)",
                    "time in the building, mean (min)",
                )),
                summary_cells(&c.building_time)[0].clone(),
            ],
            vec![
                Cell::Text(l(
                    "Zeit im Haus, Median (min)",
                    "time in the building, median (min)",
                )),
                summary_cells(&c.building_time)[1].clone(),
            ],
        ],
    });
    tables.push(Table {
        id: "appointments",
        title: l("Termine", "Appointments"),
        columns: vec![l("Kennzahl", "Figure"), l("Termine", "Appointments")],
        rows: vec![
            vec![
                Cell::Text(l("pünktlich angemeldet", "checked in on time")),
                Cell::Count(a.on_time),
            ],
            vec![
                Cell::Text(l("verspätet angemeldet", "checked in late")),
                Cell::Count(a.late),
            ],
            vec![
                Cell::Text(l("nicht gekommen", "did not come")),
                Cell::Count(a.not_came),
            ],
        ],
    });
    tables.push(Table {
        id: "desks",
        title: l("Plätze", "Desks"),
        columns: vec![
            l("Platz", "Desk"),
            l("bedient", "Served"),
            l("Bedienzeit (h)", "Serving time (h)"),
            l("besetzt (h)", "Staffed (h)"),
            l("Auslastung", "Utilisation"),
        ],
        rows: report
            .desks
            .iter()
            .map(|d| {
                vec![
                    Cell::Text(names.desk(&d.desk)),
                    Cell::Count(d.served),
                    Cell::Number(d.serving_seconds as f64 / 3600.0),
                    Cell::Number(d.staffed_seconds as f64 / 3600.0),
                    Cell::Percent(d.utilisation),
                ]
            })
            .collect(),
    });
    tables.push(feedback_table(&report.feedback, &names));
    tables
}

/// The hours shown: 7 to 18, widened to every hour with arrivals.
fn hours(report: &Report) -> impl Iterator<Item = usize> + use<> {
    let used = |h: usize| report.visit_arrivals.iter().any(|day| day[h] > 0);
    let first = (0..24).find(|h| used(*h)).unwrap_or(7).min(7);
    let last = (0..24).rev().find(|h| used(*h)).unwrap_or(18).max(18);
    first..=last
}

/// The rows of the key-figures table the page shows as tiles: visits, mean and 90th
/// percentile wait, service level, no-shows, walk-outs, cross-agency visits, time in the
/// building.
pub const KPI_TILES: [usize; 8] = [0, 5, 7, 11, 3, 4, 12, 13];

fn kpi_table(now: &Kpis, before: &Kpis, period: Period, lang: Lang) -> Table {
    let l = |de, en| lang.pick(de, en).to_owned();
    let before_period = period.previous();
    let line =
        |label: String, f: &dyn Fn(&Kpis) -> Cell| vec![Cell::Text(label), f(now), f(before)];
    Table {
        id: "kpis",
        title: l("Kennzahlen", "Key figures"),
        columns: vec![
            l("Kennzahl", "Figure"),
            format!("{} – {}", period.from, period.to),
            format!("{} – {}", before_period.from, before_period.to),
        ],
        rows: vec![
            line(l("Besuche", "Visits"), &|k| Cell::Count(k.visits)),
            line(l("Anliegen", "Concerns"), &|k| Cell::Count(k.legs)),
            line(l("bedient", "Served"), &|k| Cell::Count(k.served)),
            line(l("nicht erschienen", "No-shows"), &|k| {
                Cell::Count(k.no_shows)
            }),
            line(l("vor Aufruf gegangen", "Left before call"), &|k| {
                Cell::Count(k.walk_outs)
            }),
            line(l("Wartezeit, Mittel (min)", "Wait, mean (min)"), &|k| {
                summary_cells(&k.wait)[0].clone()
            }),
            line(l("Wartezeit, Median (min)", "Wait, median (min)"), &|k| {
                summary_cells(&k.wait)[1].clone()
            }),
            line(
                l("Wartezeit, 90 % (min)", "Wait, 90th percentile (min)"),
                &|k| summary_cells(&k.wait)[2].clone(),
            ),
            line(
                l("Wartezeit, längste (min)", "Wait, longest (min)"),
                &|k| summary_cells(&k.wait)[3].clone(),
            ),
            line(
                l(
                    "Weg zum Platz, Mittel (min)",
                    "Walk to the desk, mean (min)",
                ),
                &|k| summary_cells(&k.walk)[0].clone(),
            ),
            line(
                l("Bedienzeit, Mittel (min)", "Service time, mean (min)"),
                &|k| summary_cells(&k.service)[0].clone(),
            ),
            line(l("Servicegrad (%)", "Service level (%)"), &|k| {
                Cell::Percent(k.service_level)
            }),
            line(
                l("Besuche bei ≥ 2 Behörden", "Visits at ≥ 2 agencies"),
                &|k| Cell::Count(k.cross_agency_visits),
            ),
            line(
                l(
                    "Zeit im Haus, Mittel (min)",
                    "Time in the building, mean (min)",
                ),
                &|k| summary_cells(&k.building_time)[0].clone(),
            ),
        ],
    }
}

fn row_table(id: &'static str, rows: &[Row], dimension: Dimension, names: &Names<'_>) -> Table {
    let lang = names.lang;
    let l = |de, en| lang.pick(de, en).to_owned();
    let services = dimension == Dimension::Service;
    let mut columns = vec![dimension_name(dimension, lang).to_owned()];
    if services {
        columns.push(l("Zielwartezeit (min)", "Target wait (min)"));
    }
    columns.extend([
        l("Anliegen", "Concerns"),
        l("aufgerufen", "Called"),
        outcome_name(Outcome::Served, lang).to_owned(),
        outcome_name(Outcome::NoShow, lang).to_owned(),
        outcome_name(Outcome::WalkOut, lang).to_owned(),
        outcome_name(Outcome::Transferred, lang).to_owned(),
        l("Wartezeit Mittel (min)", "Wait mean (min)"),
        l("Median (min)", "Median (min)"),
        l("90 % (min)", "90th pct. (min)"),
        l("längste (min)", "Longest (min)"),
        l("Servicegrad (%)", "Service level (%)"),
        l("Bedienzeit Mittel (min)", "Service time mean (min)"),
    ]);
    let title = format!("{} {}", l("Nach", "By"), dimension_name(dimension, lang));
    Table {
        id,
        title,
        columns,
        rows: rows
            .iter()
            .map(|row| {
                let count = |o| Cell::Count(row.outcomes.get(&o).copied().unwrap_or(0));
                let mut cells = vec![Cell::Text(names.key(dimension, &row.key))];
                if services {
                    let target = names
                        .building
                        .service(&row.key)
                        .map(|s| s.target_wait_minutes);
                    cells.push(target.map_or(Cell::Minutes(None), |t| minutes(i64::from(t) * 60)));
                }
                cells.extend([
                    Cell::Count(row.legs),
                    Cell::Count(row.called),
                    count(Outcome::Served),
                    count(Outcome::NoShow),
                    count(Outcome::WalkOut),
                    count(Outcome::Transferred),
                ]);
                cells.extend(summary_cells(&row.wait));
                cells.push(Cell::Percent(row.service_level));
                cells.push(summary_cells(&row.service)[0].clone());
                cells
            })
            .collect(),
    }
}

/// The visitors' scores: all, per agency, per service (a visit counts at each of its
/// services and agencies, see `feedback.rs`).
fn feedback_table(feedback: &Feedback, names: &Names<'_>) -> Table {
    let l = |de, en| names.lang.pick(de, en).to_owned();
    let row = |group: String, scores: &Scores| {
        [Cell::Text(group), Cell::Count(scores.count())]
            .into_iter()
            .chain(std::iter::once(
                scores
                    .mean()
                    .map_or(Cell::Text("–".to_owned()), Cell::Number),
            ))
            .chain(scores.distribution.iter().map(|n| Cell::Count(*n)))
            .collect::<Vec<_>>()
    };
    let mut rows = vec![row(l("alle Besuche", "all visits"), &feedback.all)];
    rows.extend(feedback.agencies.iter().map(|(id, scores)| {
        row(
            format!("{}: {}", l("Behörde", "Agency"), names.agency(id)),
            scores,
        )
    }));
    rows.extend(feedback.services.iter().map(|(id, scores)| {
        row(
            format!("{}: {}", l("Anliegen", "Service"), names.service(id)),
            scores,
        )
    }));
    Table {
        id: "feedback",
        title: l(
            "Bewertungen der Besuchenden (1 = sehr schlecht, 5 = sehr gut)",
            "Visitors' scores (1 = very bad, 5 = very good)",
        ),
        columns: [
            l("Besuche mit Anliegen bei", "Visits with a concern at"),
            l("Bewertungen", "Scores"),
            l("Mittel", "Mean"),
        ]
        .into_iter()
        .chain((1..=5).map(|score: u8| score.to_string()))
        .collect(),
        rows,
    }
}
