//! Connects the emulator to the host: a pseudo-terminal (like a serial printer) or a TCP
//! port (like a network printer on 9100).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serialport::{SerialPort, TTYPort};

use super::Emulator;

fn lock(emulator: &Mutex<Emulator>) -> std::sync::MutexGuard<'_, Emulator> {
    emulator
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An emulated serial printer: a pseudo-terminal whose other end (`path`, `/dev/pts/N`) a
/// serial transport opens. Serves on its own thread until dropped.
pub struct PtyPrinter {
    pub path: String,
    pub emulator: Arc<Mutex<Emulator>>,
    stop: Arc<AtomicBool>,
    // Kept open so the pseudo-terminal lives while clients come and go.
    _slave: TTYPort,
}

impl PtyPrinter {
    pub fn start(emulator: Emulator) -> Result<PtyPrinter, crate::PrinterError> {
        let (master, slave) = TTYPort::pair()?;
        let path = slave.name().unwrap_or_default();
        let emulator = Arc::new(Mutex::new(emulator));
        let stop = Arc::new(AtomicBool::new(false));
        let (served, stopping) = (emulator.clone(), stop.clone());
        std::thread::Builder::new()
            .name("printer-emulator".into())
            .spawn(move || serve_pty(master, served, stopping))?;
        Ok(PtyPrinter {
            path,
            emulator,
            stop,
            _slave: slave,
        })
    }
}

impl Drop for PtyPrinter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Serves the master side of a pseudo-terminal until `stop` is set or the pty fails.
pub fn serve_pty(mut master: TTYPort, emulator: Arc<Mutex<Emulator>>, stop: Arc<AtomicBool>) {
    let _ = master.set_timeout(Duration::from_millis(50));
    let mut buffer = [0u8; 4096];
    while !stop.load(Ordering::Relaxed) {
        match master.read(&mut buffer) {
            Ok(0) => continue,
            Ok(n) => {
                let answers = lock(&emulator).receive(&buffer[..n]);
                if !answers.is_empty() && master.write_all(&answers).is_err() {
                    return;
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::TimedOut => continue,
            // The other side closed: wait for the next opener.
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Accepts one connection at a time on `listener`, as a network printer does.
pub fn serve_tcp(listener: TcpListener, emulator: Arc<Mutex<Emulator>>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let answers = lock(&emulator).receive(&buffer[..n]);
                    if !answers.is_empty() && stream.write_all(&answers).is_err() {
                        break;
                    }
                }
            }
        }
    }
}
