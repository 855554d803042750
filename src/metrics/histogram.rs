//! HDR histograms for latencies in microseconds, and their standard serialized form
//! (HdrHistogram V2 + DEFLATE, base64) as it appears in `result.json`.

use base64::Engine as _;
use hdrhistogram::serialization::{Deserializer, Serializer, V2DeflateSerializer};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Latencies in µs, 3 significant digits, growing to cover whatever is recorded (1 µs upward).
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyHistogram(pub Histogram<u64>);

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyHistogram {
    pub fn new() -> Self {
        let mut h = Histogram::new_with_bounds(1, 2, 3).expect("static histogram bounds are valid");
        h.auto(true);
        LatencyHistogram(h)
    }

    /// Records `micros`, clamped to at least 1 µs (the histogram's lowest discernible value).
    #[inline]
    pub fn record(&mut self, micros: u64) {
        // Auto-resize makes recording infallible for any u64 up to the type's range.
        let _ = self.0.record(micros.max(1));
    }

    pub fn add(&mut self, other: &LatencyHistogram) {
        // Both sides auto-resize, so adding never runs out of range.
        let _ = self.0.add(&other.0);
    }

    pub fn count(&self) -> u64 {
        self.0.len()
    }

    /// Value at `percentile` (0–100) in µs; 0 when empty.
    pub fn percentile(&self, percentile: f64) -> u64 {
        if self.0.is_empty() {
            0
        } else {
            self.0.value_at_percentile(percentile)
        }
    }

    pub fn max(&self) -> u64 {
        self.0.max()
    }

    pub fn min(&self) -> u64 {
        if self.0.is_empty() {
            0
        } else {
            self.0.min()
        }
    }

    pub fn mean(&self) -> f64 {
        self.0.mean()
    }

    /// Standard V2 + DEFLATE encoding, base64.
    pub fn encode(&self) -> Result<String, String> {
        let mut bytes = Vec::new();
        V2DeflateSerializer::new()
            .serialize(&self.0, &mut bytes)
            .map_err(|e| format!("histogram encoding failed: {e:?}"))?;
        Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn decode(text: &str) -> Result<Self, String> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|e| format!("histogram is not valid base64: {e}"))?;
        let mut h: Histogram<u64> = Deserializer::new()
            .deserialize(&mut bytes.as_slice())
            .map_err(|e| format!("histogram is not a valid HdrHistogram V2 encoding: {e:?}"))?;
        h.auto(true);
        Ok(LatencyHistogram(h))
    }
}

impl Serialize for LatencyHistogram {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.encode().map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> Deserialize<'de> for LatencyHistogram {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        LatencyHistogram::decode(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_standard_encoding() {
        let mut h = LatencyHistogram::new();
        for v in [1, 150, 2_000, 2_000, 45_000, 9_000_000] {
            h.record(v);
        }
        let text = h.encode().unwrap();
        let back = LatencyHistogram::decode(&text).unwrap();
        assert_eq!(back.count(), 6);
        assert_eq!(back.percentile(50.0), h.percentile(50.0));
        assert_eq!(back.max(), h.max());
    }

    #[test]
    fn merging_adds_counts_exactly() {
        let mut a = LatencyHistogram::new();
        let mut b = LatencyHistogram::new();
        (1..=1000).for_each(|v| a.record(v));
        (1001..=3000).for_each(|v| b.record(v * 100));
        let mut all = LatencyHistogram::new();
        (1..=1000).for_each(|v| all.record(v));
        (1001..=3000).for_each(|v| all.record(v * 100));
        a.add(&b);
        assert_eq!(a.count(), 3000);
        for p in [50.0, 90.0, 99.0, 99.9, 100.0] {
            assert_eq!(a.percentile(p), all.percentile(p));
        }
    }

    #[test]
    fn zero_is_recorded_as_one_microsecond() {
        let mut h = LatencyHistogram::new();
        h.record(0);
        assert_eq!(h.count(), 1);
        assert_eq!(h.min(), 1);
    }

    #[test]
    fn garbage_is_rejected_not_panicked_on() {
        assert!(LatencyHistogram::decode("not base64!").is_err());
        assert!(LatencyHistogram::decode("AAAA").is_err());
    }
}
