//! Decoding `profile.proto` bytes (gzipped or raw) and reading them: which sample type to
//! use for a kind of profile, and each sample's stack as resolved function names.
//!
//! Stack order: `Sample.location_id[0]` is the leaf; within a location, `line[0]` is the
//! innermost inlined function and the last line the out-of-line caller. Walking both lists
//! in reverse gives the root-to-leaf order of folded stacks.

use std::collections::HashMap;
use std::io::Read;
use std::str::FromStr;

use prost::Message;
use serde::{Deserialize, Serialize};

use super::profile_proto::{Location, Profile, Sample};
use super::ProbeError;

/// Largest decompressed profile accepted (guards against gzip bombs).
const MAX_DECODED_BYTES: u64 = 1 << 30;

/// Which profile an endpoint serves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileKind {
    /// `/debug/pprof/profile?seconds=N`: CPU time over N seconds.
    #[default]
    Cpu,
    /// `/debug/pprof/heap`: a snapshot of live heap memory.
    Heap,
    /// `/debug/pprof/goroutine`: a snapshot of current goroutine stacks.
    Goroutine,
}

impl ProfileKind {
    /// The lowercase name used in scenarios and result files.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileKind::Cpu => "cpu",
            ProfileKind::Heap => "heap",
            ProfileKind::Goroutine => "goroutine",
        }
    }

    /// CPU profiles last `seconds`; the others are snapshots.
    pub fn takes_duration(self) -> bool {
        self == ProfileKind::Cpu
    }
}

impl FromStr for ProfileKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cpu" | "profile" => Ok(ProfileKind::Cpu),
            "heap" => Ok(ProfileKind::Heap),
            "goroutine" => Ok(ProfileKind::Goroutine),
            other => Err(format!(
                "unknown profile kind {other:?} (expected cpu, heap or goroutine)"
            )),
        }
    }
}

/// Decodes a profile: gzip-compressed (magic `1f 8b`) or raw protobuf.
pub fn decode_profile(bytes: &[u8]) -> Result<Profile, ProbeError> {
    let decode_err = |reason: String| ProbeError::Decode { reason };
    if bytes.is_empty() {
        return Err(decode_err("empty body".into()));
    }
    let profile = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_DECODED_BYTES + 1)
            .read_to_end(&mut raw)
            .map_err(|e| decode_err(format!("gzip: {e}")))?;
        if raw.len() as u64 > MAX_DECODED_BYTES {
            return Err(decode_err(format!(
                "decompressed profile exceeds {MAX_DECODED_BYTES} bytes"
            )));
        }
        Profile::decode(raw.as_slice())
    } else {
        Profile::decode(bytes)
    };
    let profile = profile.map_err(|e| decode_err(format!("not a profile.proto message: {e}")))?;
    if profile.sample_type.is_empty() {
        return Err(decode_err("the profile has no sample types".into()));
    }
    Ok(profile)
}

/// The string at `index` in the string table; out-of-range indices read as "".
pub(crate) fn string(profile: &Profile, index: i64) -> &str {
    usize::try_from(index)
        .ok()
        .and_then(|i| profile.string_table.get(i))
        .map(String::as_str)
        .unwrap_or("")
}

