//! Test-only: hand-built profiles, and one real CPU profile of this test process taken with
//! pprof-rs (gzipped, as a Go or pprof-rs endpoint serves it).

use std::collections::HashMap;
use std::io::Write;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use prost::Message;

use super::profile_proto::{Function, Line, Location, Profile, Sample, ValueType};

/// Builds a `Profile` one function, location and sample at a time.
pub struct Builder {
    profile: Profile,
    strings: HashMap<String, i64>,
    functions: HashMap<String, u64>,
    /// Location per distinct list of inlined functions.
    locations: HashMap<Vec<String>, u64>,
}

impl Builder {
    /// A Go-style CPU profile: `[samples/count, cpu/nanoseconds]`, 10 ms period.
    pub fn cpu() -> Builder {
        let mut b = Builder::new(&[("samples", "count"), ("cpu", "nanoseconds")]);
        b.profile.period_type = Some(ValueType {
            r#type: b.str("cpu"),
            unit: b.str("nanoseconds"),
        });
        b.profile.period = 10_000_000;
        b.profile.duration_nanos = 2_000_000_000;
        b
    }

    pub fn new(types: &[(&str, &str)]) -> Builder {
        let mut b = Builder {
            profile: Profile {
                string_table: vec![String::new()],
                ..Profile::default()
            },
            strings: HashMap::from([(String::new(), 0)]),
            functions: HashMap::new(),
            locations: HashMap::new(),
        };
        for (ty, unit) in types {
            let vt = ValueType {
                r#type: b.str(ty),
                unit: b.str(unit),
            };
            b.profile.sample_type.push(vt);
        }
        b
    }

    pub fn str(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.strings.get(s) {
            return i;
        }
        let i = self.profile.string_table.len() as i64;
        self.profile.string_table.push(s.to_string());
        self.strings.insert(s.to_string(), i);
        i
    }

    pub fn func(&mut self, name: &str) -> u64 {
        if let Some(&id) = self.functions.get(name) {
            return id;
        }
        let id = self.profile.function.len() as u64 + 1;
        let name_index = self.str(name);
        self.profile.function.push(Function {
            id,
            name: name_index,
            ..Function::default()
        });
        self.functions.insert(name.to_string(), id);
        id
    }

    /// A location whose lines are `inlined`, innermost first (as in the proto).
    pub fn loc(&mut self, inlined: &[&str]) -> u64 {
        let key: Vec<String> = inlined.iter().map(|s| s.to_string()).collect();
        if let Some(&id) = self.locations.get(&key) {
            return id;
        }
        let id = self.profile.location.len() as u64 + 1;
        let line = inlined
            .iter()
            .map(|f| Line {
                function_id: self.func(f),
                line: 1,
                column: 0,
            })
            .collect();
        self.profile.location.push(Location {
            id,
            address: 0x1000 + id,
            line,
            ..Location::default()
        });
        self.locations.insert(key, id);
        id
    }

    /// A sample over raw location ids, leaf first.
    pub fn sample_ids(&mut self, leaf_first: &[u64], values: &[i64]) -> &mut Builder {
        let sample = Sample {
            location_id: leaf_first.to_vec(),
            value: values.to_vec(),
            label: vec![],
        };
        self.profile.sample.push(sample);
        self
    }

    /// A sample with one location per function, given root → leaf.
    pub fn stack(&mut self, root_to_leaf: &[&str], values: &[i64]) -> &mut Builder {
        let ids: Vec<u64> = root_to_leaf.iter().rev().map(|f| self.loc(&[f])).collect();
        self.sample_ids(&ids, values)
    }

    /// A CPU sample of `n` ticks of 10 ms.
    pub fn ticks(&mut self, root_to_leaf: &[&str], n: i64) -> &mut Builder {
        self.stack(root_to_leaf, &[n, n * 10_000_000])
    }

    pub fn profile_mut(&mut self) -> &mut Profile {
        &mut self.profile
    }

    pub fn build(&self) -> Profile {
        self.profile.clone()
    }
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

/// A gzipped CPU profile of this process, taken once with pprof-rs at 1 kHz while
/// burning CPU in `loadlab_probe_test_burn`.
pub fn pprof_rs_profile_gz() -> &'static [u8] {
    static PROFILE: OnceLock<Vec<u8>> = OnceLock::new();
    PROFILE.get_or_init(|| {
        // pprof-rs has one global profiler: another module's test may hold it for a while.
        let start = || {
            pprof::ProfilerGuardBuilder::default()
                .frequency(1000)
                .blocklist(&["libc", "libgcc", "pthread", "vdso"])
                .build()
        };
        let give_up = Instant::now() + Duration::from_secs(30);
        let guard = loop {
            match start() {
                Ok(guard) => break guard,
                Err(e) if Instant::now() > give_up => panic!("cannot start pprof-rs: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        let deadline = Instant::now() + Duration::from_millis(400);
        let mut acc = 0u64;
        while Instant::now() < deadline {
            acc = loadlab_probe_test_burn(acc);
        }
        std::hint::black_box(acc);
        let report = guard.report().build().expect("pprof-rs report");
        let profile = report.pprof().expect("pprof-rs protobuf");
        gzip(&pprof::protos::Message::encode_to_vec(&profile))
    })
}

#[inline(never)]
fn loadlab_probe_test_burn(seed: u64) -> u64 {
    let mut x = seed | 1;
    for _ in 0..100_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    std::hint::black_box(x)
}

/// Encodes `profile` the way endpoints serve it.
pub fn encode_gz(profile: &Profile) -> Vec<u8> {
    gzip(&profile.encode_to_vec())
}
