//! A log-linear histogram for the per-second timeline: 16 sub-buckets per power of two (at most
//! 6.25% wide), 400 buckets covering 1 µs to ~268 s. Adds exactly; cheap to record.
//!
//! Only the span of buckets between the lowest and highest value seen is stored: a second's
//! latencies cover a few dozen buckets, so a long run's timeline costs a few hundred bytes per
//! second instead of 1.6 kB (400 × u32) per second and engine thread.

use serde::{Deserialize, Serialize};

pub const BUCKETS: usize = 400;

#[derive(Debug, Clone, Default)]
pub struct CoarseHistogram {
    /// Counts of buckets `first ..first + counts.len()`; empty when nothing was recorded.
    counts: Vec<u32>,
    first: usize,
    total: u64,
}

impl PartialEq for CoarseHistogram {
    fn eq(&self, other: &Self) -> bool {
        self.total == other.total && self.to_sparse() == other.to_sparse()
    }
}

/// Bucket of a value in µs.
#[inline]
pub fn bucket_of(micros: u64) -> usize {
    if micros < 32 {
        return micros as usize;
    }
    let msb = 63 - micros.leading_zeros() as usize;
    let sub = ((micros >> (msb - 4)) & 15) as usize;
    (16 * (msb - 3) + sub).min(BUCKETS - 1)
}

/// Lowest value (µs) that falls into bucket `index`.
pub fn bucket_low(index: usize) -> u64 {
    if index < 32 {
        return index as u64;
    }
    let msb = index / 16 + 3;
    let sub = (index % 16) as u64;
    (16 + sub) << (msb - 4)
}

impl CoarseHistogram {
    #[inline]
    pub fn record(&mut self, micros: u64) {
        self.add_to_bucket(bucket_of(micros), 1);
    }

    /// Adds `n` to bucket `b`, widening the stored span when `b` lies outside it.
    #[inline]
    fn add_to_bucket(&mut self, b: usize, n: u32) {
        if self.counts.is_empty() {
            self.first = b;
            self.counts.push(0);
        } else if b < self.first {
            let grow = self.first - b;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.first = b;
        } else if b >= self.first + self.counts.len() {
            self.counts.resize(b - self.first + 1, 0);
        }
        let c = &mut self.counts[b - self.first];
        *c = c.saturating_add(n);
        self.total += n as u64;
    }

    pub fn add(&mut self, other: &CoarseHistogram) {
        let before = self.total;
        for (i, &c) in other.counts.iter().enumerate() {
            if c > 0 {
                self.add_to_bucket(other.first + i, c);
            }
        }
        // Saturated buckets may have lost counts; the total stays the sum of the totals.
        self.total = before + other.total;
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    /// Value at `percentile` (0–100): the middle of the bucket holding that rank, in µs.
    pub fn percentile(&self, percentile: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let rank = ((percentile / 100.0) * self.total as f64).ceil().max(1.0) as u64;
        let mut seen = 0u64;
        for (j, &c) in self.counts.iter().enumerate() {
            seen += c as u64;
            if seen >= rank {
                let i = self.first + j;
                let low = bucket_low(i) as f64;
                let high = bucket_low(i + 1) as f64;
                return if i < 32 { low } else { (low + high) / 2.0 };
            }
        }
        bucket_low(BUCKETS - 1) as f64
    }

    /// Non-empty buckets as `[index, count]` pairs: the compact form stored in `result.json`.
    pub fn to_sparse(&self) -> Vec<[u32; 2]> {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(j, &c)| [(self.first + j) as u32, c])
            .collect()
    }

    pub fn from_sparse(pairs: &[[u32; 2]]) -> Self {
        let mut h = CoarseHistogram::default();
        for &[i, c] in pairs {
            if c > 0 {
                h.add_to_bucket((i as usize).min(BUCKETS - 1), c);
            }
        }
        h
    }
}

impl Serialize for CoarseHistogram {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_sparse().serialize(s)
    }
}

impl<'de> Deserialize<'de> for CoarseHistogram {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let pairs: Vec<[u32; 2]> = Vec::deserialize(d)?;
        Ok(CoarseHistogram::from_sparse(&pairs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_monotonic_and_contain_their_values() {
        let mut prev = 0;
        for v in [
            0u64,
            1,
            15,
            31,
            32,
            33,
            100,
            1_000,
            65_535,
            1_000_000,
            100_000_000,
        ] {
            let b = bucket_of(v);
            assert!(b >= prev, "bucket of {v} went backwards");
            assert!(bucket_low(b) <= v, "{v} below its bucket {b}");
            assert!(v < bucket_low(b + 1), "{v} above its bucket {b}");
            prev = b;
        }
    }

    #[test]
    fn buckets_are_at_most_6_25_percent_wide() {
        for b in 32..BUCKETS - 1 {
            let (lo, hi) = (bucket_low(b) as f64, bucket_low(b + 1) as f64);
            assert!((hi - lo) / lo <= 0.0625 + 1e-9, "bucket {b}: {lo}..{hi}");
        }
    }

    #[test]
    fn percentiles_land_within_a_bucket() {
        let mut h = CoarseHistogram::default();
        (1..=1000u64).for_each(|v| h.record(v * 100));
        let p50 = h.percentile(50.0);
        assert!((p50 - 50_000.0).abs() / 50_000.0 < 0.04, "{p50}");
        let p99 = h.percentile(99.0);
        assert!((p99 - 99_000.0).abs() / 99_000.0 < 0.04, "{p99}");
    }

    #[test]
    fn sparse_form_round_trips_and_adds() {
        let mut a = CoarseHistogram::default();
        a.record(5);
        a.record(5000);
        let b = CoarseHistogram::from_sparse(&a.to_sparse());
        assert_eq!(a, b);
        a.add(&b);
        assert_eq!(a.count(), 4);
    }

    #[test]
    fn only_the_span_of_recorded_buckets_is_stored() {
        let mut h = CoarseHistogram::default();
        assert!(h.counts.is_empty(), "an empty second allocates nothing");
        h.record(1_000);
        h.record(2_000);
        h.record(500);
        let span = bucket_of(2_000) - bucket_of(500) + 1;
        assert_eq!(h.counts.len(), span);
        assert_eq!(
            h.to_sparse(),
            vec![
                [bucket_of(500) as u32, 1],
                [bucket_of(1_000) as u32, 1],
                [bucket_of(2_000) as u32, 1]
            ]
        );
        let mut wide = CoarseHistogram::default();
        wide.record(3);
        wide.add(&h);
        assert_eq!(wide.count(), 4);
        assert_eq!(wide.percentile(100.0), h.percentile(100.0));
        assert_eq!(wide.percentile(1.0), 3.0);
    }
}
