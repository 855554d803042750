//! Thresholds are re-evaluated on the merged data. They are re-read from the expressions the
//! segments stored (`steady:p99 < 200ms`), so merging never needs the scenario file.

use super::error::MergeError;
use crate::analysis::thresholds::evaluate;
use crate::metrics::{RunResult, ThresholdResult};
use crate::scenario::threshold::parse_expression;

/// Every distinct threshold expression of `parts`, in first-seen order, evaluated on `merged`.
pub fn reevaluate(
    parts: &[&RunResult],
    merged: &RunResult,
) -> Result<Vec<ThresholdResult>, MergeError> {
    let mut expressions: Vec<&str> = Vec::new();
    for t in parts.iter().flat_map(|p| &p.thresholds) {
        if !expressions.contains(&t.expression.as_str()) {
            expressions.push(&t.expression);
        }
    }
    let thresholds = expressions
        .into_iter()
        .map(|e| {
            parse_expression(e).map_err(|reason| MergeError::Threshold {
                expression: e.to_string(),
                reason,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(evaluate(merged, &thresholds))
}
