//! Unit conversions shared by the controller and the simulator: durations to whole seconds, and
//! CPU cores to the millicores the HPA sees.

use std::time::Duration;

use super::error::HpaError;

/// A duration as whole seconds; the simulator steps one second at a time, so a fraction would be
/// silently lost and is refused instead.
pub(crate) fn whole_seconds(field: &str, d: Duration) -> Result<i64, HpaError> {
    if d.subsec_nanos() != 0 {
        return Err(HpaError::input(
            field,
            format!(
                "{} is not a whole number of seconds (the simulator steps 1 s)",
                humantime::format_duration(d)
            ),
        ));
    }
    i64::try_from(d.as_secs()).map_err(|_| HpaError::input(field, "too large"))
}

/// Cores to whole millicores as the HPA sees a usage or a request: rounded to whole nanocores
/// (metrics-server's unit), then *up* to whole millicores (`Quantity.MilliValue()`).
/// Negative or non-finite input gives 0.
pub(crate) fn cores_to_milli_ceil(cores: f64) -> i64 {
    if !(cores.is_finite() && cores > 0.0) {
        return 0;
    }
    // `as` saturates at u64::MAX for absurdly large values; no wrap, no panic.
    let nanos = (cores * 1e9).round() as u64;
    i64::try_from(nanos.div_ceil(1_000_000)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millicores_round_up_from_nanocores() {
        assert_eq!(cores_to_milli_ceil(0.5), 500);
        assert_eq!(cores_to_milli_ceil(0.1), 100);
        assert_eq!(cores_to_milli_ceil(1.0 / 3.0), 334);
        assert_eq!(cores_to_milli_ceil(0.0), 0);
        assert_eq!(cores_to_milli_ceil(-1.0), 0);
        assert_eq!(cores_to_milli_ceil(f64::NAN), 0);
    }

    #[test]
    fn fractional_seconds_are_refused() {
        assert_eq!(whole_seconds("x", Duration::from_secs(15)).ok(), Some(15));
        let err = whole_seconds("timing.sync_period", Duration::from_millis(1500));
        assert!(err
            .map_err(|e| e.to_string())
            .unwrap_err()
            .contains("timing.sync_period"));
    }
}
