//! The template engine on arbitrary text: compile, then render a few times. Errors are fine;
//! panics are findings (keep them in `fuzz/regressions/template/`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use loadlab::scenario::{RenderContext, Template};

fn env(name: &str) -> Option<String> {
    (name == "TOKEN").then(|| "s3cr3t-t0ken".to_string())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(compiled) = Template::compile(text, &env) else {
        return;
    };
    let mut ctx = RenderContext {
        seq: u64::MAX,
        rng: fastrand::Rng::with_seed(5),
    };
    let mut out = String::new();
    for _ in 0..3 {
        compiled.template.render_into(&mut out, &mut ctx);
    }
});
