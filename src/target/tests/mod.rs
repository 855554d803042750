//! In-process tests of the demo target over real TCP on 127.0.0.1, port 0: each test binds its
//! own target, talks to it with a minimal hyper client, and stops it. Every wait is bounded.

mod client;
mod endpoints;
mod metrics;
mod pprof;
mod protocols;
mod timing;
