//! What a device reports about itself: a kiosk's printer condition, stored and announced
//! (an event) only when it changed.

use chrono::{DateTime, Utc};
use lotse_protocol::{Change, PrinterCondition};
use rusqlite::Connection;

use crate::services::ServiceError;
use crate::storage::{accounts, events};

pub fn report_printer(
    connection: &Connection,
    now: DateTime<Utc>,
    device: &str,
    printer: PrinterCondition,
) -> Result<(), ServiceError> {
    if accounts::set_printer_status(connection, device, printer)? {
        let change = Change::DeviceStatus {
            device: device.to_owned(),
            printer,
        };
        events::record(connection, now, &change)?;
    }
    Ok(())
}
