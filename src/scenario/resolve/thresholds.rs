//! The `[thresholds]` table: each expression parsed and checked against the stages and requests.

use super::load::unknown_stage;
use super::Resolved;
use crate::scenario::error::{FieldError, FieldPath};
use crate::scenario::plan::{LoadPlan, RequestPlan};
use crate::scenario::threshold::{parse_threshold, Threshold};
use std::collections::BTreeMap;

pub(super) fn resolve_thresholds(
    raw: &BTreeMap<String, String>,
    requests: &[RequestPlan],
    load: &LoadPlan,
    at: &FieldPath,
) -> Resolved<Vec<Threshold>> {
    raw.iter()
        .map(|(key, value)| {
            let field = at.key(key);
            let t = parse_threshold(key, value).map_err(|m| FieldError::new(field.clone(), m))?;
            if let Some(stage) = &t.stage {
                if load.stage_index(stage).is_none() {
                    return Err(FieldError::new(field, unknown_stage(stage, load)));
                }
            }
            if let Some(req) = &t.request {
                if !requests.iter().any(|r| &r.name == req) {
                    let names: Vec<&str> = requests.iter().map(|r| r.name.as_str()).collect();
                    return Err(FieldError::new(
                        field,
                        format!(
                            "no request named {req:?}; requests are: {}",
                            names.join(", ")
                        ),
                    ));
                }
            }
            Ok(t)
        })
        .collect()
}
