//! Percentiles of several per-second coarse histograms pooled together, computed as
//! [`CoarseHistogram::percentile`](crate::metrics::CoarseHistogram::percentile) does (the
//! middle of the bucket holding the rank), several percentiles in one pass.

use crate::metrics::coarse::{bucket_low, BUCKETS};

/// Dense bucket counts, reused across bootstrap resamples.
pub struct Pool {
    counts: Vec<u64>,
    total: u64,
}

impl Default for Pool {
    fn default() -> Self {
        Pool {
            counts: vec![0; BUCKETS],
            total: 0,
        }
    }
}

impl Pool {
    pub fn clear(&mut self) {
        self.counts.iter_mut().for_each(|c| *c = 0);
        self.total = 0;
    }

    pub fn add(&mut self, sparse: &[(usize, u64)]) {
        for &(bucket, count) in sparse {
            let b = bucket.min(BUCKETS - 1);
            self.counts[b] = self.counts[b].saturating_add(count);
            self.total = self.total.saturating_add(count);
        }
    }

    /// Values (µs) at `percentiles` (0–100, ascending); `None` when the pool is empty.
    pub fn percentiles<const N: usize>(&self, percentiles: &[f64; N]) -> Option<[f64; N]> {
        if self.total == 0 {
            return None;
        }
        let mut out = [0.0; N];
        let mut seen = 0u64;
        let mut bucket = 0usize;
        for (slot, p) in out.iter_mut().zip(percentiles) {
            let rank = ((p / 100.0) * self.total as f64).ceil().max(1.0) as u64;
            while bucket < BUCKETS && seen + self.counts[bucket] < rank {
                seen += self.counts[bucket];
                bucket += 1;
            }
            *slot = bucket_value(bucket.min(BUCKETS - 1));
        }
        Some(out)
    }
}

fn bucket_value(index: usize) -> f64 {
    let low = bucket_low(index) as f64;
    if index < 32 {
        low
    } else {
        (low + bucket_low(index + 1) as f64) / 2.0
    }
}

/// Percentiles of one sparse histogram.
pub fn sparse_percentiles<const N: usize>(
    sparse: &[(usize, u64)],
    percentiles: &[f64; N],
) -> Option<[f64; N]> {
    let mut pool = Pool::default();
    pool.add(sparse);
    pool.percentiles(percentiles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::CoarseHistogram;

    #[test]
    fn agrees_with_the_coarse_histogram() {
        let mut a = CoarseHistogram::default();
        let mut b = CoarseHistogram::default();
        (1..=700u64).for_each(|v| a.record(v * 37));
        (1..=300u64).for_each(|v| b.record(v * 91 + 5));
        let sparse = |h: &CoarseHistogram| -> Vec<(usize, u64)> {
            h.to_sparse()
                .into_iter()
                .map(|[i, c]| (i as usize, c as u64))
                .collect()
        };
        let mut pool = Pool::default();
        pool.add(&sparse(&a));
        pool.add(&sparse(&b));
        a.add(&b);
        let ps = [0.0, 50.0, 90.0, 99.0, 99.9, 100.0];
        let got = pool.percentiles(&ps).unwrap();
        for (p, v) in ps.iter().zip(got) {
            assert_eq!(v, a.percentile(*p), "p{p}");
        }
        pool.clear();
        assert!(pool.percentiles(&ps).is_none());
        assert!(sparse_percentiles(&[(9999, 3)], &[50.0]).is_some());
    }
}
