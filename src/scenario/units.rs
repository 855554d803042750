//! Parsing of the units people write in scenarios: durations, rates, percentages, sizes.

use std::time::Duration;

/// `"30s"`, `"1m30s"`, `"250ms"`, `"1.5s"` → a duration. Bare numbers are rejected: the unit is
/// the part people get wrong.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration; write e.g. \"30s\" or \"250ms\"".into());
    }
    if t.starts_with('-') {
        return Err(format!("a duration cannot be negative (got {t:?})"));
    }
    let parsed = match parse_fractional_duration(t) {
        Some(value) => value,
        None => humantime::parse_duration(t).map_err(|e| {
            use humantime::DurationError as E;
            let hint = "write a number and a unit, e.g. \"30s\", \"2m\", \"250ms\"";
            match e {
                E::NumberOverflow => {
                    format!("duration {t:?} is out of range (too long, or finer than 1ns)")
                }
                E::UnknownUnit { unit, .. } => format!(
                    "invalid duration {t:?}: unknown unit {unit:?}; use ms, s, m, h (or us, d)"
                ),
                E::NumberExpected(_) | E::InvalidCharacter(_) | E::Empty => {
                    format!("invalid duration {t:?}; {hint}")
                }
            }
        })?,
    };
    if parsed > MAX_DURATION {
        return Err(format!(
            "duration {t:?} is longer than a year; nothing loadlab times can be that long"
        ));
    }
    Ok(parsed)
}

/// Longer than anything a run measures; keeps sums of stages and µs conversions far from
/// overflow.
pub const MAX_DURATION: Duration = Duration::from_secs(366 * 24 * 3600);

/// Handles `"1.5s"`, `"0.5ms"`, which humantime does not accept.
fn parse_fractional_duration(t: &str) -> Option<Duration> {
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, unit) = t.split_at(split);
    if !num.contains('.') {
        return None;
    }
    let value: f64 = num.parse().ok()?;
    let seconds = match unit.trim() {
        "us" | "µs" => value / 1e6,
        "ms" => value / 1e3,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return None,
    };
    // Beyond a year (rejected by the caller) `from_secs_f64` could overflow and panic.
    let capped = seconds.min(MAX_DURATION.as_secs_f64() + 1.0);
    (capped.is_finite() && capped >= 0.0).then(|| Duration::from_secs_f64(capped))
}

/// `"500/s"`, `"30000/m"`, `"1.5k/s"`, or a bare number (per second) → requests per second.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (num, per) = match t.split_once('/') {
        Some((n, p)) => (n.trim(), p.trim()),
        None => (t, "s"),
    };
    let divisor = match per {
        "s" | "sec" | "second" => 1.0,
        "m" | "min" | "minute" => 60.0,
        "h" | "hour" => 3600.0,
        other => return Err(format!("unknown rate unit `/{other}`; use /s, /m or /h")),
    };
    let value = parse_scaled_number(num)
        .ok_or_else(|| format!("invalid rate {t:?}; write e.g. \"500/s\" or 500"))?;
    Ok(value / divisor)
}

/// `"1%"`, `"0.5%"` → a fraction (0.01, 0.005).
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let num = t
        .strip_suffix('%')
        .ok_or_else(|| format!("expected a percentage like \"1%\", got {t:?}"))?;
    num.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(|v| v / 100.0)
        .ok_or_else(|| format!("invalid percentage {t:?}"))
}

/// `"1.5k"`, `"2M"`, `"300"` → a number.
fn parse_scaled_number(text: &str) -> Option<f64> {
    let (digits, factor) = match text.chars().last()? {
        'k' | 'K' => (&text[..text.len() - 1], 1e3),
        'M' => (&text[..text.len() - 1], 1e6),
        _ => (text, 1.0),
    };
    digits
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(|v| v * factor)
}

/// Human rendering of a duration for plans and summaries: `5s`, `1m30s`, `250ms`.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if d.is_zero() {
        return "0s".into();
    }
    if ms == 0 {
        return format!("{}µs", d.as_micros());
    }
    if ms % 1000 != 0 {
        return format!("{ms}ms");
    }
    let s = ms / 1000;
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, sec) => format!("{m}m{sec}s"),
        (h, m, sec) => format!("{h}h{m}m{sec}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_and_overlong_durations_are_rejected_without_panicking() {
        assert!(parse_duration("-5s").unwrap_err().contains("negative"));
        assert!(parse_duration("400d")
            .unwrap_err()
            .contains("longer than a year"));
        // Fractional form: `from_secs_f64` would panic on this before the cap.
        assert!(parse_duration("99999999999999999999999999.5h").is_err());
        assert!(parse_duration("soon").unwrap_err().contains("e.g. \"30s\""));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("30").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("fast").is_err());
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("500/s"), Ok(500.0));
        assert_eq!(parse_rate("600/m"), Ok(10.0));
        assert_eq!(parse_rate("1.5k/s"), Ok(1500.0));
        assert_eq!(parse_rate("42"), Ok(42.0));
        assert!(parse_rate("5/fortnight").is_err());
        assert!(parse_rate("lots/s").is_err());
    }

    #[test]
    fn percents() {
        assert_eq!(parse_percent("1%"), Ok(0.01));
        assert_eq!(parse_percent(" 0.5 %"), Ok(0.005));
        assert!(parse_percent("1").is_err());
    }

    #[test]
    fn formats_durations_compactly() {
        assert_eq!(format_duration(Duration::from_secs(5)), "5s");
        assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(format_duration(Duration::from_secs(120)), "2m");
    }
}
