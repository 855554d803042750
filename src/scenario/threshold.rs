//! Threshold expressions: `"checkout.p95" = "< 120ms"`, `"steady:errors" = "< 1%"`.
//!
//! The key selects `[stage:][request.]metric`; the value is `OP LIMIT` with a unit that fits the
//! metric (a duration for latencies, a percentage or a count for errors and drops, a rate).

use super::units::{parse_duration, parse_percent, parse_rate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A parsed threshold, its limit in canonical units (µs, fraction, req/s, count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    /// As written: `checkout.p95 < 120ms`.
    pub expression: String,
    pub stage: Option<String>,
    pub request: Option<String>,
    pub metric: Metric,
    pub op: Op,
    pub limit: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Metric {
    /// Latency percentile (0–100) of successful requests, from intended start.
    Percentile(f64),
    Min,
    Max,
    Mean,
    /// Fraction of sent requests that failed.
    ErrorRate,
    ErrorCount,
    /// Completed successful requests per second over the measured window.
    Rate,
    Dropped,
    DroppedRate,
    Requests,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "==")]
    Eq,
}

impl Op {
    pub fn holds(self, observed: f64, limit: f64) -> bool {
        match self {
            Op::Lt => observed < limit,
            Op::Le => observed <= limit,
            Op::Gt => observed > limit,
            Op::Ge => observed >= limit,
            Op::Eq => (observed - limit).abs() < 1e-9,
        }
    }
    fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl Metric {
    /// The unit a limit of this metric is expressed in, for messages and reports.
    pub fn unit(self) -> MetricUnit {
        match self {
            Metric::Percentile(_) | Metric::Min | Metric::Max | Metric::Mean => MetricUnit::Micros,
            Metric::ErrorRate | Metric::DroppedRate => MetricUnit::Fraction,
            Metric::Rate => MetricUnit::PerSecond,
            Metric::ErrorCount | Metric::Dropped | Metric::Requests => MetricUnit::Count,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricUnit {
    Micros,
    Fraction,
    PerSecond,
    Count,
}

/// Parses one `key = "value"` threshold entry.
pub fn parse_threshold(key: &str, value: &str) -> Result<Threshold, String> {
    let (stage, rest) = match key.split_once(':') {
        Some((s, r)) if !s.trim().is_empty() => (Some(s.trim().to_string()), r.trim()),
        Some(_) => {
            return Err(format!(
                "threshold key {key:?}: empty stage name before `:`"
            ))
        }
        None => (None, key.trim()),
    };
    let (request, metric_name) = split_metric(rest);
    let value = value.trim();
    let (op, limit_text) = split_op(value).ok_or_else(|| {
        format!("threshold {key:?} = {value:?}: expected an operator (<, <=, >, >=, ==) then a limit, e.g. \"< 200ms\"")
    })?;
    let (metric, limit) = parse_metric_and_limit(metric_name, limit_text)
        .map_err(|e| format!("threshold {key:?} = {value:?}: {e}"))?;
    Ok(Threshold {
        expression: format!("{} {} {}", key.trim(), op, limit_text),
        stage,
        request: request.map(str::to_string),
        metric,
        op,
        limit,
    })
}

/// Parses a threshold from its stored one-line form (`ThresholdResult::expression`, e.g.
/// `steady:p99 < 200ms`): the key is the text before the first operator character.
pub fn parse_expression(expression: &str) -> Result<Threshold, String> {
    let at = expression.find(['<', '>', '=']).ok_or_else(|| {
        format!("threshold {expression:?}: expected `KEY OP LIMIT`, e.g. \"p99 < 200ms\"")
    })?;
    parse_threshold(&expression[..at], &expression[at..])
}

/// `checkout.p99.9` → (Some("checkout"), "p99.9"); `p99` → (None, "p99").
fn split_metric(text: &str) -> (Option<&str>, &str) {
    for (i, _) in text.match_indices('.') {
        let (head, tail) = (&text[..i], &text[i + 1..]);
        if is_metric_name(tail) && !head.is_empty() {
            return (Some(head), tail);
        }
    }
    (None, text)
}

fn is_metric_name(name: &str) -> bool {
    matches!(
        name,
        "min" | "max" | "mean" | "errors" | "rate" | "dropped" | "requests"
    ) || percentile_of(name).is_some()
}

fn percentile_of(name: &str) -> Option<f64> {
    let p: f64 = name.strip_prefix('p')?.parse().ok()?;
    (p > 0.0 && p <= 100.0).then_some(p)
}

fn split_op(value: &str) -> Option<(Op, &str)> {
    for (sym, op) in [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("==", Op::Eq),
        ("<", Op::Lt),
        (">", Op::Gt),
    ] {
        if let Some(rest) = value.strip_prefix(sym) {
            return Some((op, rest.trim()));
        }
    }
    None
}

fn parse_metric_and_limit(metric: &str, limit: &str) -> Result<(Metric, f64), String> {
    let latency = |m: Metric| -> Result<(Metric, f64), String> {
        let d = parse_duration(limit)?;
        Ok((m, d.as_secs_f64() * 1e6))
    };
    match metric {
        "min" => latency(Metric::Min),
        "max" => latency(Metric::Max),
        "mean" => latency(Metric::Mean),
        "errors" if limit.ends_with('%') => Ok((Metric::ErrorRate, parse_percent(limit)?)),
        "errors" => Ok((Metric::ErrorCount, parse_count(limit)?)),
        "dropped" if limit.ends_with('%') => Ok((Metric::DroppedRate, parse_percent(limit)?)),
        "dropped" => Ok((Metric::Dropped, parse_count(limit)?)),
        "requests" => Ok((Metric::Requests, parse_count(limit)?)),
        "rate" => Ok((Metric::Rate, parse_rate(limit)?)),
        other => match percentile_of(other) {
            Some(p) => latency(Metric::Percentile(p)),
            None => Err(format!(
                "unknown metric `{other}`; known: p50, p90, p95, p99, p99.9 (any pN), min, max, mean, errors, rate, dropped, requests"
            )),
        },
    }
}

fn parse_count(text: &str) -> Result<f64, String> {
    text.parse::<u64>()
        .map(|v| v as f64)
        .map_err(|_| format!("expected a whole count or a percentage, got {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_wide_latency() {
        let t = parse_threshold("p99", "< 200ms").unwrap();
        assert_eq!(t.metric, Metric::Percentile(99.0));
        assert_eq!(t.op, Op::Lt);
        assert_eq!(t.limit, 200_000.0);
        assert_eq!(t.stage, None);
        assert_eq!(t.request, None);
        assert_eq!(t.expression, "p99 < 200ms");
    }

    #[test]
    fn scoped_to_stage_and_request() {
        let t = parse_threshold("steady:checkout.p99.9", "<= 1s").unwrap();
        assert_eq!(t.stage.as_deref(), Some("steady"));
        assert_eq!(t.request.as_deref(), Some("checkout"));
        assert_eq!(t.metric, Metric::Percentile(99.9));
        assert_eq!(t.limit, 1e6);
    }

    #[test]
    fn request_names_may_contain_dots() {
        let t = parse_threshold("api.v2.get.p95", "< 5ms").unwrap();
        assert_eq!(t.request.as_deref(), Some("api.v2.get"));
    }

    #[test]
    fn errors_rate_and_drops() {
        assert_eq!(
            parse_threshold("errors", "< 1%").unwrap().metric,
            Metric::ErrorRate
        );
        assert_eq!(parse_threshold("errors", "< 1%").unwrap().limit, 0.01);
        assert_eq!(
            parse_threshold("errors", "== 0").unwrap().metric,
            Metric::ErrorCount
        );
        let r = parse_threshold("rate", "> 900/s").unwrap();
        assert_eq!((r.metric, r.op, r.limit), (Metric::Rate, Op::Gt, 900.0));
        assert_eq!(
            parse_threshold("dropped", "== 0").unwrap().metric,
            Metric::Dropped
        );
    }

    #[test]
    fn helpful_errors() {
        assert!(parse_threshold("p99", "200ms")
            .unwrap_err()
            .contains("operator"));
        assert!(parse_threshold("p99", "< 200")
            .unwrap_err()
            .contains("duration"));
        assert!(parse_threshold("latency", "< 2s")
            .unwrap_err()
            .contains("unknown metric"));
        assert!(parse_threshold(":p99", "< 2s")
            .unwrap_err()
            .contains("empty stage"));
    }

    #[test]
    fn stored_expressions_parse_back_to_the_same_threshold() {
        for (key, value) in [
            ("p99", "< 200ms"),
            ("steady:checkout.p99.9", "<= 1s"),
            ("errors", "< 1%"),
            ("steady:rate", "> 950/s"),
            ("dropped", "== 0"),
        ] {
            let t = parse_threshold(key, value).unwrap();
            assert_eq!(parse_expression(&t.expression).unwrap(), t);
        }
        assert!(parse_expression("p99 200ms")
            .unwrap_err()
            .contains("KEY OP LIMIT"));
    }

    #[test]
    fn ops_compare() {
        assert!(Op::Lt.holds(1.0, 2.0));
        assert!(!Op::Gt.holds(1.0, 2.0));
        assert!(Op::Eq.holds(0.0, 0.0));
    }
}
