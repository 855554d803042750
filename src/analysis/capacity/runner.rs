//! Runs the search against a real target: the only part of the capacity search that does I/O.
//!
//! The scenario is resolved and its target started once; each step is a copy of the plan with a
//! single open-model stage at the step's rate (warm-up 25% of the step, arrivals over
//! `max_in_flight` dropped, the SLO as its thresholds, no profiles), written to
//! `steps/rate-N/result.json`. A watcher cuts a step short when the SLO breaks badly
//! (`watch.rs`) or when the user interrupts; the state machine (`search.rs`) picks the next rate.

use super::error::CapacityError;
use super::result::{CapacityResult, SearchContext, SearchSettings};
use super::search::{Next, Search, SearchConfig, SearchEnd};
use super::slo::Slo;
use super::step::StepRecord;
use super::watch::StepWatch;
use crate::engine::{LiveCounters, StopSignal};
use crate::run::{self, PreparedRun, RunError, RunOptions};
use crate::scenario::{self, LoadModel, LoadPlan, Overload, Plan, StagePlan};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Share of each step excluded from its statistics.
pub const WARMUP_FRACTION: f64 = 0.25;
/// Shortest step: long enough for one whole measured second after the warm-up.
pub const MIN_STEP: Duration = Duration::from_secs(2);

/// What to search.
#[derive(Debug, Clone)]
pub struct CapacityRequest {
    pub scenario: PathBuf,
    /// Replaces the scenario's target (a URL or `demo`).
    pub target: Option<String>,
    /// The capacity directory (default `reports/capacity-<name>-<UTC timestamp>`).
    pub out: Option<PathBuf>,
    pub threads: Option<usize>,
    pub slo: Slo,
    pub search: SearchConfig,
    pub step: Duration,
    /// A pod's CPU request, cores: for requests per second per pod.
    pub pod_cpu_cores: Option<f64>,
}

/// A search ready to start: scenario resolved, target reachable, directory writable.
pub struct CapacityRun {
    request: CapacityRequest,
    prepared: PreparedRun,
    started_at: SystemTime,
}

impl CapacityRun {
    pub async fn prepare(request: CapacityRequest) -> Result<Self, CapacityError> {
        if request.step < MIN_STEP {
            return Err(CapacityError::input(
                "--step",
                format!("{:?} is too short; use at least 2s", request.step),
            ));
        }
        Search::new(request.search)?;
        let plan = scenario::load(&request.scenario)?;
        check_plan(&plan, &request.scenario)?;
        let out = request
            .out
            .clone()
            .unwrap_or_else(|| default_dir(&plan.name));
        let options = RunOptions {
            scenario: request.scenario.clone(),
            out: Some(out),
            target: request.target.clone(),
            threads: request.threads,
            ..RunOptions::default()
        };
        let prepared = run::prepare(options).await.map_err(|e| match e {
            RunError::Scenario(e) => CapacityError::ScenarioFile(e),
            RunError::Usage(m) => CapacityError::input("scenario", m),
            RunError::CannotRun(m) => CapacityError::CannotRun(m),
        })?;
        Ok(CapacityRun {
            request,
            prepared,
            started_at: SystemTime::now(),
        })
    }

    /// The capacity directory.
    pub fn dir(&self) -> &Path {
        self.prepared.dir.path()
    }

    /// The scenario's resolved plan.
    pub fn plan(&self) -> &Plan {
        &self.prepared.plan
    }

    /// How the target is shown (URL with secrets redacted, or the demo target's address).
    pub fn target_display(&self) -> &str {
        &self.prepared.target_display
    }

    /// Runs steps until the search ends or `stop` is raised; `on_step` sees each step as it ends.
    pub async fn search(
        self,
        stop: StopSignal,
        on_step: &mut dyn FnMut(&StepRecord),
    ) -> Result<CapacityResult, CapacityError> {
        let mut search = Search::new(self.request.search)?;
        let mut steps = Vec::new();
        let mut rate = search.first();
        let end = loop {
            if stop.is_stopped() {
                break SearchEnd::Interrupted {
                    last_pass: search.last_pass(),
                };
            }
            let mut record = self.step(rate, &stop, "").await?;
            on_step(&record);
            if record.generator_limited && !stop.is_stopped() {
                // One stall of the machine (another process on the generator's cores) can make a
                // step generator-limited; a limit that is real shows again.
                let first = record.notes.join("; ");
                record = self.step(rate, &stop, "-again").await?;
                record.repeated_because = Some(first);
                on_step(&record);
            }
            let observation = record.observation();
            steps.push(record);
            if stop.is_stopped() {
                break SearchEnd::Interrupted {
                    last_pass: search.last_pass(),
                };
            }
            match search.observe(observation) {
                Next::Step(r) => rate = r,
                Next::Done(end) => break end,
            }
        };
        Ok(CapacityResult::build(
            self.context(),
            self.settings(),
            steps,
            end,
            self.request.pod_cpu_cores,
        ))
    }

