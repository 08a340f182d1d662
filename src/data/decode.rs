//! Turning the survey's bytes into UTF-8 for the CSV reader, without reading the
//! whole file first.
//!
//! `Auto` sniffs the first 64 KiB: a UTF-8 byte-order mark, or bytes that are valid
//! UTF-8 (a multibyte character cut at the sniff boundary allowed), choose UTF-8, and
//! the bytes stream to the CSV reader untouched; text fields are validated when they
//! are used. Anything else is decoded as GB18030 on the fly, because Chinese Excel
//! exports are GBK (a subset of GB18030) and are by far the commonest non-UTF-8
//! survey files. GB18030 decoding replaces malformed sequences with U+FFFD (they then
//! show up in segment values or as invalid numbers) rather than failing.

use std::io::{self, Cursor, Read};

use super::options::Encoding;

const SNIFF: usize = 64 * 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The encoding actually used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detected {
    /// Bytes pass through; `forced` when the user asked for UTF-8.
    Utf8 { forced: bool },
    /// Decoded to UTF-8 from GB18030; every field is valid UTF-8.
    Gb18030,
}

/// The survey bytes as UTF-8 (or passed-through bytes believed to be UTF-8).
pub(crate) enum Source<R> {
    Plain(std::io::Chain<Cursor<Vec<u8>>, R>),
    Decoded(Box<DecodeReader<std::io::Chain<Cursor<Vec<u8>>, R>>>),
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Plain(r) => r.read(buf),
            Source::Decoded(r) => r.read(buf),
        }
    }
}

/// What the first bytes say about the file beyond its encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sniffed {
    /// The field separator: `,` unless the first line has none but has tabs (Excel's
    /// "Unicode text") or semicolons (Excel where the decimal mark is a comma).
    pub delimiter: u8,
    /// The kind of binary file this is when it is not text at all (a workbook or SPSS
    /// file with a `.csv` name).
    pub binary: Option<(&'static str, &'static str)>,
}

pub(crate) fn sniff(head: &[u8]) -> Sniffed {
    let binary = if head.starts_with(b"PK\x03\x04") {
        Some((
            "an Excel workbook (.xlsx) or another zip archive",
            "Excel 工作簿（.xlsx）或其他 zip 压缩包",
        ))
    } else if head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Some(("an old Excel workbook (.xls)", "旧版 Excel 工作簿（.xls）"))
    } else if head.starts_with(b"$FL2") || head.starts_with(b"$FL3") {
        Some(("an SPSS data file (.sav)", "SPSS 数据文件（.sav）"))
    } else {
        None
    };
    // ASCII separators are single bytes in UTF-8 and GB18030 and the low byte of
    // UTF-16 code units, so the raw first line tells.
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let count = |d: u8| line.iter().filter(|&&b| b == d).count();
    let delimiter = if count(b',') > 0 {
        b','
    } else if count(b'\t') > 0 {
        b'\t'
    } else if count(b';') > 0 {
        b';'
    } else {
        b','
    };
    Sniffed { delimiter, binary }
}

