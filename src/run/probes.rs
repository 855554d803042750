//! Probes beside the engine: profile captures timed into each chosen stage's steady window,
//! metrics scraped through the run, PromQL queries over the run's window afterwards.

use super::output::RunDir;
use crate::engine::{Clock, StopSignal};
use crate::metrics::RunResult;
use crate::probe::{
    capture_profile, flame_graph_svg, query_range, scrape_loop, CaptureFailure, CaptureSpec,
    CaptureStatus, CapturedProfile, MetricSeries, MetricsResults, ProbeResults, ProbeTls,
    ProfileCapture, ProfileKind, QueryResult, ScrapeResult, ScrapeSpec, SeriesSelector, StageValue,
};
use crate::scenario::{Plan, ProfilePlan, RenderContext, Template};
use http::HeaderName;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Keep at most this many folded stacks per capture in `result.json` (the heaviest).
const MAX_FOLDED: usize = 5_000;
/// Margin kept between a capture and the edges of its stage's measured window.
const EDGE_S: f64 = 0.5;

/// A capture the plan calls for: when (seconds since the run's start) and for how long.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCapture {
    pub stage: usize,
    pub kind: ProfileKind,
    pub at_s: f64,
    pub seconds: u64,
}

/// CPU captures start after the stage's warm-up and end before the stage does; snapshots
/// (heap, goroutine) are taken just before the stage ends. In time order, never overlapping.
pub fn plan_captures(plan: &Plan, profile: &ProfilePlan) -> Vec<PlannedCapture> {
    let mut out = Vec::new();
    for &i in &profile.stages {
        let stage = &plan.load.stages[i];
        let start = (stage.start + stage.warmup).as_secs_f64() + EDGE_S;
        let end = stage.end().as_secs_f64() - EDGE_S;
        let room = (end - start).floor().max(0.0) as u64;
        for &kind in &profile.kinds {
            match kind {
                ProfileKind::Cpu if room >= 1 => out.push(PlannedCapture {
                    stage: i,
                    kind,
                    at_s: start,
                    seconds: profile.seconds.unwrap_or(room).clamp(1, room),
                }),
                ProfileKind::Cpu => {}
                _ => out.push(PlannedCapture {
                    stage: i,
                    kind,
                    at_s: end.max(start),
                    seconds: 0,
                }),
            }
        }
    }
    out.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
    out
}

struct Taken {
    planned: PlannedCapture,
    window_s: [f64; 2],
    outcome: Result<CapturedProfile, CaptureFailure>,
}

/// Probes started with the engine.
pub struct RunningProbes {
    captures: Option<Captures>,
    scrape: Option<(JoinHandle<ScrapeResult>, CancellationToken, f64)>,
    stop: StopSignal,
}

/// The capture task and what it has taken so far. Finished captures are kept outside the
/// task, so stopping it early never loses them.
struct Captures {
    task: JoinHandle<()>,
    taken: Arc<Mutex<Vec<Taken>>>,
    /// Cancelled when the run is over: no capture starts after that.
    run_over: CancellationToken,
}

fn render_headers(headers: &[(HeaderName, Template)]) -> Vec<(String, String)> {
    let mut ctx = RenderContext {
        seq: 0,
        rng: fastrand::Rng::with_seed(0),
    };
    headers
        .iter()
        .map(|(name, t)| {
            let mut value = String::new();
            t.render_into(&mut value, &mut ctx);
            (name.to_string(), value)
        })
        .collect()
}

fn probe_tls(plan: &Plan) -> ProbeTls {
    ProbeTls {
        insecure: plan.http.tls.insecure,
        ca_pem: plan
            .http
            .tls
            .ca
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok()),
    }
}

