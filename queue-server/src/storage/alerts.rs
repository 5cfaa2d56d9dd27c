//! The alert rows: the active alerts, raising, clearing and acknowledging one; and the
//! kiosks' printer states the printer alerts are decided from.

use chrono::{DateTime, Utc};
use lotse_protocol::{Alert, AlertKind, PrinterCondition};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::StorageError;
use super::error::stored;
use super::time::{from_ms, to_ms};

/// The columns of an alert, with the printer's state now for a printer alert.
const COLUMNS: &str = "a.id, a.kind, a.subject, a.raised_at, a.acknowledged_by, a.acknowledged_at,
    (SELECT d.id FROM devices d WHERE a.kind = 'printer' AND d.kind = 'kiosk'
     AND d.name = a.subject AND d.revoked_at IS NULL ORDER BY d.id LIMIT 1),
    (SELECT d.printer FROM devices d WHERE a.kind = 'printer' AND d.kind = 'kiosk'
     AND d.name = a.subject AND d.revoked_at IS NULL ORDER BY d.id LIMIT 1)";

struct AlertRow {
    id: i64,
    kind: String,
    subject: String,
    raised_at: i64,
    acknowledged_by: Option<String>,
    acknowledged_at: Option<i64>,
    device: Option<i64>,
    printer: Option<String>,
}

fn alert(row: &Row<'_>) -> rusqlite::Result<AlertRow> {
    Ok(AlertRow {
        id: row.get(0)?,
        kind: row.get(1)?,
        subject: row.get(2)?,
        raised_at: row.get(3)?,
        acknowledged_by: row.get(4)?,
        acknowledged_at: row.get(5)?,
        device: row.get(6)?,
        printer: row.get(7)?,
    })
}

/// A stored printer state (the `devices.printer` column of row `device`).
fn printer_condition(device: i64, printer: String) -> Result<PrinterCondition, StorageError> {
    stored(printer, "devices", "printer", device)
}

fn to_alert(row: AlertRow) -> Result<Alert, StorageError> {
    let AlertRow {
        id,
        kind,
        subject,
        raised_at,
        acknowledged_by,
        acknowledged_at,
        device,
        printer,
    } = row;
    let kind: AlertKind = stored(kind, "alerts", "kind", id)?;
    let (service, kiosk) = match kind {
        AlertKind::Wait | AlertKind::Growth => (Some(subject), None),
        AlertKind::Printer => (None, Some(subject)),
    };
    let printer = match (device, printer) {
        (Some(device), Some(printer)) => Some(printer_condition(device, printer)?),
        _ => None,
    };
    Ok(Alert {
        id,
        kind,
        service,
        kiosk,
        printer,
        raised_at: from_ms(raised_at),
        acknowledged_by,
        acknowledged_at: acknowledged_at.map(from_ms),
    })
}

/// The active alerts, oldest first.
pub fn active(connection: &Connection) -> Result<Vec<Alert>, StorageError> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM alerts a WHERE a.cleared_at IS NULL ORDER BY a.id"
    ))?;
    let rows = statement.query_map([], alert)?;
    rows.map(|row| to_alert(row?)).collect()
}

/// The active alert `id`, if it is one.
pub fn find_active(connection: &Connection, id: i64) -> Result<Option<Alert>, StorageError> {
    let row = connection
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM alerts a WHERE a.id = ?1 AND a.cleared_at IS NULL"
        ))?
        .query_row([id], alert)
        .optional()?;
    row.map(to_alert).transpose()
}

/// Stores a raised alert; returns its id.
pub fn raise(
    connection: &Connection,
    now: DateTime<Utc>,
    kind: AlertKind,
    subject: &str,
) -> Result<i64, StorageError> {
    connection.execute(
        "INSERT INTO alerts (kind, subject, raised_at) VALUES (?1, ?2, ?3)",
        params![kind.as_str(), subject, to_ms(now)],
    )?;
    Ok(connection.last_insert_rowid())
}

pub fn clear(connection: &Connection, now: DateTime<Utc>, id: i64) -> Result<(), StorageError> {
    connection.execute(
        "UPDATE alerts SET cleared_at = ?2 WHERE id = ?1",
        params![id, to_ms(now)],
    )?;
    Ok(())
}

pub fn acknowledge(
    connection: &Connection,
    now: DateTime<Utc>,
    id: i64,
    by: &str,
) -> Result<(), StorageError> {
    connection.execute(
        "UPDATE alerts SET acknowledged_by = ?2, acknowledged_at = ?3 WHERE id = ?1",
        params![id, by, to_ms(now)],
    )?;
    Ok(())
}

/// Every kiosk in service and its printer's last reported state, by name.
pub fn kiosk_printers(
    connection: &Connection,
) -> Result<Vec<(String, Option<PrinterCondition>)>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT id, name, printer FROM devices
         WHERE kind = 'kiosk' AND revoked_at IS NULL ORDER BY name",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut printers = Vec::new();
    for row in rows {
        let (id, name, printer) = row?;
        let condition = printer
            .map(|printer| printer_condition(id, printer))
            .transpose()?;
        printers.push((name, condition));
    }
    Ok(printers)
}
