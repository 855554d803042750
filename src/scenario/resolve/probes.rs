//! The probes: `[profile]` (pprof captures per stage) and `[metrics]` (scrape and query).

use super::load::unknown_stage;
use super::values::optional_duration;
use super::{Resolved, Resolver};
use crate::scenario::error::{FieldError, FieldPath};
use crate::scenario::plan::{
    LoadPlan, MetricsPlan, ProfileKind, ProfilePlan, QueryPlan, ScrapePlan,
};
use crate::scenario::schema::{RawMetrics, RawProfile};
use std::time::Duration;

impl Resolver<'_> {
    pub(super) fn resolve_profile(
        &mut self,
        raw: &RawProfile,
        load: &LoadPlan,
        at: &FieldPath,
    ) -> Resolved<ProfilePlan> {
        let url = self.probe_url(&raw.url, &at.key("url"))?;
        let stages = if raw.stages.is_empty() {
            vec![longest_stage(load)]
        } else {
            raw.stages
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    load.stage_index(name).ok_or_else(|| {
                        FieldError::new(at.key("stages").index(i), unknown_stage(name, load))
                    })
                })
                .collect::<Resolved<_>>()?
        };
        let seconds = match raw.seconds {
            None => None,
            Some(s) if s >= 1 => Some(s as u64),
            Some(_) => return Err(FieldError::new(at.key("seconds"), "must be at least 1")),
        };
        let kinds = if raw.kinds.is_empty() {
            vec![ProfileKind::Cpu]
        } else {
            raw.kinds
                .iter()
                .enumerate()
                .map(|(i, k)| match k.as_str() {
                    "cpu" => Ok(ProfileKind::Cpu),
                    "heap" => Ok(ProfileKind::Heap),
                    "goroutine" => Ok(ProfileKind::Goroutine),
                    other => Err(FieldError::new(
                        at.key("kinds").index(i),
                        format!("unknown profile kind {other:?}; use cpu, heap or goroutine"),
                    )),
                })
                .collect::<Resolved<_>>()?
        };
        Ok(ProfilePlan {
            url,
            stages,
            seconds,
            kinds,
            headers: self.headers(&raw.headers, &at.key("headers"))?,
        })
    }

    pub(super) fn resolve_metrics(
        &mut self,
        raw: &RawMetrics,
        at: &FieldPath,
    ) -> Resolved<MetricsPlan> {
        if raw.url.is_none() && raw.prometheus.is_none() {
            return Err(FieldError::new(at.clone(), "set `url` (a /metrics endpoint to scrape) or `prometheus` (a server to query), or both"));
        }
        let scrape = match &raw.url {
            None => None,
            Some(url) => Some(ScrapePlan {
                url: self.probe_url(url, &at.key("url"))?,
                interval: optional_duration(
                    raw.interval.as_deref(),
                    Duration::from_secs(2),
                    &at.key("interval"),
                )?,
                series: raw
                    .series
                    .iter()
                    .enumerate()
                    .map(|(i, text)| {
                        crate::probe::SeriesSelector::parse(text)
                            .map(|_| text.clone())
                            .map_err(|e| FieldError::new(at.key("series").index(i), e.to_string()))
                    })
                    .collect::<Resolved<_>>()?,
                headers: self.headers(&raw.headers, &at.key("headers"))?,
            }),
        };
        let query = match &raw.prometheus {
            None => {
                if !raw.queries.is_empty() {
                    return Err(FieldError::new(
                        at.key("queries"),
                        "queries need `prometheus = \"http://...\"`, the server to ask",
                    ));
                }
                None
            }
            Some(url) => Some(QueryPlan {
                prometheus: self.static_url(url, &at.key("prometheus"))?,
                queries: raw
                    .queries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                step: optional_duration(
                    raw.step.as_deref(),
                    Duration::from_secs(1),
                    &at.key("step"),
                )?,
            }),
        };
        Ok(MetricsPlan { scrape, query })
    }
}

fn longest_stage(load: &LoadPlan) -> usize {
    let mut best = 0;
    for (i, s) in load.stages.iter().enumerate() {
        if s.duration > load.stages[best].duration {
            best = i;
        }
    }
    best
}
