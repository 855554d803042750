//! Headless Chromium for the HTML report tests: open a page from disk, dump its DOM or take a
//! screenshot, and fail on anything the page (or a frame in it) logged to the console.
//!
//! Chromium is Debian's `chromium` (`/usr/bin/chromium`, or `$CHROMIUM`). Without it the
//! browser checks fail when `CI=true` and are skipped with a notice otherwise. Each browser
//! gets a fresh profile directory and runs under a timeout.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The browser, or `None` (after a notice) outside CI when it is missing.
pub fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() {
        return Some(path);
    }
    let message = format!(
        "headless Chromium not found at {} (install Debian's `chromium`, or set CHROMIUM)",
        path.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{message}: the browser checks cannot be skipped in CI");
    }
    eprintln!("notice: {message}; skipping the browser checks");
    None
}

/// What one browser invocation left: the page's stdout (e.g. the dumped DOM) and Chromium's
/// log, which holds the console messages.
pub struct Browsed {
    pub stdout: String,
    pub log: String,
}

/// Runs headless Chromium on `page` with extra `args` (e.g. `--dump-dom`), with the console
/// logged to stderr; panics when it fails or takes more than 90 s.
pub fn browse(chromium: &Path, page: &Path, args: &[&str]) -> Browsed {
    let profile = tempfile::tempdir().expect("browser profile dir");
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(args)
    .arg(format!("file://{}", page.display()));
    let (code, stdout, log) = super::run_bounded(cmd, Duration::from_secs(90));
    assert_eq!(code, 0, "chromium failed ({code}):\n{log}");
    Browsed { stdout, log }
}

/// The console messages in Chromium's log: script errors, and the errors the SVG engine
/// reports through the console (such as "attribute width: A negative value is not valid").
pub fn console_messages(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            l.contains(":CONSOLE")
                || l.contains("Uncaught")
                || l.contains("SyntaxError")
                || l.contains("is not valid")
        })
        .collect()
}

/// Fails when the page (or a frame in it) logged anything to the console.
pub fn assert_no_console_messages(browsed: &Browsed) {
    let messages = console_messages(&browsed.log);
    assert!(
        messages.is_empty(),
        "console messages:\n{}",
        messages.join("\n")
    );
}

/// The ids of the `<figure id="chart-…">` elements of a page, in order.
pub fn figure_ids(html: &str) -> Vec<String> {
    html.match_indices(r#"<figure id="chart-"#)
        .filter_map(|(at, m)| {
            let rest = &html[at + m.len() - "chart-".len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}

/// Opens `page` twice: its DOM must hold every figure of `ids` with a drawing in it (an
/// `<svg>`, an `<img>` or a flame graph `<iframe>`) and no drawing error; a 1280×2000
/// screenshot must be larger than `min_png_bytes` and not blank. Neither visit may log to
/// the console. The virtual time budget lets timers (the flame graph's layout) run first.
pub fn assert_renders(chromium: &Path, page: &Path, ids: &[String], min_png_bytes: usize) {
    assert!(!ids.is_empty(), "{} has no figures", page.display());
    let dom = browse(
        chromium,
        page,
        &["--dump-dom", "--virtual-time-budget=2000"],
    );
    assert_no_console_messages(&dom);
    for id in ids {
        let start = dom
            .stdout
            .find(&format!(r#"id="{id}""#))
            .unwrap_or_else(|| panic!("the DOM lacks figure {id}"));
        let figure = &dom.stdout[start..];
        let figure = &figure[..figure.find("</figure>").expect("figure closes")];
        assert!(
            ["<svg", "<img", "<iframe"]
                .iter()
                .any(|t| figure.contains(t)),
            "figure {id} has no drawing in the DOM"
        );
        assert!(!figure.contains("chart-error"), "chart {id} failed to draw");
    }

    let dir = tempfile::tempdir().expect("screenshot dir");
    let png = dir.path().join("screenshot.png");
    let shot = browse(
        chromium,
        page,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
            "--virtual-time-budget=2000",
        ],
    );
    assert_no_console_messages(&shot);
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(
        bytes.len() > min_png_bytes,
        "screenshot of {} only {} bytes",
        page.display(),
        bytes.len()
    );
    let distinct = distinct_pixel_bytes(&bytes);
    assert!(
        distinct > 32,
        "screenshot of {} looks blank ({distinct} distinct byte values)",
        page.display()
    );
}

/// Distinct byte values in a PNG's decompressed image data: a blank page has a handful.
pub fn distinct_pixel_bytes(png: &[u8]) -> usize {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let mut idat = Vec::new();
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes")) as usize;
        let kind = &png[at + 4..at + 8];
        let data = &png[at + 8..(at + 8 + len).min(png.len())];
        if kind == b"IDAT" {
            idat.extend_from_slice(data);
        }
        at += 12 + len;
    }
    let mut pixels = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut pixels)
        .expect("PNG image data inflates");
    let mut seen = [false; 256];
    pixels.iter().for_each(|b| seen[*b as usize] = true);
    seen.iter().filter(|s| **s).count()
}
