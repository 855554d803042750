//! Kubernetes resource quantities (`500m`, `1`, `1.5`, `250m`, `2k`, `1e3`, `1Ki`) read exactly,
//! as the API server does, and turned into CPU amounts.
//!
//! The HPA works in integer millicores: `Quantity.MilliValue()` rounds *up* to a whole millicore,
//! so [`parse_cpu_millis`] does the same. [`parse_cpu_quantity`] gives cores.

use thiserror::Error;

/// Why a quantity string could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("invalid quantity {value:?}: {problem}")]
pub struct QuantityError {
    /// The text as given.
    pub value: String,
    /// What is wrong with it.
    pub problem: &'static str,
}

/// A quantity as an exact decimal: `mantissa × 10^exp10 × 1024^pow1024`, with a sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Exact {
    negative: bool,
    mantissa: u128,
    exp10: i32,
    pow1024: u32,
}

/// Parses a CPU quantity into cores: `"500m"` → 0.5, `"1"` → 1.0, `"1.5"` → 1.5.
///
/// The value is exact to the nanocore (rounded up below that, as Kubernetes does).
pub fn parse_cpu_quantity(text: &str) -> Result<f64, QuantityError> {
    let nanos = scaled_ceil(text, 9)?;
    // Exact integer to f64, then one correctly rounded division: "1.5" gives exactly 1.5.
    Ok(nanos as f64 / 1e9)
}

/// Parses a CPU quantity into whole millicores, rounding up like `Quantity.MilliValue()`.
pub fn parse_cpu_millis(text: &str) -> Result<i64, QuantityError> {
    let millis = scaled_ceil(text, 3)?;
    i64::try_from(millis).map_err(|_| error(text, "too large"))
}

/// Reads a quantity as an approximate float the way `Quantity.AsApproximateFloat64()` does
/// (`base × 10^exponent`), used for per-HPA `tolerance` values such as `0.05`.
pub(crate) fn parse_approximate_f64(text: &str) -> Result<f64, QuantityError> {
    let exact = parse_exact(text)?;
    let (mut mantissa, mut exp10) = (exact.mantissa, exact.exp10);
    // Go keeps the smallest mantissa: "0.050" is 5 × 10^-2.
    while mantissa != 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        exp10 += 1;
    }
    let base = mantissa as f64 * 1024f64.powi(exact.pow1024 as i32);
    let value = if exp10 >= 0 {
        base * 10f64.powi(exp10)
    } else {
        // Go's math.Pow10(-n) is 1 / 10^n, correctly rounded.
        base * (1.0 / 10f64.powi(-exp10))
    };
    Ok(if exact.negative { -value } else { value })
}

/// `ceil(quantity × 10^scale)` as an unsigned integer; CPU amounts must not be negative.
fn scaled_ceil(text: &str, scale: i32) -> Result<u128, QuantityError> {
    let exact = parse_exact(text)?;
    if exact.negative && exact.mantissa != 0 {
        return Err(error(text, "a CPU amount must not be negative"));
    }
    let too_large = || error(text, "too large");
    let mut numerator = exact.mantissa;
    for _ in 0..exact.pow1024 {
        numerator = numerator.checked_mul(1024).ok_or_else(too_large)?;
    }
    let exp = exact.exp10 + scale;
    if exp >= 0 {
        let factor = 10u128.checked_pow(exp as u32).ok_or_else(too_large)?;
        numerator.checked_mul(factor).ok_or_else(too_large)
    } else {
        match 10u128.checked_pow((-exp) as u32) {
            Some(divisor) => Ok(numerator.div_ceil(divisor)),
            // Smaller than one unit of the scale but not zero: rounds up to one.
            None => Ok(u128::from(numerator != 0)),
        }
    }
}

fn parse_exact(text: &str) -> Result<Exact, QuantityError> {
    let s = text.trim();
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let number_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_len);
    let (mantissa, frac_digits) = parse_number(text, number)?;
    let (suffix_exp10, pow1024) = parse_suffix(text, suffix)?;
    let exp10 = suffix_exp10
        .checked_sub(frac_digits)
        .ok_or_else(|| error(text, "exponent out of range"))?;
    Ok(Exact {
        negative,
        mantissa,
        exp10,
        pow1024,
    })
}

