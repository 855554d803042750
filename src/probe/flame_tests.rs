use super::*;

fn folded(items: &[(&str, u64)]) -> Vec<(String, u64)> {
    items.iter().map(|(s, v)| (s.to_string(), *v)).collect()
}

/// The SVG is inline-ready and loads nothing from elsewhere.
fn assert_self_contained(svg: &str) {
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(200)]);
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(!svg.contains("<?xml") && !svg.contains("<!DOCTYPE"));
    for external in ["href=\"http", "src=", "@import", "url(http", "url(//"] {
        assert!(
            !svg.contains(external),
            "external resource {external:?} in flame graph"
        );
    }
}

#[test]
fn flame_graph_is_an_inline_svg_with_the_frames() {
    let stacks = folded(&[
        ("main;serve;parse_json", 300),
        ("main;serve;<Vec<u8> as Drop>::drop", 100),
    ]);
    let svg = flame_graph_svg(&stacks, "checkout CPU").expect("svg");
    assert_self_contained(&svg);
    assert!(svg.contains("checkout CPU"));
    assert!(svg.contains("parse_json"));
    assert!(
        svg.contains("&lt;Vec&lt;u8&gt; as Drop&gt;::drop"),
        "names are XML-escaped"
    );
    assert_eq!(
        svg,
        flame_graph_svg(&stacks, "checkout CPU").expect("again"),
        "deterministic"
    );
}

#[test]
fn nothing_to_draw_is_an_error() {
    let err = flame_graph_svg(&[], "empty").expect_err("empty");
    assert!(matches!(err, ProbeError::Empty { .. }), "{err}");
    let err = flame_graph_svg(&folded(&[("", 5), ("a", 0)]), "zeros").expect_err("zeros");
    assert!(matches!(err, ProbeError::Empty { .. }), "{err}");
    let err = diff_flame_graph_svg(&folded(&[("a", 1)]), &[], "diff").expect_err("after empty");
    assert!(err.to_string().contains("after profile"), "{err}");
}

#[test]
fn huge_counts_do_not_overflow_the_renderer() {
    let stacks = folded(&[("a;b", u64::MAX), ("a;c", u64::MAX), ("a;d", 1)]);
    let svg = flame_graph_svg(&stacks, "big").expect("svg");
    assert!(svg.contains(">b") || svg.contains("b ("), "b is drawn");
    diff_flame_graph_svg(&stacks, &stacks, "big diff").expect("diff svg");
}

#[test]
fn diff_flame_graph_draws_the_after_shape() {
    let before = folded(&[("main;handler;parse", 600), ("main;handler;gone_fn", 400)]);
    let after = folded(&[("main;handler;parse", 200), ("main;handler;new_fn", 800)]);
    let svg = diff_flame_graph_svg(&before, &after, "before → after").expect("svg");
    assert_self_contained(&svg);
    assert!(svg.contains("new_fn") && svg.contains("parse"));
    assert!(
        !svg.contains("gone_fn"),
        "vanished stacks have no width in the after shape"
    );
}

#[test]
fn cost_diff_is_per_request_and_sorted_by_absolute_change() {
    // before: 10 requests; after: 20 requests.
    let before = folded(&[("main;a", 1000), ("main;a;b", 500), ("main;gone", 200)]);
    let after = folded(&[("main;a", 1000), ("main;a;b", 3000), ("main;new", 100)]);
    let deltas = function_cost_diff(&before, &after, 10, 20);
    let names: Vec<&str> = deltas.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["b", "a", "gone", "new", "main"]);
    let b = &deltas[0];
    assert_eq!(
        (b.before_ns_per_req, b.after_ns_per_req, b.delta_ns_per_req),
        (50.0, 150.0, 100.0)
    );
    assert_eq!(b.change, FunctionChange::Both);
    let a = deltas.iter().find(|d| d.name == "a").expect("a");
    assert_eq!((a.before_ns_per_req, a.after_ns_per_req), (100.0, 50.0));
    assert_eq!(
        (a.before_cum_ns_per_req, a.after_cum_ns_per_req),
        (150.0, 200.0)
    );
    assert!((a.before_share - 1000.0 / 1700.0).abs() < 1e-12);
    assert!((a.delta_share - (1000.0 / 4100.0 - 1000.0 / 1700.0)).abs() < 1e-12);
    let gone = deltas.iter().find(|d| d.name == "gone").expect("gone");
    assert_eq!(
        (gone.change, gone.after_ns_per_req, gone.delta_ns_per_req),
        (FunctionChange::Gone, 0.0, -20.0)
    );
    let new = deltas.iter().find(|d| d.name == "new").expect("new");
    assert_eq!(
        (new.change, new.delta_ns_per_req),
        (FunctionChange::New, 5.0)
    );
    let main = deltas.iter().find(|d| d.name == "main").expect("main");
    assert_eq!(
        (main.before_cum_ns_per_req, main.after_cum_ns_per_req),
        (170.0, 205.0)
    );
}

#[test]
fn cost_diff_counts_recursion_once_and_refuses_zero_requests() {
    let before = folded(&[("a;b;a", 10)]);
    let deltas = function_cost_diff(&before, &before, 1, 1);
    let a = deltas.iter().find(|d| d.name == "a").expect("a");
    assert_eq!((a.before_ns_per_req, a.before_cum_ns_per_req), (10.0, 10.0));
    assert!(function_cost_diff(&before, &before, 0, 5).is_empty());
    let json = serde_json::to_value(&deltas[0]).expect("json");
    assert_eq!(json["change"], "both");
}

#[test]
fn odd_stacks_never_panic_the_renderer() {
    let alphabet: Vec<char> = "ab;; \t<>&\"'é0x1f".chars().collect();
    let mut x = 0x1234_5678_9abc_def1u64;
    for _ in 0..300 {
        let stacks: Vec<(String, u64)> = (0..(x % 6))
            .map(|_| {
                let len = (x % 12) as usize;
                let stack: String = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        alphabet[(x % alphabet.len() as u64) as usize]
                    })
                    .collect();
                (stack, x % 1000)
            })
            .collect();
        let _ = flame_graph_svg(&stacks, "fuzz");
        let _ = diff_flame_graph_svg(&stacks, &stacks[..stacks.len() / 2], "fuzz diff");
        let _ = function_cost_diff(&stacks, &stacks, 1, 2);
    }
}

#[test]
fn flame_graphs_have_a_fixed_width() {
    // Not "fluid": its script would resize the frames from the SVG's width on load, and a
    // frame that is not laid out yet gets a negative width (a console error in Chromium).
    let stacks = folded(&[("main;work", 3), ("main;idle", 1)]);
    for svg in [
        flame_graph_svg(&stacks, "cpu").expect("svg"),
        diff_flame_graph_svg(&stacks, &stacks, "diff").expect("diff svg"),
    ] {
        let root = &svg[..svg.find('>').expect("root tag")];
        assert!(
            root.contains(&format!("width=\"{FLAME_GRAPH_WIDTH}\"")),
            "{root}"
        );
        assert!(
            svg.contains("var fluiddrawing = false;"),
            "fluid drawing is off"
        );
    }
}