/// Sniff (for `Auto`) and wrap `reader`; a UTF-8 byte-order mark is dropped.
pub(crate) fn open<R: Read>(
    mut reader: R,
    encoding: Encoding,
) -> io::Result<(Source<R>, Detected, Sniffed)> {
    let mut head = vec![0u8; SNIFF];
    let mut filled = 0;
    let mut eof = false;
    while filled < head.len() {
        match reader.read(head.get_mut(filled..).unwrap_or_default()) {
            Ok(0) => {
                eof = true;
                break;
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    head.truncate(filled);
    let sniffed = sniff(&head);
    let has_bom = head.starts_with(BOM);
    let detected = match encoding {
        Encoding::Utf8 => Detected::Utf8 { forced: true },
        Encoding::Gb18030 => Detected::Gb18030,
        Encoding::Auto if has_bom || looks_utf8(&head, eof) => Detected::Utf8 { forced: false },
        Encoding::Auto => Detected::Gb18030,
    };
    let source = match detected {
        Detected::Utf8 { .. } => {
            if has_bom {
                head.drain(..BOM.len());
            }
            Source::Plain(Cursor::new(head).chain(reader))
        }
        Detected::Gb18030 => Source::Decoded(Box::new(DecodeReader::new(
            Cursor::new(head).chain(reader),
            // `new_decoder` honours a byte-order mark if there is one.
            encoding_rs::GB18030.new_decoder(),
        ))),
    };
    Ok((source, detected, sniffed))
}

/// Valid UTF-8, allowing a character cut off at the end when more bytes follow.
fn looks_utf8(head: &[u8], eof: bool) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => !eof && e.error_len().is_none(),
    }
}

/// A `Read` adapter decoding its inner reader to UTF-8 with an `encoding_rs` decoder.
pub(crate) struct DecodeReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    in_pos: usize,
    in_len: usize,
    output: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    eof: bool,
    done: bool,
}

impl<R: Read> DecodeReader<R> {
    pub(crate) fn new(inner: R, decoder: encoding_rs::Decoder) -> Self {
        Self {
            inner,
            decoder,
            input: vec![0; SNIFF],
            in_pos: 0,
            in_len: 0,
            // GB18030 → UTF-8 grows at most 3/2 per byte; any size ≥ 4 works.
            output: vec![0; SNIFF * 2],
            out_pos: 0,
            out_len: 0,
            eof: false,
            done: false,
        }
    }
}

impl<R: Read> Read for DecodeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.out_pos < self.out_len {
                let available = self
                    .output
                    .get(self.out_pos..self.out_len)
                    .unwrap_or_default();
                let n = available.len().min(buf.len());
                if let (Some(dst), Some(src)) = (buf.get_mut(..n), available.get(..n)) {
                    dst.copy_from_slice(src);
                }
                self.out_pos += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.in_pos >= self.in_len && !self.eof {
                match self.inner.read(&mut self.input) {
                    Ok(0) => self.eof = true,
                    Ok(n) => {
                        self.in_pos = 0;
                        self.in_len = n;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            }
            let src = self.input.get(self.in_pos..self.in_len).unwrap_or_default();
            let (result, read, written, _replaced) =
                self.decoder.decode_to_utf8(src, &mut self.output, self.eof);
            self.in_pos += read;
            self.out_pos = 0;
            self.out_len = written;
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                self.done = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8], encoding: Encoding) -> (Vec<u8>, Detected) {
        let (mut source, detected, _) = open(bytes, encoding).expect("in-memory read");
        let mut out = Vec::new();
        source.read_to_end(&mut out).expect("in-memory read");
        (out, detected)
    }

    #[test]
    fn utf8_passes_through_and_loses_its_bom() {
        let (out, detected) = decode_all("\u{feff}a,b\n华东,1\n".as_bytes(), Encoding::Auto);
        assert_eq!(out, "a,b\n华东,1\n".as_bytes());
        assert_eq!(detected, Detected::Utf8 { forced: false });
    }

    #[test]
    fn gbk_is_decoded_across_buffer_boundaries() {
        let text = "地区,分数\n".to_string() + "华东,5\n华南,4\n".repeat(20_000).as_str();
        let (bytes, _, _) = encoding_rs::GBK.encode(&text);
        assert!(bytes.len() > 2 * SNIFF);
        let (out, detected) = decode_all(&bytes, Encoding::Auto);
        assert_eq!(detected, Detected::Gb18030);
        assert_eq!(String::from_utf8(out).expect("utf-8"), text);
    }

    #[test]
    fn a_character_cut_at_the_sniff_boundary_is_still_utf8() {
        let mut text = "a".repeat(SNIFF - 1);
        text.push('华');
        text.push_str("\nb\n");
        let (out, detected) = decode_all(text.as_bytes(), Encoding::Auto);
        assert_eq!(detected, Detected::Utf8 { forced: false });
        assert_eq!(out, text.as_bytes());
    }
}
