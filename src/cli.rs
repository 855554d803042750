//! The command line: commands and flags only (clap derive). Help text comes from doc comments.
// Those doc comments are `--help` text, written for a terminal: `<name>` and `[metrics]` are
// words there, not HTML tags or intra-doc links.
#![allow(rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]

use crate::analysis::capacity::Slo;
use crate::analysis::compare::ToleranceSpec;
use crate::engine::Segment;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Load testing with honest latency, target profiles, and before/after comparisons.
#[derive(Debug, Parser)]
#[command(name = "loadlab", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Drive a scenario's staged load, check its thresholds, write a run directory.
    ///
    /// Exit status: 0 all thresholds passed, 1 a threshold failed, 2 bad input or usage,
    /// 3 could not run (target unreachable, output not writable).
    Run(RunArgs),
    /// Check a scenario and print the resolved plan (stages, rates, requests, thresholds).
    Validate {
        /// Scenario file (TOML).
        scenario: PathBuf,
    },
    /// Re-render the views of a run directory from its result.json.
    Report(ReportArgs),
    /// Serve the built-in demo target: tunable endpoints, /debug/pprof/profile and /metrics.
    DemoTarget(DemoTargetArgs),
    /// Merge the run directories of a run's segments (run --segment i/N) into one run, exactly.
    ///
    /// Exit status: 0 all thresholds passed on the merged data, 1 a threshold failed, 2 the
    /// segments do not belong together, one is missing, or a directory cannot be read,
    /// 3 the output directory is not writable.
    Merge(MergeArgs),
    /// Print Kubernetes YAML that runs a scenario as an Indexed Job of N segment pods.
    ///
    /// The output holds a ConfigMap with the scenario and the Job; comments say how to collect
    /// and merge the results. See docs/kubernetes.md.
    K8s(K8sArgs),
    /// Compare a candidate run with a base run: per stage and request, what changed
    /// significantly (beyond tolerance, and not noise).
    ///
    /// Exit status: 0 no significant regression, 1 a significant regression, 2 the runs
    /// cannot be compared (the message says what differs) or bad input, 3 cannot write.
    Compare(CompareArgs),
    /// Search the highest arrival rate the target serves within an SLO: steps of fixed rate,
    /// growing ×2 until the SLO breaks, then bisected. Reports the knee, CPU per request and
    /// requests per second per pod; writes capacity.json, capacity.md, capacity.html.
    ///
    /// Exit status: 0 a capacity was found (or every rate up to --max-rate met the SLO),
    /// 1 even the start rate broke the SLO, 2 bad input, 3 could not run, was interrupted, or
    /// loadlab itself was the limit (then no capacity is claimed).
    Capacity(CapacityArgs),
    /// Check a HorizontalPodAutoscaler: simulate it with the cost a `capacity` run measured
    /// over a traffic shape; report replicas, breaches and the CPU target that would have held.
    ///
    /// Exit status: 0 the HPA keeps the SLO, 1 it breaches the SLO, 2 bad input, 3 the result
    /// could not be written.
    Hpa(HpaArgs),
}

