//! `loadlab run`, step by step: load scenario → resolve plan → prepare output → start target
//! and probes → run engine → stop probes → build `RunResult` → check thresholds → write.

pub mod assemble;
pub mod demo;
pub mod output;
pub mod probes;
pub mod signals;

use crate::engine::{
    self, request::RequestFactory, Clock, EngineConfig, LiveCounters, Segment, StopSignal,
};
use crate::metrics::RunResult;
use crate::redact::Redactor;
use crate::report::write::RUN_VIEWS;
use crate::scenario::{self, Plan, ScenarioError, Target};
use assemble::{assemble, process_cpu_seconds, RunFacts};
use http::Uri;
use output::RunDir;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// What the user asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub scenario: PathBuf,
    pub out: Option<PathBuf>,
    pub segment: Segment,
    pub start_at: Option<SystemTime>,
    /// Replaces the scenario's `target` (same validation).
    pub target: Option<String>,
    pub threads: Option<usize>,
    /// Profile loadlab itself while it drives the load.
    pub self_profile: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    CannotRun(String),
}

/// A run ready to start: plan resolved, output writable, target reachable.
pub struct PreparedRun {
    pub plan: Arc<Plan>,
    pub dir: RunDir,
    pub target: Uri,
    pub target_display: String,
    pub threads: usize,
    options: RunOptions,
    factory: Arc<RequestFactory>,
    _demo: Option<demo::DemoProcess>,
}

/// A finished run and where it was written.
pub struct RunOutcome {
    pub result: RunResult,
    pub result_path: PathBuf,
    /// Report views written beside `result.json` (index.html, summary.md).
    pub views: Vec<PathBuf>,
    /// Why the views could not be written, if so (the result itself was saved).
    pub views_error: Option<String>,
    pub passed: bool,
}

pub async fn prepare(options: RunOptions) -> Result<PreparedRun, RunError> {
    let mut plan = scenario::load(&options.scenario)?;
    if let Some(t) = &options.target {
        plan.target = if t == "demo" {
            Target::Demo(Default::default())
        } else {
            Target::Url(
                scenario::parse_http_url(t)
                    .map_err(|m| RunError::Usage(format!("--target: {m}")))?,
            )
        };
    }
    let redactor = Redactor::new(&plan.secrets);
    let dir_path = options
        .out
        .clone()
        .unwrap_or_else(|| default_dir(&plan, options.segment));
    let dir = RunDir::prepare(&dir_path, redactor.clone())
        .map_err(|e| RunError::CannotRun(e.to_string()))?;
    let (target, demo, target_display) = match &plan.target {
        Target::Url(u) => (u.clone(), None, redactor.text(&u.to_string()).into_owned()),
        Target::Demo(opts) => {
            let d = demo::start(opts).await.map_err(RunError::CannotRun)?;
            let shown = format!("demo target {}", d.url);
            (d.url.clone(), Some(d), shown)
        }
    };
    plan.resolve_probe_urls(&target);
    let factory = RequestFactory::new(&plan, &target)
        .map_err(|e| RunError::Usage(redactor.text(&e.to_string()).into_owned()))?;
    let connector = engine::connect::Connector::new(&target, &plan.http)
        .await
        .map_err(|e| RunError::CannotRun(format!("target {target_display}: {e}")))?;
    engine::connect::preflight(&connector)
        .await
        .map_err(|reason| {
            RunError::CannotRun(format!("target {target_display} is unreachable: {reason}"))
        })?;
    let requested = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let threads = engine::thread_count(&plan, options.segment, requested);
    Ok(PreparedRun {
        plan: Arc::new(plan),
        dir,
        target,
        target_display,
        threads,
        options,
        factory: Arc::new(factory),
        _demo: demo,
    })
}

fn default_dir(plan: &Plan, segment: Segment) -> PathBuf {
    let stamp = humantime::format_rfc3339_seconds(SystemTime::now())
        .to_string()
        .replace([':', '-'], "");
    let name: String = plan
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut dir = format!("{name}-{stamp}");
    if !segment.is_whole() {
        dir.push_str(&format!("-segment-{}of{}", segment.index, segment.count));
    }
    PathBuf::from("reports").join(dir)
}

impl PreparedRun {
    /// Runs the load (blocking the calling task until it ends or `stop` is raised) and writes
    /// the result.
    pub async fn execute(
        self,
        live: Arc<LiveCounters>,
        stop: StopSignal,
    ) -> Result<RunOutcome, RunError> {
        if let Some(at) = self.options.start_at {
            wait_until(at, &stop).await;
        }
        let config = EngineConfig {
            target: self.target.clone(),
            segment: self.options.segment,
            threads: self.threads,
            stop_grace: Duration::from_secs(2),
        };
        let started_at = SystemTime::now();
        let cpu_before = process_cpu_seconds();
        let clock = Clock::start();
        let probes = probes::start(&self.plan, clock, &stop);
        let self_profile = self.options.self_profile.then(start_self_profile).flatten();
        let (plan, factory, engine_stop) = (self.plan.clone(), self.factory.clone(), stop.clone());
        let engine = tokio::task::spawn_blocking(move || {
            engine::run(plan, &config, factory, clock, engine_stop, live)
        })
        .await
        .map_err(|e| RunError::CannotRun(format!("engine task failed: {e}")))?
        .map_err(|e| RunError::CannotRun(e.to_string()))?;
        let planned = self.plan.load.total_duration();
        let facts = RunFacts {
            started_at,
            elapsed: if stop.is_stopped() {
                clock.elapsed().min(planned)
            } else {
                planned
            },
            partial_reason: stop.reason(),
            segment: self.options.segment,
            cpu_seconds: process_cpu_seconds() - cpu_before,
            target_display: self.target_display.clone(),
        };
        let mut result = assemble(&self.plan, &engine, &facts);
        let mut found = probes.finish(&self.plan, &result, &self.dir).await;
        found.self_profile =
            self_profile.and_then(|guard| finish_self_profile(guard, &self.dir, &result));
        if !found.is_empty() {
            result.probes = serde_json::to_value(&found).unwrap_or_default();
        }
        result.thresholds = crate::analysis::thresholds::evaluate(&result, &self.plan.thresholds);
        let passed = result.thresholds.iter().all(|t| t.passed);
        let result_path = self.write(&result)?;
        let (views, views_error) =
            match crate::report::write::write_views(&self.dir, &result, &RUN_VIEWS) {
                Ok(paths) => (paths, None),
                Err(e) => (Vec::new(), Some(e.to_string())),
            };
        Ok(RunOutcome {
            result,
            result_path,
            views,
            views_error,
            passed,
        })
    }

