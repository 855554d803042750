//! A stable, bounded stand-in for `cargo fuzz` (see `fuzz/`): thousands of inputs mutated from
//! the bundled scenarios and the bad-input corpus by a fixed-seed RNG (byte flips, truncations,
//! duplications, splices, tokens that stress units and templates) go through the scenario
//! parser, the plan renderer and the request factory; template strings go through compile and
//! render. Nothing may panic. Inputs that once crashed are kept in `fuzz/regressions/` and
//! replayed first.
//!
//! `FUZZ_ITERATIONS=N` runs longer; `FUZZ_SEED=S` explores a different sequence.

use loadlab::scenario::{self, RenderContext, Target, Template};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

fn env(name: &str) -> Option<String> {
    match name {
        "TOKEN" | "LOADLAB_TEST_SECRET" => Some("s3cr3t-t0ken".into()),
        "EMPTY" => Some(String::new()),
        "HOST" => Some("127.0.0.1:8080".into()),
        _ => None,
    }
}

/// Everything a scenario's text reaches before load starts: parse and resolve, render the plan
/// (`loadlab validate`), and prepare the requests (`loadlab run`).
fn exercise_scenario(text: &str) -> bool {
    let path = root().join("tests/bad-scenarios/fuzz.toml");
    let Ok(plan) = scenario::load_from_str(&path, text, &env) else {
        return false;
    };
    let _ = loadlab::report::plan::render(&plan);
    let target = match &plan.target {
        Target::Url(u) => u.clone(),
        Target::Demo(_) => "http://127.0.0.1:1".parse().unwrap(),
    };
    if let Ok(factory) = loadlab::engine::request::RequestFactory::new(&plan, &target) {
        let mut ctx = RenderContext {
            seq: 0,
            rng: fastrand::Rng::with_seed(3),
        };
        let mut scratch = String::new();
        for i in 0..plan.requests.len() {
            let _ = factory.build(i, &mut ctx, &mut scratch);
        }
    }
    true
}

fn exercise_template(text: &str) -> bool {
    let Ok(compiled) = Template::compile(text, &env) else {
        return false;
    };
    let mut ctx = RenderContext {
        seq: u64::MAX,
        rng: fastrand::Rng::with_seed(5),
    };
    let mut out = String::new();
    for _ in 0..3 {
        compiled.template.render_into(&mut out, &mut ctx);
    }
    true
}

/// Pieces that matter to the parser and the templates, spliced in at random.
const TOKENS: &[&str] = &[
    "{{",
    "}}",
    "{{env.TOKEN}}",
    "{{env.NOPE}}",
    "{{env.}}",
    "{{rand 1 2}}",
    "{{rand -9223372036854775808 9223372036854775807}}",
    "{{rand 5 1}}",
    "{{seq}}",
    "{{uuid}}",
    "\"",
    "'",
    "\n",
    "=",
    "[",
    "]",
    "[[load.stage]]",
    "[[request]]",
    "[http]",
    "[http.tls]",
    "[profile]",
    "[metrics]",
    "[thresholds]",
    "[demo]",
    "-",
    ".",
    ":",
    "%",
    "/s",
    "/m",
    "k",
    "0",
    "-1",
    "0.0",
    "1e309",
    "nan",
    "inf",
    "18446744073709551615",
    "9223372036854775808",
    "99999999999999999999.5h",
    "0.0000001ns",
    "584942417355y",
    "1y",
    "36500d",
    "ms",
    "us",
    "\"p99.9\" = \"<= 1us\"",
    "\"a:b.p50\" = \"> 0ms\"",
    "errors = \"< 100%\"",
    "rate = \"1e9/s\"",
    "users = 100000",
    "ramp = true",
    "warmup = \"9s\"",
    "weight = 1000000",
    "expect_status = []",
    "version = \"2\"",
    "model = \"closed\"",
    "overload = \"queue\"",
    "target = \"demo\"",
    "http://[::1]:0/",
    "https://x:65536",
    "é",
    "\u{0}",
    "\u{7f}",
    "\r",
    "\\u0000",
    "\t",
];

