//! Bounded accumulation of scraped values into [`MetricSeries`]: at most `max_series`
//! series of at most `max_points` points each, whatever the run length.
//!
//! When a series is full, adjacent pairs are merged (the later point kept; two rate
//! intervals become one with their summed increase) and from then on only every second
//! scrape is kept, so the resolution stays uniform over the run and rates stay exact.
//! Counter increases are taken between consecutive scrapes; a drop means the counter was
//! reset and the new value is the increase since the reset (Prometheus `rate()`).

use std::collections::{BTreeMap, HashMap};

use super::prom_series::{unit_hint, MetricSeries, SeriesKind};

/// A counter increase over `[start, end]` seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RateSpan {
    start: f64,
    end: f64,
    increase: f64,
}

#[derive(Debug)]
struct SeriesState {
    name: String,
    labels: BTreeMap<String, String>,
    kind: SeriesKind,
    points: Vec<[f64; 2]>,
    rates: Vec<RateSpan>,
    /// The previous scrape's (t, value), kept or not.
    last: Option<(f64, f64)>,
    /// Increase accumulated since the last kept point: (start, increase).
    pending: Option<(f64, f64)>,
    /// Keep one scrape in `stride`; doubles at each compaction.
    stride: u64,
    since_kept: u64,
}

/// All series of one scrape target.
#[derive(Debug)]
pub(crate) struct SeriesStore {
    max_series: usize,
    max_points: usize,
    series: Vec<SeriesState>,
    index: HashMap<(String, BTreeMap<String, String>), usize>,
    limit_reached: bool,
}

impl SeriesStore {
    /// `max_points` is raised to at least 4 so compaction always makes room.
    pub(crate) fn new(max_series: usize, max_points: usize) -> SeriesStore {
        SeriesStore {
            max_series,
            max_points: max_points.max(4),
            series: Vec::new(),
            index: HashMap::new(),
            limit_reached: false,
        }
    }

    /// Records `value` of a series at `t` seconds. Non-finite values and times not after
    /// the series' previous one are ignored.
    pub(crate) fn observe(
        &mut self,
        t: f64,
        name: &str,
        labels: &[(String, String)],
        kind: SeriesKind,
        value: f64,
    ) {
        if !value.is_finite() || !t.is_finite() {
            return;
        }
        let labels: BTreeMap<String, String> = labels.iter().cloned().collect();
        let key = (name.to_string(), labels);
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None if self.series.len() >= self.max_series => {
                self.limit_reached = true;
                return;
            }
            None => {
                self.series.push(SeriesState {
                    name: key.0.clone(),
                    labels: key.1.clone(),
                    kind,
                    points: Vec::new(),
                    rates: Vec::new(),
                    last: None,
                    pending: None,
                    stride: 1,
                    since_kept: u64::MAX,
                });
                self.index.insert(key, self.series.len() - 1);
                self.series.len() - 1
            }
        };
        let max_points = self.max_points;
        self.series[i].observe(t, value, max_points);
    }

    /// Whether some series were refused because `max_series` was reached.
    pub(crate) fn limit_reached(&self) -> bool {
        self.limit_reached
    }

    pub(crate) fn into_series(self) -> Vec<MetricSeries> {
        self.series
            .into_iter()
            .map(SeriesState::into_series)
            .collect()
    }
}

impl SeriesState {
    fn observe(&mut self, t: f64, value: f64, max_points: usize) {
        if self.last.is_some_and(|(t0, _)| t <= t0) {
            return;
        }
        if let (SeriesKind::Counter, Some((t0, v0))) = (self.kind, self.last) {
            let increase = if value >= v0 { value - v0 } else { value };
            let (start, sum) = self.pending.unwrap_or((t0, 0.0));
            self.pending = Some((start, sum + increase));
        }
        self.last = Some((t, value));
        self.since_kept = self.since_kept.saturating_add(1);
        if self.since_kept < self.stride {
            return;
        }
        self.since_kept = 0;
        self.points.push([t, value]);
        if let Some((start, increase)) = self.pending.take() {
            self.rates.push(RateSpan {
                start,
                end: t,
                increase,
            });
        }
        if self.points.len() >= max_points {
            self.compact();
        }
    }

