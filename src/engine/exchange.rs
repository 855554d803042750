//! One request/response exchange on a worker's connection: send, read the whole body, and
//! classify how it ended.

use super::connect::{ConnectFailure, Connector, RequestBody, Sender};
use crate::metrics::Outcome;
use http::Request;
use http_body_util::BodyExt;
use std::cell::{Cell, RefCell};
use std::time::Duration;

/// The connection a worker sends on. HTTP/1.1: one per worker. HTTP/2: shared by the workers
/// multiplexed onto it.
#[derive(Default)]
pub struct ConnSlot {
    sender: RefCell<Option<Sender>>,
    /// A worker is opening this slot's connection; the others wait for it instead of opening
    /// their own (HTTP/2 workers share a slot).
    connecting: Cell<bool>,
    connected: tokio::sync::Notify,
}

/// Ends a connection attempt however it ends (done, failed, or cancelled by the timeout).
struct Connecting<'a>(&'a ConnSlot);

impl Drop for Connecting<'_> {
    fn drop(&mut self) {
        self.0.connecting.set(false);
        self.0.connected.notify_waiters();
    }
}

/// How an exchange ended.
#[derive(Debug, Clone, Copy)]
pub struct Exchanged {
    pub outcome: Outcome,
    pub status: u16,
    pub bytes: u64,
}

impl ConnSlot {
    /// A usable sender, reconnecting when the previous connection is gone.
    async fn acquire(
        &self,
        connector: &Connector,
        opened: &Cell<u64>,
    ) -> Result<Sender, ConnectFailure> {
        loop {
            let current = self.sender.borrow_mut().take();
            match current {
                Some(Sender::H2(s)) if !s.is_closed() => {
                    self.sender.replace(Some(Sender::H2(s.clone())));
                    return Ok(Sender::H2(s));
                }
                Some(Sender::H1(mut s)) if !s.is_closed() => {
                    // A guard cannot await `ready()`: it needs the sender mutably.
                    #[allow(clippy::collapsible_if, clippy::collapsible_match)]
                    if s.ready().await.is_ok() {
                        return Ok(Sender::H1(s));
                    }
                }
                _ => {}
            }
            if !self.connecting.get() {
                break;
            }
            // One thread, no await since the check: the notification cannot be missed.
            self.connected.notified().await;
        }
        self.connecting.set(true);
        let _connecting = Connecting(self);
        let fresh = connector.connect().await?;
        opened.set(opened.get() + 1);
        if let Sender::H2(s) = &fresh {
            self.sender.replace(Some(Sender::H2(s.clone())));
        }
        Ok(fresh)
    }

    fn release(&self, sender: Sender) {
        if let Sender::H1(s) = sender {
            self.sender.replace(Some(Sender::H1(s)));
        }
    }

    /// Sends `request` and reads the response in full, within `timeout` (connecting included).
    pub async fn exchange(
        &self,
        connector: &Connector,
        opened: &Cell<u64>,
        request: Request<RequestBody>,
        timeout: Duration,
        status_ok: impl Fn(u16) -> bool,
    ) -> Exchanged {
        // Outside the attempt, so a timed-out exchange still reports the bytes it did read.
        let received = Cell::new(0u64);
        let attempt = async {
            let mut sender = match self.acquire(connector, opened).await {
                Ok(s) => s,
                Err(f) => {
                    return (
                        Exchanged {
                            outcome: f.outcome,
                            status: 0,
                            bytes: 0,
                        },
                        None,
                    )
                }
            };
            let response = match &mut sender {
                Sender::H1(s) => s.send_request(request).await,
                Sender::H2(s) => s.send_request(request).await,
            };
            let response = match response {
                Ok(r) => r,
                Err(e) => {
                    return (
                        Exchanged {
                            outcome: classify(&e),
                            status: 0,
                            bytes: 0,
                        },
                        None,
                    )
                }
            };
            let status = response.status().as_u16();
            let mut body = response.into_body();
            while let Some(frame) = body.frame().await {
                match frame {
                    Ok(frame) => {
                        if let Some(data) = frame.data_ref() {
                            received.set(received.get() + data.len() as u64);
                        }
                    }
                    Err(e) => {
                        return (
                            Exchanged {
                                outcome: classify(&e),
                                status,
                                bytes: received.get(),
                            },
                            None,
                        )
                    }
                }
            }
            let bytes = received.get();
            let outcome = if status_ok(status) {
                Outcome::Ok
            } else {
                Outcome::Status
            };
            (
                Exchanged {
                    outcome,
                    status,
                    bytes,
                },
                Some(sender),
            )
        };
        match tokio::time::timeout(timeout, attempt).await {
            Ok((exchanged, reusable)) => {
                if let Some(sender) = reusable {
                    self.release(sender);
                }
                exchanged
            }
            // The connection's state is unknown after a timeout: HTTP/1.1 drops it (the sender
            // was moved into the cancelled future); HTTP/2 resets just that stream.
            Err(_) => Exchanged {
                outcome: Outcome::Timeout,
                status: 0,
                bytes: received.get(),
            },
        }
    }
}

/// Maps a hyper error onto the failure classes.
pub fn classify(e: &hyper::Error) -> Outcome {
    if e.is_timeout() {
        return Outcome::Timeout;
    }
    if e.is_parse() || e.is_parse_status() || e.is_parse_too_large() {
        return Outcome::Protocol;
    }
    if e.is_incomplete_message() || e.is_canceled() || e.is_closed() || e.is_body_write_aborted() {
        return Outcome::Reset;
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            return match io.kind() {
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => Outcome::Reset,
                TimedOut => Outcome::Timeout,
                _ => Outcome::Protocol,
            };
        }
        source = s.source();
    }
    Outcome::Protocol
}
