//! The client a kiosk or display builds from its config: with `server_ca` set it trusts only
//! that CA file (the county's PKI) for the server's HTTPS certificate; without, the system's
//! usual trust (or plain HTTP).

use std::path::{Path, PathBuf};

use crate::client::{Client, ClientError, Deadlines};

#[derive(Debug, thiserror::Error)]
pub enum DeviceClientError {
    #[error("cannot read the server CA file {path}: {source}")]
    ReadCa {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the server CA file {path} holds no usable PEM certificate: {source}")]
    BadCa { path: PathBuf, source: ClientError },
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// A client for the server at `base_url`, trusting only the CAs in `server_ca` when given.
pub fn device_client(
    base_url: &str,
    deadlines: Deadlines,
    server_ca: Option<&Path>,
) -> Result<Client, DeviceClientError> {
    let Some(path) = server_ca else {
        return Ok(Client::with_deadlines(base_url, deadlines)?);
    };
    let pem = std::fs::read(path).map_err(|source| DeviceClientError::ReadCa {
        path: path.to_owned(),
        source,
    })?;
    Client::with_server_ca(base_url, deadlines, &pem).map_err(|source| DeviceClientError::BadCa {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_ca_file_is_named_in_the_error() {
        let error = device_client(
            "https://lotse.example.org",
            Deadlines::default(),
            Some(Path::new("/nonexistent/county-ca.pem")),
        )
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
        assert!(
            error.starts_with("cannot read the server CA file /nonexistent/county-ca.pem"),
            "{error}"
        );
    }

    #[test]
    fn without_a_ca_file_the_usual_client() {
        assert!(device_client("http://127.0.0.1:8080", Deadlines::default(), None).is_ok());
    }
}
