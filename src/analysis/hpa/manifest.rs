//! Reading Kubernetes manifests: an `autoscaling/v2` HorizontalPodAutoscaler into an [`HpaSpec`],
//! and the pod CPU request of an `apps/v1` Deployment.
//!
//! Documents are deserialized with `k8s-openapi`'s own types (so `apiVersion`, `kind` and field
//! types are checked as the API would), from single- or multi-document YAML files. API defaults
//! (`minReplicas` 1, the default CPU metric, `behavior` defaulting) are applied as in
//! `pkg/apis/autoscaling/v2/defaults.go`.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::{
    HPAScalingRules, HorizontalPodAutoscaler, HorizontalPodAutoscalerBehavior, MetricSpec,
};
use k8s_openapi::api::core::v1::{Container, ResourceRequirements};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::error::HpaError;
use super::quantity::{parse_approximate_f64, parse_cpu_millis};
use super::spec::{
    Behavior, HpaSpec, PolicyKind, ScalingPolicy, ScalingRules, SelectPolicy,
    DEFAULT_CPU_UTILIZATION_PCT,
};

impl HpaSpec {
    /// Reads the HorizontalPodAutoscaler in `text` (errors name the file `hpa.yaml`).
    pub fn from_yaml(text: &str) -> Result<Self, HpaError> {
        Self::from_yaml_named("hpa.yaml", text)
    }

    /// Reads the HorizontalPodAutoscaler in `text`; `file` names it in errors.
    pub fn from_yaml_named(file: &str, text: &str) -> Result<Self, HpaError> {
        let hpa: HorizontalPodAutoscaler = find_document(
            file,
            text,
            "HorizontalPodAutoscaler",
            "autoscaling/v2 HorizontalPodAutoscaler",
        )?;
        convert_hpa(file, hpa)
    }
}

/// The CPU request of one pod of the Deployment in `text`, in cores.
pub fn pod_cpu_request_from_deployment_yaml(text: &str) -> Result<f64, HpaError> {
    pod_cpu_request_from_deployment_yaml_named("deployment.yaml", text)
}

/// As [`pod_cpu_request_from_deployment_yaml`]; `file` names the file in errors.
///
/// As the HPA computes it (`calculateRequests`): the pod-level request when
/// `spec.template.spec.resources.requests.cpu` is set, otherwise the sum over the containers and
/// the restartable (sidecar) init containers. A container with only a CPU *limit* gets a request
/// equal to it (API defaulting). A container without either is an error: the HPA cannot compute
/// utilization for such pods.
pub fn pod_cpu_request_from_deployment_yaml_named(file: &str, text: &str) -> Result<f64, HpaError> {
    let deployment: Deployment = find_document(file, text, "Deployment", "apps/v1 Deployment")?;
    let pod = deployment
        .spec
        .and_then(|s| s.template.spec)
        .ok_or_else(|| HpaError::field(file, "spec.template.spec", "missing"))?;
    if let Some(q) = pod
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("cpu"))
    {
        let millis = parse_cpu_millis(&q.0).map_err(|e| {
            HpaError::field(
                file,
                "spec.template.spec.resources.requests.cpu",
                e.to_string(),
            )
        })?;
        return Ok(millis as f64 / 1000.0);
    }
    let sidecars = pod
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .filter(|(_, c)| c.restart_policy.as_deref() == Some("Always"))
        .map(|(i, c)| (format!("spec.template.spec.initContainers[{i}]"), c));
    let containers = pod
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("spec.template.spec.containers[{i}]"), c));
    let mut total_millis: i64 = 0;
    let mut count = 0;
    for (path, container) in containers.chain(sidecars) {
        total_millis = total_millis.saturating_add(container_cpu_millis(file, &path, container)?);
        count += 1;
    }
    if count == 0 {
        return Err(HpaError::field(
            file,
            "spec.template.spec.containers",
            "is empty",
        ));
    }
    Ok(total_millis as f64 / 1000.0)
}

