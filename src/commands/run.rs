use super::{exit, Failure};
use crate::cli::RunArgs;
use crate::engine::{LiveCounters, StopSignal};
use crate::report::progress::{progress_line, ProgressContext};
use crate::run::{self, RunError, RunOptions};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

pub async fn run(args: RunArgs) -> Result<u8, Failure> {
    let options = RunOptions {
        scenario: args.scenario.clone(),
        out: args.out.clone(),
        segment: args.segment.unwrap_or_default(),
        start_at: args.start_at,
        target: args.target.clone(),
        threads: args.threads.map(|t| t as usize),
        self_profile: args.self_profile,
    };
    let stop = StopSignal::new();
    run::signals::install(stop.clone())
        .map_err(|e| Failure::cannot_run(format!("cannot install signal handlers: {e}")))?;
    let prepared = run::prepare(options).await.map_err(failure)?;
    let plan = prepared.plan.clone();
    if !args.quiet {
        eprintln!(
            "loadlab: {} → {} · {} stages, {:.0}s · {} engine thread(s) · writing {}",
            plan.name,
            prepared.target_display,
            plan.load.stages.len(),
            plan.load.total_duration().as_secs_f64(),
            prepared.threads,
            prepared.dir.path().display()
        );
    }
    let live = Arc::new(LiveCounters::new(prepared.threads));
    let progress = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let ctx = ProgressContext {
            total_s: plan.load.total_duration().as_secs_f64(),
            stages: plan
                .load
                .stages
                .iter()
                .map(|s| (s.name.clone(), s.start.as_secs_f64(), s.end().as_secs_f64()))
                .collect(),
        };
        tokio::spawn(show_progress(ctx, live.clone()))
    });
    let outcome = prepared.execute(live, stop).await;
    if let Some(p) = progress {
        p.abort();
        eprint!("\r\x1b[2K");
    }
    let outcome = outcome.map_err(failure)?;
    if !args.quiet {
        let redactor = crate::redact::Redactor::new(&plan.secrets);
        print!(
            "{}",
            redactor.text(&crate::report::terminal::render(&outcome.result))
        );
        println!("\nresult: {}", outcome.result_path.display());
        if let Some(html) = outcome.views.iter().find(|p| p.ends_with("index.html")) {
            println!("report: {}", html.display());
        }
    }
    if let Some(e) = &outcome.views_error {
        eprintln!("loadlab: warning: the report views were not written: {e}");
    }
    // A segment's thresholds judge a share of the load; the verdict belongs to the merged run.
    // Exiting 1 here would also fail an Indexed Job and stop its other segments mid-run.
    let segmented = args.segment.is_some_and(|s| !s.is_whole());
    if segmented && !outcome.passed && !args.quiet {
        eprintln!("loadlab: thresholds are judged on the merged run (loadlab merge); this segment exits 0");
    }
    Ok(if outcome.passed || segmented {
        exit::PASS
    } else {
        exit::THRESHOLD_FAILED
    })
}

fn failure(e: RunError) -> Failure {
    match e {
        RunError::Scenario(e) => Failure::bad_input(e.to_string()),
        RunError::Usage(m) => Failure::bad_input(m),
        RunError::CannotRun(m) => Failure::cannot_run(m),
    }
}

async fn show_progress(ctx: ProgressContext, live: Arc<LiveCounters>) {
    let start = tokio::time::Instant::now();
    let mut before = live.snapshot();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    loop {
        tick.tick().await;
        let now = live.snapshot();
        let line = progress_line(&ctx, start.elapsed().as_secs_f64(), &now, &before, 1.0);
        eprint!("\r\x1b[2K{line}");
        before = now;
    }
}
