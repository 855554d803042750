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
