//! Per-worker recording of samples: HDR histograms per (stage, request, outcome), drops, status
//! codes, scheduler lag, and the per-second timeline. One recorder per engine thread, no locks;
//! recorders are merged when the threads finish.

use super::coarse::CoarseHistogram;
use super::histogram::LatencyHistogram;
use super::outcome::{Outcome, OUTCOME_COUNT};

/// One finished request, with every time in nanoseconds since the run's start.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub request: usize,
    /// When the request was meant to start (scheduled arrival, or the user being ready).
    pub intended_ns: u64,
    /// When it was actually handed to the connection.
    pub sent_ns: u64,
    /// When the response body was read in full (or the failure was known).
    pub done_ns: u64,
    pub outcome: Outcome,
    /// HTTP status, 0 when there was no response.
    pub status: u16,
    pub bytes: u64,
}

impl Sample {
    /// Latency from the intended start, µs: what the user of the service experienced.
    pub fn latency_us(&self) -> u64 {
        self.done_ns.saturating_sub(self.intended_ns) / 1_000
    }
    /// From actual send to completion, µs: what the server and network took.
    pub fn service_us(&self) -> u64 {
        self.done_ns.saturating_sub(self.sent_ns) / 1_000
    }
    pub fn lag_us(&self) -> u64 {
        self.sent_ns.saturating_sub(self.intended_ns) / 1_000
    }
}

/// Where stages begin and where their warm-up ends, in ns since the run's start.
#[derive(Debug, Clone, PartialEq)]
pub struct StageBounds {
    starts: Vec<u64>,
    warmup_ends: Vec<u64>,
}

impl StageBounds {
    /// `stages` as (start, warm-up) pairs in ns, in order.
    pub fn new(stages: impl IntoIterator<Item = (u64, u64)>) -> Self {
        let (starts, warmup_ends) = stages
            .into_iter()
            .map(|(start, warmup)| (start, start + warmup))
            .unzip();
        StageBounds {
            starts,
            warmup_ends,
        }
    }

    /// The stage a sample intended at `t_ns` belongs to, and whether it falls in its warm-up.
    #[inline]
    pub fn locate(&self, t_ns: u64) -> (usize, bool) {
        let i = self
            .starts
            .partition_point(|&s| s <= t_ns)
            .saturating_sub(1);
        (i, t_ns < self.warmup_ends[i])
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
}

#[derive(Debug, Clone, Default)]
pub struct OutcomeRecorder {
    pub count: u64,
    pub latency: LatencyHistogram,
    pub service: LatencyHistogram,
}

#[derive(Debug, Clone, Default)]
pub struct RequestRecorder {
    pub dropped: u64,
    pub bytes: u64,
    pub outcomes: [Option<Box<OutcomeRecorder>>; OUTCOME_COUNT],
    /// (status, count), few distinct codes in practice.
    pub status_codes: Vec<(u16, u64)>,
}

impl RequestRecorder {
    #[inline]
    fn record(&mut self, s: &Sample) {
        let slot = self.outcomes[s.outcome.index()].get_or_insert_with(Default::default);
        slot.count += 1;
        slot.latency.record(s.latency_us());
        slot.service.record(s.service_us());
        self.bytes += s.bytes;
        if s.status != 0 {
            match self
                .status_codes
                .iter_mut()
                .find(|(code, _)| *code == s.status)
            {
                Some((_, n)) => *n += 1,
                None => self.status_codes.push((s.status, 1)),
            }
        }
    }

    fn add(&mut self, other: &RequestRecorder) {
        self.dropped += other.dropped;
        self.bytes += other.bytes;
        for (mine, theirs) in self.outcomes.iter_mut().zip(other.outcomes.iter()) {
            if let Some(theirs) = theirs {
                let mine = mine.get_or_insert_with(Default::default);
                mine.count += theirs.count;
                mine.latency.add(&theirs.latency);
                mine.service.add(&theirs.service);
            }
        }
        for &(code, n) in &other.status_codes {
            match self.status_codes.iter_mut().find(|(c, _)| *c == code) {
                Some((_, m)) => *m += n,
                None => self.status_codes.push((code, n)),
            }
        }
    }

