//! Unit tests of the search against simulated targets of known capacity.

use super::*;

fn config(start: f64, max: f64) -> SearchConfig {
    SearchConfig {
        start_rate: start,
        max_rate: max,
        growth: 2.0,
        precision: 0.05,
    }
}

/// Runs the search against a target that meets the SLO up to `capacity` and whose generator
/// gives out at `generator_limit`; returns the rates tried and the end.
fn drive(config: SearchConfig, capacity: f64, generator_limit: f64) -> (Vec<f64>, SearchEnd) {
    let mut search = Search::new(config).unwrap();
    let mut rate = search.first();
    let mut tried = Vec::new();
    for _ in 0..100 {
        tried.push(rate);
        let next = search.observe(Observation {
            rate,
            slo_met: rate <= capacity,
            generator_limited: rate > generator_limit,
        });
        match next {
            Next::Step(r) => rate = r,
            Next::Done(end) => return (tried, end),
        }
    }
    panic!("the search did not end: {tried:?}");
}

#[test]
fn grows_then_refines_to_precision() {
    let (tried, end) = drive(config(100.0, 50_000.0), 490.0, f64::INFINITY);
    assert_eq!(&tried[..4], &[100.0, 200.0, 400.0, 800.0], "{tried:?}");
    let SearchEnd::Found {
        capacity,
        first_fail,
    } = end
    else {
        panic!("{end:?}");
    };
    assert!((490.0 * 0.95..=490.0).contains(&capacity), "{capacity}");
    assert!(first_fail > 490.0);
    assert!(
        first_fail - capacity <= 0.05 * capacity,
        "{capacity}..{first_fail}"
    );
    // Every refinement step lies inside the bracket of the growth phase.
    assert!(
        tried[4..].iter().all(|&r| r > 400.0 && r < 800.0),
        "{tried:?}"
    );
    assert_eq!(end.max_rate_meeting_slo(), Some(capacity));
}

#[test]
fn refinement_is_bounded_by_a_whole_request() {
    let (_, end) = drive(
        SearchConfig {
            precision: 0.0001,
            ..config(1.0, 100.0)
        },
        7.0,
        f64::INFINITY,
    );
    assert_eq!(
        end,
        SearchEnd::Found {
            capacity: 7.0,
            first_fail: 8.0
        }
    );
}

#[test]
fn stops_at_max_rate_and_never_exceeds_it() {
    let (tried, end) = drive(config(100.0, 1000.0), 1e9, f64::INFINITY);
    assert_eq!(tried, vec![100.0, 200.0, 400.0, 800.0, 1000.0]);
    assert_eq!(end, SearchEnd::MaxRate { capacity: 1000.0 });
    // Failing at the cap refines below it, still never above.
    let (tried, end) = drive(config(100.0, 1000.0), 900.0, f64::INFINITY);
    assert!(tried.iter().all(|&r| r <= 1000.0), "{tried:?}");
    assert!(matches!(end, SearchEnd::Found { first_fail, .. } if first_fail <= 1000.0));
}

#[test]
fn start_rate_breaking_ends_at_once() {
    let (tried, end) = drive(config(100.0, 1000.0), 50.0, f64::INFINITY);
    assert_eq!(tried, vec![100.0]);
    assert_eq!(end, SearchEnd::StartBroke { rate: 100.0 });
    assert_eq!(end.max_rate_meeting_slo(), None);
}

#[test]
fn refuses_to_call_a_generator_limit_capacity() {
    let (tried, end) = drive(config(50.0, 10_000.0), 5_000.0, 150.0);
    assert_eq!(tried, vec![50.0, 100.0, 200.0]);
    assert_eq!(
        end,
        SearchEnd::GeneratorLimited {
            rate: 200.0,
            last_pass: Some(100.0)
        }
    );
    // During refinement too.
    let mut search = Search::new(config(100.0, 10_000.0)).unwrap();
    let obs = |rate, slo_met, generator_limited| Observation {
        rate,
        slo_met,
        generator_limited,
    };
    assert_eq!(search.observe(obs(100.0, true, false)), Next::Step(200.0));
    assert_eq!(search.observe(obs(200.0, false, false)), Next::Step(150.0));
    assert_eq!(
        search.observe(obs(150.0, true, true)),
        Next::Done(SearchEnd::GeneratorLimited {
            rate: 150.0,
            last_pass: Some(100.0)
        })
    );
}

#[test]
fn rejects_bad_configs() {
    assert!(Search::new(config(0.5, 10.0)).is_err());
    assert!(Search::new(config(100.0, 50.0)).is_err());
    assert!(Search::new(SearchConfig {
        precision: 0.0,
        ..config(1.0, 10.0)
    })
    .is_err());
    assert!(Search::new(SearchConfig {
        growth: 1.0,
        ..config(1.0, 10.0)
    })
    .is_err());
}
