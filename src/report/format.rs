//! Number formatting shared by every view.

/// `850µs`, `12.3ms`, `1.25s`.
pub fn format_micros(us: f64) -> String {
    if us < 1_000.0 {
        format!("{us:.0}µs")
    } else if us < 10_000.0 {
        format!("{:.2}ms", us / 1e3)
    } else if us < 1_000_000.0 {
        format!("{:.1}ms", us / 1e3)
    } else {
        format!("{:.2}s", us / 1e6)
    }
}

/// `0.25%`, `12.0%`.
pub fn format_percent(fraction: f64) -> String {
    let pct = fraction * 100.0;
    if pct == 0.0 {
        "0%".into()
    } else if pct < 1.0 {
        format!("{pct:.2}%")
    } else {
        format!("{pct:.1}%")
    }
}

/// `1,234,567`.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1.2k/s`-style rates for narrow columns.
pub fn format_rate(per_s: f64) -> String {
    if per_s >= 10_000.0 {
        format!("{:.1}k", per_s / 1e3)
    } else {
        format!("{per_s:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_micros(850.0), "850µs");
        assert_eq!(format_micros(1_234.0), "1.23ms");
        assert_eq!(format_micros(45_600.0), "45.6ms");
        assert_eq!(format_micros(2_500_000.0), "2.50s");
        assert_eq!(format_percent(0.0025), "0.25%");
        assert_eq!(format_percent(0.12), "12.0%");
        assert_eq!(format_count(1234567), "1,234,567");
        assert_eq!(format_count(12), "12");
    }
}
