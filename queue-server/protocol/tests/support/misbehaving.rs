//! Servers that misbehave the way stalled proxies, half-open connections and overloaded
//! servers do, made in the test on a tokio `TcpListener`. Shared by the protocol's and the
//! kiosk's deadline tests (included with `#[path]`).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehaviour {
    /// Accepts the connection, reads the request, never answers.
    NeverAnswers,
    /// Sends the headers of a 200 with a body, then a few bytes, then nothing.
    HeadersThenStall,
    /// Sends the headers and part of the body, then closes the connection.
    ClosesMidBody,
    /// Answers 200 with a body that is not JSON.
    GarbageOk,
    /// Sends a complete answer, one byte per second (longer than any deadline).
    SlowBytes,
}

impl Misbehaviour {
    pub const ALL: [Misbehaviour; 5] = [
        Misbehaviour::NeverAnswers,
        Misbehaviour::HeadersThenStall,
        Misbehaviour::ClosesMidBody,
        Misbehaviour::GarbageOk,
        Misbehaviour::SlowBytes,
    ];
}

const PARTIAL: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{\"id\": 1, \"number\": ";

/// Starts a server that misbehaves on every connection; its base URL.
pub async fn start(misbehaviour: Misbehaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, misbehaviour));
        }
    });
    format!("http://{address}")
}

async fn serve(mut stream: TcpStream, misbehaviour: Misbehaviour) {
    if read_request_head(&mut stream).await.is_none() {
        return;
    }
    match misbehaviour {
        Misbehaviour::NeverAnswers => hold(stream).await,
        Misbehaviour::HeadersThenStall => {
            let _ = stream.write_all(PARTIAL).await;
            hold(stream).await;
        }
        Misbehaviour::ClosesMidBody => {
            let _ = stream.write_all(PARTIAL).await;
            let _ = stream.shutdown().await;
        }
        Misbehaviour::GarbageOk => {
            // Answers every request on the kept-alive connection the same way.
            let body = "<html>captive portal</html>";
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            loop {
                if stream.write_all(answer.as_bytes()).await.is_err()
                    || read_request_head(&mut stream).await.is_none()
                {
                    return;
                }
            }
        }
        Misbehaviour::SlowBytes => {
            let answer =
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
            for byte in answer {
                if stream.write_all(&[*byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            hold(stream).await;
        }
    }
}

/// Keeps the connection open and unanswered until the client goes away.
async fn hold(mut stream: TcpStream) {
    let mut buffer = [0u8; 1024];
    while let Ok(n) = stream.read(&mut buffer).await {
        if n == 0 {
            return;
        }
    }
}

/// Reads up to the end of the request's headers (bodies are small and ignored).
async fn read_request_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        head.extend_from_slice(&buffer[..n]);
    }
    Some(head)
}
