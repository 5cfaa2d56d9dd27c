//! Network printers on the raw port (9100), by host name or address, with timeouts.
//! One connection per job or status query, as many printers serve one client at a time.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};

use super::{Timeouts, Transport};
use crate::error::PrinterError;

pub struct TcpTransport {
    host: String,
    port: u16,
    timeouts: Timeouts,
    stream: Option<TcpStream>,
}

impl TcpTransport {
    pub fn new(host: &str, port: u16, timeouts: Timeouts) -> TcpTransport {
        TcpTransport {
            host: host.to_owned(),
            port,
            timeouts,
            stream: None,
        }
    }

    fn connect(&mut self) -> Result<&mut TcpStream, PrinterError> {
        if self.stream.is_none() {
            let addresses = (self.host.as_str(), self.port)
                .to_socket_addrs()
                .map_err(PrinterError::Io)?;
            let mut last_error = None;
            for address in addresses {
                match TcpStream::connect_timeout(&address, self.timeouts.connect) {
                    Ok(stream) => {
                        stream.set_write_timeout(Some(self.timeouts.write))?;
                        stream.set_read_timeout(Some(self.timeouts.read))?;
                        stream.set_nodelay(true)?;
                        self.stream = Some(stream);
                        break;
                    }
                    Err(error) => last_error = Some(error),
                }
            }
            if self.stream.is_none() {
                return Err(match last_error {
                    Some(error) => PrinterError::from_io(error),
                    None => PrinterError::Io(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        format!("{} has no address", self.host),
                    )),
                });
            }
        }
        self.stream
            .as_mut()
            .ok_or_else(|| PrinterError::Io(std::io::ErrorKind::NotConnected.into()))
    }

    /// Closes the connection so the next job starts afresh.
    pub fn disconnect(&mut self) {
        self.stream = None;
    }
}

impl Transport for TcpTransport {
    fn describe(&self) -> String {
        format!("tcp {}:{}", self.host, self.port)
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), PrinterError> {
        let result = self
            .connect()?
            .write_all(bytes)
            .and_then(|_| self.stream.as_mut().map_or(Ok(()), |s| s.flush()));
        // After a job (or a failure) the printer gets its connection back.
        self.disconnect();
        result.map_err(PrinterError::from_io)
    }

    fn query(&mut self, request: &[u8]) -> Result<Option<u8>, PrinterError> {
        let stream = self.connect()?;
        let outcome = stream.write_all(request).and_then(|_| {
            let mut answer = [0u8; 1];
            stream.read_exact(&mut answer).map(|_| answer[0])
        });
        match outcome {
            Ok(byte) => Ok(Some(byte)),
            Err(error) => {
                self.disconnect();
                Err(PrinterError::from_io(error))
            }
        }
    }
}
