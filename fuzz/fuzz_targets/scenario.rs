//! The scenario parser and resolver on arbitrary text: parse, resolve, render the plan, and
//! prepare the requests. Errors are fine; panics are findings (keep them in
//! `fuzz/regressions/scenario/`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use loadlab::scenario::{self, RenderContext, Target};
use std::path::Path;

fn env(name: &str) -> Option<String> {
    match name {
        "TOKEN" => Some("s3cr3t-t0ken".into()),
        "EMPTY" => Some(String::new()),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(plan) = scenario::load_from_str(Path::new("fuzz.toml"), text, &env) else {
        return;
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
});
