//! Line numbers of CSV records.
//!
//! `csv`'s `Position::line()` (and `byte()`) point just past the previous record's
//! first terminator byte, so with CRLF line ends or blank lines they name the wrong
//! line. This adapter sits between the text and the CSV reader and notes where each
//! non-blank line starts; a record's line is the first non-blank line starting at or
//! after its `csv` byte position (a record always starts a line, and only blank lines
//! lie between a record's end and the next record).

use std::collections::VecDeque;
use std::io::{self, Read};

pub(crate) struct LineIndex<R> {
    inner: R,
    /// Bytes passed through so far.
    offset: u64,
    /// Current line: start offset, 1-based number, whether it is all `\r` so far.
    line_start: u64,
    line_no: u64,
    line_blank: bool,
    /// (start offset, line number) of non-blank lines not yet asked about.
    starts: VecDeque<(u64, u64)>,
}

impl<R: Read> LineIndex<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            line_start: 0,
            line_no: 1,
            line_blank: true,
            starts: VecDeque::new(),
        }
    }

    /// The line of the record whose `csv` byte position is `byte`. Calls must come in
    /// file order (entries before `byte` are dropped).
    pub(crate) fn line_of(&mut self, byte: u64) -> u64 {
        while let Some(&(start, line)) = self.starts.front() {
            if start >= byte {
                return line;
            }
            self.starts.pop_front();
        }
        // Not seen yet (cannot happen for a record csv has returned): best guess.
        self.line_no
    }

    fn scan(&mut self, bytes: &[u8]) {
        let mut from = 0;
        for at in memchr::memchr_iter(b'\n', bytes) {
            self.segment(bytes.get(from..at).unwrap_or_default());
            self.line_no += 1;
            self.line_start = self.offset + at as u64 + 1;
            self.line_blank = true;
            from = at + 1;
        }
        self.segment(bytes.get(from..).unwrap_or_default());
        self.offset += bytes.len() as u64;
    }

    fn segment(&mut self, part: &[u8]) {
        if self.line_blank && part.iter().any(|&c| c != b'\r') {
            self.line_blank = false;
            self.starts.push_back((self.line_start, self.line_no));
        }
    }
}

impl<R: Read> Read for LineIndex<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.scan(buf.get(..n).unwrap_or_default());
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str) -> Vec<(String, u64)> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(3)
            .from_reader(LineIndex::new(input.as_bytes()));
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while csv.read_byte_record(&mut record).unwrap_or(false) {
            let byte = record.position().map_or(0, |p| p.byte());
            let line = csv.get_mut().line_of(byte);
            out.push((
                String::from_utf8_lossy(record.as_slice()).into_owned(),
                line,
            ));
        }
        out
    }

    fn numbers(input: &str) -> Vec<u64> {
        lines(input).into_iter().map(|(_, l)| l).collect()
    }

    #[test]
    fn counts_lf_crlf_blank_lines_and_quoted_newlines() {
        assert_eq!(numbers("h\n1\n2\n"), [1, 2, 3]);
        assert_eq!(numbers("h\r\n1\r\n2"), [1, 2, 3]);
        assert_eq!(numbers("h\n1\n\n2\n"), [1, 2, 4]);
        assert_eq!(numbers("h\r\n1\r\n\r\n\r\n2\r\n"), [1, 2, 5]);
        assert_eq!(numbers("\n\nh\n1"), [3, 4]);
        assert_eq!(numbers("h\n\"a\nb\"\n2\n"), [1, 2, 4]);
        assert_eq!(numbers("h\r\n\"a\r\n\r\nb\",x\r\n \r\n2"), [1, 2, 5, 6]);
    }
}
