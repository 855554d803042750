//! A fixed-size log-linear histogram for the per-second timeline: 16 sub-buckets per power of
//! two (at most 6.25% wide), 400 buckets covering 1 µs to ~268 s. Adds exactly; cheap to record.

use serde::{Deserialize, Serialize};

pub const BUCKETS: usize = 400;

#[derive(Debug, Clone, PartialEq)]
pub struct CoarseHistogram {
    counts: Box<[u32; BUCKETS]>,
    total: u64,
}

impl Default for CoarseHistogram {
    fn default() -> Self {
        CoarseHistogram {
            counts: Box::new([0; BUCKETS]),
            total: 0,
        }
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
        let b = bucket_of(micros);
        self.counts[b] = self.counts[b].saturating_add(1);
        self.total += 1;
    }

    pub fn add(&mut self, other: &CoarseHistogram) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a = a.saturating_add(*b);
        }
        self.total += other.total;
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
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c as u64;
            if seen >= rank {
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
            .map(|(i, &c)| [i as u32, c])
            .collect()
    }

    pub fn from_sparse(pairs: &[[u32; 2]]) -> Self {
        let mut h = CoarseHistogram::default();
        for &[i, c] in pairs {
            let i = (i as usize).min(BUCKETS - 1);
            h.counts[i] = h.counts[i].saturating_add(c);
            h.total += c as u64;
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
}
