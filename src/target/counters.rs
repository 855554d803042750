//! Request counters of the demo target, shared lock-free between the handlers, `/metrics` and
//! Rust callers (`DemoTarget::counters`).
//!
//! A request is counted once, when its path has been matched to an endpoint and before its
//! handler runs, whatever the outcome (200, 400, 405). `/metrics` and `/debug/pprof/*` are not
//! counted, so that observing the target does not change the figures; any other unknown path
//! is counted under [`Endpoint::Other`]. The sum therefore equals the number of requests a load
//! generator sent that reached the server, excluding scrapes and profile captures.

use std::sync::atomic::{AtomicU64, Ordering};

/// The counted endpoints, one counter each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Fast,
    Delay,
    Cpu,
    Status,
    Payload,
    Stall,
    Limited,
    Echo,
    /// Any path that is not an endpoint (answered 404), except under `/debug/pprof/`.
    Other,
}

impl Endpoint {
    /// Every counted endpoint, in `/metrics` order.
    pub const ALL: [Endpoint; 9] = [
        Endpoint::Fast,
        Endpoint::Delay,
        Endpoint::Cpu,
        Endpoint::Status,
        Endpoint::Payload,
        Endpoint::Stall,
        Endpoint::Limited,
        Endpoint::Echo,
        Endpoint::Other,
    ];

    /// The `path` label in `/metrics`: the endpoint's path, or `other`.
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::Fast => "/fast",
            Endpoint::Delay => "/delay",
            Endpoint::Cpu => "/cpu",
            Endpoint::Status => "/status",
            Endpoint::Payload => "/payload",
            Endpoint::Stall => "/stall",
            Endpoint::Limited => "/limited",
            Endpoint::Echo => "/echo",
            Endpoint::Other => "other",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One counter per cache line, so that two cores counting different endpoints do not contend.
#[derive(Debug, Default)]
#[repr(align(64))]
struct Padded(AtomicU64);

/// Live counters of one demo target.
#[derive(Debug, Default)]
pub struct DemoCounters {
    requests: [Padded; Endpoint::ALL.len()],
    in_flight: Padded,
    accept_errors: Padded,
}

impl DemoCounters {
    /// Requests counted so far, all endpoints together (`loadlab_demo_requests_all_total`).
    pub fn requests_total(&self) -> u64 {
        self.requests
            .iter()
            .map(|c| c.0.load(Ordering::Relaxed))
            .sum()
    }

    /// Requests counted so far for one endpoint.
    pub fn requests(&self, endpoint: Endpoint) -> u64 {
        self.requests[endpoint.index()].0.load(Ordering::Relaxed)
    }

    /// Counted requests whose handler has not finished (or been dropped) yet.
    pub fn in_flight(&self) -> u64 {
        self.in_flight.0.load(Ordering::Relaxed)
    }

    /// Failed `accept()` calls that the server retried (for example out of file descriptors).
    pub fn accept_errors(&self) -> u64 {
        self.accept_errors.0.load(Ordering::Relaxed)
    }

    /// Counts a request and marks it in flight until the returned guard drops.
    pub(crate) fn enter(&self, endpoint: Endpoint) -> InFlight<'_> {
        self.requests[endpoint.index()]
            .0
            .fetch_add(1, Ordering::Relaxed);
        self.in_flight.0.fetch_add(1, Ordering::Relaxed);
        InFlight(self)
    }

    pub(crate) fn accept_error(&self) {
        self.accept_errors.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Decrements the in-flight gauge on drop, including when hyper drops a cancelled handler.
#[derive(Debug)]
pub(crate) struct InFlight<'a>(&'a DemoCounters);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_endpoint_and_tracks_in_flight() {
        let c = DemoCounters::default();
        {
            let _a = c.enter(Endpoint::Fast);
            let _b = c.enter(Endpoint::Fast);
            let _d = c.enter(Endpoint::Other);
            assert_eq!(c.in_flight(), 3);
        }
        assert_eq!(c.in_flight(), 0);
        assert_eq!(c.requests(Endpoint::Fast), 2);
        assert_eq!(c.requests(Endpoint::Other), 1);
        assert_eq!(c.requests(Endpoint::Cpu), 0);
        assert_eq!(c.requests_total(), 3);
    }

    #[test]
    fn indices_follow_the_order_of_all() {
        for (i, e) in Endpoint::ALL.iter().enumerate() {
            assert_eq!(e.index(), i);
        }
    }
}