pub fn start(plan: &Plan, clock: Clock, stop: &StopSignal) -> RunningProbes {
    let captures = plan.profile.as_ref().map(|profile| {
        let planned = plan_captures(plan, profile);
        let (url, headers, tls, stop) = (
            profile.url.clone(),
            render_headers(&profile.headers),
            probe_tls(plan),
            stop.clone(),
        );
        let taken = Arc::new(Mutex::new(Vec::new()));
        let run_over = CancellationToken::new();
        let (sink, over) = (taken.clone(), run_over.clone());
        let task = tokio::spawn(async move {
            for p in planned {
                if !sleep_until(clock, p.at_s, &stop, &over).await {
                    break;
                }
                let mut spec = CaptureSpec::new(kind_url(&url, p.kind), p.kind, p.seconds.max(1));
                spec.headers = headers.clone();
                spec.tls = tls.clone();
                let begun = clock.seconds();
                let outcome = capture_profile(&spec).await;
                let covered = if p.kind == ProfileKind::Cpu {
                    begun + p.seconds as f64
                } else {
                    begun
                };
                lock(&sink).push(Taken {
                    planned: p,
                    window_s: [begun, covered],
                    outcome,
                });
            }
        });
        Captures {
            task,
            taken,
            run_over,
        }
    });
    let scrape = plan
        .metrics
        .as_ref()
        .and_then(|m| m.scrape.as_ref())
        .map(|s| {
            let mut spec = ScrapeSpec::new(s.url.clone(), s.interval);
            spec.headers = render_headers(&s.headers);
            spec.tls = probe_tls(plan);
            spec.selectors = s
                .series
                .iter()
                .filter_map(|text| SeriesSelector::parse(text).ok())
                .collect();
            let cancel = CancellationToken::new();
            let handle = tokio::spawn(scrape_loop(spec, move || clock.seconds(), cancel.clone()));
            (handle, cancel, s.interval.as_secs_f64())
        });
    RunningProbes {
        captures,
        scrape,
        stop: stop.clone(),
    }
}

fn lock(taken: &Mutex<Vec<Taken>>) -> std::sync::MutexGuard<'_, Vec<Taken>> {
    taken
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Captures {
    /// Starts no more captures and returns those taken. A capture still in flight gets its
    /// answer (bounded by its client timeout): the profile ends inside its stage, but the
    /// target may take a moment to build and send it. Only a run stopped early abandons it.
    async fn finish(self, stop: StopSignal) -> Vec<Taken> {
        self.run_over.cancel();
        if stop.is_stopped() {
            self.task.abort();
        }
        let _ = self.task.await;
        let taken = std::mem::take(&mut *lock(&self.taken));
        taken
    }
}

/// The endpoint of `kind` beside the configured CPU profile endpoint:
/// `/debug/pprof/profile` → `/debug/pprof/heap`.
fn kind_url(url: &http::Uri, kind: ProfileKind) -> http::Uri {
    let name = match kind {
        ProfileKind::Cpu => return url.clone(),
        ProfileKind::Heap => "heap",
        ProfileKind::Goroutine => "goroutine",
    };
    let path = url.path();
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut parts = url.clone().into_parts();
    parts.path_and_query = format!("{dir}/{name}").parse().ok();
    http::Uri::from_parts(parts).unwrap_or_else(|_| url.clone())
}

/// Sleeps until `at_s` on the run's clock; false when the run was stopped or ended first.
async fn sleep_until(
    clock: Clock,
    at_s: f64,
    stop: &StopSignal,
    run_over: &CancellationToken,
) -> bool {
    loop {
        if stop.is_stopped() || run_over.is_cancelled() {
            return false;
        }
        let left = at_s - clock.seconds();
        if left <= 0.0 {
            return true;
        }
        tokio::time::sleep(Duration::from_secs_f64(left.min(0.1))).await;
    }
}

