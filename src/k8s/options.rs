//! What the user asked for, validated: names are DNS-1123 labels, quantities parse, the image
//! is non-empty. Nothing past this point sees a raw flag.

use super::error::K8sError;
use std::time::{Duration, SystemTime};

/// Where each pod writes its segment's run directory (mounted at `/results`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Results {
    /// Pod-local; each pod keeps running for `hold` after its run so `kubectl cp` can fetch it.
    EmptyDir { hold: Duration },
    /// A shared PersistentVolumeClaim; the pods write under `<job name>/segment-<i>`.
    Pvc { claim: String },
}

#[derive(Debug, Clone)]
pub struct K8sOptions {
    /// Job name; the ConfigMap is `<name>-scenario`, the merge Job `<name>-merge`.
    pub name: String,
    pub namespace: Option<String>,
    pub parallelism: u32,
    pub image: String,
    /// Requests and limits per pod (equal, so every segment gets the same CPU).
    pub cpu: String,
    pub memory: String,
    /// The wall-clock time every segment starts at …
    pub start_at: SystemTime,
    /// … which is this far after the manifest was rendered.
    pub start_delay: Duration,
    pub results: Results,
    /// A Secret whose keys become environment variables (`{{env.X}}` in the scenario).
    pub env_secret: Option<String>,
}

/// Longest Job name: Kubernetes puts it in a label (63 characters), with `-merge` appended.
pub const MAX_NAME: usize = 63 - "-merge".len();

/// `loadlab-<scenario name>`, lower-cased, other characters as `-`, cut to [`MAX_NAME`].
pub fn default_name(scenario_name: &str) -> String {
    let mut slug: String = format!("loadlab-{scenario_name}")
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while slug.contains("--") {
        slug = slug.replace("--", "-");
    }
    slug.truncate(MAX_NAME);
    slug.trim_end_matches('-').to_string()
}

impl K8sOptions {
    pub fn validate(&self) -> Result<(), K8sError> {
        dns_label("--name", &self.name, MAX_NAME)?;
        if let Some(ns) = &self.namespace {
            dns_label("--namespace", ns, 63)?;
        }
        if let Results::Pvc { claim } = &self.results {
            dns_subdomain("--pvc", claim)?;
        }
        if let Some(secret) = &self.env_secret {
            dns_subdomain("--env-secret", secret)?;
        }
        quantity("--cpu", &self.cpu, "\"500m\" or \"2\"")?;
        quantity("--memory", &self.memory, "\"512Mi\" or \"2Gi\"")?;
        if self.image.trim().is_empty() || self.image.contains(char::is_whitespace) {
            return Err(K8sError::Image);
        }
        Ok(())
    }
}

fn name_error(flag: &'static str, value: &str, reason: impl Into<String>) -> K8sError {
    K8sError::Name {
        flag,
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// RFC 1123 label: lower-case alphanumerics and `-`, starting and ending alphanumeric.
fn dns_label(flag: &'static str, value: &str, max: usize) -> Result<(), K8sError> {
    if value.is_empty() || value.len() > max {
        return Err(name_error(
            flag,
            value,
            format!("use 1 to {max} characters"),
        ));
    }
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if !value.chars().all(ok_char) || value.starts_with('-') || value.ends_with('-') {
        return Err(name_error(
            flag,
            value,
            "use lower-case letters, digits and '-', starting and ending with a letter or digit",
        ));
    }
    Ok(())
}

/// RFC 1123 subdomain: dot-separated labels, 253 characters at most.
fn dns_subdomain(flag: &'static str, value: &str) -> Result<(), K8sError> {
    if value.len() > 253 {
        return Err(name_error(flag, value, "use at most 253 characters"));
    }
    value
        .split('.')
        .try_for_each(|label| dns_label(flag, label, 63))
}

fn quantity(flag: &'static str, value: &str, example: &'static str) -> Result<(), K8sError> {
    let err = |reason: &str| K8sError::Quantity {
        flag,
        value: value.to_string(),
        reason: reason.to_string(),
        example,
    };
    let suffixes = [
        "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E",
    ];
    let number = suffixes
        .iter()
        .find_map(|s| value.strip_suffix(s))
        .unwrap_or(value);
    let (digits, exponent) = match number.split_once(['e', 'E']) {
        Some((d, e)) if number.len() == value.len() => (d, Some(e)),
        _ => (number, None),
    };
    let decimal = |t: &str| {
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        !(int.is_empty() && frac.is_empty())
            && int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    if !decimal(digits) || !exponent_ok {
        return Err(err(
            "expected a number with an optional suffix such as m, Mi or Gi",
        ));
    }
    if digits.chars().all(|c| c == '0' || c == '.') {
        return Err(err("it must be positive"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> K8sOptions {
        K8sOptions {
            name: "loadlab-api".into(),
            namespace: Some("perf".into()),
            parallelism: 4,
            image: "registry.example.com/loadlab:1.0".into(),
            cpu: "1".into(),
            memory: "512Mi".into(),
            start_at: SystemTime::UNIX_EPOCH,
            start_delay: Duration::from_secs(60),
            results: Results::Pvc {
                claim: "loadlab-results".into(),
            },
            env_secret: None,
        }
    }

    #[test]
    fn default_names_are_dns_labels() {
        assert_eq!(default_name("Checkout API (v2)"), "loadlab-checkout-api-v2");
        let long = default_name(&"x".repeat(200));
        assert_eq!(long.len(), MAX_NAME);
        assert!(dns_label("--name", &long, MAX_NAME).is_ok());
    }

    #[test]
    fn bad_flags_are_named_in_the_error() {
        assert!(options().validate().is_ok());
        let bad = |f: fn(&mut K8sOptions)| {
            let mut o = options();
            f(&mut o);
            o.validate().unwrap_err().to_string()
        };
        assert!(bad(|o| o.name = "Load_Lab".into()).contains("--name"));
        assert!(bad(|o| o.namespace = Some("-x".into())).contains("--namespace"));
        assert!(bad(|o| o.cpu = "lots".into()).contains("--cpu"));
        assert!(bad(|o| o.memory = "0".into()).contains("positive"));
        assert!(bad(|o| o.image = " ".into()).contains("--image"));
        assert!(bad(|o| o.memory = "512MB".into()).contains("--memory"));
        for ok in ["250m", "1.5", "2", "1e3", "1Gi", "0.5Gi"] {
            assert!(quantity("--cpu", ok, "").is_ok(), "{ok}");
        }
        assert!(bad(|o| o.results = Results::Pvc { claim: "A".into() }).contains("--pvc"));
    }
}
