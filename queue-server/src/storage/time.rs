//! Timestamps in the database are Unix milliseconds (UTC).

use chrono::{DateTime, Utc};

pub fn to_ms(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

pub fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