impl RunningProbes {
    /// Stops the probes, writes their artefacts into `dir`, and returns what they found.
    pub async fn finish(self, plan: &Plan, result: &RunResult, dir: &RunDir) -> ProbeResults {
        let mut out = ProbeResults::default();
        if let Some(captures) = self.captures {
            let taken = captures.finish(self.stop).await;
            out.profiles = taken
                .into_iter()
                .map(|t| record_capture(plan, result, dir, t))
                .collect();
        }
        let mut metrics = MetricsResults::default();
        if let Some((handle, cancel, interval_s)) = self.scrape {
            cancel.cancel();
            if let Ok(scraped) = handle.await {
                if let Some(cpu) = scraped
                    .series
                    .iter()
                    .find(|s| s.name == "process_cpu_seconds_total")
                {
                    for c in out
                        .profiles
                        .iter_mut()
                        .filter(|c| c.kind == ProfileKind::Cpu && c.requests_in_window > 0)
                    {
                        c.process_cpu_seconds_per_1k_requests =
                            counter_increase(&cpu.points, c.window_s[0], c.window_s[1])
                                .map(|cpu_s| cpu_s / c.requests_in_window as f64 * 1000.0);
                    }
                }
                metrics.cpu_cores_by_stage = cpu_cores_by_stage(result, &scraped.series);
                metrics.scrape = Some(crate::probe::ScrapeSummary {
                    url: scraped.url,
                    interval_s,
                    scrapes_ok: scraped.scrapes_ok,
                    scrapes_failed: scraped.scrapes_failed,
                    last_error: scraped.last_error,
                    series: scraped.series,
                });
            }
        }
        if let Some(query) = plan.metrics.as_ref().and_then(|m| m.query.as_ref()) {
            let start = result.run.start_unix_ms as f64 / 1e3;
            let end = start + result.run.duration_s;
            for (name, q) in &query.queries {
                let res = query_range(
                    &query.prometheus,
                    q,
                    start,
                    end,
                    query.step.as_secs_f64(),
                    &[],
                    &probe_tls(plan),
                    Duration::from_secs(30),
                )
                .await;
                metrics.queries.push(match res {
                    Ok(series) => QueryResult {
                        name: name.clone(),
                        query: q.clone(),
                        series: relative_to(series, start),
                        error: None,
                    },
                    Err(e) => QueryResult {
                        name: name.clone(),
                        query: q.clone(),
                        series: Vec::new(),
                        error: Some(e.to_string()),
                    },
                });
            }
        }
        if metrics.scrape.is_some() || !metrics.queries.is_empty() {
            out.metrics = Some(metrics);
        }
        out
    }
}

/// Query results come in Unix seconds; the timeline counts from the run's start.
fn relative_to(mut series: Vec<MetricSeries>, start_unix: f64) -> Vec<MetricSeries> {
    for s in &mut series {
        for p in s
            .points
            .iter_mut()
            .chain(s.rate_points.iter_mut().flatten())
        {
            p[0] -= start_unix;
        }
    }
    series
}

