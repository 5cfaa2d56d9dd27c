//! The async facade the kiosk uses: one worker thread owns the transport and does the
//! blocking I/O; callers `await` results and never block their executor or UI thread.

use std::sync::mpsc;

use tokio::sync::oneshot;

use crate::error::PrinterError;
use crate::status::PrinterStatus;
use crate::transport::{self, Transport};

enum Request {
    Print(Vec<u8>, oneshot::Sender<Result<(), PrinterError>>),
    Status(oneshot::Sender<Result<Option<PrinterStatus>, PrinterError>>),
}

/// A handle to the printer worker. Cheap to clone; the worker stops when all handles drop.
#[derive(Clone)]
pub struct PrinterService {
    requests: mpsc::Sender<Request>,
    description: String,
}

impl PrinterService {
    /// A printer that answers real-time status (`DLE EOT`).
    pub fn start(transport: Box<dyn Transport>) -> PrinterService {
        PrinterService::start_with(transport, true)
    }

    /// `realtime_status: false` (the profile's `realtime_status`) never asks the printer:
    /// a printer that ignores `DLE EOT` would otherwise look unreachable.
    pub fn start_with(mut transport: Box<dyn Transport>, realtime_status: bool) -> PrinterService {
        let description = transport.describe();
        let (requests, receiver) = mpsc::channel::<Request>();
        let name = description.clone();
        let spawned = std::thread::Builder::new()
            .name("lotse-printer".into())
            .spawn(move || {
                while let Ok(request) = receiver.recv() {
                    match request {
                        Request::Print(job, reply) => {
                            let result = if realtime_status {
                                transport::print_job(transport.as_mut(), &job)
                            } else {
                                transport.write_all(&job)
                            };
                            if let Err(error) = &result {
                                tracing::warn!(printer = %name, %error, "printing failed");
                            }
                            let _ = reply.send(result);
                        }
                        Request::Status(reply) => {
                            let status = if realtime_status {
                                transport::read_status(transport.as_mut())
                            } else {
                                Ok(None)
                            };
                            let _ = reply.send(status);
                        }
                    }
                }
            });
        if let Err(error) = spawned {
            tracing::error!(%error, "cannot start the printer thread");
        }
        PrinterService {
            requests,
            description,
        }
    }

    pub fn describe(&self) -> &str {
        &self.description
    }

    /// Prints a fully encoded job: status check, then one send.
    pub async fn print(&self, job: Vec<u8>) -> Result<(), PrinterError> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(Request::Print(job, reply))
            .map_err(|_| worker_gone())?;
        answer.await.map_err(|_| worker_gone())?
    }

    /// The printer's real-time status; `None` if the transport cannot read it.
    pub async fn status(&self) -> Result<Option<PrinterStatus>, PrinterError> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(Request::Status(reply))
            .map_err(|_| worker_gone())?;
        answer.await.map_err(|_| worker_gone())?
    }
}

fn worker_gone() -> PrinterError {
    PrinterError::Io(std::io::Error::new(
        std::io::ErrorKind::BrokenPipe,
        "the printer worker stopped",
    ))
}
