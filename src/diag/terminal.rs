//! Text from users' files made safe to print: control characters (ESC, C0, C1,
//! DEL) and bidirectional overrides cannot drive the terminal or reorder what is
//! read, and a quoted name longer than people write is clipped.

use std::fmt::Write;

/// Quoted (backticked) text longer than this many characters is clipped.
pub const MAX_ECHO_CHARS: usize = 80;

/// Whether `c` must not reach a terminal as is. Line breaks and tabs stay.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as a visible escape (`\u{1b}`).
pub fn neutralise(text: &str) -> String {
    if !text.chars().any(is_unsafe) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` with each backticked span over [`MAX_ECHO_CHARS`] characters cut to
/// that length and marked with how long it was.
pub fn clip_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(1 << 16));
    // Said after the closing backtick of a clipped span.
    let mut pending = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
            out.push_str(&std::mem::take(&mut pending));
        }
        // Odd pieces (after the 1st, 3rd… backtick) are inside quotes.
        let count = part.chars().count();
        if i % 2 == 1 && count > MAX_ECHO_CHARS {
            out.extend(part.chars().take(MAX_ECHO_CHARS));
            out.push('…');
            pending = format!(" ({count} characters)");
        } else {
            out.push_str(part);
        }
    }
    out.push_str(&pending);
    out
}

/// Both: the form of any message printed to a terminal.
pub fn for_terminal(text: &str) -> String {
    neutralise(&clip_quoted(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_overrides_are_shown_not_obeyed() {
        assert_eq!(neutralise("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(neutralise("x\u{202e}y\u{9b}"), "x\\u{202e}y\\u{9b}");
        assert_eq!(neutralise("line\n\tnext 服务"), "line\n\tnext 服务");
    }

    #[test]
    fn long_quoted_names_are_clipped() {
        let long = "h".repeat(1000);
        let clipped = clip_quoted(&format!(
            "column `{long}` is not in the header\n  help: `q1`"
        ));
        assert!(
            clipped.starts_with(&format!("column `{}…` (1000 characters)", "h".repeat(80))),
            "{clipped}"
        );
        assert!(
            clipped.ends_with(" is not in the header\n  help: `q1`"),
            "{clipped}"
        );
        assert_eq!(clip_quoted("a `b` c `d`"), "a `b` c `d`");
    }
}
