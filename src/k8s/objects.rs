//! The Kubernetes objects, as typed `k8s-openapi` structs (valid by construction): the
//! ConfigMap holding the scenario, the Indexed Job running one segment per pod, and the Job
//! that merges the segments on a shared PVC.

use super::bundle::Bundle;
use super::command::{merge_command, segment_command, INDEX_VAR, RESULTS_DIR, SCENARIO_DIR};
use super::options::{K8sOptions, Results};
use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Affinity, ConfigMap, ConfigMapVolumeSource, Container, EmptyDirVolumeSource, EnvFromSource,
    EnvVar, EnvVarSource, KeyToPath, ObjectFieldSelector, PersistentVolumeClaimVolumeSource,
    PodAffinityTerm, PodAntiAffinity, PodSpec, PodTemplateSpec, ResourceRequirements,
    SecretEnvSource, Volume, VolumeMount, WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::ByteString;
use std::collections::BTreeMap;

/// Slack on top of start delay + load + hold before Kubernetes stops a stuck Job.
const DEADLINE_SLACK_S: u64 = 600;

pub fn config_map_name(options: &K8sOptions) -> String {
    format!("{}-scenario", options.name)
}

pub fn merge_job_name(options: &K8sOptions) -> String {
    format!("{}-merge", options.name)
}

fn labels(options: &K8sOptions, component: &str) -> BTreeMap<String, String> {
    [
        ("app.kubernetes.io/name", "loadlab"),
        ("app.kubernetes.io/instance", options.name.as_str()),
        ("app.kubernetes.io/component", component),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn meta(options: &K8sOptions, name: String, component: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        namespace: options.namespace.clone(),
        labels: Some(labels(options, component)),
        ..ObjectMeta::default()
    }
}

pub fn config_map(options: &K8sOptions, bundle: &Bundle) -> ConfigMap {
    let mut data = BTreeMap::new();
    let mut binary_data = BTreeMap::new();
    for f in &bundle.files {
        match std::str::from_utf8(&f.bytes) {
            Ok(text) => {
                data.insert(f.key.clone(), text.to_string());
            }
            Err(_) => {
                binary_data.insert(f.key.clone(), ByteString(f.bytes.clone()));
            }
        }
    }
    ConfigMap {
        metadata: meta(options, config_map_name(options), "scenario"),
        data: (!data.is_empty()).then_some(data),
        binary_data: (!binary_data.is_empty()).then_some(binary_data),
        ..ConfigMap::default()
    }
}

/// The Indexed Job: N completions, N in parallel, no retries (a retried segment would start
/// late and double its share), segments spread over nodes where possible.
pub fn segment_job(options: &K8sOptions, bundle: &Bundle) -> Job {
    let n = i32::try_from(options.parallelism).unwrap_or(i32::MAX);
    let hold_s = match options.results {
        Results::EmptyDir { hold } => hold.as_secs(),
        Results::Pvc { .. } => 0,
    };
    let deadline =
        options.start_delay.as_secs() + bundle.duration_s.ceil() as u64 + hold_s + DEADLINE_SLACK_S;
    let container = Container {
        name: "loadlab".into(),
        image: Some(options.image.clone()),
        command: Some(segment_command(options, bundle.scenario_path())),
        env: Some(vec![index_env()]),
        env_from: options.env_secret.as_ref().map(|name| {
            vec![EnvFromSource {
                secret_ref: Some(SecretEnvSource {
                    name: name.clone(),
                    optional: Some(false),
                }),
                ..EnvFromSource::default()
            }]
        }),
        resources: Some(resources(options)),
        volume_mounts: Some(vec![
            VolumeMount {
                name: "scenario".into(),
                mount_path: SCENARIO_DIR.into(),
                read_only: Some(true),
                ..VolumeMount::default()
            },
            results_mount(options),
        ]),
        ..Container::default()
    };
    let volumes = vec![scenario_volume(options, bundle), results_volume(options)];
    let pod = PodSpec {
        containers: vec![container],
        volumes: Some(volumes),
        restart_policy: Some("Never".into()),
        affinity: Some(spread(options)),
        ..PodSpec::default()
    };
    job(
        options,
        options.name.clone(),
        "segment",
        pod,
        n,
        Some("Indexed"),
        deadline,
    )
}

/// One pod running `loadlab merge` over the segment directories on the shared PVC.
pub fn merge_job(options: &K8sOptions) -> Job {
    let container = Container {
        name: "loadlab-merge".into(),
        image: Some(options.image.clone()),
        command: Some(merge_command(options)),
        resources: Some(resources(options)),
        volume_mounts: Some(vec![results_mount(options)]),
        ..Container::default()
    };
    let pod = PodSpec {
        containers: vec![container],
        volumes: Some(vec![results_volume(options)]),
        restart_policy: Some("Never".into()),
        ..PodSpec::default()
    };
    let name = merge_job_name(options);
    job(options, name, "merge", pod, 1, None, DEADLINE_SLACK_S)
}

fn job(
    options: &K8sOptions,
    name: String,
    component: &str,
    pod: PodSpec,
    n: i32,
    completion_mode: Option<&str>,
    deadline_s: u64,
) -> Job {
    Job {
        metadata: meta(options, name, component),
        spec: Some(JobSpec {
            completion_mode: completion_mode.map(str::to_string),
            completions: Some(n),
            parallelism: Some(n),
            backoff_limit: Some(0),
            active_deadline_seconds: Some(i64::try_from(deadline_s).unwrap_or(i64::MAX)),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels(options, component)),
                    ..ObjectMeta::default()
                }),
                spec: Some(pod),
            },
            ..JobSpec::default()
        }),
        ..Job::default()
    }
}

