//! The manifest as text: a comment block (what it does, when the segments start, how to
//! collect and merge the results) followed by the YAML documents.

use super::bundle::Bundle;
use super::command::{segment_dir, INDEX_VAR};
use super::error::K8sError;
use super::objects::{config_map, merge_job, merge_job_name, segment_job};
use super::options::{K8sOptions, Results};
use serde::Serialize;

/// ConfigMap + Indexed Job, with instructions.
pub fn render_segments(options: &K8sOptions, bundle: &Bundle) -> Result<String, K8sError> {
    let mut out = header(options, bundle);
    out.push_str(&document(&config_map(options, bundle))?);
    out.push_str(&document(&segment_job(options, bundle))?);
    Ok(out)
}

/// The merge Job alone (PVC mode), to apply once the segment Job has completed.
pub fn render_merge(options: &K8sOptions) -> Result<String, K8sError> {
    let mut out = format!(
        "# loadlab merge Job for {name}: merges /results/segment-0..{last} on the PVC into\n\
         # {name}/merged. Apply it once job/{name} has completed; its exit status is the\n\
         # thresholds' verdict on the merged run (0 passed, 1 failed, 2 segments missing).\n",
        name = options.name,
        last = options.parallelism.saturating_sub(1),
    );
    out.push_str(&document(&merge_job(options))?);
    Ok(out)
}

fn document<T: Serialize>(object: &T) -> Result<String, K8sError> {
    let yaml = serde_yaml::to_string(object).map_err(|e| K8sError::Yaml(e.to_string()))?;
    Ok(format!("---\n{yaml}"))
}

fn header(o: &K8sOptions, bundle: &Bundle) -> String {
    let ns = o
        .namespace
        .as_ref()
        .map_or_else(String::new, |n| format!(" -n {n}"));
    let start = humantime::format_rfc3339_seconds(o.start_at);
    let last = o.parallelism.saturating_sub(1);
    let mut h = format!(
        "# loadlab: scenario {scenario:?} split into {n} segments, one pod each (Indexed Job\n\
         # {name}; pod i runs `loadlab run --segment i/{n}` with i = ${var}).\n\
         # Every segment starts at {start}: apply this manifest before then\n\
         # (`loadlab k8s` again renders a new start time). A pod that starts later begins at once,\n\
         # and merge reports how far apart the segments started.\n\
         #\n\
         #   kubectl{ns} apply -f THIS_FILE\n\
         #   kubectl{ns} logs -f -l app.kubernetes.io/instance={name} --max-log-requests {n}\n",
        scenario = bundle.scenario_name,
        n = o.parallelism,
        name = o.name,
        var = INDEX_VAR,
    );
    match &o.results {
        Results::EmptyDir { hold } => h.push_str(&format!(
            "#\n\
             # Collect the results: each pod keeps its run directory ({dir}) for {hold}s\n\
             # after its run (the image needs `sh` and `tar` for this), then exits:\n\
             #\n\
             #   for i in $(seq 0 {last}); do\n\
             #     pod=$(kubectl{ns} get pods -l app.kubernetes.io/instance={name},batch.kubernetes.io/job-completion-index=$i -o name | head -n1)\n\
             #     until kubectl{ns} exec \"${{pod#pod/}}\" -- sh -c \"test -f /results/segment-$i/result.json\"; do sleep 10; done\n\
             #     kubectl{ns} cp \"${{pod#pod/}}:/results/segment-$i\" \"results/segment-$i\"\n\
             #   done\n\
             #   loadlab merge results/segment-*\n",
            dir = segment_dir("i"),
            hold = hold.as_secs(),
            name = o.name,
        )),
        Results::Pvc { claim } => h.push_str(&format!(
            "#\n\
             # Results go to PersistentVolumeClaim {claim}, under {name}/segment-i (the claim must be\n\
             # ReadWriteMany, or every pod must land on one node). Merge them in the cluster:\n\
             #\n\
             #   kubectl{ns} wait --for=condition=complete job/{name} --timeout=-1s\n\
             #   loadlab k8s SCENARIO ...same flags... --merge-job | kubectl{ns} apply -f -\n\
             #   kubectl{ns} logs -f job/{merge}     # the merged run is in {name}/merged on the claim\n",
            name = o.name,
            merge = merge_job_name(o),
        )),
    }
    for w in &bundle.warnings {
        h.push_str(&format!("#\n# warning: {w}\n"));
    }
    h
}
