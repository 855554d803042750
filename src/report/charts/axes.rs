//! Axis ranges, tick positions and tick labels: time in seconds, latency on a log scale,
//! plain counts on a linear scale, percentiles on a log 1/(1−p) scale.

use std::ops::Range;

/// An axis: the value range drawn and where its labelled ticks go.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub range: Range<f64>,
    pub ticks: Vec<f64>,
}

/// A time axis from 0 to `duration_s` (at least 1 s), ticks on round seconds or minutes.
pub fn time_axis(duration_s: f64) -> Axis {
    let end = if duration_s.is_finite() && duration_s > 1.0 {
        duration_s
    } else {
        1.0
    };
    const STEPS: [f64; 14] = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
    ];
    let step = STEPS
        .iter()
        .copied()
        .find(|s| end / s <= 10.0)
        .unwrap_or_else(|| (end / 10.0 / 3600.0).ceil() * 3600.0);
    let ticks = (0..)
        .map(|i| i as f64 * step)
        .take_while(|t| *t <= end + 1e-9)
        .collect();
    Axis {
        range: 0.0..end,
        ticks,
    }
}

/// `42s` for short runs, `12:30` (m:ss) or `1:02:30` for long ones.
pub fn format_time(t: f64, duration_s: f64) -> String {
    let t = t.max(0.0).round() as u64;
    if duration_s <= 120.0 {
        format!("{t}s")
    } else if t < 3600 {
        format!("{}:{:02}", t / 60, t % 60)
    } else {
        format!("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
    }
}

/// A linear axis from 0 to a little above `max`, with 4–6 ticks on 1-2-5 steps.
pub fn linear_axis(max: f64) -> Axis {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let step = nice_step(max / 5.0);
    let end = (max * 1.08 / step).ceil() * step;
    let ticks = (0..)
        .map(|i| i as f64 * step)
        .take_while(|t| *t <= end + step * 1e-9)
        .collect();
    Axis {
        range: 0.0..end,
        ticks,
    }
}

/// [`linear_axis`] for whole counts: ticks never fall between integers.
pub fn count_axis(max: f64) -> Axis {
    linear_axis(if max.is_finite() { max.max(4.0) } else { 4.0 })
}

/// A linear axis over `[min, max]` (not forced to 0), for metric series.
pub fn span_axis(min: f64, max: f64) -> Axis {
    if !(min.is_finite() && max.is_finite()) || min >= 0.0 {
        return linear_axis(max.max(0.0));
    }
    let span = (max - min).max(f64::MIN_POSITIVE);
    let step = nice_step(span / 5.0);
    let start = (min / step).floor() * step;
    let end = ((max + span * 0.08) / step).ceil() * step;
    let ticks = (0..)
        .map(|i| start + i as f64 * step)
        .take_while(|t| *t <= end + step * 1e-9)
        .collect();
    Axis {
        range: start..end,
        ticks,
    }
}

fn nice_step(raw: f64) -> f64 {
    let raw = if raw.is_finite() && raw > 0.0 {
        raw
    } else {
        1.0
    };
    let magnitude = 10f64.powf(raw.log10().floor());
    let m = raw / magnitude;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// A log10 axis covering `[min_us, max_us]` (µs): values are plotted as `log10(µs)`. The range
/// spans at least a factor of 2.5 so a flat line still gets ticks; ticks on 1-2-5 (or 1–9).
pub fn log_micros_axis(min_us: f64, max_us: f64) -> Axis {
    let lo = log_us(min_us.min(max_us));
    let hi = log_us(max_us.max(min_us));
    let (mut lo, mut hi) = (lo - 0.04, hi + 0.06);
    if hi - lo < 0.4 {
        let mid = (lo + hi) / 2.0;
        lo = mid - 0.2;
        hi = mid + 0.2;
    }
    lo = lo.max(0.0);
    let decades = hi - lo;
    let multipliers: &[f64] = if decades > 3.0 {
        &[1.0]
    } else if decades > 1.2 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    };
    let mut ticks = Vec::new();
    for decade in (lo.floor() as i32)..=(hi.ceil() as i32) {
        for m in multipliers {
            let t = (m * 10f64.powi(decade)).log10();
            if t >= lo - 1e-9 && t <= hi + 1e-9 {
                ticks.push(t);
            }
        }
    }
    Axis {
        range: lo..hi,
        ticks,
    }
}

/// `log10` of a latency in µs, clamped to the histogram's 1 µs floor.
pub fn log_us(us: f64) -> f64 {
    if us.is_finite() && us > 1.0 {
        us.log10()
    } else {
        0.0
    }
}

/// Compact latency labels for axes: `250µs`, `1.5ms`, `20ms`, `1.2s`.
pub fn axis_micros(us: f64) -> String {
    let us = round_sig(us, 3);
    if us < 1_000.0 {
        format!("{}µs", trim(us, 1))
    } else if us < 1_000_000.0 {
        format!("{}ms", trim(us / 1e3, 2))
    } else {
        format!("{}s", trim(us / 1e6, 2))
    }
}

/// Compact counts and values: `0.25`, `12`, `1.5k`, `3M`.
pub fn axis_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{}G", trim(v / 1e9, 2))
    } else if a >= 1e6 {
        format!("{}M", trim(v / 1e6, 2))
    } else if a >= 1e4 {
        format!("{}k", trim(v / 1e3, 1))
    } else if a >= 1.0 || a == 0.0 {
        trim(v, 2)
    } else {
        trim(round_sig(v, 2), 4)
    }
}