/// One random edit of `input`.
fn mutate(rng: &mut fastrand::Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    let pos = |rng: &mut fastrand::Rng, len: usize| rng.usize(..=len);
    // Mostly one edit: a valid input stays close to valid, so parsing gets past the syntax.
    let edits = if rng.bool() { 1 } else { rng.usize(2..=4) };
    for _ in 0..edits {
        let len = out.len();
        match rng.u8(0..7) {
            0 if len > 0 => {
                let i = rng.usize(..len);
                out[i] ^= 1 << rng.u8(0..8);
            }
            1 if len > 0 => {
                let i = rng.usize(..len);
                out[i] = rng.u8(..);
            }
            2 => out.truncate(pos(rng, len)),
            3 if len > 0 => {
                let a = rng.usize(..len);
                let b = rng.usize(a..=len.min(a + 200));
                let slice = out[a..b].to_vec();
                let at = pos(rng, len);
                out.splice(at..at, slice);
            }
            4 => {
                let token = TOKENS[rng.usize(..TOKENS.len())].as_bytes();
                let at = pos(rng, len);
                out.splice(at..at, token.iter().copied());
            }
            5 if len > 0 => {
                let a = rng.usize(..len);
                let b = rng.usize(a..=len.min(a + 40));
                out.drain(a..b);
            }
            _ => {
                // Splice: the head of this input and the tail of another.
                let cut = pos(rng, len);
                let from = pos(rng, other.len());
                out.truncate(cut);
                out.extend_from_slice(&other[from..]);
            }
        }
    }
    out
}

/// Runs `check` on `input`: whether the input was accepted; a panic is reported with the input
/// saved for replay.
fn no_panic(kind: &str, input: &str, check: fn(&str) -> bool, found: &mut Vec<String>) -> bool {
    match catch_unwind(AssertUnwindSafe(|| check(input))) {
        Ok(accepted) => accepted,
        Err(_) => {
            let dir = std::env::temp_dir().join("loadlab-fuzz-findings");
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join(format!("{kind}-{}.txt", found.len()));
            let _ = std::fs::write(&file, input);
            found.push(format!(
                "{kind} input saved to {}: {input:?}",
                file.display()
            ));
            false
        }
    }
}

fn iterations() -> usize {
    std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

fn seed() -> u64 {
    std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x010a_d1ab)
}

/// Inputs that once made the parser or the templates panic stay fixed.
#[test]
fn recorded_crashes_stay_fixed() {
    let mut found = Vec::new();
    let dir = root().join("fuzz/regressions");
    for file in files_in(&dir.join("scenario"), "toml") {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        let _ = no_panic("scenario", &text, exercise_scenario, &mut found);
    }
    for file in files_in(&dir.join("template"), "txt") {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        let _ = no_panic("template", &text, exercise_template, &mut found);
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Mutated scenarios never panic the parser, the plan renderer or the request factory.
#[test]
fn mutated_scenarios_never_panic() {
    let read = |dir: &str| -> Vec<Vec<u8>> {
        files_in(&root().join(dir), "toml")
            .into_iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect()
    };
    // Valid scenarios (and valid mutants found on the way) seed most inputs; the bad corpus,
    // one step from valid, the rest.
    let mut valid = read("scenarios");
    let bad = read("tests/bad-scenarios");
    assert!(valid.len() >= 3 && bad.len() >= 30, "seed corpus found");
    let mut rng = fastrand::Rng::with_seed(seed());
    let mut found = Vec::new();
    let mut accepted = 0;
    for _ in 0..iterations() {
        let pool = if rng.u8(0..10) < 7 { &valid } else { &bad };
        let a = &pool[rng.usize(..pool.len())];
        let b = &valid[rng.usize(..valid.len())];
        let mutated = mutate(&mut rng, a, b);
        let text = String::from_utf8_lossy(&mutated).into_owned();
        if no_panic("scenario", &text, exercise_scenario, &mut found) {
            accepted += 1;
            // Mutations of valid mutants reach further; keep the pool bounded.
            if valid.len() < 400 {
                valid.push(mutated);
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    // Most mutations are rejected early; enough must survive to reach resolution, the plan
    // renderer and the request factory, or this test proves little.
    assert!(
        accepted * 20 >= iterations(),
        "only {accepted} of {} mutated scenarios were valid",
        iterations()
    );
}

/// Mutated templates never panic compile or render.
#[test]
fn mutated_templates_never_panic() {
    let seeds: Vec<&[u8]> = [
        "/item/{{rand 1 100}}?n={{seq}}",
        "Bearer {{ env.TOKEN }}",
        "{{uuid}}-{{seq}}-{{rand -5 5}}",
        "{\"id\": {{seq}}, \"name\": \"{{env.EMPTY}}\"}",
        "plain text",
        "",
    ]
    .iter()
    .map(|s| s.as_bytes())
    .collect();
    let mut rng = fastrand::Rng::with_seed(seed() ^ 0x7e3);
    let mut found = Vec::new();
    for _ in 0..iterations() * 2 {
        let a = seeds[rng.usize(..seeds.len())];
        let b = seeds[rng.usize(..seeds.len())];
        let text = String::from_utf8_lossy(&mutate(&mut rng, a, b)).into_owned();
        let _ = no_panic("template", &text, exercise_template, &mut found);
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
