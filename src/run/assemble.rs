//! Builds the `RunResult` from what the engine recorded and the facts of the run.

use crate::engine::EngineOutput;
use crate::metrics::build::{stage_results, timeline, StageSpec};
use crate::metrics::{
    Environment, GeneratorHealth, LatencyHistogram, LoadModelInfo, RequestInfo, RunInfo, RunResult,
    RunStatus, ScenarioInfo, SegmentInfo, SCHEMA_VERSION,
};
use crate::report::format::{format_count, format_micros};
use crate::scenario::{LoadModel, Plan};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What happened around the engine.
pub struct RunFacts {
    pub started_at: SystemTime,
    pub elapsed: Duration,
    pub partial_reason: Option<String>,
    pub segment: crate::engine::Segment,
    pub cpu_seconds: f64,
    /// How to show the target: its URL, or the demo target's address.
    pub target_display: String,
}

/// Scheduler lag p99 above this means requests left late: the generator could not keep up.
pub const LAG_P99_LIMIT_US: u64 = 5_000;
/// loadlab CPU above this share of its threads means the generator was the bottleneck.
pub const CPU_LIMIT: f64 = 0.9;

pub fn assemble(plan: &Plan, engine: &EngineOutput, facts: &RunFacts) -> RunResult {
    let specs: Vec<StageSpec> = plan
        .load
        .stages
        .iter()
        .map(|s| StageSpec {
            name: s.name.clone(),
            start_s: s.start.as_secs_f64(),
            duration_s: s.duration.as_secs_f64(),
            warmup_s: s.warmup.as_secs_f64(),
            from: s.from,
            to: s.to,
        })
        .collect();
    let names: Vec<String> = plan.requests.iter().map(|r| r.name.clone()).collect();
    let elapsed_s = facts.elapsed.as_secs_f64();
    let stages = stage_results(&engine.recorder, &specs, &names, elapsed_s);
    let generator = generator_health(plan, engine, facts, &stages);
    RunResult {
        schema_version: SCHEMA_VERSION,
        loadlab_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: scenario_info(plan, &facts.target_display),
        run: RunInfo {
            started_at: humantime::format_rfc3339_millis(facts.started_at).to_string(),
            start_unix_ms: facts
                .started_at
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
            duration_s: elapsed_s,
            status: if facts.partial_reason.is_some() {
                RunStatus::Partial
            } else {
                RunStatus::Complete
            },
            partial_reason: facts.partial_reason.clone(),
            segment: (!facts.segment.is_whole()).then_some(SegmentInfo {
                index: facts.segment.index,
                count: facts.segment.count,
            }),
            environment: environment(engine.threads),
        },
        timeline: timeline(&engine.recorder),
        stages,
        generator,
        thresholds: Vec::new(),
        probes: serde_json::Value::Null,
    }
}

pub fn scenario_info(plan: &Plan, target_display: &str) -> ScenarioInfo {
    ScenarioInfo {
        name: plan.name.clone(),
        path: plan.source.path.display().to_string(),
        digest: plan.source.digest.clone(),
        target: target_display.to_string(),
        model: match plan.load.model {
            LoadModel::Open => LoadModelInfo::Open,
            LoadModel::Closed { think_time } => LoadModelInfo::Closed {
                think_time_s: think_time.as_secs_f64(),
            },
        },
        http_version: plan.http.version.to_string(),
        connections: plan.http.connections,
        max_in_flight: plan.http.max_in_flight,
        timeout_s: plan.http.timeout.as_secs_f64(),
        requests: plan
            .requests
            .iter()
            .map(|r| RequestInfo {
                name: r.name.clone(),
                method: r.method.to_string(),
                path: r.path.source().to_string(),
                weight: r.weight,
            })
            .collect(),
        compare: plan.compare.clone(),
    }
}

fn generator_health(
    plan: &Plan,
    engine: &EngineOutput,
    facts: &RunFacts,
    stages: &[crate::metrics::StageResult],
) -> GeneratorHealth {
    let mut lag = LatencyHistogram::new();
    for s in stages {
        lag.add(&s.scheduler_lag);
    }
    let dropped: u64 = stages
        .iter()
        .flat_map(|s| s.requests.iter().chain(&s.warmup))
        .map(|r| r.dropped)
        .sum();
    let elapsed = facts.elapsed.as_secs_f64().max(1e-9);
    let cpu_utilization = facts.cpu_seconds / (elapsed * engine.threads as f64);
    let mut warnings = Vec::new();
    let lag_p99 = lag.percentile(99.0);
    if lag_p99 > LAG_P99_LIMIT_US {
        warnings.push(format!(
            "scheduler lag p99 {} (limit {}): requests left later than planned",
            format_micros(lag_p99 as f64),
            format_micros(LAG_P99_LIMIT_US as f64)
        ));
    }
    if cpu_utilization > CPU_LIMIT {
        warnings.push(format!(
            "loadlab used {:.0}% of its {} thread(s): run more threads or segments",
            cpu_utilization * 100.0,
            engine.threads
        ));
    }
    if dropped > 0 {
        warnings.push(format!(
            "{} arrivals dropped: {} requests were already in flight (raise [http] max_in_flight, or the target is saturated)",
            format_count(dropped),
            plan.http.max_in_flight
        ));
    }
    GeneratorHealth {
        threads: engine.threads,
        cpu_seconds: facts.cpu_seconds,
        cpu_utilization,
        scheduler_lag_p99_us: lag_p99,
        scheduler_lag_max_us: lag.max(),
        in_flight_cap_hits: dropped,
        connections_opened: engine.connections_opened,
        bottleneck: !warnings.is_empty(),
        warnings,
    }
}

fn environment(threads: usize) -> Environment {
    Environment {
        host: std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "unknown".into()),
        os: std::env::consts::OS.to_string(),
        arch: std::env::consts::ARCH.to_string(),
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        threads,
    }
}

/// User + system CPU time of this process so far, in seconds.
pub fn process_cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct we pass; RUSAGE_SELF is always valid.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(usage.ru_utime) + tv(usage.ru_stime)
}
