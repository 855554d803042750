//! Escaping for every markup a view writes: HTML/XML text and attributes, and Markdown table
//! cells. Everything that comes from a scenario, a target or a result file passes through here.

/// Escapes `text` for HTML (and XML) text and double- or single-quoted attribute values.
/// Characters XML 1.0 forbids (most C0 controls) become U+FFFD, so the output is also valid XML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push('\u{fffd}')
            }
            c => out.push(c),
        }
    }
    out
}

/// XML text and attributes use the same rules as HTML here.
pub fn escape_xml(text: &str) -> String {
    escape_html(text)
}

/// Escapes `text` for one cell of a GitHub-flavoured Markdown table: no markup, no HTML, no
/// column breaks, one line.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_script_tags_become_text() {
        assert_eq!(
            escape_html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
    }

    #[test]
    fn html_quotes_cannot_end_an_attribute() {
        assert_eq!(
            escape_html(r#"x" onmouseover="alert(1)"#),
            "x&quot; onmouseover=&quot;alert(1)"
        );
        assert_eq!(escape_html("it's"), "it&#39;s");
    }

    #[test]
    fn html_ampersands_are_escaped_once() {
        assert_eq!(escape_html("a&b &amp; c"), "a&amp;b &amp;amp; c");
    }

    #[test]
    fn html_keeps_unicode_and_drops_controls() {
        assert_eq!(
            escape_html("p99 ≤ 5µs\u{0}\u{1b}"),
            "p99 ≤ 5µs\u{fffd}\u{fffd}"
        );
        assert_eq!(escape_html("a\tb\nc"), "a\tb\nc");
    }

    #[test]
    fn markdown_cells_cannot_break_tables_or_inject_html() {
        assert_eq!(
            escape_markdown("a|b <script>\"x\"</script>\n"),
            "a\\|b &lt;script&gt;\"x\"&lt;/script&gt; "
        );
        assert_eq!(escape_markdown("*bold* [l](u)"), "\\*bold\\* \\[l\\](u)");
        assert_eq!(escape_markdown("checkout_v2"), "checkout\\_v2");
    }
}