fn container_cpu_millis(file: &str, path: &str, c: &Container) -> Result<i64, HpaError> {
    let cpu = |r: &ResourceRequirements, which: &str| {
        let map = if which == "requests" {
            &r.requests
        } else {
            &r.limits
        };
        map.as_ref().and_then(|m| m.get("cpu")).cloned()
    };
    let resources = c.resources.as_ref();
    let (field, quantity) =
        match (
            resources.and_then(|r| cpu(r, "requests")),
            resources.and_then(|r| cpu(r, "limits")),
        ) {
            (Some(q), _) => ("requests", q),
            (None, Some(q)) => ("limits", q),
            (None, None) => return Err(HpaError::field(
                file,
                format!("{path} ({}).resources.requests.cpu", c.name),
                "missing; the HPA cannot compute CPU utilization for pods without a CPU request",
            )),
        };
    parse_cpu_millis(&quantity.0).map_err(|e| {
        HpaError::field(
            file,
            format!("{path} ({}).resources.{field}.cpu", c.name),
            e.to_string(),
        )
    })
}

/// Finds the first document whose `kind` is `kind` and deserializes it as `T`.
fn find_document<T: DeserializeOwned>(
    file: &str,
    text: &str,
    kind: &str,
    described: &'static str,
) -> Result<T, HpaError> {
    let mut seen = Vec::new();
    for (i, document) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let value = serde_yaml::Value::deserialize(document).map_err(|error| HpaError::Yaml {
            file: file.to_owned(),
            what: format!("document {} is not valid YAML", i + 1),
            error,
        })?;
        if value.is_null() {
            continue;
        }
        let found = value
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or("(no kind)");
        if found != kind {
            seen.push(found.to_owned());
            continue;
        }
        return serde_yaml::from_value(value).map_err(|error| HpaError::Yaml {
            file: file.to_owned(),
            what: format!("document {} is not a valid {described}", i + 1),
            error,
        });
    }
    Err(HpaError::NoDocument {
        file: file.to_owned(),
        kind: described,
        seen: if seen.is_empty() {
            "none".into()
        } else {
            seen.join(", ")
        },
    })
}

fn convert_hpa(file: &str, hpa: HorizontalPodAutoscaler) -> Result<HpaSpec, HpaError> {
    let spec = hpa.spec;
    let non_negative = |field: &str, v: i32| {
        u32::try_from(v).map_err(|_| HpaError::field(file, field, format!("{v} is negative")))
    };
    let min_replicas = non_negative("spec.minReplicas", spec.min_replicas.unwrap_or(1))?;
    let max_replicas = non_negative("spec.maxReplicas", spec.max_replicas)?;
    let metrics = spec.metrics.unwrap_or_default();
    let (target, ignored_metrics) = cpu_target(file, &metrics)?;
    let behavior = spec
        .behavior
        .map(|b| convert_behavior(file, b))
        .transpose()?;
    let out = HpaSpec {
        name: hpa.metadata.name.unwrap_or_default(),
        min_replicas,
        max_replicas,
        target_cpu_utilization_pct: target,
        behavior,
        ignored_metrics,
    };
    out.validate()
        .map_err(|e| HpaError::field(file, "spec", e.to_string()))?;
    Ok(out)
}

/// The CPU `Utilization` target and a description of every metric the simulator ignores.
fn cpu_target(file: &str, metrics: &[MetricSpec]) -> Result<(u32, Vec<String>), HpaError> {
    if metrics.is_empty() {
        return Ok((DEFAULT_CPU_UTILIZATION_PCT, Vec::new()));
    }
    let mut target: Option<u32> = None;
    let mut ignored = Vec::new();
    for (i, m) in metrics.iter().enumerate() {
        let cpu_utilization = m
            .resource
            .as_ref()
            .filter(|r| m.type_ == "Resource" && r.name == "cpu" && r.target.type_ == "Utilization")
            .map(|r| r.target.average_utilization);
        match cpu_utilization {
            Some(Some(pct)) => {
                let field = format!("spec.metrics[{i}].resource.target.averageUtilization");
                let pct = u32::try_from(pct).ok().filter(|p| *p > 0).ok_or_else(|| {
                    HpaError::field(file, field, format!("{pct} must be positive"))
                })?;
                // Several CPU targets: the controller takes the largest proposal, i.e. the lowest target.
                target = Some(target.map_or(pct, |t| t.min(pct)));
            }
            Some(None) => {
                return Err(HpaError::field(
                    file,
                    format!("spec.metrics[{i}].resource.target.averageUtilization"),
                    "missing for a Utilization target",
                ))
            }
            None => ignored.push(describe_metric(m)),
        }
    }
    match target {
        Some(t) => Ok((t, ignored)),
        None => Err(HpaError::NoCpuUtilizationMetric {
            file: file.to_owned(),
        }),
    }
}

