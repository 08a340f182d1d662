//! The one escape for every piece of user text in the HTML report, in element
//! content and in attribute values alike (HTML and inline SVG).

/// Replace `& < > " '` with character references, so text can neither open a tag
/// nor leave an attribute value. Control characters are dropped; bidirectional
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, LRM/RLM) are
/// shown as visible escapes (`\u{202e}`), as on the terminal, so a label cannot
/// reorder what a reader sees (`"evil\u{202e}fdp.exe"` displaying as `exe.pdf…`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_text() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(
            escape("=HYPERLINK(\"http://x\")"),
            "=HYPERLINK(&quot;http://x&quot;)"
        );
    }

    #[test]
    fn bidi_controls_are_shown_not_obeyed() {
        assert_eq!(escape("华东\u{202E}gnp.exe"), "华东\\u{202e}gnp.exe");
        assert_eq!(escape("a\u{2067}b\u{2069}"), "a\\u{2067}b\\u{2069}");
        // Right-to-left text itself is kept.
        assert_eq!(escape("مرحبا"), "مرحبا");
    }
}
