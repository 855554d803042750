//! `loadlab k8s` renders valid Kubernetes: every YAML document deserializes into the typed
//! `k8s-openapi` objects, with an Indexed Job of N completions running `--segment`.

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{ConfigMap, Container};
use serde::Deserialize;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

const BIN: &str = env!("CARGO_BIN_EXE_loadlab");

const SCENARIO: &str = r#"name = "Checkout API"
target = "http://checkout.shop.svc:8080"
[[request]]
name = "buy"
method = "POST"
path = "/buy"
body_file = "bodies/buy.json"
[load]
model = "open"
[[load.stage]]
name = "steady"
duration = "90s"
rate = "4000/s"
[thresholds]
"steady:p99" = "< 200ms"
"#;

/// `loadlab k8s` with `args`, bounded in time (it only renders text).
fn k8s(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("k8s").arg(dir.join("checkout.toml")).args(args);
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start loadlab");
    let (tx, rx) = std::sync::mpsc::channel();
    let id = child.id();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(out) => out.expect("loadlab output"),
        Err(_) => {
            // SAFETY: kill(2) on the pid of our own child that has not been reaped yet.
            unsafe { libc::kill(id as i32, libc::SIGKILL) };
            panic!("loadlab k8s did not finish within 30 s");
        }
    }
}

fn scenario_dir() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("checkout.toml"), SCENARIO).expect("write scenario");
    std::fs::create_dir_all(tmp.path().join("bodies")).expect("mkdir");
    std::fs::write(tmp.path().join("bodies/buy.json"), r#"{"sku": 42}"#).expect("write body");
    tmp
}

fn documents(yaml: &str) -> Vec<serde_yaml::Value> {
    serde_yaml::Deserializer::from_str(yaml)
        .map(|d| serde_yaml::Value::deserialize(d).expect("a YAML document"))
        .collect()
}

fn typed<T: serde::de::DeserializeOwned>(doc: &serde_yaml::Value) -> T {
    serde_yaml::from_value(doc.clone()).expect("a valid Kubernetes object")
}

fn container(job: &Job) -> &Container {
    &job.spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .expect("pod spec")
        .containers[0]
}

#[test]
fn renders_a_configmap_and_an_indexed_job() {
    let tmp = scenario_dir();
    let out = k8s(
        tmp.path(),
        &[
            "--parallelism",
            "8",
            "--image",
            "registry.example.com/loadlab:1.0",
            "--namespace",
            "perf",
            "--cpu",
            "2",
            "--memory",
            "1Gi",
            "--start-delay",
            "2m",
        ],
    );
    let yaml = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(yaml.starts_with("# loadlab"), "instructions come first");
    assert!(
        yaml.contains("kubectl -n perf cp"),
        "says how to collect results"
    );

    let docs = documents(&yaml);
    assert_eq!(docs.len(), 2);
    let cm: ConfigMap = typed(&docs[0]);
    let job: Job = typed(&docs[1]);
    assert_eq!(docs[1]["kind"], "Job");
    assert_eq!(docs[1]["apiVersion"], "batch/v1");

    let data = cm.data.expect("config map data");
    assert_eq!(data["checkout.toml"], SCENARIO);
    assert_eq!(data["bodies_buy.json"], r#"{"sku": 42}"#);
    assert_eq!(cm.metadata.namespace.as_deref(), Some("perf"));

    assert_eq!(job.metadata.name.as_deref(), Some("loadlab-checkout-api"));
    let spec = job.spec.as_ref().expect("job spec");
    assert_eq!(spec.completion_mode.as_deref(), Some("Indexed"));
    assert_eq!((spec.completions, spec.parallelism), (Some(8), Some(8)));
    assert_eq!(spec.backoff_limit, Some(0));
    let pod = spec.template.spec.as_ref().expect("pod spec");
    assert_eq!(pod.restart_policy.as_deref(), Some("Never"));

    let c = container(&job);
    let command = c.command.as_ref().expect("command").join(" ");
    assert!(
        command.contains("loadlab run /scenario/checkout.toml"),
        "{command}"
    );
    assert!(
        command.contains("--segment $(JOB_COMPLETION_INDEX)/8"),
        "{command}"
    );
    assert!(
        command.contains("--out /results/segment-$(JOB_COMPLETION_INDEX)"),
        "{command}"
    );
    let env = c.env.as_ref().expect("env");
    assert!(env.iter().any(|e| e.name == "JOB_COMPLETION_INDEX"));
    let at = command
        .split("--start-at ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect("start time");
    let at = humantime::parse_rfc3339(at).expect("RFC 3339 start time");
    let ahead = at
        .duration_since(SystemTime::now())
        .expect("start in the future");
    assert!(
        ahead > Duration::from_secs(100) && ahead <= Duration::from_secs(120),
        "{ahead:?}"
    );

    let res = c.resources.as_ref().expect("resources");
    let requests = res.requests.as_ref().expect("requests");
    assert_eq!(requests["cpu"].0, "2");
    assert_eq!(requests["memory"].0, "1Gi");
    assert_eq!(res.limits, res.requests);

    let volumes = pod.volumes.as_ref().expect("volumes");
    let results = volumes
        .iter()
        .find(|v| v.name == "results")
        .expect("results volume");
    assert!(results.empty_dir.is_some());
    let scenario = volumes
        .iter()
        .find(|v| v.name == "scenario")
        .expect("scenario volume");
    let items = scenario
        .config_map
        .as_ref()
        .and_then(|c| c.items.clone())
        .expect("items");
    assert!(items
        .iter()
        .any(|i| i.key == "bodies_buy.json" && i.path == "bodies/buy.json"));
}

#[test]
fn pvc_results_and_the_merge_job() {
    let tmp = scenario_dir();
    let common = [
        "--parallelism",
        "3",
        "--image",
        "loadlab:dev",
        "--pvc",
        "loadlab-results",
    ];
    let out = k8s(tmp.path(), &common);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let job: Job = typed(&documents(&String::from_utf8_lossy(&out.stdout))[1]);
    let c = container(&job);
    let command = c.command.as_ref().expect("command");
    assert_eq!(
        command[..2],
        ["loadlab", "run"],
        "no shell needed with a PVC"
    );
    assert!(command.contains(&"--segment".to_string()));
    let mount = c
        .volume_mounts
        .as_ref()
        .expect("mounts")
        .iter()
        .find(|m| m.name == "results")
        .cloned();
    assert_eq!(
        mount.and_then(|m| m.sub_path).as_deref(),
        Some("loadlab-checkout-api")
    );

    let out = k8s(tmp.path(), &[&common[..], &["--merge-job"]].concat());
    assert_eq!(out.status.code(), Some(0));
    let docs = documents(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(docs.len(), 1);
    let merge: Job = typed(&docs[0]);
    assert_eq!(
        merge.metadata.name.as_deref(),
        Some("loadlab-checkout-api-merge")
    );
    let command = container(&merge).command.clone().expect("command");
    assert_eq!(
        command,
        [
            "loadlab",
            "merge",
            "/results/segment-0",
            "/results/segment-1",
            "/results/segment-2",
            "--out",
            "/results/merged"
        ]
    );
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    let tmp = scenario_dir();
    for (args, flag) in [
        (
            vec!["--parallelism", "2", "--image", "x", "--memory", "lots"],
            "--memory",
        ),
        (
            vec!["--parallelism", "2", "--image", "x", "--name", "Not_A_Name"],
            "--name",
        ),
        (vec!["--parallelism", "0", "--image", "x"], "--parallelism"),
    ] {
        let out = k8s(tmp.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
    }
}
