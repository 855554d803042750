//! Turns merged recorders into the `RunResult` sections: stages and the timeline.

use super::outcome::{Outcome, ALL_OUTCOMES};
use super::recorder::{Recorder, RequestRecorder};
use super::result::{OutcomeResult, RequestResult, SecondResult, StageResult};

/// What a stage was planned as, in seconds from the run's start.
#[derive(Debug, Clone)]
pub struct StageSpec {
    pub name: String,
    pub start_s: f64,
    pub duration_s: f64,
    pub warmup_s: f64,
    pub from: f64,
    pub to: f64,
}

/// Stage results; `elapsed_s` (the load phase's actual length) trims stages of a stopped run.
pub fn stage_results(
    recorder: &Recorder,
    specs: &[StageSpec],
    request_names: &[String],
    elapsed_s: f64,
) -> Vec<StageResult> {
    specs
        .iter()
        .zip(&recorder.stages)
        .map(|(spec, rec)| {
            let measured_start = spec.start_s + spec.warmup_s;
            let measured_end = (spec.start_s + spec.duration_s).min(elapsed_s);
            StageResult {
                name: spec.name.clone(),
                start_s: spec.start_s,
                duration_s: spec.duration_s,
                warmup_s: spec.warmup_s,
                measured_s: (measured_end - measured_start).max(0.0),
                from: spec.from,
                to: spec.to,
                requests: request_results(&rec.measured, request_names),
                warmup: request_results(&rec.warmup, request_names),
                scheduler_lag: rec.lag.clone(),
            }
        })
        .collect()
}

fn request_results(recs: &[RequestRecorder], names: &[String]) -> Vec<RequestResult> {
    recs.iter()
        .zip(names)
        .map(|(r, name)| RequestResult {
            name: name.clone(),
            dropped: r.dropped,
            bytes_received: r.bytes,
            outcomes: ALL_OUTCOMES
                .iter()
                .filter_map(|o| {
                    r.outcomes[o.index()].as_ref().map(|rec| {
                        (
                            *o,
                            OutcomeResult {
                                count: rec.count,
                                latency: rec.latency.clone(),
                                service_time: rec.service.clone(),
                            },
                        )
                    })
                })
                .collect(),
            status_codes: {
                let mut codes = r.status_codes.clone();
                codes.sort_unstable();
                codes.into_iter().map(|(c, n)| (c.to_string(), n)).collect()
            },
        })
        .collect()
}

pub fn timeline(recorder: &Recorder) -> Vec<SecondResult> {
    recorder
        .seconds
        .iter()
        .enumerate()
        .map(|(t, s)| SecondResult {
            t: t as u32,
            sent: s.sent,
            dropped: s.dropped,
            completed: s.completed,
            ok: s.outcomes[Outcome::Ok.index()],
            errors: ALL_OUTCOMES
                .iter()
                .filter(|o| o.is_error() && s.outcomes[o.index()] > 0)
                .map(|o| (*o, s.outcomes[o.index()]))
                .collect(),
            in_flight_max: s.in_flight_max,
            lag_max_us: s.lag_max_us,
            p50_us: s.latency.percentile(50.0),
            p90_us: s.latency.percentile(90.0),
            p99_us: s.latency.percentile(99.0),
            latency: s.latency.clone(),
        })
        .collect()
}
