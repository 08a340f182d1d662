//! The character encoding of an SPSS system file: record 7 subtype 20 names it
//! (`UTF-8`, `GBK`, `windows-1252`); older files give only a code page number, the
//! character code of subtype 3 (936, 1252, 65001 …). Files with neither are read as
//! UTF-8, what ReadStat and SPSS in Unicode mode write.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// The encoding to decode names, labels and string values with, or why there is none.
pub(super) fn file_encoding(
    name: Option<&[u8]>,
    code_page: Option<i32>,
) -> Result<&'static Encoding, crate::diag::Both> {
    // The name is more precise than the number (PSPP and SPSS write both).
    if let Some(name) = name {
        let name = String::from_utf8_lossy(name);
        let name = name.trim_matches(|c: char| c == '\0' || c.is_whitespace());
        if !name.is_empty() {
            return Encoding::for_label(name.as_bytes())
                .filter(usable)
                .ok_or_else(|| {
                    crate::diag::Both::new(
                        format!("its text is in the character encoding `{name}`, which sattrace cannot decode"),
                        format!("其中文本使用字符编码 `{name}`，sattrace 无法解码"),
                    )
                });
        }
    }
    match code_page {
        None | Some(0) => Ok(UTF_8),
        Some(code) => code_page_encoding(code).ok_or_else(|| {
            let what = match code {
                1 => " (EBCDIC)".to_string(),
                4 => " (DEC Kanji)".to_string(),
                _ => String::new(),
            };
            crate::diag::Both::new(
                format!("its text is in code page {code}{what}, which sattrace cannot decode"),
                format!("其中文本使用代码页 {code}{what}，sattrace 无法解码"),
            )
        }),
    }
}

/// Decode stored bytes; a byte sequence the encoding lacks becomes U+FFFD.
pub(super) fn decode<'a>(encoding: &'static Encoding, bytes: &'a [u8]) -> Cow<'a, str> {
    encoding.decode_without_bom_handling(bytes).0
}

/// Strings in a system file are single- or multi-byte, never UTF-16; the
/// "replacement" encoding stands for labels WHATWG refuses to decode.
fn usable(encoding: &&'static Encoding) -> bool {
    *encoding != UTF_16LE && *encoding != UTF_16BE && **encoding != *encoding_rs::REPLACEMENT
}

/// Windows code page numbers (as SPSS writes them) that encoding_rs decodes.
fn code_page_encoding(code: i32) -> Option<&'static Encoding> {
    let label = match code {
        // 7- and 8-bit ASCII: windows-1252 is a superset, as WHATWG reads "ascii".
        2 | 3 | 20127 | 28591 => "windows-1252".to_string(),
        65001 => "utf-8".to_string(),
        936 => "gbk".to_string(),
        54936 => "gb18030".to_string(),
        950 => "big5".to_string(),
        932 => "shift_jis".to_string(),
        949 => "euc-kr".to_string(),
        20932 | 51932 => "euc-jp".to_string(),
        866 => "ibm866".to_string(),
        874 => "windows-874".to_string(),
        1250..=1258 => format!("windows-{code}"),
        20866 => "koi8-r".to_string(),
        21866 => "koi8-u".to_string(),
        10000 => "macintosh".to_string(),
        28592..=28606 => format!("iso-8859-{}", code - 28590),
        _ => return None,
    };
    Encoding::for_label(label.as_bytes()).filter(usable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_wins_over_the_code_page() {
        let e = file_encoding(Some(b"GBK"), Some(1252)).map(|e| e.name());
        assert_eq!(e, Ok("GBK"));
        let e = file_encoding(Some(b"windows-1252\0"), None).map(|e| e.name());
        assert_eq!(e, Ok("windows-1252"));
    }

    #[test]
    fn code_pages_map_to_their_encodings() {
        for (code, name) in [
            (936, "GBK"),
            (1252, "windows-1252"),
            (1251, "windows-1251"),
            (65001, "UTF-8"),
            (28592, "ISO-8859-2"),
            (950, "Big5"),
            (3, "windows-1252"),
        ] {
            assert_eq!(file_encoding(None, Some(code)).map(|e| e.name()), Ok(name));
        }
        assert_eq!(file_encoding(None, None).map(|e| e.name()), Ok("UTF-8"));
    }

    #[test]
    fn unknown_code_pages_and_names_are_named_in_the_error() {
        let e = file_encoding(None, Some(9999)).err().unwrap_or_default().en;
        assert!(e.contains("code page 9999"), "{e}");
        let e = file_encoding(None, Some(1)).err().unwrap_or_default().en;
        assert!(e.contains("code page 1 (EBCDIC)"), "{e}");
        let e = file_encoding(Some(b"x-mac-klingon"), Some(65001))
            .err()
            .unwrap_or_default()
            .en;
        assert!(e.contains("`x-mac-klingon`"), "{e}");
        let e = file_encoding(Some(b"UTF-16"), None)
            .err()
            .unwrap_or_default()
            .en;
        assert!(e.contains("`UTF-16`"), "{e}");
    }
}
