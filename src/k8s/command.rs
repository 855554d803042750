//! The command line each pod runs. Kubernetes expands `$(JOB_COMPLETION_INDEX)` in `command`
//! from the container's environment, so every pod of the Indexed Job runs its own segment.

use super::options::{K8sOptions, Results};

/// Where the scenario ConfigMap and the results volume are mounted.
pub const SCENARIO_DIR: &str = "/scenario";
pub const RESULTS_DIR: &str = "/results";
/// The index variable the Job controller (and our downward-API entry) provides.
pub const INDEX_VAR: &str = "JOB_COMPLETION_INDEX";

/// `loadlab run …` for segment `$(JOB_COMPLETION_INDEX)`. With an emptyDir the run is wrapped
/// in `sh -c` so the pod stays up for `hold` after it (a finished container cannot be copied
/// from); with a PVC the binary runs directly and the image needs nothing else.
pub fn segment_command(options: &K8sOptions, scenario_path: &str) -> Vec<String> {
    let index = format!("$({INDEX_VAR})");
    let start_at = humantime::format_rfc3339_seconds(options.start_at).to_string();
    let run = vec![
        "loadlab".to_string(),
        "run".into(),
        format!("{SCENARIO_DIR}/{scenario_path}"),
        "--segment".into(),
        format!("{index}/{}", options.parallelism),
        "--start-at".into(),
        start_at,
        "--out".into(),
        segment_dir(&index),
    ];
    match options.results {
        Results::Pvc { .. } => run,
        Results::EmptyDir { hold } => {
            let hold_s = hold.as_secs();
            let script = format!(
                "{}; status=$?; echo \"loadlab: segment {index} finished (exit $status); its results stay in {} for {hold_s}s\"; sleep {hold_s}; exit $status",
                run.join(" "),
                segment_dir(&index),
            );
            vec!["sh".into(), "-c".into(), script]
        }
    }
}

/// `loadlab merge` over every segment directory, for the merge Job on a shared PVC.
pub fn merge_command(options: &K8sOptions) -> Vec<String> {
    let mut cmd = vec!["loadlab".to_string(), "merge".into()];
    cmd.extend((0..options.parallelism).map(|i| segment_dir(&i.to_string())));
    cmd.extend(["--out".into(), format!("{RESULTS_DIR}/merged")]);
    cmd
}

pub fn segment_dir(index: &str) -> String {
    format!("{RESULTS_DIR}/segment-{index}")
}
