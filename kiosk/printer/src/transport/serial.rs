//! Serial printers (RS-232 or USB-serial), with flow control and timeouts.

use std::io::{Read, Write};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serialport::{ClearBuffer, SerialPort};

use super::{Timeouts, Transport};
use crate::error::PrinterError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowControl {
    #[default]
    None,
    RtsCts,
    XonXoff,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerialSettings {
    pub path: String,
    pub baud: u32,
    #[serde(default)]
    pub flow_control: FlowControl,
}

pub struct SerialTransport {
    settings: SerialSettings,
    timeouts: Timeouts,
    port: Box<dyn SerialPort>,
}

impl SerialTransport {
    pub fn open(
        settings: SerialSettings,
        timeouts: Timeouts,
    ) -> Result<SerialTransport, PrinterError> {
        let flow = match settings.flow_control {
            FlowControl::None => serialport::FlowControl::None,
            FlowControl::RtsCts => serialport::FlowControl::Hardware,
            FlowControl::XonXoff => serialport::FlowControl::Software,
        };
        let port = serialport::new(&settings.path, settings.baud)
            .flow_control(flow)
            .timeout(timeouts.write)
            .open()?;
        Ok(SerialTransport {
            settings,
            timeouts,
            port,
        })
    }

    fn set_timeout(&mut self, timeout: Duration) -> Result<(), PrinterError> {
        self.port.set_timeout(timeout)?;
        Ok(())
    }
}

impl Transport for SerialTransport {
    fn describe(&self) -> String {
        format!("serial {} @ {}", self.settings.path, self.settings.baud)
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), PrinterError> {
        self.set_timeout(self.timeouts.write)?;
        self.port.write_all(bytes).map_err(PrinterError::from_io)?;
        self.port.flush().map_err(PrinterError::from_io)
    }

    fn query(&mut self, request: &[u8]) -> Result<Option<u8>, PrinterError> {
        // Drop stale answers so this answer belongs to this request.
        self.port.clear(ClearBuffer::Input)?;
        self.write_all(request)?;
        self.set_timeout(self.timeouts.read)?;
        let mut answer = [0u8; 1];
        match self.port.read(&mut answer) {
            Ok(1) => Ok(Some(answer[0])),
            Ok(_) => Err(PrinterError::Timeout),
            Err(error) => Err(PrinterError::from_io(error)),
        }
    }
}