    fn compact(&mut self) {
        self.points = self
            .points
            .chunks(2)
            .filter_map(|pair| pair.last().copied())
            .collect();
        self.rates = self
            .rates
            .chunks(2)
            .filter_map(|pair| {
                let (first, last) = (pair.first()?, pair.last()?);
                let increase = pair.iter().map(|r| r.increase).sum();
                Some(RateSpan {
                    start: first.start,
                    end: last.end,
                    increase,
                })
            })
            .collect();
        self.stride = self.stride.saturating_mul(2);
    }

    fn into_series(mut self) -> MetricSeries {
        // The latest scrape always ends the series, kept or not.
        if let (Some((t, value)), true) = (self.last, self.since_kept > 0) {
            self.points.push([t, value]);
            if let Some((start, increase)) = self.pending.take() {
                self.rates.push(RateSpan {
                    start,
                    end: t,
                    increase,
                });
            }
        }
        let rate_points = (self.kind == SeriesKind::Counter).then(|| {
            self.rates
                .iter()
                .filter(|r| r.end > r.start)
                .map(|r| [r.end, r.increase / (r.end - r.start)])
                .collect()
        });
        MetricSeries {
            unit_hint: unit_hint(&self.name),
            name: self.name,
            labels: self.labels,
            kind: self.kind,
            points: self.points,
            rate_points,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter(store: &mut SeriesStore, t: f64, v: f64) {
        store.observe(t, "c_total", &[], SeriesKind::Counter, v);
    }

    #[test]
    fn counter_rates_handle_resets() {
        let mut store = SeriesStore::new(10, 100);
        for (t, v) in [
            (0.0, 100.0),
            (1.0, 110.0),
            (2.0, 130.0),
            (3.0, 5.0),
            (5.0, 25.0),
        ] {
            counter(&mut store, t, v);
        }
        let series = store.into_series();
        assert_eq!(series.len(), 1);
        let rates = series[0].rate_points.clone().expect("rates");
        // 10/s, 20/s, reset: 5 since the reset over 1 s, then 20 over 2 s.
        assert_eq!(
            rates,
            vec![[1.0, 10.0], [2.0, 20.0], [3.0, 5.0], [5.0, 10.0]]
        );
        assert_eq!(series[0].points.len(), 5);
    }

    #[test]
    fn gauges_have_no_rates_and_bad_values_are_skipped() {
        let mut store = SeriesStore::new(10, 100);
        let labels = vec![("job".to_string(), "x".to_string())];
        for (t, v) in [
            (0.0, 1.0),
            (1.0, f64::NAN),
            (1.0, 2.0),
            (0.5, 9.0),
            (2.0, f64::INFINITY),
            (3.0, 3.0),
        ] {
            store.observe(t, "g", &labels, SeriesKind::Gauge, v);
        }
        let series = store.into_series();
        assert_eq!(series[0].points, vec![[0.0, 1.0], [1.0, 2.0], [3.0, 3.0]]);
        assert_eq!(series[0].rate_points, None);
        assert_eq!(series[0].labels["job"], "x");
    }

    #[test]
    fn memory_is_bounded_and_rates_stay_exact() {
        let mut store = SeriesStore::new(10, 8);
        // A counter growing 2/s for 1000 s, with a reset at t = 500.
        for t in 0..=1000 {
            let v = if t < 500 {
                2.0 * t as f64
            } else {
                2.0 * (t - 499) as f64
            };
            counter(&mut store, t as f64, v);
        }
        let series = store.into_series();
        let (points, rates) = (
            &series[0].points,
            series[0].rate_points.clone().expect("rates"),
        );
        assert!(points.len() <= 8 && rates.len() <= 8, "{points:?}");
        assert!(points.len() >= 3, "still covers the run: {points:?}");
        assert_eq!(points.last().map(|p| p[0]), Some(1000.0), "latest kept");
        for [t, r] in &rates {
            assert!((r - 2.0).abs() < 1e-9, "rate at {t} is {r}");
        }
        let mut ends: Vec<f64> = rates.iter().map(|r| r[0]).collect();
        ends.dedup();
        assert_eq!(ends.len(), rates.len(), "monotonic spans");
    }

    #[test]
    fn series_count_is_capped() {
        let mut store = SeriesStore::new(2, 10);
        for code in ["200", "404", "500"] {
            let labels = vec![("code".to_string(), code.to_string())];
            store.observe(0.0, "r_total", &labels, SeriesKind::Counter, 1.0);
        }
        assert!(store.limit_reached());
        assert_eq!(store.into_series().len(), 2);
    }
}
