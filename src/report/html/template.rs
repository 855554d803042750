//! Fills `{{name}}` placeholders in a template, in one pass: inserted text is never scanned
//! again, so a value containing `{{…}}` stays as it is. Unknown or unfilled placeholders are
//! errors, so a template and its renderer cannot drift apart silently.

use crate::report::ReportError;

pub fn fill(
    name: &'static str,
    template: &str,
    slots: &[(&str, String)],
) -> Result<String, ReportError> {
    let error = |reason: String| ReportError::Template {
        template: name,
        reason,
    };
    let mut out =
        String::with_capacity(template.len() + slots.iter().map(|s| s.1.len()).sum::<usize>());
    let mut used = vec![false; slots.len()];
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or_else(|| error("a \"{{\" is never closed".into()))?;
        let key = &after[..close];
        let index = slots
            .iter()
            .position(|(k, _)| *k == key)
            .ok_or_else(|| error(format!("no value for placeholder {{{{{key}}}}}")))?;
        out.push_str(&slots[index].1);
        used[index] = true;
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    if let Some(i) = used.iter().position(|u| !u) {
        return Err(error(format!(
            "placeholder {{{{{}}}}} is missing",
            slots[i].0
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_once_without_rescanning_values() {
        let out = fill(
            "t",
            "<p>{{a}} and {{b}}</p>",
            &[("a", "{{b}}".into()), ("b", "x".into())],
        )
        .unwrap();
        assert_eq!(out, "<p>{{b}} and x</p>");
    }

    #[test]
    fn unknown_unclosed_and_unused_placeholders_are_errors() {
        assert!(fill("t", "{{nope}}", &[]).is_err());
        assert!(fill("t", "{{open", &[]).is_err());
        let e = fill("t", "plain", &[("a", String::new())]).unwrap_err();
        assert!(e.to_string().contains("{{a}} is missing"), "{e}");
    }
}