fn record_capture(plan: &Plan, result: &RunResult, dir: &RunDir, t: Taken) -> ProfileCapture {
    let stage = plan.load.stages[t.planned.stage].name.clone();
    let kind_name = format!("{:?}", t.planned.kind).to_lowercase();
    let base = format!("profiles/{stage}-{kind_name}");
    let requests = completed_between(result, t.window_s[0], t.window_s[1]);
    let mut capture = ProfileCapture {
        stage,
        kind: t.planned.kind,
        url: crate::probe::display_url(
            &plan
                .profile
                .as_ref()
                .map_or_else(Default::default, |p| p.url.clone()),
        ),
        window_s: t.window_s,
        status: CaptureStatus::Failed,
        reason: None,
        raw_file: None,
        flame_graph_file: None,
        summary: None,
        requests_in_window: requests,
        cpu_seconds_per_1k_requests: None,
        process_cpu_seconds_per_1k_requests: None,
        folded: Vec::new(),
    };
    match t.outcome {
        Err(failure) => capture.reason = Some(failure.to_string()),
        Ok(profile) => {
            capture.status = CaptureStatus::Ok;
            capture.raw_file = dir
                .write_bytes(&format!("{base}.pb.gz"), &profile.raw_gz)
                .ok()
                .map(|_| format!("{base}.pb.gz"));
            let title = format!("{} profile, stage {}", kind_name, capture.stage);
            if let Ok(svg) = flame_graph_svg(&profile.folded, &title) {
                capture.flame_graph_file = dir
                    .write_text(&format!("{base}.svg"), &svg)
                    .ok()
                    .map(|_| format!("{base}.svg"));
            }
            if t.planned.kind == ProfileKind::Cpu
                && profile.summary.unit == "nanoseconds"
                && requests > 0
            {
                capture.cpu_seconds_per_1k_requests =
                    Some(profile.summary.total_value as f64 / 1e9 / requests as f64 * 1000.0);
            }
            let mut folded = profile.folded;
            folded.sort_by_key(|f| std::cmp::Reverse(f.1));
            folded.truncate(MAX_FOLDED);
            capture.folded = folded;
            capture.summary = Some(profile.summary);
        }
    }
    capture
}

/// Requests completed in `[from_s, to_s)`, from the per-second timeline (partial seconds pro rata).
pub fn completed_between(result: &RunResult, from_s: f64, to_s: f64) -> u64 {
    result
        .timeline
        .iter()
        .map(|sec| {
            let (a, b) = (sec.t as f64, sec.t as f64 + 1.0);
            let overlap = (b.min(to_s) - a.max(from_s)).max(0.0);
            overlap * sec.completed as f64
        })
        .sum::<f64>()
        .round() as u64
}

/// A counter's increase between two times, interpolating linearly between scrapes; `None`
/// when the scrapes do not cover the interval.
fn counter_increase(points: &[[f64; 2]], from_s: f64, to_s: f64) -> Option<f64> {
    let at = |t: f64| -> Option<f64> {
        let i = points.partition_point(|p| p[0] < t);
        match (i.checked_sub(1).and_then(|j| points.get(j)), points.get(i)) {
            (Some(a), Some(b)) if b[0] > a[0] => {
                Some(a[1] + (b[1] - a[1]) * (t - a[0]) / (b[0] - a[0]))
            }
            (_, Some(b)) if b[0] == t => Some(b[1]),
            _ => None,
        }
    };
    let increase = at(to_s)? - at(from_s)?;
    (increase >= 0.0).then_some(increase)
}