/// The (type, unit) names of sample type `index`.
pub(crate) fn sample_type_names(profile: &Profile, index: usize) -> (&str, &str) {
    profile
        .sample_type
        .get(index)
        .map(|vt| (string(profile, vt.r#type), string(profile, vt.unit)))
        .unwrap_or(("", ""))
}

/// Which value of each sample to read for `kind`: `cpu`/`nanoseconds` for CPU, `inuse_space`
/// for heap, `goroutine` for goroutine profiles; otherwise the profile's
/// `default_sample_type`, otherwise the last sample type (the format's default).
/// `None` only when the profile has no sample types.
pub fn value_index(profile: &Profile, kind: ProfileKind) -> Option<usize> {
    let count = profile.sample_type.len();
    let find = |want: &dyn Fn(&str, &str) -> bool| {
        (0..count).find(|&i| {
            let (ty, unit) = sample_type_names(profile, i);
            want(ty, unit)
        })
    };
    let preferred = match kind {
        ProfileKind::Cpu => find(&|t, u| t == "cpu" && u == "nanoseconds"),
        ProfileKind::Heap => find(&|t, _| t == "inuse_space"),
        ProfileKind::Goroutine => find(&|t, _| t == "goroutine"),
    };
    let default_name = string(profile, profile.default_sample_type);
    preferred
        .or_else(|| {
            (!default_name.is_empty())
                .then(|| find(&|t, _| t == default_name))
                .flatten()
        })
        .or_else(|| count.checked_sub(1))
}

/// The positive value of `sample` at `index`; missing or negative values read as 0.
pub(crate) fn sample_value(sample: &Sample, index: usize) -> u64 {
    sample
        .value
        .get(index)
        .map(|&v| v.max(0) as u64)
        .unwrap_or(0)
}

/// Resolved, interned frame names: each location maps to its frames, root-most first.
pub(crate) struct StackIndex {
    names: Vec<String>,
    by_location: HashMap<u64, Vec<u32>>,
    unknown: u32,
}

impl StackIndex {
    pub(crate) fn new(profile: &Profile) -> StackIndex {
        let functions: HashMap<u64, &super::profile_proto::Function> =
            profile.function.iter().map(|f| (f.id, f)).collect();
        let mut interner = Interner::default();
        let unknown = interner.intern("[unknown]".to_string());
        let mut by_location = HashMap::with_capacity(profile.location.len());
        for location in &profile.location {
            let frames = location_frames(profile, &functions, location)
                .into_iter()
                .map(|name| interner.intern(name))
                .collect();
            by_location.insert(location.id, frames);
        }
        StackIndex {
            names: interner.names,
            by_location,
            unknown,
        }
    }

    /// The name of interned frame `id`.
    pub(crate) fn name(&self, id: u32) -> &str {
        self.names
            .get(id as usize)
            .map(String::as_str)
            .unwrap_or("[unknown]")
    }

    /// How many distinct names there are (ids are `0..len`).
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// Fills `out` with the frames of `sample`, root first, leaf last.
    pub(crate) fn stack_root_first(&self, sample: &Sample, out: &mut Vec<u32>) {
        out.clear();
        for id in sample.location_id.iter().rev() {
            match self.by_location.get(id) {
                Some(frames) => out.extend_from_slice(frames),
                None => out.push(self.unknown),
            }
        }
    }
}

#[derive(Default)]
struct Interner {
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Interner {
    fn intern(&mut self, name: String) -> u32 {
        if let Some(&id) = self.ids.get(&name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.clone(), id);
        self.names.push(name);
        id
    }
}

/// A location's function names, caller (last line) first, innermost inlined (line[0]) last.
fn location_frames(
    profile: &Profile,
    functions: &HashMap<u64, &super::profile_proto::Function>,
    location: &Location,
) -> Vec<String> {
    let address = || format!("{:#x}", location.address);
    if location.line.is_empty() {
        return vec![address()];
    }
    location
        .line
        .iter()
        .rev()
        .map(|line| {
            let name = functions.get(&line.function_id).map(|f| {
                let name = string(profile, f.name);
                if name.is_empty() {
                    string(profile, f.system_name)
                } else {
                    name
                }
            });
            match name {
                Some(name) if !name.is_empty() => sanitize(name),
                _ => address(),
            }
        })
        .collect()
}

/// Makes a name safe for folded lines: `;` separates frames, newlines separate stacks.
fn sanitize(name: &str) -> String {
    if !name.contains([';', '\n', '\r']) {
        return name.to_string();
    }
    name.chars()
        .filter(|&c| c != ';')
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect()
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