fn describe_metric(m: &MetricSpec) -> String {
    let detail = match (
        &m.resource,
        &m.container_resource,
        &m.pods,
        &m.object,
        &m.external,
    ) {
        (Some(r), ..) => format!("{} {}", r.name, r.target.type_),
        (_, Some(c), ..) => format!("{} of container {} {}", c.name, c.container, c.target.type_),
        (_, _, Some(p), ..) => p.metric.name.clone(),
        (_, _, _, Some(o), _) => format!(
            "{} of {} {}",
            o.metric.name, o.described_object.kind, o.described_object.name
        ),
        (_, _, _, _, Some(e)) => e.metric.name.clone(),
        _ => String::new(),
    };
    format!("{} {}", m.type_, detail).trim().to_owned()
}

fn convert_behavior(file: &str, b: HorizontalPodAutoscalerBehavior) -> Result<Behavior, HpaError> {
    Ok(Behavior {
        scale_up: convert_rules(
            file,
            "spec.behavior.scaleUp",
            b.scale_up,
            ScalingRules::default_scale_up(),
        )?,
        scale_down: convert_rules(
            file,
            "spec.behavior.scaleDown",
            b.scale_down,
            ScalingRules::default_scale_down(),
        )?,
    })
}

/// `copyHPAScalingRules`: every field the user set replaces the default one.
fn convert_rules(
    file: &str,
    at: &str,
    rules: Option<HPAScalingRules>,
    mut out: ScalingRules,
) -> Result<ScalingRules, HpaError> {
    let Some(rules) = rules else {
        return Ok(out);
    };
    if let Some(w) = rules.stabilization_window_seconds {
        let field = format!("{at}.stabilizationWindowSeconds");
        out.stabilization_window_s = Some(
            u32::try_from(w)
                .map_err(|_| HpaError::field(file, field, format!("{w} is negative")))?,
        );
    }
    if let Some(s) = rules.select_policy {
        out.select_policy = match s.as_str() {
            "Max" => SelectPolicy::Max,
            "Min" => SelectPolicy::Min,
            "Disabled" => SelectPolicy::Disabled,
            other => {
                return Err(HpaError::field(
                    file,
                    format!("{at}.selectPolicy"),
                    format!("{other:?} is not Max, Min or Disabled"),
                ))
            }
        };
    }
    if let Some(policies) = rules.policies {
        out.policies = policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let field = |name: &str| format!("{at}.policies[{i}].{name}");
                let kind = match p.type_.as_str() {
                    "Pods" => PolicyKind::Pods,
                    "Percent" => PolicyKind::Percent,
                    other => {
                        return Err(HpaError::field(
                            file,
                            field("type"),
                            format!("{other:?} is not Pods or Percent"),
                        ))
                    }
                };
                let positive = |name: &str, v: i32| {
                    u32::try_from(v).ok().filter(|v| *v > 0).ok_or_else(|| {
                        HpaError::field(file, field(name), format!("{v} must be positive"))
                    })
                };
                Ok(ScalingPolicy {
                    kind,
                    value: positive("value", p.value)?,
                    period_s: positive("periodSeconds", p.period_seconds)?,
                })
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(t) = rules.tolerance {
        let tolerance = parse_approximate_f64(&t.0)
            .map_err(|e| HpaError::field(file, format!("{at}.tolerance"), e.to_string()))?;
        out.tolerance = Some(tolerance);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HPA: &str = r#"
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: checkout
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: checkout}
  minReplicas: 2
  maxReplicas: 20
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 70}
  - type: Pods
    pods:
      metric: {name: http_requests}
      target: {type: AverageValue, averageValue: "100"}
  behavior:
    scaleDown:
      policies:
      - {type: Pods, value: 4, periodSeconds: 60}
      - {type: Percent, value: 10, periodSeconds: 60}
      tolerance: 0.05
"#;

    #[test]
    fn reads_a_real_hpa_and_fills_behavior_defaults() {
        let spec = HpaSpec::from_yaml(HPA).map_err(|e| e.to_string());
        let spec = spec.unwrap();
        assert_eq!(spec.name, "checkout");
        assert_eq!((spec.min_replicas, spec.max_replicas), (2, 20));
        assert_eq!(spec.target_cpu_utilization_pct, 70);
        assert_eq!(spec.ignored_metrics, vec!["Pods http_requests".to_owned()]);
        let b = spec.behavior.unwrap();
        // scaleUp was not given: the whole default.
        assert_eq!(b.scale_up, ScalingRules::default_scale_up());
        // scaleDown: policies and tolerance given, window left to the controller flag.
        assert_eq!(b.scale_down.stabilization_window_s, None);
        assert_eq!(b.scale_down.select_policy, SelectPolicy::Max);
        assert_eq!(b.scale_down.policies.len(), 2);
        assert_eq!(b.scale_down.policies[1].kind, PolicyKind::Percent);
        assert_eq!(b.scale_down.tolerance, Some(0.05));
    }

    #[test]
    fn no_behavior_means_legacy_and_no_metrics_means_cpu_80() {
        let text =
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\n\
                    spec:\n  scaleTargetRef: {kind: Deployment, name: a}\n  maxReplicas: 5\n";
        let spec = HpaSpec::from_yaml(text).unwrap();
        assert_eq!(spec.behavior, None);
        assert_eq!(spec.min_replicas, 1);
        assert_eq!(spec.target_cpu_utilization_pct, 80);
    }

    #[test]
    fn memory_only_hpa_is_refused_with_the_documented_message() {
        let text = HPA.replace("name: cpu", "name: memory");
        let err = HpaSpec::from_yaml(&text).unwrap_err().to_string();
        assert_eq!(
            err,
            "hpa.yaml: spec.metrics has no cpu Utilization target; loadlab simulates CPU utilization HPAs"
        );
    }

    #[test]
    fn errors_name_file_and_field() {
        let text = HPA.replace("type: Percent", "type: Percentage");
        let err = HpaSpec::from_yaml_named("deploy/hpa.yaml", &text)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("deploy/hpa.yaml: spec.behavior.scaleDown.policies[1].type"),
            "{err}"
        );
        let err = HpaSpec::from_yaml("kind: Service\napiVersion: v1\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no autoscaling/v2 HorizontalPodAutoscaler document found (documents seen: Service)"), "{err}");
        let text = HPA.replace("autoscaling/v2", "autoscaling/v1");
        let err = HpaSpec::from_yaml(&text).unwrap_err().to_string();
        assert!(
            err.contains("is not a valid autoscaling/v2 HorizontalPodAutoscaler"),
            "{err}"
        );
    }

    const DEPLOYMENT: &str = r#"
