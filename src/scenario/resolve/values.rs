//! Small value checks shared by the sections: optional durations and bounded counts.

use super::Resolved;
use crate::scenario::error::{FieldError, FieldPath};
use crate::scenario::units::parse_duration;
use std::time::Duration;

pub(super) fn optional_duration(
    text: Option<&str>,
    default: Duration,
    at: &FieldPath,
) -> Resolved<Duration> {
    match text {
        None => Ok(default),
        Some(t) => parse_duration(t).map_err(|m| FieldError::new(at.clone(), m)),
    }
}

pub(super) fn positive(value: i64, at: &FieldPath) -> Resolved<usize> {
    if (1..=1_000_000).contains(&value) {
        Ok(value as usize)
    } else {
        Err(FieldError::new(at.clone(), "must be between 1 and 1000000"))
    }
}
