use super::*;

const GO_EXPOSITION: &str = r#"# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 42
# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 12.34
# HELP http_request_duration_seconds A histogram of latencies.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320
# HELP rpc_duration_seconds A summary.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds{quantile="0.99"} NaN
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
"#;

fn parse(input: &str) -> Vec<MetricFamily> {
    parse_text(input).unwrap_or_else(|e| panic!("{e}\n{input}"))
}

fn err(input: &str) -> PromParseError {
    parse_text(input).expect_err(input)
}

#[test]
fn parses_a_go_client_exposition() {
    let families = parse(GO_EXPOSITION);
    let names: Vec<(&str, MetricType, usize)> = families
        .iter()
        .map(|f| (f.name.as_str(), f.kind, f.samples.len()))
        .collect();
    assert_eq!(
        names,
        [
            ("go_goroutines", MetricType::Gauge, 1),
            ("process_cpu_seconds_total", MetricType::Counter, 1),
            ("http_request_duration_seconds", MetricType::Histogram, 5),
            ("rpc_duration_seconds", MetricType::Summary, 4),
        ]
    );
    assert_eq!(
        families[0].help.as_deref(),
        Some("Number of goroutines that currently exist.")
    );
    let hist = &families[2];
    assert_eq!(hist.samples[2].label("le"), Some("+Inf"));
    assert_eq!(hist.samples[4].name, "http_request_duration_seconds_count");
    let summary = &families[3];
    assert!(summary.samples[1].value.is_nan());
    assert_eq!(summary.samples[2].value, 1.7560473e7);
}

#[test]
fn special_values_and_timestamps() {
    let families = parse("a +Inf\nb -Inf 1700000000000\nc NaN -5\nd 1e-3\ne -0\n");
    let values: Vec<f64> = families.iter().map(|f| f.samples[0].value).collect();
    assert_eq!(values[0], f64::INFINITY);
    assert_eq!(values[1], f64::NEG_INFINITY);
    assert!(values[2].is_nan());
    assert_eq!(values[3], 0.001);
    assert_eq!(families[1].samples[0].timestamp_ms, Some(1_700_000_000_000));
    assert_eq!(families[2].samples[0].timestamp_ms, Some(-5));
    assert_eq!(families[0].samples[0].timestamp_ms, None);
    assert!(families.iter().all(|f| f.kind == MetricType::Untyped));
}

#[test]
fn label_escapes_and_trailing_comma() {
    let families = parse(r#"m{path="C:\\dir",msg="say \"hi\"\nbye",empty="",} 1"#);
    let labels = &families[0].samples[0].labels;
    assert_eq!(labels[0], ("path".to_string(), r"C:\dir".to_string()));
    assert_eq!(labels[1].1, "say \"hi\"\nbye");
    assert_eq!(labels[2].1, "");
    let families = parse("m { a = \"x\" , b=\"ü,}\" } 2\nm{} 3\n");
    assert_eq!(families[0].samples[0].labels.len(), 2);
    assert_eq!(families[0].samples[0].label("b"), Some("ü,}"));
    assert!(families[0].samples[1].labels.is_empty());
}

#[test]
fn help_escapes_comments_blank_lines_and_line_endings() {
    let input = "# a comment\n\n   \n# HELP x Line one\\nline two with \\\\ and \\t kept\r\n#\n# TYPE x counter\r\nx 1\r\n";
    let families = parse(input);
    assert_eq!(families.len(), 1);
    assert_eq!(
        families[0].help.as_deref(),
        Some("Line one\nline two with \\ and \\t kept")
    );
    assert_eq!(families[0].kind, MetricType::Counter);
    // No final newline is accepted too.
    assert_eq!(parse("x 1\ny 2").len(), 2);
    assert!(parse("").is_empty());
    assert!(parse("\n\n").is_empty());
}

#[test]
fn untyped_and_split_families() {
    let families =
        parse("# TYPE a_total counter\na_total{code=\"200\"} 5\nb 1\na_total{code=\"500\"} 1\n");
    assert_eq!(families.len(), 2);
    assert_eq!(
        families[0].samples.len(),
        2,
        "a repeated family joins the first"
    );
    // _sum/_count of a gauge-typed name are their own families.
    let families = parse("# TYPE g gauge\ng 1\ng_count 2\n");
    assert_eq!(families.len(), 2);
}

#[test]
fn errors_carry_line_numbers() {
    let e = err("ok 1\n# TYPE x counter\nx{a=\"1\"} one\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("invalid value"), "{e}");
    assert_eq!(e.to_string(), format!("line 3: {}", e.message));
    assert_eq!(err("a 1\nb{x=\"\\t\"} 1").line, 2);
}

#[test]
fn rejects_what_prometheus_rejects() {
    for bad in [
        "m{a=\"1\" 2",                      // unterminated label set
        "m{a=\"1} 2",                       // unterminated value
        "m{a=1} 2",                         // unquoted value
        "m{a=\"1\",a=\"2\"} 3",             // duplicate label
        "m{1a=\"x\"} 1",                    // bad label name
        "m{a=\"\\q\"} 1",                   // bad escape
        "m",                                // no value
        "m{}",                              // no value
        "m 1 2 3",                          // trailing garbage
        "m 1 1.5",                          // fractional timestamp
        "m.x 1",                            // bad name char
        "9m 1",                             // name starts with a digit
        "{a=\"b\"} 1",                      // no name
        "# TYPE m gauge\n# TYPE m counter", // second TYPE
        "m 1\n# TYPE m gauge",              // TYPE after samples
        "# HELP m a\n# HELP m b",           // second HELP
        "# TYPE m widget",                  // unknown type
        "# TYPE m gauge extra",             // trailing text
        "# TYPE 1m gauge",                  // bad name
        "# HELP",                           // no name
    ] {
        assert!(parse_text(bad).is_err(), "accepted {bad:?}");
    }
}

#[test]
fn garbage_never_panics() {
    let alphabet: Vec<char> = "ab_:{}=\",\\ \t\n\r#019.+-eEInfNaHELPTYPE é€\u{0}"
        .chars()
        .collect();
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..5000 {
        let len = (x % 60) as usize;
        let text: String = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize]
            })
            .collect();
        let _ = parse_text(&text);
        let _ = parse_selector(&text);
    }
}

#[test]
fn selectors_parse_name_and_equality_labels() {
    assert_eq!(
        parse_selector(" up ").expect("up"),
        ("up".to_string(), vec![])
    );
    let (name, labels) =
        parse_selector(r#"http_requests_total{code="200",method="GET"}"#).expect("sel");
    assert_eq!(name, "http_requests_total");
    assert_eq!(
        labels,
        vec![
            ("code".into(), "200".into()),
            ("method".into(), "GET".into())
        ]
    );
    for bad in [
        "",
        "{code=\"200\"}",
        "x{code!=\"200\"}",
        "x{code=~\"2..\"}",
        "x{code=\"200\"} extra",
        "x y",
    ] {
        assert!(parse_selector(bad).is_err(), "accepted {bad:?}");
    }
}
