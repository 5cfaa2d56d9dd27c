//! A fake printer for tests: records what it receives and answers status with a state the
//! test sets.

use std::sync::{Arc, Mutex};

use super::Transport;
use crate::error::PrinterError;
use crate::status::PrinterStatus;

#[derive(Clone, Default)]
pub struct RecordingTransport {
    inner: Arc<Mutex<Recorded>>,
}

#[derive(Default)]
struct Recorded {
    received: Vec<u8>,
    jobs: usize,
    status: PrinterStatus,
    unreachable: bool,
}

impl RecordingTransport {
    pub fn new() -> RecordingTransport {
        RecordingTransport::default()
    }

    fn with<R>(&self, f: impl FnOnce(&mut Recorded) -> R) -> R {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    pub fn set_status(&self, status: PrinterStatus) {
        self.with(|r| r.status = status);
    }

    /// Makes every operation time out, like a printer that is switched off.
    pub fn set_unreachable(&self, unreachable: bool) {
        self.with(|r| r.unreachable = unreachable);
    }

    /// Job bytes received so far (status requests excluded).
    pub fn received(&self) -> Vec<u8> {
        self.with(|r| r.received.clone())
    }

    pub fn jobs(&self) -> usize {
        self.with(|r| r.jobs)
    }
}

impl Transport for RecordingTransport {
    fn describe(&self) -> String {
        "recording fake".into()
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), PrinterError> {
        self.with(|r| {
            if r.unreachable {
                return Err(PrinterError::Timeout);
            }
            r.received.extend_from_slice(bytes);
            r.jobs += 1;
            Ok(())
        })
    }

    fn query(&mut self, request: &[u8]) -> Result<Option<u8>, PrinterError> {
        self.with(|r| {
            if r.unreachable {
                return Err(PrinterError::Timeout);
            }
            let n = request.get(2).copied().unwrap_or(1).clamp(1, 4);
            Ok(Some(r.status.to_bytes()[usize::from(n - 1)]))
        })
    }
}