#[derive(Debug, clap::Args)]
pub struct CapacityArgs {
    /// Scenario file (TOML, open model): its target, request mix, [http] and [metrics].
    pub scenario: PathBuf,
    /// The objective each step must meet: latency limits and an error rate.
    #[arg(long, value_name = "SLO", value_parser = parse_slo)]
    pub slo: Slo,
    /// Never offer more than this rate.
    #[arg(long, value_name = "RATE", default_value = "50000/s", value_parser = parse_rate_arg)]
    pub max_rate: f64,
    /// The first step's rate.
    #[arg(long, value_name = "RATE", default_value = "10/s", value_parser = parse_rate_arg)]
    pub start_rate: f64,
    /// How long each step holds its rate (the first 25% is warm-up, excluded).
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = parse_duration_arg)]
    pub step: Duration,
    /// Stop refining when the gap between the last pass and the first fail is this share of
    /// the rate.
    #[arg(long, value_name = "PERCENT", default_value = "5%", value_parser = parse_percent_arg)]
    pub precision: f64,
    /// A pod's CPU request, for requests per second per pod (e.g. 500m).
    #[arg(long, value_name = "QUANTITY", value_parser = parse_cpu_arg, conflicts_with = "deployment")]
    pub pod_cpu: Option<f64>,
    /// Read the pod's CPU request from this Deployment manifest.
    #[arg(long, value_name = "deploy.yaml")]
    pub deployment: Option<PathBuf>,
    /// Override the scenario's target URL (or `demo`).
    #[arg(long)]
    pub target: Option<String>,
    /// Capacity directory to write (default: reports/capacity-<name>-<UTC timestamp>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Engine threads (default: the CPUs this process may use).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// No table and no summary; only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct HpaArgs {
    /// The autoscaling/v2 HorizontalPodAutoscaler manifest (YAML).
    #[arg(long, value_name = "hpa.yaml")]
    pub hpa: PathBuf,
    /// Read the pod's CPU request from this Deployment manifest.
    #[arg(long, value_name = "deploy.yaml")]
    pub deployment: Option<PathBuf>,
    /// A pod's CPU request (e.g. 500m), instead of --deployment.
    #[arg(long, value_name = "QUANTITY", value_parser = parse_cpu_arg, conflicts_with = "deployment")]
    pub pod_cpu: Option<f64>,
    /// A capacity directory (or its capacity.json): the measured cost and latency per pod.
    #[arg(long, value_name = "CAPACITY_DIR")]
    pub from: PathBuf,
    /// The traffic shape: an open-model scenario's stages, or a CSV of `time_s,rate`
    /// (default with --actual: that run's load).
    #[arg(
        long,
        value_name = "SCENARIO|traffic.csv",
        required_unless_present = "actual"
    )]
    pub traffic: Option<PathBuf>,
    /// A run directory (or its result.json) whose `[metrics.queries]` recorded the real HPA's
    /// `replicas` (and `cpu`) from Prometheus: overlaid on the prediction, which starts from
    /// the recorded replicas. `--run` is the same flag.
    #[arg(long, visible_alias = "run", value_name = "RUN_DIR")]
    pub actual: Option<PathBuf>,
    /// The objective: its p99 term is what the simulation checks.
    #[arg(long, value_name = "SLO", value_parser = parse_slo)]
    pub slo: Slo,
    /// From the scale decision to a new pod serving.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration_arg)]
    pub startup: Duration,
    /// How old the newest CPU sample is when the HPA reads it.
    #[arg(long, value_name = "DURATION", default_value = "15s", value_parser = parse_duration_arg)]
    pub metrics_lag: Duration,
    /// Result directory to write (default: reports/hpa-<UTC timestamp>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No summary; only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Run directory to write (default: reports/<name>-<UTC timestamp>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run only segment i of N (0-based) of the load, for running on N machines.
    #[arg(long, value_name = "i/N")]
    pub segment: Option<Segment>,
    /// Wait until this wall-clock time (RFC 3339) before starting, so segments start together.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub start_at: Option<std::time::SystemTime>,
    /// Override the scenario's target URL (or `demo`).
    #[arg(long)]
    pub target: Option<String>,
    /// Engine threads (default: the CPUs this process may use).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Also profile loadlab itself (pprof-rs), to see whether the generator is the bottleneck.
    #[arg(long)]
    pub self_profile: bool,
    /// No progress line and no summary; only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// A run directory (or its result.json).
    pub run_dir: PathBuf,
    /// Views to render, comma separated: terminal prints; the others are written into the run
    /// directory (index.html, summary.md, junit.xml, result.json).
    #[arg(long, value_delimiter = ',', default_value = "terminal")]
    pub format: Vec<ReportFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Print the summary table.
    Terminal,
    /// Rewrite result.json (normalised).
    Json,
    /// The self-contained HTML report with charts: index.html.
    Html,
    /// A GitHub-flavoured Markdown summary: summary.md.
    #[value(name = "md", alias = "markdown")]
    Markdown,
    /// JUnit XML, one test case per threshold: junit.xml.
    Junit,
}

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The base run directory (or its result.json): "before".
    pub base: PathBuf,
    /// The candidate run directory (or its result.json): "after".
    pub candidate: PathBuf,
    /// Where to write compare-<base>-vs-<candidate>/ (index.html, comparison.md, comparison.json,
    /// comparison.junit.xml).
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// Tolerances, comma separated, e.g. `p99=10%,errors=0.5%` (metrics: p50, p90, p99,
    /// p99.9, max, throughput, errors, cpu). Defaults: p50/p90 5%, p99 10%, p99.9/max 20%,
    /// throughput 5%, cpu 10%, errors 0.5 percentage points. Flags override the runs'
    /// `[compare]` section (the candidate's, else the base's), which overrides the defaults.
    #[arg(long, value_name = "METRIC=N%", value_delimiter = ',')]
    pub tolerance: Vec<ToleranceSpec>,
    /// Significance level of the rank test, between 0 and 1 (default 0.01).
    #[arg(long, value_name = "P")]
    pub alpha: Option<f64>,
    /// Confidence of the bootstrap interval, between 0 and 1 (default 0.99).
    #[arg(long, value_name = "C")]
    pub confidence: Option<f64>,
    /// Fewer measured seconds than this on a side make a verdict inconclusive (default 5).
    #[arg(long, value_name = "N")]
    pub min_windows: Option<usize>,
    /// Views to produce, comma separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "terminal,html,md,json,junit"
    )]
    pub format: Vec<CompareFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareFormat {
    /// Print the comparison table.
    Terminal,
    /// Write index.html (self-contained: charts and profile diff inline).
    Html,
    /// Write comparison.md (for a pull-request comment or a CI step summary).
    #[value(alias = "markdown")]
    Md,
    /// Write comparison.json.
    Json,
    /// Write comparison.junit.xml (one test case per metric verdict; regressed = failure).
    Junit,
}

