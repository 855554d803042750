//! How a request ended: success or one of a small, fixed set of failure classes.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A response with an expected status, body read in full.
    Ok,
    /// A complete response with an unexpected status (codes are counted separately).
    Status,
    /// The TCP connection could not be established.
    Connect,
    /// No complete response within the request timeout.
    Timeout,
    /// The connection was reset or closed before the response was complete.
    Reset,
    /// The TLS handshake failed.
    Tls,
    /// The response violated HTTP (malformed status line, headers, or framing).
    Protocol,
    /// Still in flight when the run was stopped and the grace period ran out.
    Aborted,
}

pub const OUTCOME_COUNT: usize = 8;

pub const ALL_OUTCOMES: [Outcome; OUTCOME_COUNT] = [
    Outcome::Ok,
    Outcome::Status,
    Outcome::Connect,
    Outcome::Timeout,
    Outcome::Reset,
    Outcome::Tls,
    Outcome::Protocol,
    Outcome::Aborted,
];

impl Outcome {
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn is_error(self) -> bool {
        self != Outcome::Ok
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Status => "status",
            Outcome::Connect => "connect",
            Outcome::Timeout => "timeout",
            Outcome::Reset => "reset",
            Outcome::Tls => "tls",
            Outcome::Protocol => "protocol",
            Outcome::Aborted => "aborted",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_match_the_table() {
        for (i, o) in ALL_OUTCOMES.iter().enumerate() {
            assert_eq!(o.index(), i);
        }
    }
}
