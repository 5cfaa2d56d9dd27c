//! The exports read back: the CSV parsed, the XLSX opened with a reader, each value compared
//! with the tables the page shows.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use chrono_tz::Europe::Berlin;

use super::*;
use crate::config::Config;
use crate::stats::report::Kpis;
use crate::stats::tables::tables;
use crate::stats::{Dimension, Filter};
use lotse_domain::stats::fixture::{fixture, report};

fn fixture_tables(lang: Lang) -> (Vec<Table>, Period) {
    let config = Config::embedded().expect("the sample building");
    let r = report(
        &config.building,
        &fixture(),
        &Filter::default(),
        Dimension::Language,
    );
    (
        tables(&r, &Kpis::default(), &config.building, lang),
        r.period,
    )
}

#[test]
fn the_csv_holds_every_value_of_the_page_s_tables() {
    let (tables, _) = fixture_tables(Lang::En);
    let bytes = tables_csv(&tables).expect("a CSV");
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().expect("a header"), CSV_HEADER.as_slice());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a record")).collect();
    let expected: usize = tables
        .iter()
        .map(|t| t.rows.iter().map(|r| r.len() - 1).sum::<usize>())
        .sum();
    assert_eq!(records.len(), expected);
    let value = |table: &str, row: &str, column: &str| {
        records
            .iter()
            .find(|r| &r[0] == table && &r[1] == row && &r[2] == column)
            .map(|r| r[3].to_owned())
    };
    // The hand-computed day: 4 visits, a mean wait of 1344 s = 22.4 min, 80 % within target.
    assert_eq!(
        value("kpis", "Visits", "2026-11-17 – 2026-11-17").as_deref(),
        Some("4")
    );
    assert_eq!(
        value("kpis", "Wait, mean (min)", "2026-11-17 – 2026-11-17").as_deref(),
        Some("22.4")
    );
    assert_eq!(
        value("kpis", "Service level (%)", "2026-11-17 – 2026-11-17").as_deref(),
        Some("80.0")
    );
    // A comma in a label is quoted and read back whole; ar was served in its language once of
    // twice.
    assert_eq!(
        value("languages", "ar", "Served in the language (%)").as_deref(),
        Some("50.0")
    );
    assert_eq!(value("split", "uk", "Concerns").as_deref(), Some("2"));
    for table in &tables {
        for row in &table.rows {
            let label = row[0].plain();
            for (column, cell) in table.columns.iter().zip(row).skip(1) {
                assert_eq!(
                    value(table.id, &label, column),
                    Some(cell.plain()),
                    "{} {label} {column}",
                    table.id
                );
            }
        }
    }
}

#[test]
fn the_workbook_has_a_sheet_per_table_with_numbers_and_dates() {
    let (tables, period) = fixture_tables(Lang::De);
    let bytes = tables_xlsx(&tables, period, Lang::De).expect("a workbook");
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("readable");
    let names = workbook.sheet_names();
    assert_eq!(names.len(), tables.len() + 1);
    let first = workbook
        .worksheet_range("Zeitraum")
        .expect("the period sheet");
    match first.get_value((1, 1)) {
        Some(Data::DateTime(date)) => {
            // Excel counts days from 1899-12-30.
            let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("a date");
            let day = NaiveDate::from_ymd_opt(2026, 11, 17).expect("a date");
            assert_eq!(date.as_f64(), (day - epoch).num_days() as f64);
        }
        other => panic!("the period starts with a date, not {other:?}"),
    }
    for table in &tables {
        let range = workbook
            .worksheet_range(table.id)
            .expect("a sheet per table");
        for (c, column) in table.columns.iter().enumerate() {
            assert_eq!(
                range.get_value((2, c as u32)),
                Some(&Data::String(column.clone()))
            );
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let read = range.get_value(((r + 3) as u32, c as u32));
                let number = match read {
                    Some(Data::Float(f)) => Some(*f),
                    Some(Data::Int(i)) => Some(*i as f64),
                    _ => None,
                };
                match cell {
                    Cell::Text(text) => assert_eq!(read, Some(&Data::String(text.clone()))),
                    Cell::Count(n) => assert_eq!(number, Some(*n as f64)),
                    Cell::Minutes(Some(s)) => assert_eq!(number, Some(s / 60.0)),
                    Cell::Percent(Some(share)) => assert_eq!(number, Some(*share)),
                    Cell::Number(n) => assert_eq!(number, Some(*n)),
                    Cell::Minutes(None) | Cell::Percent(None) => assert_eq!(number, None),
                }
            }
        }
    }
    let kpis = workbook.worksheet_range("kpis").expect("kpis");
    assert_eq!(kpis.get_value((3, 1)), Some(&Data::Float(4.0)), "4 visits");
}

#[test]
fn leg_data_has_local_times_and_no_ids_tokens_or_numbers() {
    let config = Config::embedded().expect("the sample building");
    let legs = fixture();
    let day = NaiveDate::from_ymd_opt(2026, 11, 17).expect("a date");
    let bytes = legs_csv(
        &legs,
        &config.building,
        Berlin,
        Period::new(day, day).expect("a period"),
    )
    .expect("a CSV");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    assert_eq!(reader.headers().expect("a header"), LEG_COLUMNS.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a record")).collect();
    assert_eq!(rows.len(), 6);
    // Visit 1's second concern: waiting from 09:24 (local), called 09:54, 1800 s.
    let second = &rows[1];
    assert_eq!(
        (&second[0], &second[1], &second[3]),
        ("1", "2", "citizens-income")
    );
    assert_eq!(
        (&second[10], &second[11], &second[14]),
        ("09:24:00", "09:54:00", "1800")
    );
    assert_eq!(&second[8], "served");
    let walk_out = rows
        .iter()
        .find(|r| &r[8] == "walk_out")
        .expect("a walk-out");
    assert_eq!(&walk_out[14], "", "never called: no wait");
}