/// Byte sizes for axes: `512B`, `80MB`, `1.5GB` (decimal units).
pub fn axis_bytes(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{}GB", trim(v / 1e9, 2))
    } else if a >= 1e6 {
        format!("{}MB", trim(v / 1e6, 1))
    } else if a >= 1e3 {
        format!("{}kB", trim(v / 1e3, 1))
    } else {
        format!("{}B", trim(v, 0))
    }
}

/// The position of percentile `p` (0–100) on the HDR axis: `log10(1 / (1 − p/100))`.
pub fn percentile_x(p: f64) -> f64 {
    let rest = (1.0 - p / 100.0).max(1e-12);
    -rest.log10()
}

/// The HDR percentile axis up to `max_x` (a `percentile_x`), ticks 50 % … 99.99 % and beyond.
pub fn percentile_axis(max_x: f64) -> Axis {
    const LABELLED: [f64; 6] = [50.0, 90.0, 99.0, 99.9, 99.99, 99.999];
    let ticks = LABELLED
        .iter()
        .map(|p| percentile_x(*p))
        .filter(|x| *x <= max_x + 1e-9)
        .collect();
    Axis {
        range: 0.0..max_x,
        ticks,
    }
}

/// The label of a tick on the HDR axis: `99.9%`.
pub fn format_percentile_x(x: f64) -> String {
    let p = (1.0 - 10f64.powf(-x)) * 100.0;
    let mut text = format!("{p:.5}");
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    format!("{text}%")
}

fn round_sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return 0.0;
    }
    let scale = 10f64.powi(digits - 1 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

/// `v` with at most `decimals` decimals and no trailing zeros.
fn trim(v: f64, decimals: usize) -> String {
    let mut text = format!("{v:.decimals$}");
    if text.contains('.') {
        while text.ends_with('0') {
            text.pop();
        }
        if text.ends_with('.') {
            text.pop();
        }
    }
    if text == "-0" {
        text = "0".into();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_ticks_stay_few_for_short_and_long_runs() {
        assert_eq!(time_axis(0.0).ticks, vec![0.0, 1.0]);
        assert_eq!(time_axis(40.0).ticks.len(), 9);
        let hour = time_axis(3600.0);
        assert!(hour.ticks.len() <= 11, "{:?}", hour.ticks);
        assert_eq!(format_time(90.0, 40.0), "90s");
        assert_eq!(format_time(750.0, 3600.0), "12:30");
        assert_eq!(format_time(3750.0, 7200.0), "1:02:30");
    }

    #[test]
    fn linear_axes_cover_their_maximum() {
        let a = linear_axis(987.0);
        assert!(a.range.end >= 987.0 && a.range.end <= 1200.0, "{a:?}");
        assert_eq!(a.ticks[1], 200.0);
        for degenerate in [0.0, f64::NAN, -5.0] {
            let a = linear_axis(degenerate);
            assert!(a.range.start == 0.0 && a.range.end >= 1.0, "{a:?}");
        }
        assert_eq!(count_axis(2.0).ticks, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        let s = span_axis(-3.0, 7.0);
        assert!(s.range.start <= -3.0 && s.range.end >= 7.0);
    }

    #[test]
    fn log_axes_always_have_ticks() {
        for (lo, hi) in [
            (1.0, 1.0),
            (4100.0, 4600.0),
            (120.0, 2_000_000.0),
            (0.0, 0.0),
        ] {
            let a = log_micros_axis(lo, hi);
            assert!(!a.ticks.is_empty(), "{lo}..{hi}: {a:?}");
            assert!(a.range.start <= log_us(lo) && a.range.end >= log_us(hi));
        }
    }

    #[test]
    fn labels_are_compact() {
        assert_eq!(axis_micros(250.0), "250µs");
        assert_eq!(axis_micros(1_500.0), "1.5ms");
        assert_eq!(axis_micros(20_000.0), "20ms");
        assert_eq!(axis_micros(1_200_000.0), "1.2s");
        assert_eq!(axis_micros(10f64.powf(4.0f64.log10())), "4µs");
        assert_eq!(axis_number(1500.0), "1500");
        assert_eq!(axis_number(25_000.0), "25k");
        assert_eq!(axis_number(0.25), "0.25");
        assert_eq!(axis_number(0.0), "0");
        assert_eq!(axis_bytes(80e6), "80MB");
        assert_eq!(axis_bytes(512.0), "512B");
    }

    #[test]
    fn percentile_ticks_read_as_percentiles() {
        let a = percentile_axis(percentile_x(99.99));
        let labels: Vec<String> = a.ticks.iter().map(|x| format_percentile_x(*x)).collect();
        assert_eq!(labels, ["50%", "90%", "99%", "99.9%", "99.99%"]);
    }
}