    /// Another plan against the same, already checked, target, written to `out`: for commands
    /// that run several plans in a row (the capacity search's steps). A demo target stays owned
    /// by `self`, so it outlives every derived run.
    pub fn for_plan(&self, mut plan: Plan, out: &std::path::Path) -> Result<PreparedRun, RunError> {
        plan.resolve_probe_urls(&self.target);
        let redactor = Redactor::new(&plan.secrets);
        let dir = RunDir::prepare(out, redactor.clone())
            .map_err(|e| RunError::CannotRun(e.to_string()))?;
        let factory = RequestFactory::new(&plan, &self.target)
            .map_err(|e| RunError::Usage(redactor.text(&e.to_string()).into_owned()))?;
        let requested = self
            .options
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        Ok(PreparedRun {
            threads: engine::thread_count(&plan, self.options.segment, requested),
            plan: Arc::new(plan),
            dir,
            target: self.target.clone(),
            target_display: self.target_display.clone(),
            options: RunOptions {
                out: Some(out.to_path_buf()),
                start_at: None,
                ..self.options.clone()
            },
            factory: Arc::new(factory),
            _demo: None,
        })
    }

    fn write(&self, result: &RunResult) -> Result<PathBuf, RunError> {
        match self.dir.write_result(result) {
            Ok(p) => Ok(p),
            Err(e) => {
                let redactor = Redactor::new(&self.plan.secrets);
                match output::write_fallback(result, &redactor) {
                    Ok(p) => Err(RunError::CannotRun(format!(
                        "{e}; the result was saved to {} instead",
                        p.display()
                    ))),
                    Err(json) => {
                        println!("{json}");
                        Err(RunError::CannotRun(format!(
                            "{e}; the result was printed to standard output instead"
                        )))
                    }
                }
            }
        }
    }
}

async fn wait_until(at: SystemTime, stop: &StopSignal) {
    while !stop.is_stopped() {
        let Ok(left) = at.duration_since(SystemTime::now()) else {
            return;
        };
        tokio::time::sleep(left.min(Duration::from_millis(100))).await;
    }
}

fn start_self_profile() -> Option<pprof::ProfilerGuard<'static>> {
    pprof::ProfilerGuardBuilder::default()
        .frequency(100)
        .blocklist(&["libc", "libgcc", "pthread", "vdso"])
        .build()
        .ok()
}

/// loadlab's own profile: written beside the target's, summarised like them.
fn finish_self_profile(
    guard: pprof::ProfilerGuard<'static>,
    dir: &RunDir,
    result: &RunResult,
) -> Option<crate::probe::ProfileCapture> {
    use pprof::protos::Message;
    let report = guard.report().build().ok()?;
    let encoded = report.pprof().ok()?.encode_to_vec();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &encoded).ok()?;
    let raw = gz.finish().ok()?;
    let profile = crate::probe::decode_profile(&raw).ok()?;
    let summary = crate::probe::summarize(&profile, crate::probe::ProfileKind::Cpu, 20).ok()?;
    let index = crate::probe::value_index(&profile, crate::probe::ProfileKind::Cpu)?;
    let mut folded = crate::probe::folded_stacks(&profile, index);
    let raw_file = dir
        .write_bytes("profiles/loadlab-self.pb.gz", &raw)
        .ok()
        .map(|_| "profiles/loadlab-self.pb.gz".to_string());
    let flame = crate::probe::flame_graph_svg(&folded, "loadlab (self) CPU profile")
        .ok()
        .and_then(|svg| dir.write_text("profiles/loadlab-self.svg", &svg).ok())
        .map(|_| "profiles/loadlab-self.svg".to_string());
    folded.sort_by_key(|f| std::cmp::Reverse(f.1));
    folded.truncate(5_000);
    let sent: u64 = result.timeline.iter().map(|s| s.completed as u64).sum();
    Some(crate::probe::ProfileCapture {
        stage: "(run)".into(),
        kind: crate::probe::ProfileKind::Cpu,
        url: "self".into(),
        window_s: [0.0, result.run.duration_s],
        status: crate::probe::CaptureStatus::Ok,
        reason: None,
        raw_file,
        flame_graph_file: flame,
        process_cpu_seconds_per_1k_requests: None,
        cpu_seconds_per_1k_requests: (sent > 0)
            .then(|| summary.total_value as f64 / 1e9 / sent as f64 * 1000.0),
        summary: Some(summary),
        requests_in_window: sent,
        folded,
    })
}
