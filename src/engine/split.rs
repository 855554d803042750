//! Splitting a run into segments (`--segment i/N`) and segments into threads, exactly: the
//! shares of every integer quantity add up to the whole.

use std::fmt;
use std::str::FromStr;

/// Segment `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub index: u32,
    pub count: u32,
}

impl Default for Segment {
    fn default() -> Self {
        Segment { index: 0, count: 1 }
    }
}

impl Segment {
    pub fn is_whole(&self) -> bool {
        self.count == 1
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Segment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("segment {s:?} must look like i/N, e.g. 0/4"))?;
        let index: u32 = i
            .trim()
            .parse()
            .map_err(|_| format!("segment index {i:?} is not a number"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("segment count {n:?} is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "segment {s:?}: the index must be below the count (0-based)"
            ));
        }
        Ok(Segment { index, count })
    }
}

/// Part `index` of `total` split into `parts` near-equal integers (the first ones get the remainder).
pub fn share_of(total: usize, parts: usize, index: usize) -> usize {
    let parts = parts.max(1);
    total / parts + usize::from(index < total % parts)
}

/// A segment's part of `total`.
pub fn share(total: usize, segment: Segment) -> usize {
    share_of(total, segment.count as usize, segment.index as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_exactly() {
        for total in [0usize, 1, 2, 7, 10, 99, 100, 1001] {
            for parts in 1..=9 {
                let sum: usize = (0..parts).map(|i| share_of(total, parts, i)).sum();
                assert_eq!(sum, total, "total {total} parts {parts}");
                let max = (0..parts).map(|i| share_of(total, parts, i)).max().unwrap();
                let min = (0..parts).map(|i| share_of(total, parts, i)).min().unwrap();
                assert!(max - min <= 1);
            }
        }
    }

    #[test]
    fn parses_segments() {
        assert_eq!("2/4".parse::<Segment>(), Ok(Segment { index: 2, count: 4 }));
        assert!("4/4".parse::<Segment>().is_err());
        assert!("1/0".parse::<Segment>().is_err());
        assert!("x".parse::<Segment>().is_err());
    }
}