    pub fn sent(&self) -> u64 {
        self.outcomes.iter().flatten().map(|o| o.count).sum()
    }
}

#[derive(Debug, Clone)]
pub struct StageRecorder {
    pub measured: Vec<RequestRecorder>,
    pub warmup: Vec<RequestRecorder>,
    pub lag: LatencyHistogram,
}

/// One second of the run (by intended start, except `completed`, by completion time).
#[derive(Debug, Clone, Default)]
pub struct SecondRecorder {
    pub sent: u32,
    pub dropped: u32,
    pub completed: u32,
    pub outcomes: [u32; OUTCOME_COUNT],
    pub in_flight_max: u32,
    pub lag_max_us: u32,
    pub latency: CoarseHistogram,
}

#[derive(Debug, Clone)]
pub struct Recorder {
    bounds: StageBounds,
    pub stages: Vec<StageRecorder>,
    pub seconds: Vec<SecondRecorder>,
}

#[inline]
fn second_of(t_ns: u64) -> usize {
    (t_ns / 1_000_000_000) as usize
}

impl Recorder {
    pub fn new(bounds: StageBounds, requests: usize) -> Self {
        let stages = (0..bounds.len())
            .map(|_| StageRecorder {
                measured: vec![RequestRecorder::default(); requests],
                warmup: vec![RequestRecorder::default(); requests],
                lag: LatencyHistogram::new(),
            })
            .collect();
        Recorder {
            bounds,
            stages,
            seconds: Vec::new(),
        }
    }

    fn second(&mut self, t_ns: u64) -> &mut SecondRecorder {
        let i = second_of(t_ns);
        if i >= self.seconds.len() {
            self.seconds.resize_with(i + 1, Default::default);
        }
        &mut self.seconds[i]
    }

    #[inline]
    pub fn record(&mut self, s: &Sample) {
        let (stage, in_warmup) = self.bounds.locate(s.intended_ns);
        let st = &mut self.stages[stage];
        let lag = s.lag_us();
        st.lag.record(lag);
        let req = if in_warmup {
            &mut st.warmup[s.request]
        } else {
            &mut st.measured[s.request]
        };
        req.record(s);
        let sec = self.second(s.intended_ns);
        sec.sent += 1;
        sec.outcomes[s.outcome.index()] += 1;
        sec.lag_max_us = sec.lag_max_us.max(lag.min(u32::MAX as u64) as u32);
        if s.outcome == Outcome::Ok {
            sec.latency.record(s.latency_us());
        }
        self.second(s.done_ns).completed += 1;
    }

    /// An arrival that found every in-flight slot busy and was not sent.
    #[inline]
    pub fn record_drop(&mut self, request: usize, intended_ns: u64) {
        let (stage, in_warmup) = self.bounds.locate(intended_ns);
        let st = &mut self.stages[stage];
        if in_warmup {
            st.warmup[request].dropped += 1;
        } else {
            st.measured[request].dropped += 1;
        }
        self.second(intended_ns).dropped += 1;
    }

    /// Notes how many requests were in flight at `t_ns` (kept as a per-second maximum).
    #[inline]
    pub fn note_in_flight(&mut self, t_ns: u64, in_flight: usize) {
        let sec = self.second(t_ns);
        sec.in_flight_max = sec.in_flight_max.max(in_flight as u32);
    }

