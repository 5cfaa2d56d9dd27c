//! A new connection's first request head, read before hyper takes the connection over: hyper
//! gives every connection two 8 KiB buffers at once, so thousands of connections that send
//! nothing or half a request line would hold tens of megabytes, which the allocator then
//! keeps. Here such a connection holds only what it sent. Whether the head is whole is
//! `httparse`'s answer, the parser hyper itself uses; hyper then reads the head again from
//! the start ([`Rewound`]) and answers as usual, also to a head that cannot be parsed.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};

/// Read at a time while waiting for the head.
const CHUNK: usize = 1024;

/// Beyond this the head is left to hyper, which reads larger heads into its own buffer and
/// refuses too large ones.
const LARGEST_WAITED_FOR: usize = 8 * 1024;

/// Headers `httparse` may find; more is hyper's case too (431).
const MOST_HEADERS: usize = 100;

/// Waits up to `limit` until `stream` has sent a whole request head (or more than
/// [`LARGEST_WAITED_FOR`], or something that is no request head); the stream with what was
/// read put back. `None` when the client closed the connection or sent no whole head in time.
pub async fn wait_for<S>(mut stream: S, limit: Duration) -> Option<Rewound<S>>
where
    S: AsyncRead + Unpin,
{
    let mut read = Vec::new();
    let waiting = async {
        let mut chunk = [0u8; CHUNK];
        loop {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            read.extend_from_slice(&chunk[..n]);
            if !is_partial_head(&read) || read.len() >= LARGEST_WAITED_FOR {
                return Some(());
            }
        }
    };
    tokio::time::timeout(limit, waiting).await.ok()??;
    Some(Rewound {
        read,
        given: 0,
        stream,
    })
}

/// Whether `bytes` are the beginning of a request head that is not whole yet.
fn is_partial_head(bytes: &[u8]) -> bool {
    let mut headers = [httparse::EMPTY_HEADER; MOST_HEADERS];
    matches!(
        httparse::Request::new(&mut headers).parse(bytes),
        Ok(httparse::Status::Partial)
    )
}

/// A stream whose first bytes, already read, are read again.
pub struct Rewound<S> {
    read: Vec<u8>,
    given: usize,
    stream: S,
}

impl<S: AsyncRead + Unpin> AsyncRead for Rewound<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.given < this.read.len() {
            let rest = &this.read[this.given..];
            let n = rest.len().min(buf.remaining());
            buf.put_slice(&rest[..n]);
            this.given += n;
            if this.given == this.read.len() {
                this.read = Vec::new();
                this.given = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Rewound<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn waits_for_the_whole_head_and_gives_it_back_with_what_follows() {
        let (mut client, server) = tokio::io::duplex(64);
        let waiting = tokio::spawn(wait_for(server, Duration::from_secs(5)));
        client.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "half a head is not enough");
        client.write_all(b"st: lotse\r\n\r\nbody").await.unwrap();
        let mut rewound = waiting.await.unwrap().expect("a whole head");
        client.write_all(b" and more").await.unwrap();
        drop(client);
        let mut everything = String::new();
        rewound.read_to_string(&mut everything).await.unwrap();
        assert_eq!(
            everything,
            "GET / HTTP/1.1\r\nHost: lotse\r\n\r\nbody and more"
        );
    }

    #[tokio::test]
    async fn what_is_no_request_goes_to_hyper_at_once() {
        let (mut client, server) = tokio::io::duplex(64);
        client
            .write_all(b"\x16\x03\x01 not http\r\n")
            .await
            .unwrap();
        assert!(wait_for(server, Duration::from_secs(5)).await.is_some());
    }

    #[tokio::test]
    async fn a_connection_that_sends_half_a_line_or_closes_gets_nothing() {
        let (mut client, server) = tokio::io::duplex(64);
        client.write_all(b"GE").await.unwrap();
        assert!(wait_for(server, Duration::from_millis(50)).await.is_none());
        let (client, server) = tokio::io::duplex(64);
        drop(client);
        assert!(wait_for(server, Duration::from_secs(5)).await.is_none());
    }
}
