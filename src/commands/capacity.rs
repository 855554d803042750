//! `loadlab capacity`: flags → a capacity request; the steps' table as they run; the figures,
//! the verdict and the exit status at the end.

use super::{exit, Failure};
use crate::analysis::capacity::hpa_check::read_pod_cpu;
use crate::analysis::capacity::write::write_capacity_dir;
use crate::analysis::capacity::{
    terminal, CapacityError, CapacityRequest, CapacityRun, SearchConfig, SearchEnd, StepRecord,
    CAPACITY_FILE,
};
use crate::cli::CapacityArgs;
use crate::engine::StopSignal;

/// Growth factor between passing steps.
const GROWTH: f64 = 2.0;

pub async fn capacity(args: CapacityArgs) -> Result<u8, Failure> {
    let pod_cpu_cores = match (&args.pod_cpu, &args.deployment) {
        (Some(c), _) => Some(*c),
        (None, Some(path)) => Some(read_pod_cpu(path).map_err(failure)?),
        (None, None) => None,
    };
    let p99_limit_ms = args.slo.p99_limit_ms();
    let request = CapacityRequest {
        scenario: args.scenario,
        target: args.target,
        out: args.out,
        threads: args.threads.map(|t| t as usize),
        slo: args.slo,
        search: SearchConfig {
            start_rate: args.start_rate,
            max_rate: args.max_rate,
            growth: GROWTH,
            precision: args.precision,
        },
        step: args.step,
        pod_cpu_cores,
    };
    let stop = StopSignal::new();
    crate::run::signals::install(stop.clone())
        .map_err(|e| Failure::cannot_run(format!("cannot install signal handlers: {e}")))?;
    let header = format!(
        "loadlab capacity: {} → {} · SLO {} · steps of {:.0}s from {:.0}/s (×{GROWTH}, at most {:.0}/s)",
        request.scenario.display(),
        "{target}",
        request.slo.text,
        request.step.as_secs_f64(),
        request.search.start_rate,
        request.search.max_rate
    );
    let run = CapacityRun::prepare(request).await.map_err(failure)?;
    let dir = run.dir().to_path_buf();
    let quiet = args.quiet;
    if !quiet {
        eprintln!(
            "{} · writing {}",
            header.replace("{target}", run.target_display()),
            dir.display()
        );
        println!("{}", terminal::header());
    }
    let mut on_step = |s: &StepRecord| {
        if !quiet {
            println!("{}", terminal::row(s));
        }
    };
    let result = run.search(stop, &mut on_step).await.map_err(failure)?;
    write_capacity_dir(&dir, &result, p99_limit_ms).map_err(failure)?;
    if !quiet {
        println!("\n{}", terminal::summary(&result));
        println!("result: {}", dir.join(CAPACITY_FILE).display());
    }
    match result.end {
        SearchEnd::Found { .. } | SearchEnd::MaxRate { .. } => Ok(exit::PASS),
        SearchEnd::StartBroke { .. } => Ok(exit::THRESHOLD_FAILED),
        SearchEnd::GeneratorLimited { .. } | SearchEnd::Interrupted { .. } => {
            Err(Failure::cannot_run(result.verdict))
        }
    }
}

fn failure(e: CapacityError) -> Failure {
    if e.is_bad_input() {
        Failure::bad_input(e.to_string())
    } else {
        Failure::cannot_run(e.to_string())
    }
}
