//! Exports of the page's tables: CSV (RFC 4180, UTF-8; one file in long form: table, row,
//! column, value) and XLSX (one formatted sheet per table, the period as dates); and the
//! anonymised leg-level data (no tokens, numbers or notes) for own analysis.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::Leg;
use super::Period;
use super::figures::{self, outcome};
use super::tables::{Cell, Lang, Table};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write XLSX: {0}")]
    Xlsx(#[from] XlsxError),
}

/// The CSV header of the tables export.
pub const CSV_HEADER: [&str; 4] = ["table", "row", "column", "value"];

/// All tables as one CSV: a line per value, named by table id, the row's first cell and the
/// column title.
pub fn tables_csv(tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(CSV_HEADER)?;
    for table in tables {
        for row in &table.rows {
            let label = row.first().map(Cell::plain).unwrap_or_default();
            for (column, cell) in table.columns.iter().zip(row).skip(1) {
                writer.write_record([table.id, &label, column, &cell.plain()])?;
            }
        }
    }
    writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.into_error().into()))
}

/// All tables as a workbook: a sheet per table (title, header row, values as numbers with
/// their format), and a first sheet naming the period with its dates.
pub fn tables_xlsx(tables: &[Table], period: Period, lang: Lang) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(13);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let one_decimal = Format::new().set_num_format("0.0");
    let percent = Format::new().set_num_format("0.0%");
    let sheet = workbook.add_worksheet();
    sheet.set_name(lang.pick("Zeitraum", "Period"))?;
    sheet.write_string_with_format(
        0,
        0,
        lang.pick("Lotse-Statistik", "Lotse statistics"),
        &title,
    )?;
    sheet.write_string(1, 0, lang.pick("von", "from"))?;
    sheet.write_datetime_with_format(1, 1, excel_date(period.from)?, &date)?;
    sheet.write_string(2, 0, lang.pick("bis", "to"))?;
    sheet.write_datetime_with_format(2, 1, excel_date(period.to)?, &date)?;
    sheet.set_column_width(0, 18)?;
    sheet.set_column_width(1, 12)?;
    for table in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.id)?;
        sheet.write_string_with_format(0, 0, &table.title, &title)?;
        for (c, column) in table.columns.iter().enumerate() {
            sheet.write_string_with_format(2, col(c), column, &bold)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 3).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                let c = col(c);
                match cell {
                    Cell::Text(text) => sheet.write_string(r, c, text)?,
                    Cell::Count(n) => sheet.write_number(r, c, *n as f64)?,
                    Cell::Minutes(Some(seconds)) => {
                        sheet.write_number_with_format(r, c, seconds / 60.0, &one_decimal)?
                    }
                    Cell::Percent(Some(share)) => {
                        sheet.write_number_with_format(r, c, *share, &percent)?
                    }
                    Cell::Number(n) => sheet.write_number_with_format(r, c, *n, &one_decimal)?,
                    Cell::Minutes(None) | Cell::Percent(None) => {
                        sheet.write_blank(r, c, &Format::new())?
                    }
                };
            }
        }
        sheet.set_freeze_panes(3, 1)?;
        sheet.set_column_width(0, 34)?;
    }
    Ok(workbook.save_to_buffer()?)
}

fn col(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

fn excel_date(date: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(date.year()).unwrap_or(1900),
        u8::try_from(date.month()).unwrap_or(1),
        u8::try_from(date.day()).unwrap_or(1),
    )
}

/// The columns of the leg-level data.
pub const LEG_COLUMNS: [&str; 16] = [
    "visit",
    "leg",
    "date",
    "service",
    "agency",
    "channel",
    "language",
    "desk",
    "outcome",
    "recalls",
    "arrived",
    "called",
    "started",
    "finished",
    "wait_s",
    "service_s",
];

/// The legs of `period` with local times; visits numbered 1, 2, … in the order they arrived
/// (no database ids, tokens, ticket numbers or notes).
pub fn legs_csv(
    legs: &[Leg],
    building: &lotse_protocol::Building,
    zone: Tz,
    period: Period,
) -> Result<Vec<u8>, ExportError> {
    let starts = figures::starts(legs);
    let local_zone = figures::Zone::new(zone);
    let mut order: Vec<usize> = (0..legs.len())
        .filter(|&i| period.contains(local_zone.date(legs[i].issued_at)))
        .collect();
    order.sort_by_key(|&i| {
        (
            legs[i].issued_at,
            legs[i].visit,
            legs[i].position,
            legs[i].id,
        )
    });
    let mut visits: HashMap<i64, (usize, usize)> = HashMap::new();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(LEG_COLUMNS)?;
    let local = |at: Option<DateTime<Utc>>| {
        at.map_or(String::new(), |at| {
            let t = at.with_timezone(&zone);
            format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
        })
    };
    for i in order {
        let leg = &legs[i];
        let next = visits.len() + 1;
        let entry = visits.entry(leg.visit).or_insert((next, 0));
        entry.1 += 1;
        let (visit, index) = *entry;
        let agency = building.agency_of(&leg.service);
        let name: &'static str = outcome(leg).into();
        writer.write_record([
            visit.to_string(),
            index.to_string(),
            local_zone.date(leg.issued_at).to_string(),
            leg.service.clone(),
            agency.to_owned(),
            leg.channel.as_str().to_owned(),
            leg.language.clone(),
            leg.desk.clone().unwrap_or_default(),
            name.to_owned(),
            leg.recalls.to_string(),
            local(Some(starts[i])),
            local(leg.called_at),
            local(leg.started_at),
            local(leg.finished_at),
            figures::wait(leg, starts[i]).map_or(String::new(), |s| s.to_string()),
            figures::service_time(leg).map_or(String::new(), |s| s.to_string()),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.into_error().into()))
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
