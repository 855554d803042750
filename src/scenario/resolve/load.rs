//! The `[load]` section: the model (open or closed), the overload policy, how far ahead an
//! arrival may be sent, and the stages.

use super::values::optional_duration;
use super::Resolved;
use crate::scenario::error::{FieldError, FieldPath};
use crate::scenario::plan::{LoadModel, LoadPlan, Overload, StagePlan};
use crate::scenario::schema::{RateValue, RawLoad, RawStage};
use crate::scenario::units::{parse_duration, parse_rate};
use std::time::Duration;

pub(super) fn unknown_stage(name: &str, load: &LoadPlan) -> String {
    let names: Vec<&str> = load.stages.iter().map(|s| s.name.as_str()).collect();
    format!("no stage named {name:?}; stages are: {}", names.join(", "))
}

pub(super) fn resolve_load(raw: &RawLoad, at: &FieldPath) -> Resolved<LoadPlan> {
    let model = match raw.model.as_str() {
        "open" => {
            if raw.think_time.is_some() {
                return Err(FieldError::new(at.key("think_time"), "think_time applies to the closed model (users); the open model sends at a rate"));
            }
            LoadModel::Open
        }
        "closed" => LoadModel::Closed {
            think_time: optional_duration(
                raw.think_time.as_deref(),
                Duration::ZERO,
                &at.key("think_time"),
            )?,
        },
        other => {
            return Err(FieldError::new(
                at.key("model"),
                format!(
                    "unknown model {other:?}; use \"open\" (arrival rate) or \"closed\" (users)"
                ),
            ))
        }
    };
    let overload = match (raw.overload.as_deref(), model) {
        (None, _) | (Some("drop"), _) => Overload::Drop,
        (Some("queue"), LoadModel::Open) => Overload::Queue,
        (Some("queue"), LoadModel::Closed { .. }) => {
            return Err(FieldError::new(
                at.key("overload"),
                "overload applies to the open model; closed-model users wait by nature",
            ))
        }
        (Some(other), _) => {
            return Err(FieldError::new(
                at.key("overload"),
                format!("unknown overload policy {other:?}; use \"drop\" (count and skip) or \"queue\" (wait for a connection)"),
            ))
        }
    };
    let send_ahead = super::send_ahead::resolve(raw.send_ahead.as_deref(), model, at)?;
    if raw.stages.is_empty() {
        return Err(FieldError::new(
            at.key("stage"),
            "no [[load.stage]] defined",
        ));
    }
    let mut stages: Vec<StagePlan> = Vec::with_capacity(raw.stages.len());
    let mut start = Duration::ZERO;
    let mut level = 0.0;
    for (i, s) in raw.stages.iter().enumerate() {
        let at = at.key("stage").index(i);
        let name = s.name.clone().unwrap_or_else(|| format!("stage{}", i + 1));
        if name.contains(':') || name.trim().is_empty() {
            return Err(FieldError::new(
                at.key("name"),
                "must be non-empty and contain no `:`",
            ));
        }
        if stages.iter().any(|p| p.name == name) {
            return Err(FieldError::new(
                at.key("name"),
                format!("duplicate stage name {name:?}"),
            ));
        }
        let duration =
            parse_duration(&s.duration).map_err(|m| FieldError::new(at.key("duration"), m))?;
        if duration.is_zero() {
            return Err(FieldError::new(
                at.key("duration"),
                "must be longer than zero",
            ));
        }
        let target = stage_level(s, model, &at)?;
        let warmup = optional_duration(s.warmup.as_deref(), Duration::ZERO, &at.key("warmup"))?;
        if warmup >= duration {
            return Err(FieldError::new(
                at.key("warmup"),
                "must be shorter than the stage's duration",
            ));
        }
        let from = if s.ramp { level } else { target };
        stages.push(StagePlan {
            name,
            start,
            duration,
            from,
            to: target,
            warmup,
        });
        start += duration;
        level = target;
    }
    Ok(LoadPlan {
        model,
        overload,
        send_ahead,
        stages,
    })
}

fn stage_level(s: &RawStage, model: LoadModel, at: &FieldPath) -> Resolved<f64> {
    match (model, &s.rate, s.users) {
        (_, Some(_), Some(_)) => Err(FieldError::new(at.key("users"), "set rate (open model) or users (closed model), not both")),
        (LoadModel::Open, Some(rate), None) => {
            let r = match rate {
                RateValue::Number(n) => *n,
                RateValue::Text(t) => parse_rate(t).map_err(|m| FieldError::new(at.key("rate"), m))?,
            };
            if !(r.is_finite() && r >= 0.0) {
                return Err(FieldError::new(at.key("rate"), "must be zero or positive"));
            }
            if r > 10_000_000.0 {
                return Err(FieldError::new(at.key("rate"), "above 10M/s; split the load into segments"));
            }
            Ok(r)
        }
        (LoadModel::Open, None, _) => Err(FieldError::new(
            at.key("rate"),
            "the open model needs a rate per stage, e.g. rate = \"200/s\" (users belong to the closed model)",
        )),
        (LoadModel::Closed { .. }, None, Some(users)) => {
            if !(0..=100_000).contains(&users) {
                return Err(FieldError::new(at.key("users"), "must be between 0 and 100000"));
            }
            Ok(users as f64)
        }
        (LoadModel::Closed { .. }, _, None) => Err(FieldError::new(
            at.key("users"),
            "the closed model needs users per stage (a rate belongs to the open model)",
        )),
    }
}