apiVersion: v1
kind: Service
metadata: {name: checkout}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout}
spec:
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec:
      initContainers:
      - name: migrate
        image: migrate
        resources: {requests: {cpu: 2}}
      - name: proxy
        image: envoy
        restartPolicy: Always
        resources: {requests: {cpu: 250m}}
      containers:
      - name: app
        image: app
        resources: {requests: {cpu: 500m, memory: 256Mi}}
      - name: log
        image: fluent
        resources: {limits: {cpu: 0.25}}
"#;

    #[test]
    fn deployment_request_sums_containers_sidecars_and_limit_defaults() {
        // app 500m + log (limit only → request) 250m + sidecar proxy 250m; the plain init
        // container does not count.
        assert_eq!(
            pod_cpu_request_from_deployment_yaml(DEPLOYMENT).unwrap(),
            1.0
        );
    }

    #[test]
    fn deployment_without_cpu_request_is_an_error() {
        let text = DEPLOYMENT.replace("resources: {limits: {cpu: 0.25}}", "resources: {}");
        let err = pod_cpu_request_from_deployment_yaml(&text)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "deployment.yaml: spec.template.spec.containers[1] (log).resources.requests.cpu: missing; \
             the HPA cannot compute CPU utilization for pods without a CPU request"
        );
    }
}