#[derive(Debug, clap::Args)]
pub struct DemoTargetArgs {
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Multiplies every delay (e.g. 1.2 makes the target 20% slower).
    #[arg(long, default_value_t = 1.0)]
    pub delay_scale: f64,
    /// Concurrent requests the /limited endpoint serves at once.
    #[arg(long, default_value_t = 1)]
    pub limited_workers: usize,
    /// Serve HTTPS with a fresh self-signed certificate; its CA is written to this file.
    #[arg(long, value_name = "PATH")]
    pub tls_ca_out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Run directories (or result.json files) of the segments.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Run directory to write (default: reports/<name>-<UTC start>-merged).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Merge even if segments are missing; the merged run is marked partial.
    #[arg(long)]
    pub allow_partial: bool,
    /// No summary; only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct K8sArgs {
    /// Scenario file (TOML); it travels to the pods in a ConfigMap.
    pub scenario: PathBuf,
    /// Pods, i.e. segments the load is split into.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub parallelism: u32,
    /// Container image with `loadlab` on its PATH.
    #[arg(long)]
    pub image: String,
    /// Namespace of the objects (default: kubectl's current namespace).
    #[arg(long)]
    pub namespace: Option<String>,
    /// Job name (default: loadlab-<scenario name>).
    #[arg(long)]
    pub name: Option<String>,
    /// CPU request and limit of each pod.
    #[arg(long, default_value = "1")]
    pub cpu: String,
    /// Memory request and limit of each pod.
    #[arg(long, default_value = "512Mi")]
    pub memory: String,
    /// How long after now every segment starts (time to schedule pods and pull the image).
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    pub start_delay: Duration,
    /// Write results to this PersistentVolumeClaim instead of a pod-local emptyDir.
    #[arg(long, value_name = "CLAIM")]
    pub pvc: Option<String>,
    /// With an emptyDir: how long each pod keeps its results after its run, for `kubectl cp`.
    #[arg(long, default_value = "15m", value_parser = parse_duration, conflicts_with = "pvc")]
    pub hold: Duration,
    /// A Secret whose keys become environment variables in the pods ({{env.X}} values).
    #[arg(long, value_name = "SECRET")]
    pub env_secret: Option<String>,
    /// Print only the Job that merges the segments on the --pvc claim (apply it once they completed).
    #[arg(long, requires = "pvc")]
    pub merge_job: bool,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    crate::scenario::units::parse_duration(text)
}