/// Digits with at most one `.`; returns the digits as an integer and how many followed the dot.
fn parse_number(text: &str, number: &str) -> Result<(u128, i32), QuantityError> {
    let (int_part, frac_part) = match number.split_once('.') {
        Some((i, f)) => (i, f),
        None => (number, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(error(text, "expected a number such as 500m, 1 or 1.5"));
    }
    if frac_part.contains('.') {
        return Err(error(text, "more than one decimal point"));
    }
    let digits = int_part.len() + frac_part.len();
    if digits > 30 {
        return Err(error(text, "too many digits"));
    }
    let mut mantissa: u128 = 0;
    for c in int_part.bytes().chain(frac_part.bytes()) {
        mantissa = mantissa * 10 + u128::from(c - b'0');
    }
    Ok((mantissa, frac_part.len() as i32))
}

/// Decimal SI (`n u m k M G T P E`), binary SI (`Ki`…`Ei`) or a decimal exponent (`e3`, `E-2`).
fn parse_suffix(text: &str, suffix: &str) -> Result<(i32, u32), QuantityError> {
    let decimal = match suffix {
        "" => Some(0),
        "n" => Some(-9),
        "u" => Some(-6),
        "m" => Some(-3),
        "k" => Some(3),
        "M" => Some(6),
        "G" => Some(9),
        "T" => Some(12),
        "P" => Some(15),
        "E" => Some(18),
        _ => None,
    };
    if let Some(exp) = decimal {
        return Ok((exp, 0));
    }
    let binary = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
        .iter()
        .position(|s| *s == suffix);
    if let Some(i) = binary {
        return Ok((0, i as u32 + 1));
    }
    let exponent = suffix
        .strip_prefix('e')
        .or_else(|| suffix.strip_prefix('E'))
        .and_then(|e| e.parse::<i32>().ok())
        .filter(|e| e.abs() <= 60);
    match exponent {
        Some(e) => Ok((e, 0)),
        None => Err(error(text, "unknown suffix (expected m, k, Ki, e3, …)")),
    }
}

fn error(text: &str, problem: &'static str) -> QuantityError {
    QuantityError {
        value: text.to_owned(),
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_quantities_in_cores() {
        assert_eq!(parse_cpu_quantity("500m"), Ok(0.5));
        assert_eq!(parse_cpu_quantity("1"), Ok(1.0));
        assert_eq!(parse_cpu_quantity("1.5"), Ok(1.5));
        assert_eq!(parse_cpu_quantity("250m"), Ok(0.25));
        assert_eq!(parse_cpu_quantity("0.1"), Ok(0.1));
        assert_eq!(parse_cpu_quantity(" 2 "), Ok(2.0));
        assert_eq!(parse_cpu_quantity("1e3"), Ok(1000.0));
        assert_eq!(parse_cpu_quantity("100000u"), Ok(0.1));
        assert_eq!(parse_cpu_quantity("1Ki"), Ok(1024.0));
        assert_eq!(parse_cpu_quantity(".5"), Ok(0.5));
    }

    #[test]
    fn millis_round_up_like_milli_value() {
        assert_eq!(parse_cpu_millis("500m"), Ok(500));
        assert_eq!(parse_cpu_millis("1.5"), Ok(1500));
        assert_eq!(parse_cpu_millis("0.0001"), Ok(1));
        assert_eq!(parse_cpu_millis("1500u"), Ok(2));
        assert_eq!(parse_cpu_millis("0"), Ok(0));
    }

    #[test]
    fn rejects_garbage_and_negative() {
        assert!(parse_cpu_quantity("").is_err());
        assert!(parse_cpu_quantity("m").is_err());
        assert!(parse_cpu_quantity("1.2.3").is_err());
        assert!(parse_cpu_quantity("500 m").is_err());
        assert!(parse_cpu_quantity("5x").is_err());
        assert!(parse_cpu_quantity("-1").is_err());
        assert!(parse_cpu_quantity("1e999").is_err());
    }

    #[test]
    fn approximate_float_for_tolerances() {
        assert_eq!(parse_approximate_f64("0.05"), Ok(0.05));
        assert_eq!(parse_approximate_f64("0.1"), Ok(0.1));
        assert_eq!(parse_approximate_f64("100m"), Ok(0.1));
        assert_eq!(parse_approximate_f64("0"), Ok(0.0));
    }
}
