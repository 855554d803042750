//! Scraping a Prometheus `/metrics` endpoint at an interval for the length of a run, keeping
//! the selected series (bounded) with per-second rates for counters. Failed scrapes are
//! counted, never fatal: the loop runs until its cancellation token fires.

use std::io::Read;
use std::time::Duration;

use http::{StatusCode, Uri};
use serde::{Deserialize, Serialize};
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use super::prom_series::{MetricSeries, SeriesKind, SeriesSelector};
use super::prom_store::SeriesStore;
use super::prom_text::{parse_text, MetricFamily, MetricType, PromSample};
use super::{display_url, http_get, ProbeError, ProbeTls, MAX_BODY_BYTES};

/// The series kept when a scenario selects none (plus every `*_requests_total` series).
pub const DEFAULT_SERIES: [&str; 3] = [
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
    "go_goroutines",
];

/// What to scrape and how much of it to keep.
#[derive(Debug, Clone)]
pub struct ScrapeSpec {
    pub url: Uri,
    pub interval: Duration,
    /// Per-scrape timeout.
    pub timeout: Duration,
    pub headers: Vec<(String, String)>,
    pub tls: ProbeTls,
    /// Which series to keep; empty means [`DEFAULT_SERIES`] and `*_requests_total`.
    pub selectors: Vec<SeriesSelector>,
    /// At most this many series are kept (later ones are refused).
    pub max_series: usize,
    /// At most this many points per series (older ones are thinned, see `prom_store`).
    pub max_points: usize,
}

impl ScrapeSpec {
    /// Defaults: timeout = interval (at most 10 s), default series, 200 series × 2048 points.
    pub fn new(url: Uri, interval: Duration) -> ScrapeSpec {
        ScrapeSpec {
            url,
            interval,
            timeout: interval.min(Duration::from_secs(10)),
            headers: Vec::new(),
            tls: ProbeTls::default(),
            selectors: Vec::new(),
            max_series: 200,
            max_points: 2048,
        }
    }
}

/// Everything a scrape loop gathered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScrapeResult {
    /// The scraped URL (without credentials).
    pub url: String,
    pub series: Vec<MetricSeries>,
    pub scrapes_ok: u64,
    pub scrapes_failed: u64,
    /// The most recent failure, as a message for the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// True when more series matched than `max_series`.
    #[serde(default)]
    pub series_limit_reached: bool,
}

/// How long the last scrape, at cancellation, may take.
const LAST_SCRAPE_GRACE: Duration = Duration::from_secs(1);

/// Scrapes `spec.url` every `spec.interval` (the first at once) until `cancel` fires, and
/// returns what it kept. `clock` gives the time of each scrape in seconds since run start.
///
/// Cancelling ends with one last scrape, so the series reach the end of the run: a scrape in
/// flight is given `LAST_SCRAPE_GRACE` to finish, and between scrapes a new one is taken with
/// the same bound. Without it the series could stop up to an interval early (or two, when the
/// cancel lands on a scrape in flight), and a figure over a window ending near the run's end,
/// such as a counter's increase during the last stage's profile, would have no data.
pub async fn scrape_loop(
    spec: ScrapeSpec,
    clock: impl Fn() -> f64,
    cancel: CancellationToken,
) -> ScrapeResult {
    let mut store = SeriesStore::new(spec.max_series, spec.max_points);
    let (mut ok, mut failed, mut last_error) = (0u64, 0u64, None);
    let mut ticker = tokio::time::interval(spec.interval.max(Duration::from_millis(10)));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        let mut last = tokio::select! {
            biased;
            _ = cancel.cancelled() => true,
            _ = ticker.tick() => false,
        };
        let t = clock();
        let scrape = scrape_once(&spec);
        tokio::pin!(scrape);
        let outcome = if last {
            tokio::time::timeout(LAST_SCRAPE_GRACE, scrape).await
        } else {
            tokio::select! {
                outcome = &mut scrape => Ok(outcome),
                _ = cancel.cancelled() => {
                    last = true;
                    tokio::time::timeout(LAST_SCRAPE_GRACE, scrape).await
                }
            }
        };
        match outcome {
            Ok(Ok(families)) => {
                ok += 1;
                record(&mut store, t, &families, &spec.selectors);
            }
            Ok(Err(e)) => {
                failed += 1;
                last_error = Some(e.to_string());
            }
            // The last scrape did not finish in time: the target may be hanging.
            Err(_) => {}
        }
        if last {
            break;
        }
    }
    ScrapeResult {
        url: display_url(&spec.url),
        series_limit_reached: store.limit_reached(),
        series: store.into_series(),
        scrapes_ok: ok,
        scrapes_failed: failed,
        last_error,
    }
}

/// One GET and parse of the metrics page.
pub(crate) async fn scrape_once(spec: &ScrapeSpec) -> Result<Vec<MetricFamily>, ProbeError> {
    let mut headers = vec![(
        "Accept".to_string(),
        "text/plain;version=0.0.4;q=1,*/*;q=0.1".to_string(),
    )];
    headers.extend(spec.headers.iter().cloned());
    let response = http_get(&spec.url, &headers, &spec.tls, spec.timeout).await?;
    let url = display_url(&spec.url);
    if response.status != StatusCode::OK {
        let body = response.body_excerpt(200);
        return Err(ProbeError::Status {
            url,
            status: response.status.as_u16(),
            body,
        });
    }
    let text = if response.body.starts_with(&[0x1f, 0x8b]) {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&response.body[..])
            .take(MAX_BODY_BYTES as u64)
            .read_to_string(&mut text)
            .map_err(|e| ProbeError::Http {
                url: url.clone(),
                reason: format!("gzip body: {e}"),
            })?;
        text
    } else {
        String::from_utf8_lossy(&response.body).into_owned()
    };
    parse_text(&text).map_err(|source| ProbeError::PromText { url, source })
}

/// Records the selected samples of one scrape at time `t`.
fn record(
    store: &mut SeriesStore,
    t: f64,
    families: &[MetricFamily],
    selectors: &[SeriesSelector],
) {
    for family in families {
        for sample in &family.samples {
            if is_selected(family, sample, selectors) {
                store.observe(
                    t,
                    &sample.name,
                    &sample.labels,
                    series_kind(family, sample),
                    sample.value,
                );
            }
        }
    }
}

fn is_selected(family: &MetricFamily, sample: &PromSample, selectors: &[SeriesSelector]) -> bool {
    if selectors.is_empty() {
        return DEFAULT_SERIES.contains(&sample.name.as_str())
            || (family.name.ends_with("_requests_total") && sample.name == family.name);
    }
    selectors
        .iter()
        .any(|s| s.matches(&sample.name, &sample.labels))
}

/// Counters, and the cumulative parts of histograms and summaries, get rates.
fn series_kind(family: &MetricFamily, sample: &PromSample) -> SeriesKind {
    let cumulative_part = ["_bucket", "_sum", "_count"]
        .iter()
        .any(|s| sample.name.ends_with(s));
    match family.kind {
        MetricType::Counter => SeriesKind::Counter,
        MetricType::Gauge => SeriesKind::Gauge,
        MetricType::Histogram | MetricType::Summary
            if cumulative_part && sample.name != family.name =>
        {
            SeriesKind::Counter
        }
        MetricType::Summary => SeriesKind::Gauge,
        _ => SeriesKind::Other,
    }
}

#[cfg(test)]
#[path = "prom_scrape_tests.rs"]
mod tests;