/// Mean of `process_cpu_seconds_total`'s rate over each stage's measured window.
fn cpu_cores_by_stage(result: &RunResult, series: &[MetricSeries]) -> Vec<StageValue> {
    let Some(cpu) = series
        .iter()
        .find(|s| s.name == "process_cpu_seconds_total")
    else {
        return Vec::new();
    };
    let Some(rates) = &cpu.rate_points else {
        return Vec::new();
    };
    result
        .stages
        .iter()
        .filter_map(|st| {
            let (a, b) = (st.start_s + st.warmup_s, st.start_s + st.duration_s);
            // A rate point covers the interval ending at its time: keep those inside the window.
            let inside: Vec<f64> = rates
                .iter()
                .filter(|p| p[0] > a && p[0] <= b + 0.5)
                .map(|p| p[1])
                .collect();
            (!inside.is_empty()).then(|| StageValue {
                stage: st.name.clone(),
                value: inside.iter().sum::<f64>() / inside.len() as f64,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_with(stages: &[(&str, u64, u64)], profile: &str) -> Plan {
        let mut text = String::from("name = \"p\"\ntarget = \"http://127.0.0.1:1\"\n[[request]]\nname = \"r\"\npath = \"/\"\n[load]\nmodel = \"open\"\n");
        for (name, dur, warm) in stages {
            text.push_str(&format!("[[load.stage]]\nname = \"{name}\"\nduration = \"{dur}s\"\nrate = 10\nwarmup = \"{warm}s\"\n"));
        }
        text.push_str(profile);
        crate::scenario::load_from_str(std::path::Path::new("p.toml"), &text, &|_| None).unwrap()
    }

    #[test]
    fn cpu_captures_fit_the_steady_window() {
        let plan = plan_with(&[("a", 10, 2), ("b", 20, 5)], "[profile]\nurl = \"http://127.0.0.1:1/debug/pprof/profile\"\nstages = [\"b\", \"a\"]\nkinds = [\"cpu\", \"heap\"]\n");
        let caps = plan_captures(&plan, plan.profile.as_ref().unwrap());
        let cpu_a = caps
            .iter()
            .find(|c| c.stage == 0 && c.kind == ProfileKind::Cpu)
            .unwrap();
        assert_eq!(cpu_a.at_s, 2.5);
        assert_eq!(cpu_a.seconds, 7);
        let cpu_b = caps
            .iter()
            .find(|c| c.stage == 1 && c.kind == ProfileKind::Cpu)
            .unwrap();
        assert_eq!(cpu_b.at_s, 15.5);
        assert_eq!(cpu_b.seconds, 14);
        let heap_b = caps
            .iter()
            .find(|c| c.stage == 1 && c.kind == ProfileKind::Heap)
            .unwrap();
        assert_eq!(heap_b.at_s, 29.5);
        assert!(caps.windows(2).all(|w| w[0].at_s <= w[1].at_s));
    }

    /// A target that answers a capture only after the run is over (pprof-rs symbolizing, a
    /// slow network): the answer is still recorded.
    #[tokio::test]
    async fn a_capture_answered_after_the_run_ends_is_kept() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (asked_tx, asked) = tokio::sync::oneshot::channel();
        let (answer, answer_rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let (mut tcp, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = tcp.read(&mut buf).await;
            let _ = asked_tx.send(());
            let _ = answer_rx.await;
            let body = "Could not enable CPU profiling: cpu profiling already in use\n";
            let reply = format!(
                "HTTP/1.1 500 Internal Server Error\r\nX-Go-Pprof: 1\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            let _ = tcp.write_all(reply.as_bytes()).await;
        });
        let profile = format!("[profile]\nurl = \"http://{addr}/debug/pprof/profile\"\n");
        let plan = plan_with(&[("a", 2, 0)], &profile);
        let stop = StopSignal::new();
        let probes = start(&plan, Clock::start(), &stop);
        asked.await.unwrap();
        let finishing = tokio::spawn(probes.captures.unwrap().finish(stop));
        let _ = answer.send(());
        let taken = finishing.await.unwrap();
        assert_eq!(taken.len(), 1);
        let failure = taken[0].outcome.as_ref().unwrap_err();
        assert!(
            matches!(failure, CaptureFailure::Busy { .. }),
            "{failure:?}"
        );
    }

    #[test]
    fn counter_increase_interpolates_between_scrapes() {
        let pts = [[0.0, 10.0], [2.0, 12.0], [4.0, 16.0]];
        // 11 at t = 1 (halfway from 10 to 12), 14 at t = 3 (halfway from 12 to 16).
        assert_eq!(counter_increase(&pts, 1.0, 3.0), Some(3.0));
        assert_eq!(counter_increase(&pts, 0.0, 4.0), Some(6.0));
        assert_eq!(counter_increase(&pts, 3.0, 5.0), None);
    }

    #[test]
    fn requested_seconds_are_capped_to_the_stage() {
        let plan = plan_with(
            &[("a", 5, 0)],
            "[profile]\nurl = \"http://127.0.0.1:1/debug/pprof/profile\"\nseconds = 30\n",
        );
        let caps = plan_captures(&plan, plan.profile.as_ref().unwrap());
        assert_eq!(caps.len(), 1);
        assert_eq!(caps[0].seconds, 4);
    }
}
