//! `loadlab hpa` end to end on the bundled example (`scenarios/hpa/`): the 80% CPU target
//! breaches the SLO during the step to peak; the recommendation, written back into a copy of
//! the HPA, does not. The child process is bounded in time and killed on drop.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

/// How a loadlab command ended.
struct Finished {
    code: i32,
    stdout: String,
    stderr: String,
}

fn example(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/hpa")
        .join(file)
}

/// Runs loadlab with `args`, killed (and the test failed) after 60 s.
fn loadlab(args: &[&str]) -> Finished {
    let (code, stdout, stderr) = support::run_loadlab(args, Duration::from_secs(60));
    Finished {
        code,
        stdout,
        stderr,
    }
}

fn hpa(hpa_file: &Path, traffic: &Path, out: &Path) -> Finished {
    loadlab(&[
        "hpa",
        "--hpa",
        hpa_file.to_str().unwrap(),
        "--deployment",
        example("deployment.yaml").to_str().unwrap(),
        "--from",
        example("").to_str().unwrap(),
        "--traffic",
        traffic.to_str().unwrap(),
        "--slo",
        "p99<100ms",
        "--out",
        out.to_str().unwrap(),
    ])
}

fn report(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("hpa.json")).unwrap()).unwrap()
}

#[test]
fn the_example_breaches_and_the_recommendation_fixes_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("given");
    let run = hpa(&example("hpa.yaml"), &example("peak.toml"), &out);
    eprintln!("{}{}", run.stdout, run.stderr);
    assert_eq!(run.code, 1, "a breach exits 1: {}", run.stderr);
    assert!(
        run.stdout.contains("Kubernetes v1.35"),
        "names the modelled release"
    );
    assert!(run.stdout.contains("BREACHED"), "{}", run.stdout);
    let given = report(&out);
    let sim = &given["simulation"];
    assert_eq!(
        sim["timeline"].as_array().unwrap().len(),
        600,
        "one point per second"
    );
    assert!(
        !sim["events"].as_array().unwrap().is_empty(),
        "it scales out"
    );
    let breach = &sim["breaches"][0];
    let (start, end) = (
        breach["start_s"].as_u64().unwrap(),
        breach["end_s"].as_u64().unwrap(),
    );
    assert!(
        (120..=180).contains(&start) && end > start,
        "the breach follows the step to peak at 120 s: {start}..{end}"
    );
    for view in ["hpa.md", "hpa.html"] {
        assert!(out.join(view).is_file(), "{view}");
    }

    let rec = &given["recommendation"];
    let target = rec["target_utilization_pct"].as_u64().expect("a target");
    let min = rec["min_replicas"].as_u64().unwrap();
    assert!(target < 80, "{rec}");
    let text = std::fs::read_to_string(example("hpa.yaml"))
        .unwrap()
        .replace(
            "averageUtilization: 80",
            &format!("averageUtilization: {target}"),
        )
        .replace("minReplicas: 2", &format!("minReplicas: {}", min.max(2)));
    let fixed = dir.path().join("hpa-recommended.yaml");
    std::fs::write(&fixed, text).unwrap();
    let out = dir.path().join("recommended");
    let run = hpa(&fixed, &example("peak.toml"), &out);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let after = report(&out);
    assert!(after["simulation"]["breaches"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        after["hpa"]["target_cpu_utilization_pct"].as_u64(),
        Some(target)
    );
}

#[test]
fn a_csv_traffic_shape_is_the_same_as_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("traffic.csv");
    std::fs::write(
        &csv,
        "time_s,rate\n0,3000\n120,3000\n120,7500\n420,7500\n420,3000\n600,3000\n",
    )
    .unwrap();
    let (a, b) = (dir.path().join("csv"), dir.path().join("toml"));
    assert_eq!(hpa(&example("hpa.yaml"), &csv, &a).code, 1);
    assert_eq!(hpa(&example("hpa.yaml"), &example("peak.toml"), &b).code, 1);
    assert_eq!(
        report(&a)["simulation"]["breaches"],
        report(&b)["simulation"]["breaches"]
    );
}

#[test]
fn bad_input_exits_2_and_names_what_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = |p: PathBuf| p.to_str().unwrap().to_string();
    let out = path(dir.path().join("x"));
    let good = |flag: &str| match flag {
        "--hpa" => path(example("hpa.yaml")),
        "--from" => path(example("")),
        "--traffic" => path(example("peak.toml")),
        "--slo" => "p99<100ms".to_string(),
        _ => unreachable!(),
    };
    let cases = [
        ("--slo", "errors<1%", "p99"),
        ("--from", "/nonexistent", "/nonexistent"),
        ("--hpa", "/nonexistent.yaml", "/nonexistent.yaml"),
        ("--traffic", "/nonexistent.csv", "/nonexistent.csv"),
    ];
    for (bad_flag, bad_value, needle) in cases {
        let mut args = vec!["hpa".to_string(), "--pod-cpu".into(), "500m".into()];
        for flag in ["--hpa", "--from", "--traffic", "--slo"] {
            args.push(flag.into());
            args.push(if flag == bad_flag {
                bad_value.into()
            } else {
                good(flag)
            });
        }
        args.extend(["--out".to_string(), out.clone()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = loadlab(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
}

#[test]
fn the_example_scenarios_parse() {
    for file in ["peak.toml", "cpu.toml"] {
        let path = example(file);
        let text = std::fs::read_to_string(&path).unwrap();
        loadlab::scenario::load_from_str(&path, &text, &|_| None).unwrap_or_else(|e| panic!("{e}"));
    }
}
