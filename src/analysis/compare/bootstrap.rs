//! The percentile bootstrap: resample each run's per-second windows with replacement
//! (independently for the two runs), recompute a statistic, and read a confidence interval
//! off the sorted resampled values. The RNG is seeded, so results are deterministic.

/// Draws `resamples` bootstrap samples: each picks `n_base` indices of the base windows and
/// `n_candidate` of the candidate's, uniformly with replacement, and hands them to `each`.
pub fn resample(
    n_base: usize,
    n_candidate: usize,
    resamples: usize,
    seed: u64,
    mut each: impl FnMut(&[usize], &[usize]),
) {
    if n_base == 0 || n_candidate == 0 {
        return;
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut base = vec![0usize; n_base];
    let mut candidate = vec![0usize; n_candidate];
    for _ in 0..resamples {
        base.iter_mut().for_each(|i| *i = rng.usize(..n_base));
        candidate
            .iter_mut()
            .for_each(|i| *i = rng.usize(..n_candidate));
        each(&base, &candidate);
    }
}

/// The central `confidence` interval of `values` (non-finite values dropped): the
/// `(1 − c)/2` and `(1 + c)/2` quantiles. `None` when no finite value is left.
pub fn interval(values: &mut Vec<f64>, confidence: f64) -> Option<(f64, f64)> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let tail = ((1.0 - confidence) / 2.0).clamp(0.0, 0.5);
    let last = values.len() - 1;
    let low = ((tail * values.len() as f64).floor() as usize).min(last);
    let high = (((1.0 - tail) * values.len() as f64).ceil() as usize)
        .saturating_sub(1)
        .clamp(low, last);
    Some((values[low], values[high]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_is_deterministic_and_in_range() {
        let mut first = Vec::new();
        resample(3, 4, 5, 42, |b, c| first.push((b.to_vec(), c.to_vec())));
        let mut second = Vec::new();
        resample(3, 4, 5, 42, |b, c| second.push((b.to_vec(), c.to_vec())));
        assert_eq!(first, second);
        assert_eq!(first.len(), 5);
        assert!(first
            .iter()
            .all(|(b, c)| b.iter().all(|&i| i < 3) && c.iter().all(|&i| i < 4)));
        let mut none = 0;
        resample(0, 4, 5, 42, |_, _| none += 1);
        assert_eq!(none, 0);
    }

    #[test]
    fn interval_reads_quantiles() {
        let mut v: Vec<f64> = (0..1000).map(f64::from).collect();
        v.push(f64::NAN);
        let (lo, hi) = interval(&mut v, 0.99).unwrap();
        assert_eq!((lo, hi), (5.0, 994.0));
        assert_eq!(interval(&mut vec![7.0], 0.99), Some((7.0, 7.0)));
        assert_eq!(interval(&mut vec![f64::INFINITY], 0.99), None);
    }
}
