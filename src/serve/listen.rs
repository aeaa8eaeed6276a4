//! How the preview server accepts connections and stops: HTTP/1.1 connections with a deadline
//! for request headers (which also bounds how long an idle keep-alive connection stays open,
//! so a client that sends half a request cannot hold a socket forever), and a stop on
//! SIGINT, SIGTERM or SIGHUP that gives open requests a short grace period and then closes
//! every connection instead of waiting for them.
//!
//! Routing and files are [`super::http`]'s job; this module knows nothing of the site.

use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

/// How long a client may take to send a request's headers, and how long a keep-alive
/// connection may wait idle for its next request. Browsers reconnect without a sign when an
/// idle connection is closed; a local preview needs no more.
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long requests already being answered may go on after a stop signal.
pub(crate) const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// The signals that stop `digest serve`, listened to from the moment they are installed (so
/// one that arrives during the first build is not lost, and does not kill the process before
/// it removes its temporary folder).
pub(crate) struct StopSignals {
    #[cfg(unix)]
    streams: [tokio::signal::unix::Signal; 3],
}

impl StopSignals {
    /// Installs the handlers; must run inside the Tokio runtime. From then on these signals no
    /// longer end the process by themselves: [`StopSignals::recv`] tells the caller instead.
    pub(crate) fn install() -> std::io::Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(StopSignals {
                streams: [
                    signal(SignalKind::interrupt())?,
                    signal(SignalKind::terminate())?,
                    signal(SignalKind::hangup())?,
                ],
            })
        }
        #[cfg(not(unix))]
        {
            Ok(StopSignals {})
        }
    }

    /// Waits for the next stop signal.
    pub(crate) async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let [interrupt, terminate, hangup] = &mut self.streams;
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
                _ = hangup.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Serves `app` on `listener` until a stop signal; then stops accepting, lets requests in
/// progress finish for at most [`SHUTDOWN_GRACE`] and drops every connection left (half-sent
/// requests, idle keep-alives, live-reload websockets).
pub(crate) async fn serve(listener: TcpListener, app: Router, signals: &mut StopSignals) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(true);
    let (closing, closed) = tokio::sync::watch::channel(false);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = signals.recv() => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors and the like: wait a little rather than spin.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let connection = builder
                    .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()))
                    .with_upgrades();
                let mut closed = closed.clone();
                connections.spawn(async move {
                    tokio::pin!(connection);
                    tokio::select! {
                        _ = connection.as_mut() => return,
                        _ = closed.changed() => connection.as_mut().graceful_shutdown(),
                    }
                    let _ = connection.await;
                });
            }
            // Forget finished connections as they end, so the set stays small.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = closing.send(true);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    // Dropping the set aborts what is left; upgraded websockets run in tasks of their own and
    // end with the runtime.
    connections.abort_all();
}
