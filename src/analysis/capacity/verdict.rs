//! The outcome of a search in words: the capacity and how sure it is, or why there is none —
//! and, when loadlab was the limit, what to change so it is not.

use super::result::SearchSettings;
use super::search::SearchEnd;
use super::step::StepRecord;

/// The verdict sentence(s) for `capacity.json` and every view.
pub fn verdict(
    end: &SearchEnd,
    steps: &[StepRecord],
    settings: &SearchSettings,
    slo: &str,
) -> String {
    let at = |rate: f64| steps.iter().rev().find(|s| s.rate == rate);
    let why = |rate: f64| {
        at(rate)
            .filter(|s| !s.notes.is_empty())
            .map(|s| format!(" ({})", s.notes.join("; ")))
            .unwrap_or_default()
    };
    match *end {
        SearchEnd::Found {
            capacity,
            first_fail,
        } => format!(
            "The target meets {slo} up to {capacity:.0} req/s; at {first_fail:.0} req/s it did not{}. \
             The capacity lies within {:.1}% above {capacity:.0} req/s.",
            why(first_fail),
            (first_fail - capacity) / capacity * 100.0
        ),
        SearchEnd::MaxRate { capacity } => format!(
            "Every step up to --max-rate {capacity:.0} req/s met {slo}: the capacity is at least \
             {capacity:.0} req/s. Raise --max-rate to find it."
        ),
        SearchEnd::StartBroke { rate } => format!(
            "Even the start rate {rate:.0} req/s broke {slo}{}. Lower --start-rate.",
            why(rate)
        ),
        SearchEnd::GeneratorLimited { rate, last_pass } => {
            let step = at(rate);
            let reasons = step.map(|s| s.notes.join("; ")).unwrap_or_default();
            let mut text = format!(
                "loadlab was the limit at {rate:.0} req/s, not the target: {reasons}. \
                 This is not the target's capacity"
            );
            match last_pass {
                Some(p) => text.push_str(&format!(
                    "; the highest rate that met the SLO before was {p:.0} req/s."
                )),
                None => text.push('.'),
            }
            text.push(' ');
            text.push_str(&suggestion(step, settings));
            text
        }
        SearchEnd::Interrupted { last_pass } => match last_pass {
            Some(p) => format!(
                "Interrupted before the search ended; the highest rate that met {slo} so far was {p:.0} req/s."
            ),
            None => "Interrupted before any step met the SLO.".to_string(),
        },
    }
}

fn suggestion(step: Option<&StepRecord>, settings: &SearchSettings) -> String {
    let cap_hit = step.is_some_and(|s| s.dropped > 0 && s.slo_met);
    if cap_hit {
        format!(
            "Raise [http] max_in_flight (now {}): at a rate R and latency L, R × L requests are in \
             flight; or split the load over more generators (`loadlab run --segment i/N`).",
            settings.max_in_flight
        )
    } else {
        "Give loadlab more engine threads (--threads) or a less busy machine, or split the load \
         over more generators (`loadlab run --segment i/N` on several machines)."
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::capacity::figures::tests::step;

    fn settings() -> SearchSettings {
        SearchSettings {
            start_rate: 50.0,
            max_rate: 1000.0,
            growth: 2.0,
            precision: 0.05,
            step_s: 3.0,
            warmup_s: 0.75,
            max_in_flight: 2,
        }
    }

    #[test]
    fn a_generator_limit_says_what_to_change() {
        let mut capped = step(100.0, 20.0, true, None);
        capped.generator_limited = true;
        capped.dropped = 40;
        capped.notes = vec!["40 arrivals were dropped at loadlab's in-flight cap".into()];
        let steps = vec![step(50.0, 20.0, true, None), capped.clone()];
        let end = SearchEnd::GeneratorLimited {
            rate: 100.0,
            last_pass: Some(50.0),
        };
        let text = verdict(&end, &steps, &settings(), "p99<100ms");
        assert!(
            text.starts_with("loadlab was the limit at 100 req/s"),
            "{text}"
        );
        assert!(text.contains("not the target's capacity") && text.contains("50 req/s"));
        assert!(text.contains("max_in_flight (now 2)"), "{text}");
        capped.dropped = 0;
        let text = verdict(&end, &[capped], &settings(), "p99<100ms");
        assert!(text.contains("--threads"), "{text}");
    }

    #[test]
    fn found_and_start_broke_name_the_rates() {
        let mut fail = step(520.0, 300.0, false, None);
        fail.notes = vec!["p99 < 100ms: observed 300ms".into()];
        let end = SearchEnd::Found {
            capacity: 500.0,
            first_fail: 520.0,
        };
        let text = verdict(&end, &[fail], &settings(), "p99<100ms");
        assert!(
            text.contains("up to 500 req/s; at 520 req/s it did not (p99 < 100ms: observed 300ms)")
        );
        assert!(text.contains("within 4.0%"), "{text}");
        let text = verdict(
            &SearchEnd::StartBroke { rate: 50.0 },
            &[],
            &settings(),
            "p99<1ms",
        );
        assert!(text.contains("Lower --start-rate"), "{text}");
    }
}
