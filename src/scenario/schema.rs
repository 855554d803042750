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

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLoad {
    pub model: String,
    pub overload: Option<String>,
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

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RateValue {
    Number(f64),
    Text(String),
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
