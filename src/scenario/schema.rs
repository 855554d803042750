//! The scenario file as written: serde types mirroring the TOML, unknown fields rejected.
//! Nothing outside `scenario` sees these; `resolve` turns them into a `Plan`.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub target: String,
    #[serde(default)]
    pub http: RawHttp,
    #[serde(rename = "request", default)]
    pub requests: Vec<RawRequest>,
    pub load: RawLoad,
    #[serde(default)]
    pub thresholds: BTreeMap<String, String>,
    #[serde(default)]
    pub profile: Option<RawProfile>,
    #[serde(default)]
    pub metrics: Option<RawMetrics>,
    #[serde(default)]
    pub demo: Option<RawDemo>,
    #[serde(default)]
    pub compare: Option<super::compare_section::RawCompare>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHttp {
    pub version: Option<String>,
    pub timeout: Option<String>,
    pub connect_timeout: Option<String>,
    pub connections: Option<i64>,
    pub max_in_flight: Option<i64>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub tls: Option<RawTls>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    #[serde(default)]
    pub insecure: bool,
    pub ca: Option<String>,
    pub sni: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    pub name: String,
    pub method: Option<String>,
    pub path: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    pub body_file: Option<String>,
    pub weight: Option<i64>,
    pub expect_status: Option<OneOrMany<i64>>,
}

/// `expect_status = 200` or `expect_status = [200, 204]`.
#[derive(Debug)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

// Hand-written rather than `#[serde(untagged)]`, whose error ("data did not match any variant
// of untagged enum") does not tell the user what to write.
impl<'de> Deserialize<'de> for OneOrMany<i64> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OneOrMany<i64>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a status code or a list of them, e.g. 200 or [200, 204]")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(OneOrMany::One(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(OneOrMany::One(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut codes = Vec::new();
                while let Some(code) = seq.next_element::<i64>()? {
                    codes.push(code);
                }
                Ok(OneOrMany::Many(codes))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLoad {
    pub model: String,
    pub overload: Option<String>,
    pub send_ahead: Option<String>,
    pub think_time: Option<String>,
    #[serde(rename = "stage", default)]
    pub stages: Vec<RawStage>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    pub name: Option<String>,
    pub duration: String,
    pub rate: Option<RateValue>,
    pub users: Option<i64>,
    #[serde(default)]
    pub ramp: bool,
    pub warmup: Option<String>,
}

/// `rate = 500` or `rate = "500/s"`.
#[derive(Debug, Clone)]
pub enum RateValue {
    Number(f64),
    Text(String),
}

impl<'de> Deserialize<'de> for RateValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RateValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a rate: arrivals per second (500) or a string (\"500/s\", \"30k/m\")")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(RateValue::Number(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(RateValue::Number(v as f64))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(RateValue::Number(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RateValue::Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    pub url: String,
    #[serde(default)]
    pub stages: Vec<String>,
    pub seconds: Option<i64>,
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMetrics {
    pub url: Option<String>,
    pub interval: Option<String>,
    #[serde(default)]
    pub series: Vec<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub prometheus: Option<String>,
    #[serde(default)]
    pub queries: BTreeMap<String, String>,
    pub step: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDemo {
    pub delay_scale: Option<f64>,
    pub limited_workers: Option<i64>,
}
