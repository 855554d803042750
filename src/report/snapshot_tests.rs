//! Snapshot tests of the text views from hand-made results. A snapshot that differs fails with
//! both texts; `UPDATE_SNAPSHOTS=1 cargo test --lib report::snapshot` rewrites them.

use super::test_support::{sample_result, troubled_result};
use super::{junit, markdown};
use std::path::PathBuf;

fn check(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src/report/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_SNAPSHOTS=1)", path.display()));
    assert!(
        expected == actual,
        "{name} changed; if intended, rerun with UPDATE_SNAPSHOTS=1\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

#[test]
fn markdown_summary() {
    check("sample.md", &markdown::render(&sample_result()));
}

#[test]
fn markdown_summary_of_a_troubled_run() {
    check("troubled.md", &markdown::render(&troubled_result()));
}

#[test]
fn junit_xml() {
    check("sample.junit.xml", &junit::render(&sample_result()));
}

#[test]
fn junit_xml_of_a_troubled_run() {
    check("troubled.junit.xml", &junit::render(&troubled_result()));
}

#[test]
fn text_views_escape_what_they_are_given() {
    let mut r = sample_result();
    let evil = r#"<script>alert(1)</script>"x|y"#;
    r.scenario.name = evil.into();
    r.stages[0].requests[0].name = evil.into();
    r.thresholds[2].expression = evil.into();
    r.thresholds[2].observed_text = "a & b".into();
    let md = markdown::render(&r);
    assert!(!md.contains("<script>"));
    assert!(md.contains(r#"&lt;script&gt;alert(1)&lt;/script&gt;"x\|y"#));
    let xml = junit::render(&r);
    assert!(!xml.contains("<script>"));
    assert!(xml.contains(r#"name="&lt;script&gt;alert(1)&lt;/script&gt;&quot;x|y""#));
    assert!(xml.contains("observed a &amp; b"));
}