/// `JOB_COMPLETION_INDEX` from the downward API, the way the Job controller itself defines it
/// (declared explicitly so `$(JOB_COMPLETION_INDEX)` in the command always expands).
fn index_env() -> EnvVar {
    EnvVar {
        name: INDEX_VAR.into(),
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                field_path: "metadata.annotations['batch.kubernetes.io/job-completion-index']"
                    .into(),
                ..ObjectFieldSelector::default()
            }),
            ..EnvVarSource::default()
        }),
        ..EnvVar::default()
    }
}

/// Requests equal to limits: every segment gets the same, guaranteed CPU.
fn resources(options: &K8sOptions) -> ResourceRequirements {
    let amounts: BTreeMap<String, Quantity> = [
        ("cpu".to_string(), Quantity(options.cpu.clone())),
        ("memory".to_string(), Quantity(options.memory.clone())),
    ]
    .into_iter()
    .collect();
    ResourceRequirements {
        requests: Some(amounts.clone()),
        limits: Some(amounts),
        ..ResourceRequirements::default()
    }
}

fn scenario_volume(options: &K8sOptions, bundle: &Bundle) -> Volume {
    Volume {
        name: "scenario".into(),
        config_map: Some(ConfigMapVolumeSource {
            name: config_map_name(options),
            items: Some(
                bundle
                    .files
                    .iter()
                    .map(|f| KeyToPath {
                        key: f.key.clone(),
                        path: f.path.clone(),
                        ..KeyToPath::default()
                    })
                    .collect(),
            ),
            ..ConfigMapVolumeSource::default()
        }),
        ..Volume::default()
    }
}

fn results_volume(options: &K8sOptions) -> Volume {
    let mut volume = Volume {
        name: "results".into(),
        ..Volume::default()
    };
    match &options.results {
        Results::EmptyDir { .. } => volume.empty_dir = Some(EmptyDirVolumeSource::default()),
        Results::Pvc { claim } => {
            volume.persistent_volume_claim = Some(PersistentVolumeClaimVolumeSource {
                claim_name: claim.clone(),
                read_only: Some(false),
            })
        }
    }
    volume
}

/// On a PVC each Job's results live under its own directory (`subPath: <job name>`).
fn results_mount(options: &K8sOptions) -> VolumeMount {
    VolumeMount {
        name: "results".into(),
        mount_path: RESULTS_DIR.into(),
        sub_path: matches!(options.results, Results::Pvc { .. }).then(|| options.name.clone()),
        ..VolumeMount::default()
    }
}

/// Prefer one segment per node: the point of segments is more machines.
fn spread(options: &K8sOptions) -> Affinity {
    let selector = LabelSelector {
        match_labels: Some(labels(options, "segment")),
        ..LabelSelector::default()
    };
    Affinity {
        pod_anti_affinity: Some(PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: PodAffinityTerm {
                        label_selector: Some(selector),
                        topology_key: "kubernetes.io/hostname".into(),
                        ..PodAffinityTerm::default()
                    },
                },
            ]),
            ..PodAntiAffinity::default()
        }),
        ..Affinity::default()
    }
}
