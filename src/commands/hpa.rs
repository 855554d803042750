//! `loadlab hpa`: flags → an HPA check; the summary, the result directory and the exit status
//! (1 when the given HPA breaches the SLO, so it can gate a deploy).

use super::{exit, Failure};
use crate::analysis::capacity::hpa_check::{check, text, write_hpa_dir, HpaCheckInput};
use crate::analysis::capacity::CapacityError;
use crate::cli::HpaArgs;
use std::path::PathBuf;
use std::time::SystemTime;

pub fn hpa(args: HpaArgs) -> Result<u8, Failure> {
    let input = HpaCheckInput {
        hpa_file: args.hpa,
        deployment_file: args.deployment,
        pod_cpu_cores: args.pod_cpu,
        capacity_dir: args.from,
        traffic: args.traffic,
        actual_run: args.actual,
        slo: args.slo,
        startup: args.startup,
        metrics_lag: args.metrics_lag,
    };
    let report = check(&input).map_err(failure)?;
    let dir = args.out.unwrap_or_else(default_dir);
    write_hpa_dir(&dir, &report).map_err(failure)?;
    if !args.quiet {
        print!("{}", text::summary(&report));
        println!("\nresult: {}", dir.join("hpa.json").display());
    }
    Ok(if report.breached {
        exit::THRESHOLD_FAILED
    } else {
        exit::PASS
    })
}

fn default_dir() -> PathBuf {
    let stamp = humantime::format_rfc3339_seconds(SystemTime::now())
        .to_string()
        .replace([':', '-'], "");
    PathBuf::from("reports").join(format!("hpa-{stamp}"))
}

fn failure(e: CapacityError) -> Failure {
    if e.is_bad_input() {
        Failure::bad_input(e.to_string())
    } else {
        Failure::cannot_run(e.to_string())
    }
}
