//! A file's line starts, found once: code that reports many findings in one file
//! looks lines up by number instead of splitting the text again per finding
//! (which made 5,000 findings in one file quadratic).

/// The text and the byte offset where each line starts.
#[derive(Debug, Clone)]
pub struct TextLines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> TextLines<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        TextLines { text, starts }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Number of lines (a final line break starts an empty last line).
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where 1-based `line` starts; past the end: the text's length.
    pub fn start(&self, line: u64) -> usize {
        usize::try_from(line.saturating_sub(1))
            .ok()
            .and_then(|i| self.starts.get(i).copied())
            .unwrap_or(self.text.len())
    }

    /// 1-based `line` without its line break (and `\r`), if the file has it.
    pub fn line(&self, line: u64) -> Option<&'a str> {
        let index = usize::try_from(line.checked_sub(1)?).ok()?;
        let start = *self.starts.get(index)?;
        let end = self
            .starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        Some(self.text.get(start..end)?.trim_end_matches('\r'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_by_number() {
        let lines = TextLines::new("a\r\nbc\n\nd");
        assert_eq!(lines.count(), 4);
        assert_eq!(lines.line(1), Some("a"));
        assert_eq!(lines.line(2), Some("bc"));
        assert_eq!(lines.line(3), Some(""));
        assert_eq!(lines.line(4), Some("d"));
        assert_eq!(lines.line(5), None);
        assert_eq!(lines.line(0), None);
        assert_eq!(lines.start(2), 3);
        assert_eq!(lines.start(9), 8);
    }
}