    pub fn merge(&mut self, other: &Recorder) {
        for (mine, theirs) in self.stages.iter_mut().zip(&other.stages) {
            for (a, b) in mine.measured.iter_mut().zip(&theirs.measured) {
                a.add(b);
            }
            for (a, b) in mine.warmup.iter_mut().zip(&theirs.warmup) {
                a.add(b);
            }
            mine.lag.add(&theirs.lag);
        }
        if other.seconds.len() > self.seconds.len() {
            self.seconds
                .resize_with(other.seconds.len(), Default::default);
        }
        for (a, b) in self.seconds.iter_mut().zip(&other.seconds) {
            a.sent += b.sent;
            a.dropped += b.dropped;
            a.completed += b.completed;
            for (x, y) in a.outcomes.iter_mut().zip(b.outcomes.iter()) {
                *x += y;
            }
            // Threads run side by side, so their in-flight counts add up.
            a.in_flight_max += b.in_flight_max;
            a.lag_max_us = a.lag_max_us.max(b.lag_max_us);
            a.latency.add(&b.latency);
        }
    }

    /// Totals over every stage, measured and warm-up: (sent, dropped).
    pub fn totals(&self) -> (u64, u64) {
        let mut sent = 0;
        let mut dropped = 0;
        for st in &self.stages {
            for r in st.measured.iter().chain(&st.warmup) {
                sent += r.sent();
                dropped += r.dropped;
            }
        }
        (sent, dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;

    fn sample(request: usize, intended_s: f64, outcome: Outcome) -> Sample {
        let intended_ns = (intended_s * S as f64) as u64;
        Sample {
            request,
            intended_ns,
            sent_ns: intended_ns + 1_000,
            done_ns: intended_ns + 2_000_000,
            outcome,
            status: 200,
            bytes: 10,
        }
    }

    fn two_stages() -> StageBounds {
        // stage 0: [0, 10s) with 2 s warm-up; stage 1: [10 s, …)
        StageBounds::new([(0, 2 * S), (10 * S, 0)])
    }

    #[test]
    fn samples_belong_to_the_stage_of_their_intended_start() {
        let b = two_stages();
        assert_eq!(b.locate(0), (0, true));
        assert_eq!(b.locate(2 * S), (0, false));
        assert_eq!(b.locate(10 * S - 1), (0, false));
        assert_eq!(b.locate(10 * S), (1, false));
        assert_eq!(b.locate(500 * S), (1, false));
    }

    #[test]
    fn records_by_stage_warmup_outcome_and_second() {
        let mut r = Recorder::new(two_stages(), 2);
        r.record(&sample(0, 1.0, Outcome::Ok));
        r.record(&sample(0, 3.0, Outcome::Ok));
        r.record(&sample(1, 9.9999, Outcome::Timeout));
        r.record(&sample(1, 10.5, Outcome::Ok));
        r.record_drop(1, 10 * S + 7);
        assert_eq!(r.stages[0].warmup[0].sent(), 1);
        assert_eq!(r.stages[0].measured[0].sent(), 1);
        assert_eq!(
            r.stages[0].measured[1].outcomes[Outcome::Timeout.index()]
                .as_ref()
                .unwrap()
                .count,
            1
        );
        assert_eq!(r.stages[1].measured[1].sent(), 1);
        assert_eq!(r.stages[1].measured[1].dropped, 1);
        assert_eq!(r.totals(), (4, 1));
        assert_eq!(r.seconds[10].sent, 1);
        assert_eq!(r.seconds[10].dropped, 1);
        assert_eq!(r.seconds[9].outcomes[Outcome::Timeout.index()], 1);
    }

    #[test]
    fn merge_adds_everything() {
        let mut a = Recorder::new(two_stages(), 1);
        let mut b = Recorder::new(two_stages(), 1);
        a.record(&sample(0, 3.0, Outcome::Ok));
        b.record(&sample(0, 3.5, Outcome::Ok));
        b.record(&sample(0, 12.0, Outcome::Reset));
        a.merge(&b);
        assert_eq!(a.totals(), (3, 0));
        let ok = a.stages[0].measured[0].outcomes[0].as_ref().unwrap();
        assert_eq!(ok.count, 2);
        assert_eq!(ok.latency.count(), 2);
        assert_eq!(a.seconds[3].sent, 2);
        assert_eq!(a.seconds.len(), 13);
    }
}