fn parse_slo(text: &str) -> Result<Slo, String> {
    Slo::parse(text).map_err(|e| e.to_string())
}

fn parse_rate_arg(text: &str) -> Result<f64, String> {
    crate::scenario::units::parse_rate(text)
}

fn parse_duration_arg(text: &str) -> Result<Duration, String> {
    crate::scenario::units::parse_duration(text)
}

fn parse_percent_arg(text: &str) -> Result<f64, String> {
    crate::scenario::units::parse_percent(text)
}

fn parse_cpu_arg(text: &str) -> Result<f64, String> {
    crate::analysis::hpa::parse_cpu_quantity(text).map_err(|e| e.to_string())
}

fn parse_time(text: &str) -> Result<std::time::SystemTime, String> {
    humantime::parse_rfc3339_weak(text)
        .map_err(|e| format!("{text:?} is not an RFC 3339 time: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn typed_arguments_are_checked() {
        assert!(Cli::try_parse_from(["loadlab", "run", "s.toml", "--segment", "3/2"]).is_err());
        assert!(Cli::try_parse_from(["loadlab", "run", "s.toml", "--threads", "0"]).is_err());
        let cli = Cli::try_parse_from(["loadlab", "run", "s.toml", "--segment", "1/3"]).unwrap();
        match cli.command {
            Command::Run(a) => assert_eq!(a.segment, Some(Segment { index: 1, count: 3 })),
            _ => panic!("expected run"),
        }
    }

    #[test]
    fn merge_and_k8s_arguments() {
        assert!(Cli::try_parse_from(["loadlab", "merge"]).is_err());
        let cli = Cli::try_parse_from(["loadlab", "merge", "a", "b", "--allow-partial"]).unwrap();
        assert!(
            matches!(cli.command, Command::Merge(ref m) if m.dirs.len() == 2 && m.allow_partial)
        );
        let k8s = [
            "loadlab",
            "k8s",
            "s.toml",
            "--parallelism",
            "4",
            "--image",
            "i",
        ];
        assert!(Cli::try_parse_from(k8s).is_ok());
        assert!(Cli::try_parse_from([&k8s[..], &["--parallelism", "0"]].concat()).is_err());
        assert!(Cli::try_parse_from([&k8s[..], &["--merge-job"]].concat()).is_err());
        assert!(Cli::try_parse_from([&k8s[..], &["--pvc", "c", "--hold", "1m"]].concat()).is_err());
        assert!(Cli::try_parse_from([&k8s[..], &["--start-delay", "soon"]].concat()).is_err());
    }

    #[test]
    fn compare_takes_typed_tolerances() {
        let cli = Cli::try_parse_from([
            "loadlab",
            "compare",
            "a",
            "b",
            "--tolerance",
            "p99=10%,errors=0.5%",
            "--format",
            "md,json",
        ])
        .unwrap();
        let Command::Compare(a) = cli.command else {
            panic!("expected compare")
        };
        assert_eq!(a.tolerance.len(), 2);
        assert_eq!(a.format, vec![CompareFormat::Md, CompareFormat::Json]);
        assert!(
            Cli::try_parse_from(["loadlab", "compare", "a", "b", "--tolerance", "p99=10"]).is_err()
        );
    }
}
