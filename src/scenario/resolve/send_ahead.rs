//! `[load] send_ahead`: how far ahead of its time an open-model arrival may be sent.

use crate::scenario::error::{FieldError, FieldPath};
use crate::scenario::plan::{LoadModel, DEFAULT_SEND_AHEAD, MAX_SEND_AHEAD};
use crate::scenario::units::{format_duration, parse_duration};
use std::time::Duration;

pub(super) fn resolve(
    text: Option<&str>,
    model: LoadModel,
    load: &FieldPath,
) -> Result<Duration, FieldError> {
    let at = load.key("send_ahead");
    let Some(text) = text else {
        return Ok(match model {
            LoadModel::Open => DEFAULT_SEND_AHEAD,
            LoadModel::Closed { .. } => Duration::ZERO,
        });
    };
    if matches!(model, LoadModel::Closed { .. }) {
        return Err(FieldError::new(
            at,
            "send_ahead applies to the open model; closed-model users send when they are ready",
        ));
    }
    let value = parse_duration(text).map_err(|m| FieldError::new(at.clone(), m))?;
    if value > MAX_SEND_AHEAD {
        return Err(FieldError::new(
            at,
            format!(
                "at most {}: more would change the arrival process, not just save wake-ups",
                format_duration(MAX_SEND_AHEAD)
            ),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: LoadModel = LoadModel::Open;

    #[test]
    fn defaults_to_a_fifth_of_a_millisecond_in_the_open_model_only() {
        let at = FieldPath::root().key("load");
        assert_eq!(resolve(None, OPEN, &at).unwrap(), DEFAULT_SEND_AHEAD);
        let closed = LoadModel::Closed {
            think_time: Duration::ZERO,
        };
        assert_eq!(resolve(None, closed, &at).unwrap(), Duration::ZERO);
    }

    #[test]
    fn zero_keeps_arrivals_exact_and_the_bound_is_enforced() {
        let at = FieldPath::root().key("load");
        assert_eq!(resolve(Some("0s"), OPEN, &at).unwrap(), Duration::ZERO);
        assert_eq!(
            resolve(Some("500us"), OPEN, &at).unwrap(),
            Duration::from_micros(500)
        );
        let err = resolve(Some("50ms"), OPEN, &at).unwrap_err();
        assert_eq!(err.field, at.key("send_ahead"));
        assert!(err.message.contains("at most 10ms"), "{}", err.message);
        assert!(resolve(Some("soon"), OPEN, &at).is_err());
        let closed = LoadModel::Closed {
            think_time: Duration::ZERO,
        };
        assert!(resolve(Some("1ms"), closed, &at).is_err());
    }
}
