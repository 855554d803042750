//! The Mann–Whitney U rank test, two-sided, by the normal approximation with a tie
//! correction (no continuity correction): whether one set of per-second values tends to be
//! larger than the other, with no assumption about their distribution.

/// The outcome of [`mann_whitney`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankTest {
    /// U of the first sample: the number of (x, y) pairs with x > y, ties counting ½.
    pub u: f64,
    pub z: f64,
    /// Two-sided p-value; 1 when every value is tied.
    pub p_value: f64,
    /// Every x is above every y, or every x below every y.
    pub separated: bool,
}

/// Tests `x` against `y`. `None` when either is empty or holds a non-finite value.
pub fn mann_whitney(x: &[f64], y: &[f64]) -> Option<RankTest> {
    let (n1, n2) = (x.len(), y.len());
    if n1 == 0 || n2 == 0 || x.iter().chain(y).any(|v| !v.is_finite()) {
        return None;
    }
    let mut all: Vec<(f64, bool)> = x
        .iter()
        .map(|&v| (v, true))
        .chain(y.iter().map(|&v| (v, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = all.len();
    let (mut rank_sum_x, mut tie_term) = (0.0f64, 0.0f64);
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && all[j].0 == all[i].0 {
            j += 1;
        }
        // Ranks i+1 ..= j share their average.
        let avg_rank = (i + 1 + j) as f64 / 2.0;
        let xs = all[i..j].iter().filter(|(_, is_x)| *is_x).count();
        rank_sum_x += avg_rank * xs as f64;
        let t = (j - i) as f64;
        tie_term += t * t * t - t;
        i = j;
    }
    let (f1, f2, fnn) = (n1 as f64, n2 as f64, n as f64);
    let u = rank_sum_x - f1 * (f1 + 1.0) / 2.0;
    let mean = f1 * f2 / 2.0;
    let variance = f1 * f2 / 12.0 * ((fnn + 1.0) - tie_term / (fnn * (fnn - 1.0)));
    let separated = u == 0.0 || u == f1 * f2;
    if variance <= 0.0 || fnn < 2.0 {
        return Some(RankTest {
            u,
            z: 0.0,
            p_value: 1.0,
            separated: false,
        });
    }
    let z = (u - mean) / variance.sqrt();
    let p_value = (2.0 * normal_upper_tail(z.abs())).clamp(0.0, 1.0);
    Some(RankTest {
        u,
        z,
        p_value,
        separated,
    })
}

/// P(Z > z) for a standard normal Z.
pub fn normal_upper_tail(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// Complementary error function (Numerical Recipes' `erfcc`, fractional error < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_tail_matches_tables() {
        assert!((normal_upper_tail(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_upper_tail(1.959_964) - 0.025).abs() < 1e-6);
        assert!((normal_upper_tail(2.575_829) - 0.005).abs() < 1e-6);
        assert!((normal_upper_tail(-1.0) - 0.841_344_7).abs() < 1e-6);
    }

    #[test]
    fn matches_a_worked_example() {
        // Only 5 and 6 exceed a y (4.5): U = 2; no ties, so var = n1·n2·(n+1)/12.
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let y = [4.5, 6.5, 7.0, 8.0, 9.0, 10.0];
        let t = mann_whitney(&x, &y).unwrap();
        assert_eq!(t.u, 2.0);
        let expected_z = (2.0 - 18.0) / (36.0f64 * 13.0 / 12.0).sqrt();
        assert!((t.z - expected_z).abs() < 1e-12);
        assert!((t.p_value - 2.0 * normal_upper_tail(expected_z.abs())).abs() < 1e-12);
        assert!(!t.separated);
    }

    #[test]
    fn corrects_for_ties() {
        let x = [1.0, 1.0, 2.0, 2.0, 3.0];
        let y = [2.0, 3.0, 3.0, 4.0, 4.0];
        let t = mann_whitney(&x, &y).unwrap();
        // Ranks: 1,1 → 1.5; 2,2,2 → 4; 3,3,3 → 7; 4,4 → 9.5. x ranks: 1.5+1.5+4+4+7 = 18.
        assert_eq!(t.u, 18.0 - 15.0);
        let ties = (8.0 - 2.0) + (27.0 - 3.0) + (27.0 - 3.0) + (8.0 - 2.0);
        let var = 25.0 / 12.0 * (11.0 - ties / 90.0);
        assert!((t.z - (3.0 - 12.5) / f64::sqrt(var)).abs() < 1e-12);
    }

    #[test]
    fn five_separated_windows_per_side_are_just_significant() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [6.0, 7.0, 8.0, 9.0, 10.0];
        let t = mann_whitney(&x, &y).unwrap();
        assert!(t.separated);
        assert!(t.p_value < 0.01 && t.p_value > 0.005, "{}", t.p_value);
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        assert!(mann_whitney(&[], &[1.0]).is_none());
        assert!(mann_whitney(&[f64::NAN], &[1.0]).is_none());
        let t = mann_whitney(&[3.0; 4], &[3.0; 6]).unwrap();
        assert_eq!(t.p_value, 1.0);
        let t = mann_whitney(&[1.0], &[2.0]).unwrap();
        assert!(t.p_value > 0.1);
    }
}
