//! `result.json` is a versioned, documented format: every result loadlab writes validates
//! against the checked-in JSON Schema, and the schema really constrains it.

use loadlab::engine::{LiveCounters, StopSignal};
use loadlab::run::{self, RunOptions};
use loadlab::target::{DemoTarget, DemoTargetConfig};
use std::path::Path;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

fn schema() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/result.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn assert_valid(instance: &serde_json::Value) {
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "result.json violates the schema:\n{}",
        errors.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_with_probes_and_errors_validates_against_the_schema() {
    let target = DemoTarget::bind(DemoTargetConfig::default()).await.unwrap();
    let url = format!("http://{}", target.local_addr());
    let shutdown = CancellationToken::new();
    tokio::spawn(target.serve(shutdown.clone()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(
        &path,
        r#"
name = "schema"
target = "demo"
[http]
timeout = "200ms"
[[request]]
name = "ok"
path = "/cpu?work=2000"
[[request]]
name = "bad"
path = "/status?code=500"
[[request]]
name = "slow"
path = "/delay?ms=500"
[load]
model = "open"
[[load.stage]]
name = "a"
duration = "1s"
rate = 100
[[load.stage]]
name = "b"
duration = "3s"
rate = 200
warmup = "500ms"
[thresholds]
"b:p99" = "< 1s"
errors = "< 1%"
[profile]
url = "/debug/pprof/profile"
stages = ["b"]
[metrics]
url = "/metrics"
interval = "500ms"
[compare]
alpha = 0.05
min_windows = 3
[compare.tolerance]
p99 = "15%"
"p99.9" = "25%"
"#,
    )
    .unwrap();
    let prepared = run::prepare(RunOptions {
        scenario: path,
        out: Some(dir.path().join("out")),
        target: Some(url),
        ..RunOptions::default()
    })
    .await
    .unwrap();
    let live = Arc::new(LiveCounters::new(prepared.threads));
    let outcome = prepared.execute(live, StopSignal::new()).await.unwrap();
    shutdown.cancel();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&outcome.result_path).unwrap()).unwrap();
    assert_valid(&json);
    assert_eq!(
        json["scenario"]["compare"],
        serde_json::json!({"tolerances": {"p99": 0.15, "p99.9": 0.25}, "alpha": 0.05, "min_windows": 3}),
        "the [compare] section travels with the run"
    );
    assert!(
        json["probes"]["profiles"][0]["summary"]["top"].is_array(),
        "the profile is in the result"
    );
    assert!(
        json["stages"][1]["requests"][2]["outcomes"]["timeout"]["count"]
            .as_u64()
            .unwrap()
            > 0
    );

    // The schema is not a rubber stamp.
    let mut broken = json.clone();
    broken["timeline"][0]["latency"] = serde_json::json!([[400, 1]]);
    assert!(
        !jsonschema::is_valid(&schema(), &broken),
        "bucket index past the end is rejected"
    );
    let mut broken = json.clone();
    broken["stages"][0]["requests"][0]["outcomes"]["exploded"] =
        broken["stages"][0]["requests"][0]["outcomes"]["ok"].clone();
    assert!(
        !jsonschema::is_valid(&schema(), &broken),
        "unknown outcome classes are rejected"
    );
    let mut broken = json.clone();
    broken["scenario"]["compare"]["tolerances"]["p98"] = serde_json::json!(0.1);
    assert!(
        !jsonschema::is_valid(&schema(), &broken),
        "unknown compare metrics are rejected"
    );
    let mut broken = json;
    broken["run"]["status"] = serde_json::json!("finished");
    assert!(!jsonschema::is_valid(&schema(), &broken));
}
