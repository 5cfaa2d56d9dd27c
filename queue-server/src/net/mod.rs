//! Serving connections ourselves rather than with `axum::serve`, to bound what a client can
//! hold: hyper's header-read timeout (a connection that sends nothing or half a request line
//! is closed), an idle timeout on the socket, a bound on the connections one address holds
//! before its first request, a connection limit that first closes the oldest idle connection
//! and otherwise answers 503 `busy`, and a graceful shutdown that lets
//! requests in progress finish. Each request carries its connection's peer address
//! (`ConnectInfo<SocketAddr>`), which `ClientAddress` reads; hyper's own answers to heads it
//! cannot parse go out in our JSON error format (`automatic_answers.rs`).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, header};
use axum::response::IntoResponse;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio::time::Instant;
use tower::ServiceExt;

use crate::http::error::AppError;
use crate::limits::{Limits, REFUSING_AT_ONCE};
use crate::service_manager::Watchdog;

mod automatic_answers;
mod first_head;
pub mod redirect;
pub mod tls;

/// How long a refused connection may take to send its request before it is simply closed.
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(2);

/// How long the accept loop waits for a connection it closed to make room to be gone.
const EVICTION_WAIT: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` within `limits` until `shutdown` completes; then stops
/// accepting, lets requests in progress finish and returns when every connection has closed.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    serve_with_tls(listener, router, limits, None, shutdown).await
}

/// [`serve`] over HTTPS when `tls` is given: each connection's handshake runs in its own
/// task within the header-read timeout, and every answer carries HSTS.
pub async fn serve_with_tls(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    tls: Option<tls::ServerTls>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let connections = Arc::new(Connections::new(&limits));
    let refusing = Arc::new(Semaphore::new(REFUSING_AT_ONCE));
    let (closing_tx, closing) = watch::channel(false);
    // Every connection task holds a sender; `recv` returns `None` once all have ended.
    let (running, mut all_closed) = mpsc::channel::<()>(1);
    let mut shutdown = pin!(shutdown);
    // Pinged from this loop, so a loop that stops accepting also stops the pings.
    let mut watchdog = Watchdog::from_environment();
    loop {
        let (stream, peer) = tokio::select! {
            () = watchdog.due() => {
                watchdog.ping();
                continue;
            }
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    pause_after(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if let Some((slot, victim)) = connections.admit(peer.ip()) {
            let connection = Connection {
                peer,
                router: router.clone(),
                slot,
                limits,
                closing: closing.clone(),
                _running: running.clone(),
            };
            match &tls {
                None => drop(tokio::spawn(serve_connection(stream, connection, false))),
                Some(tls) => drop(tokio::spawn(serve_tls_connection(
                    stream,
                    tls.acceptor(),
                    connection,
                ))),
            }
            // Accept no more until the closed connection has given its socket back: under a
            // burst the accept loop would otherwise outrun the closing tasks and run out of
            // open files after all.
            if let Some(victim) = victim {
                let _ = tokio::time::timeout(EVICTION_WAIT, victim.closed.notified()).await;
            }
        } else if tls.is_none()
            && let Ok(permit) = refusing.clone().try_acquire_owned()
        {
            // Over TLS the 503 would need a handshake first: such a connection just closes.
            tracing::debug!("every connection is busy; answering 503");
            tokio::spawn(refuse(stream, permit));
        } else {
            drop(stream);
        }
    }
    drop(listener);
    let _ = closing_tx.send(true);
    drop(running);
    let _ = all_closed.recv().await;
    Ok(())
}

/// After a failed `accept`: errors of one connection are ignored; others (such as running out
/// of open files) are logged and retried shortly, not spun on.
async fn pause_after(error: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!(%error, "cannot accept a connection");
    tokio::time::sleep(Duration::from_millis(250)).await;
}

/// What a connection's task holds besides its stream.
struct Connection {
    peer: SocketAddr,
    router: Router,
    slot: Slot,
    limits: Limits,
    closing: watch::Receiver<bool>,
    _running: mpsc::Sender<()>,
}

/// The TLS handshake within the header-read timeout, then HTTP as on a plain connection.
async fn serve_tls_connection(
    stream: TcpStream,
    acceptor: tokio_rustls::TlsAcceptor,
    connection: Connection,
) {
    let limit = connection.limits.header_read_timeout;
    match tokio::time::timeout(limit, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => serve_connection(stream, connection, true).await,
        Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
        Err(_) => tracing::debug!("TLS handshake not finished within {limit:?}"),
    }
}

async fn serve_connection<S>(stream: S, connection: Connection, hsts: bool)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let Connection {
        peer,
        router,
        slot,
        limits,
        mut closing,
        _running,
    } = connection;
    let activity = slot.activity.clone();
    activity.touch();
    // Until the first request head is whole, the connection holds only what it sent.
    let stream = tokio::select! {
        head = first_head::wait_for(stream, limits.header_read_timeout) => match head {
            Some(stream) => stream,
            None => return,
        },
        () = activity.evict.notified() => return,
        _ = closing.wait_for(|closing| *closing) => return,
    };
    activity.touch();
    let io = TokioIo::new(Tracked::new(stream, activity.clone()));
    let counted = activity.clone();
    let service = service_fn(move |mut request: Request<Incoming>| {
        let in_flight = InFlight::begin(counted.clone());
        // What `ClientAddress` reads: the limits per client and the log need the peer.
        request.extensions_mut().insert(ConnectInfo(peer));
        let answer = router.clone().oneshot(request.map(Body::new));
        async move {
            let mut response = answer.await?;
            if hsts {
                response.headers_mut().insert(
                    header::STRICT_TRANSPORT_SECURITY,
                    HeaderValue::from_static(tls::HSTS),
                );
            }
            Ok::<_, Infallible>(response.map(|body| Counted {
                body,
                _in_flight: in_flight,
            }))
        }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let mut connection = pin!(builder.serve_connection(io, service));
    let mut shutting_down = false;
    loop {
        tokio::select! {
            served = connection.as_mut() => {
                if let Err(error) = served {
                    tracing::debug!(%error, "connection ended");
                }
                return;
            }
            () = activity.evict.notified() => {
                if activity.in_flight.load(Ordering::SeqCst) == 0 {
                    tracing::debug!("closed the oldest idle connection to make room");
                    return;
                }
                // A request began after this connection was chosen: finish it, then close.
                connection.as_mut().graceful_shutdown();
                shutting_down = true;
            }
            () = idle_for(&activity, limits.idle_timeout) => {
                tracing::debug!("closed a connection idle for {:?}", limits.idle_timeout);
                return;
            }
            _ = closing.wait_for(|closing| *closing), if !shutting_down => {
                // Nothing to finish (also a connection still sending its request head, which
                // hyper's graceful shutdown would wait for until the header-read timeout).
                if activity.in_flight.load(Ordering::SeqCst) == 0 {
                    return;
                }
                connection.as_mut().graceful_shutdown();
                shutting_down = true;
            }
        }
    }
}

/// Completes once nothing was read or written for `limit`.
async fn idle_for(activity: &Activity, limit: Duration) {
    loop {
        let deadline = activity.last_io() + limit;
        if Instant::now() >= deadline {
            return;
        }
        tokio::time::sleep_until(deadline).await;
    }
}

/// Answers one request on a connection beyond the limit with 503 `busy`, then closes it.
async fn refuse(stream: TcpStream, _permit: OwnedSemaphorePermit) {
    let service = service_fn(|_request: Request<Incoming>| async {
        let mut response = AppError::Busy.into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        Ok::<_, Infallible>(response)
    });
    let mut builder = http1::Builder::new();
    builder
        .keep_alive(false)
        .timer(TokioTimer::new())
        .header_read_timeout(REFUSAL_TIMEOUT);
    let answered = builder.serve_connection(TokioIo::new(stream), service);
    let _ = tokio::time::timeout(REFUSAL_TIMEOUT * 2, answered).await;
}

/// The open connections, oldest first.
struct Connections {
    limit: usize,
    opening_per_address: usize,
    epoch: Instant,
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    next_id: u64,
    by_age: BTreeMap<u64, Arc<Activity>>,
}

impl Connections {
    fn new(limits: &Limits) -> Connections {
        Connections {
            limit: limits.max_connections.max(1),
            opening_per_address: limits.max_opening_connections_per_address.max(1),
            epoch: Instant::now(),
            open: Mutex::new(Open::default()),
        }
    }

    /// A place for a new connection from `peer`. When `peer` already holds as many
    /// connections without a first request as it may, the oldest of them is told to close
    /// (the number of open connections stays the same). Otherwise, at the limit, the oldest
    /// connection without a request in progress is told to close and returned, so that the
    /// caller can wait until its socket is given back. `None` when every connection is busy.
    fn admit(self: &Arc<Self>, peer: IpAddr) -> Option<(Slot, Option<Arc<Activity>>)> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let mut made_room = None;
        let opening = open
            .by_age
            .iter()
            .filter(|(_, activity)| activity.peer == peer && !activity.has_requested());
        if let Some((oldest, _)) = opening.clone().next()
            && opening.count() >= self.opening_per_address
        {
            let oldest = *oldest;
            if let Some(replaced) = open.by_age.remove(&oldest) {
                replaced.evict.notify_one();
            }
        } else if open.by_age.len() >= self.limit {
            let oldest_idle = open
                .by_age
                .iter()
                .find(|(_, activity)| activity.in_flight.load(Ordering::SeqCst) == 0)
                .map(|(id, _)| *id)?;
            made_room = open.by_age.remove(&oldest_idle);
            if let Some(victim) = &made_room {
                victim.evict.notify_one();
            }
        }
        let id = open.next_id;
        open.next_id += 1;
        let activity = Arc::new(Activity::new(self.epoch, peer));
        open.by_age.insert(id, activity.clone());
        let slot = Slot {
            id,
            activity,
            connections: self.clone(),
        };
        Some((slot, made_room))
    }
}

/// A connection's place among the open ones; given up when its task ends.
struct Slot {
    id: u64,
    activity: Arc<Activity>,
    connections: Arc<Connections>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self
            .connections
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        open.by_age.remove(&self.id);
        drop(open);
        self.activity.closed.notify_one();
    }
}

/// What the accept loop and a connection's task know about the connection.
struct Activity {
    epoch: Instant,
    /// The client's address.
    peer: IpAddr,
    /// Whether a whole request head has arrived on the connection.
    requested: AtomicBool,
    /// Requests whose answer has not been sent completely (a live stream stays counted).
    in_flight: AtomicUsize,
    /// When a byte was last read or written, in milliseconds after `epoch`.
    last_io_ms: AtomicU64,
    /// Told when the connection should close to make room for a new one.
    evict: Notify,
    /// Told when the connection's task has ended and its socket is closed.
    closed: Notify,
}

impl Activity {
    fn new(epoch: Instant, peer: IpAddr) -> Activity {
        Activity {
            epoch,
            peer,
            requested: AtomicBool::new(false),
            in_flight: AtomicUsize::new(0),
            last_io_ms: AtomicU64::new(0),
            evict: Notify::new(),
            closed: Notify::new(),
        }
    }

    fn has_requested(&self) -> bool {
        self.requested.load(Ordering::Relaxed)
    }

    fn touch(&self) {
        let ms = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_io_ms.store(ms, Ordering::Relaxed);
    }

    fn last_io(&self) -> Instant {
        self.epoch + Duration::from_millis(self.last_io_ms.load(Ordering::Relaxed))
    }
}

/// One request in progress on a connection, from its head until its answer is sent.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn begin(activity: Arc<Activity>) -> InFlight {
        activity.requested.store(true, Ordering::Relaxed);
        activity.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.touch();
    }
}

/// An answer's body that keeps its request counted as in progress until it is sent.
struct Counted {
    body: Body,
    _in_flight: InFlight,
}

impl http_body::Body for Counted {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The socket, noting when bytes move for the idle timeout, and putting our JSON answer in
/// place of hyper's automatic one to a head it could not parse (`automatic_answers`).
struct Tracked<S> {
    stream: S,
    activity: Arc<Activity>,
    replacing: Option<Replacing>,
}

/// Our answer going out in place of hyper's, which counts as written once ours is.
struct Replacing {
    answer: Vec<u8>,
    sent: usize,
}

impl<S: AsyncWrite + Unpin> Tracked<S> {
    fn new(stream: S, activity: Arc<Activity>) -> Tracked<S> {
        Tracked {
            stream,
            activity,
            replacing: None,
        }
    }

    /// Starts replacing when `first` (the first bytes of a write) is hyper's own answer:
    /// only possible while no request of ours is in progress, and only a 4xx.
    fn notice_automatic_answer(&mut self, first: &[u8], whole: impl FnOnce() -> Vec<u8>) {
        let quiet = self.activity.in_flight.load(Ordering::SeqCst) == 0;
        if self.replacing.is_none() && quiet && first.starts_with(b"HTTP/1.1 4") {
            self.replacing = automatic_answers::replacement(&whole())
                .map(|answer| Replacing { answer, sent: 0 });
        }
    }

    /// Sends the rest of our answer; then reports hyper's `claimed` bytes written (and
    /// swallows whatever hyper writes after it: the connection closes).
    fn poll_replacement(
        &mut self,
        cx: &mut Context<'_>,
        claimed: usize,
    ) -> Poll<io::Result<usize>> {
        let Some(replacing) = self.replacing.as_mut() else {
            return Poll::Ready(Ok(claimed));
        };
        while replacing.sent < replacing.answer.len() {
            let rest = &replacing.answer[replacing.sent..];
            match Pin::new(&mut self.stream).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(written)) => {
                    replacing.sent += written;
                    self.activity.touch();
                }
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(claimed))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tracked<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.touch();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tracked<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.notice_automatic_answer(buf, || buf.to_vec());
        if this.replacing.is_some() {
            return this.poll_replacement(cx, buf.len());
        }
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            this.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let first = bufs
            .iter()
            .find(|buf| !buf.is_empty())
            .map_or(&[][..], |buf| &buf[..]);
        this.notice_automatic_answer(first, || {
            bufs.iter().flat_map(|buf| buf.iter().copied()).collect()
        });
        if this.replacing.is_some() {
            return this.poll_replacement(cx, bufs.iter().map(|buf| buf.len()).sum());
        }
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            this.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));
    const OTHER_HOST: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 3));

    fn connections(max_connections: usize, opening_per_address: usize) -> Arc<Connections> {
        Arc::new(Connections::new(&Limits {
            max_connections,
            max_opening_connections_per_address: opening_per_address,
            ..Limits::default()
        }))
    }

    #[test]
    fn at_the_limit_the_oldest_idle_connection_makes_room() {
        let connections = connections(2, 2);
        let (first, _) = connections.admit(HOST).expect("room");
        let (second, none) = connections.admit(HOST).expect("room");
        assert!(none.is_none());
        let busy = InFlight::begin(first.activity.clone());
        // The first is busy, so the second, the oldest idle one, is told to close.
        let (third, victim) = connections
            .admit(HOST)
            .expect("room after closing an idle one");
        assert!(futures::FutureExt::now_or_never(second.activity.evict.notified()).is_some());
        let victim = victim.expect("a connection made room");
        assert!(Arc::ptr_eq(&victim, &second.activity));
        drop(second);
        assert!(futures::FutureExt::now_or_never(victim.closed.notified()).is_some());
        drop(busy);
        drop(third);
        let _fourth = connections.admit(HOST).expect("room");
        assert_eq!(
            connections
                .open
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .by_age
                .len(),
            2
        );
    }

    #[test]
    fn when_every_connection_is_busy_nobody_is_closed() {
        let connections = connections(1, 1);
        let (only, _) = connections.admit(HOST).expect("room");
        let _busy = InFlight::begin(only.activity.clone());
        assert!(connections.admit(HOST).is_none());
    }

    #[test]
    fn an_address_holding_connections_without_a_request_closes_its_own_oldest() {
        let connections = connections(10, 2);
        let (other, _) = connections.admit(OTHER_HOST).expect("room");
        let (served, _) = connections.admit(HOST).expect("room");
        drop(InFlight::begin(served.activity.clone()));
        let (first, _) = connections.admit(HOST).expect("room");
        let (_second, none) = connections.admit(HOST).expect("room");
        assert!(none.is_none());
        // A third without a request: the first of them makes room, not the other host's
        // connection nor the one that was served.
        let (_third, made_room) = connections.admit(HOST).expect("room");
        assert!(futures::FutureExt::now_or_never(first.activity.evict.notified()).is_some());
        assert!(
            made_room.is_none(),
            "as many connections as before: nothing to wait for"
        );
        let (_another, none) = connections.admit(OTHER_HOST).expect("room");
        assert!(none.is_none(), "the other host has its own allowance");
        drop(other);
    }
}