    async fn step(
        &self,
        rate: f64,
        outer: &StopSignal,
        suffix: &str,
    ) -> Result<StepRecord, CapacityError> {
        let name = format!("rate-{rate:.0}{suffix}");
        let relative = format!("steps/{name}");
        let plan = step_plan(
            &self.prepared.plan,
            &self.request.slo,
            &name,
            rate,
            self.request.step,
        );
        let step_error = |e: RunError| CapacityError::Step {
            rate,
            message: e.to_string(),
        };
        let prepared = self
            .prepared
            .for_plan(plan, &self.dir().join(&relative))
            .map_err(step_error)?;
        let live = Arc::new(LiveCounters::new(prepared.threads));
        let step_stop = StopSignal::new();
        let watch = StepWatch::new(
            rate,
            self.warmup().as_secs_f64(),
            self.request.slo.strictest_latency_s(),
        );
        let watcher = tokio::spawn(watch_step(
            live.clone(),
            step_stop.clone(),
            outer.clone(),
            watch,
        ));
        let outcome = prepared.execute(live, step_stop).await;
        watcher.abort();
        let outcome = outcome.map_err(step_error)?;
        Ok(StepRecord::from_result(
            rate,
            &outcome.result,
            &self.request.slo,
            format!("{relative}/result.json"),
        ))
    }

    fn warmup(&self) -> Duration {
        self.request.step.mul_f64(WARMUP_FRACTION)
    }

    fn context(&self) -> SearchContext {
        let plan = &self.prepared.plan;
        SearchContext {
            scenario: plan.name.clone(),
            scenario_path: plan.source.path.display().to_string(),
            target: self.prepared.target_display.clone(),
            started_at: humantime::format_rfc3339_seconds(self.started_at).to_string(),
            slo: self.request.slo.text.clone(),
        }
    }

    fn settings(&self) -> SearchSettings {
        let s = &self.request.search;
        SearchSettings {
            start_rate: s.start_rate,
            max_rate: s.max_rate,
            growth: s.growth,
            precision: s.precision,
            step_s: self.request.step.as_secs_f64(),
            warmup_s: self.warmup().as_secs_f64(),
            max_in_flight: self.prepared.plan.http.max_in_flight,
        }
    }
}

/// A capacity search holds an arrival rate: the scenario must use the open model (its HTTP
/// settings for a closed model are sized for users, not arrivals).
fn check_plan(plan: &Plan, path: &Path) -> Result<(), CapacityError> {
    if let LoadModel::Closed { .. } = plan.load.model {
        return Err(CapacityError::Scenario {
            path: path.to_path_buf(),
            problem: "capacity searches an arrival rate: set [load] model = \"open\" (the stages' \
                      rates do not matter, the request mix and [http] settings do)"
                .into(),
        });
    }
    Ok(())
}

/// The scenario's plan with one open-model stage at `rate` for `step`.
pub fn step_plan(base: &Plan, slo: &Slo, name: &str, rate: f64, step: Duration) -> Plan {
    let mut plan = base.clone();
    plan.load = LoadPlan {
        model: LoadModel::Open,
        overload: Overload::Drop,
        send_ahead: base.load.send_ahead,
        stages: vec![StagePlan {
            name: name.to_string(),
            start: Duration::ZERO,
            duration: step,
            from: rate,
            to: rate,
            warmup: step.mul_f64(WARMUP_FRACTION),
        }],
    };
    plan.thresholds = slo.terms.clone();
    plan.profile = None;
    plan
}

async fn watch_step(
    live: Arc<LiveCounters>,
    step_stop: StopSignal,
    outer: StopSignal,
    mut watch: StepWatch,
) {
    let start = tokio::time::Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    loop {
        tick.tick().await;
        if outer.is_stopped() {
            step_stop.stop(outer.reason().unwrap_or_else(|| "interrupted".into()));
            return;
        }
        if let Some(why) = watch.tick(start.elapsed().as_secs_f64(), live.snapshot()) {
            step_stop.stop(why);
            return;
        }
    }
}

fn default_dir(name: &str) -> PathBuf {
    let stamp = humantime::format_rfc3339_seconds(SystemTime::now())
        .to_string()
        .replace([':', '-'], "");
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    PathBuf::from("reports").join(format!("capacity-{safe}-{stamp}"))
}
