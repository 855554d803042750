use prost::Message;

use super::*;
use crate::probe::profile_proto::{Function, Line, ValueType};
use crate::probe::test_profiles::{encode_gz, gzip, pprof_rs_profile_gz, Builder};

fn small() -> Profile {
    let mut b = Builder::cpu();
    b.ticks(&["main", "handler", "parse"], 3);
    b.build()
}

#[test]
fn decodes_gzip_and_raw_alike() {
    let profile = small();
    let raw = profile.encode_to_vec();
    assert_eq!(decode_profile(&raw).expect("raw"), profile);
    assert_eq!(decode_profile(&encode_gz(&profile)).expect("gz"), profile);
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    assert!(matches!(
        decode_profile(b""),
        Err(ProbeError::Decode { .. })
    ));
    assert!(decode_profile(b"\x1f\x8b\x08garbage").is_err());
    assert!(decode_profile(b"<html>not found</html>").is_err());
    assert!(decode_profile(&gzip(b"\xff\xff\xff\xff")).is_err());
    // Deterministic pseudo-random inputs, raw and gzipped.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for len in 0..300 {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let _ = decode_profile(&bytes);
        let _ = decode_profile(&gzip(&bytes));
    }
    // A valid message without sample types is not a usable profile.
    let typeless = Profile {
        string_table: vec![String::new()],
        period: 1,
        ..Profile::default()
    };
    let err = decode_profile(&typeless.encode_to_vec()).expect_err("no types");
    assert!(err.to_string().contains("no sample types"), "{err}");
}

#[test]
fn field_tags_match_pprof_rs_encoding() {
    let profile = decode_profile(pprof_rs_profile_gz()).expect("decode pprof-rs profile");
    assert_eq!(profile.string_table.first().map(String::as_str), Some(""));
    let types: Vec<(&str, &str)> = (0..profile.sample_type.len())
        .map(|i| sample_type_names(&profile, i))
        .collect();
    assert_eq!(types, vec![("samples", "count"), ("cpu", "nanoseconds")]);
    assert_eq!(profile.period, 1_000_000, "1 kHz");
    assert_eq!(value_index(&profile, ProfileKind::Cpu), Some(1));
}

#[test]
fn value_index_prefers_kind_then_default_then_last() {
    let heap = Builder::new(&[
        ("alloc_objects", "count"),
        ("alloc_space", "bytes"),
        ("inuse_objects", "count"),
        ("inuse_space", "bytes"),
    ])
    .build();
    assert_eq!(value_index(&heap, ProfileKind::Heap), Some(3));
    assert_eq!(value_index(&heap, ProfileKind::Cpu), Some(3), "last");
    let mut b = Builder::new(&[
        ("alloc_space", "bytes"),
        ("inuse_space", "bytes"),
        ("x", "y"),
    ]);
    let default = b.str("alloc_space");
    b.profile_mut().default_sample_type = default;
    assert_eq!(
        value_index(&b.build(), ProfileKind::Cpu),
        Some(0),
        "default_sample_type"
    );
    let goroutine = Builder::new(&[("goroutine", "count")]).build();
    assert_eq!(value_index(&goroutine, ProfileKind::Goroutine), Some(0));
    assert_eq!(value_index(&Profile::default(), ProfileKind::Cpu), None);
    assert_eq!(value_index(&small(), ProfileKind::Cpu), Some(1));
}

#[test]
fn inlined_lines_expand_caller_first() {
    let mut b = Builder::cpu();
    // One location: `inner` inlined into `middle` inlined into `outer` (line[0] innermost).
    let inlined = b.loc(&["inner", "middle", "outer"]);
    let root = b.loc(&["main"]);
    b.sample_ids(&[inlined, root], &[1, 10]);
    let profile = b.build();
    let index = StackIndex::new(&profile);
    let mut frames = Vec::new();
    index.stack_root_first(&profile.sample[0], &mut frames);
    let names: Vec<&str> = frames.iter().map(|&id| index.name(id)).collect();
    assert_eq!(names, ["main", "outer", "middle", "inner"]);
}

#[test]
fn missing_names_fall_back_to_system_name_address_or_unknown() {
    let mut p = Builder::cpu().build();
    let sys = p.string_table.len() as i64;
    p.string_table.push("sys_fn".into());
    p.function.push(Function {
        id: 7,
        name: 0,
        system_name: sys,
        ..Function::default()
    });
    p.function.push(Function {
        id: 8,
        name: 999,
        ..Function::default()
    }); // out of range
    let line = |function_id| Line {
        function_id,
        line: 0,
        column: 0,
    };
    p.location.push(Location {
        id: 1,
        address: 0xabc,
        line: vec![line(7)],
        ..Location::default()
    });
    p.location.push(Location {
        id: 2,
        address: 0xdef,
        line: vec![line(8)],
        ..Location::default()
    });
    p.location.push(Location {
        id: 3,
        address: 0x123,
        line: vec![],
        ..Location::default()
    });
    p.location.push(Location {
        id: 4,
        address: 0x456,
        line: vec![line(42)],
        ..Location::default()
    });
    p.sample.push(Sample {
        location_id: vec![1, 2, 3, 4, 99],
        value: vec![1, 1],
        label: vec![],
    });
    let index = StackIndex::new(&p);
    let mut frames = Vec::new();
    index.stack_root_first(&p.sample[0], &mut frames);
    let names: Vec<&str> = frames.iter().map(|&id| index.name(id)).collect();
    assert_eq!(names, ["[unknown]", "0x456", "0x123", "0xdef", "sys_fn"]);
}

#[test]
fn names_are_sanitized_for_folded_lines() {
    assert_eq!(
        sanitize("<[u8; 8] as Debug>::fmt"),
        "<[u8 8] as Debug>::fmt"
    );
    assert_eq!(sanitize("a\nb\r"), "a b ");
    assert_eq!(sanitize("plain::name"), "plain::name");
}

#[test]
fn string_lookups_never_panic() {
    let mut p = small();
    assert_eq!(string(&p, -1), "");
    assert_eq!(string(&p, i64::MAX), "");
    p.sample_type.push(ValueType {
        r#type: 12345,
        unit: -4,
    });
    assert_eq!(sample_type_names(&p, 2), ("", ""));
    assert_eq!(sample_type_names(&p, 99), ("", ""));
    assert_eq!(sample_value(&p.sample[0], 7), 0);
}

#[test]
fn kinds_parse_and_serialize_lowercase() {
    assert_eq!("CPU".parse::<ProfileKind>(), Ok(ProfileKind::Cpu));
    assert_eq!("heap".parse::<ProfileKind>(), Ok(ProfileKind::Heap));
    assert!("mutex".parse::<ProfileKind>().is_err());
    assert_eq!(
        serde_json::to_string(&ProfileKind::Goroutine).expect("json"),
        "\"goroutine\""
    );
}
