//! `loadlab k8s SCENARIO --parallelism N --image IMG`: print the ConfigMap and Indexed Job
//! (or, with `--merge-job`, the merge Job) as YAML on standard output.

use super::{exit, Failure};
use crate::cli::K8sArgs;
use crate::k8s::{self, Bundle, K8sError, K8sOptions, Results};
use std::time::SystemTime;

pub fn k8s(args: K8sArgs) -> Result<u8, Failure> {
    let bundle = Bundle::load(&args.scenario).map_err(failure)?;
    let options = K8sOptions {
        name: args
            .name
            .clone()
            .unwrap_or_else(|| k8s::default_name(&bundle.scenario_name)),
        namespace: args.namespace.clone(),
        parallelism: args.parallelism,
        image: args.image.clone(),
        cpu: args.cpu.clone(),
        memory: args.memory.clone(),
        start_at: SystemTime::now() + args.start_delay,
        start_delay: args.start_delay,
        results: match &args.pvc {
            Some(claim) => Results::Pvc {
                claim: claim.clone(),
            },
            None => Results::EmptyDir { hold: args.hold },
        },
        env_secret: args.env_secret.clone(),
    };
    options.validate().map_err(failure)?;
    let yaml = if args.merge_job {
        k8s::render_merge(&options)
    } else {
        for w in &bundle.warnings {
            eprintln!("loadlab: warning: {w}");
        }
        k8s::render_segments(&options, &bundle)
    }
    .map_err(failure)?;
    print!("{yaml}");
    Ok(exit::PASS)
}

fn failure(e: K8sError) -> Failure {
    match e {
        K8sError::Yaml(_) => Failure::cannot_run(e.to_string()),
        _ => Failure::bad_input(e.to_string()),
    }
}
