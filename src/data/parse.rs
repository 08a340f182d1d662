//! Reading one field: numbers from ASCII bytes without allocating, missing tokens.

/// The model's missing-value tokens, trimmed.
#[derive(Debug, Clone)]
pub(crate) struct MissingTokens {
    tokens: Vec<String>,
    /// Whether a token reads as a number (like `99`), so numbers must be checked too.
    numeric: bool,
}

impl MissingTokens {
    pub(crate) fn new(tokens: &[String]) -> Self {
        let tokens: Vec<String> = tokens.iter().map(|t| t.trim().to_string()).collect();
        let numeric = tokens.iter().any(|t| parse_number(t.as_bytes()).is_some());
        Self { tokens, numeric }
    }

    /// The value of an ASCII-trimmed item field: `Ok(None)` when missing, `Err(())`
    /// when it is not a number.
    #[inline]
    pub(crate) fn number(&self, trimmed: &[u8]) -> Result<Option<f64>, ()> {
        if let Some(v) = parse_small_int(trimmed) {
            if self.numeric && self.is_missing(trimmed) {
                return Ok(None);
            }
            return Ok(Some(v));
        }
        if self.is_missing(trimmed) {
            return Ok(None);
        }
        parse_number(trimmed).map(Some).ok_or(())
    }

    /// Whether an ASCII-trimmed field is a missing token.
    #[inline]
    pub(crate) fn is_missing(&self, trimmed: &[u8]) -> bool {
        self.tokens.iter().any(|t| t.as_bytes() == trimmed)
            || (!trimmed.is_ascii() && self.is_missing_text(trimmed))
    }

    /// Slow path: compare after trimming Unicode whitespace (e.g. a full-width space).
    fn is_missing_text(&self, field: &[u8]) -> bool {
        std::str::from_utf8(field)
            .map(|s| self.tokens.iter().any(|t| t == s.trim()))
            .unwrap_or(false)
    }

    /// Whether a (Unicode-trimmed) text value is a missing token.
    pub(crate) fn is_missing_str(&self, text: &str) -> bool {
        self.tokens.iter().any(|t| t == text)
    }
}

/// A finite number from ASCII-trimmed bytes: a fast path for short unsigned
/// integers (`3`, `10`), `str::parse::<f64>` otherwise.
#[inline]
pub(crate) fn parse_number(field: &[u8]) -> Option<f64> {
    parse_small_int(field).or_else(|| {
        std::str::from_utf8(field)
            .ok()?
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
    })
}

/// One or two ASCII digits.
#[inline]
fn parse_small_int(field: &[u8]) -> Option<f64> {
    match *field {
        [d] if d.is_ascii_digit() => Some(f64::from(d - b'0')),
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(f64::from((a - b'0') * 10 + (b - b'0')))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_integers_decimals_and_rejects_text() {
        assert_eq!(parse_number(b"3"), Some(3.0));
        assert_eq!(parse_number(b"10"), Some(10.0));
        assert_eq!(parse_number(b"07"), Some(7.0));
        assert_eq!(parse_number(b"4.5"), Some(4.5));
        assert_eq!(parse_number(b"-1"), Some(-1.0));
        assert_eq!(parse_number(b"1e1"), Some(10.0));
        assert_eq!(parse_number(b"inf"), None);
        assert_eq!(parse_number(b"NaN"), None);
        assert_eq!(parse_number(b"good"), None);
        assert_eq!(parse_number(b""), None);
        assert_eq!(parse_number("３".as_bytes()), None);
        assert_eq!(parse_number(b"\xB6\xAB"), None);
    }

    #[test]
    fn missing_tokens_are_trimmed_on_both_sides() {
        let tokens = MissingTokens::new(&[" NA ".to_string(), "".to_string()]);
        assert!(tokens.is_missing(b"NA"));
        assert!(tokens.is_missing(b""));
        assert!(tokens.is_missing("NA\u{3000}".as_bytes()));
        assert!(!tokens.is_missing(b"N"));
        assert!(tokens.is_missing_str("NA"));
        assert_eq!(tokens.number(b"3"), Ok(Some(3.0)));
        assert_eq!(tokens.number(b"NA"), Ok(None));
        assert_eq!(tokens.number(b"x"), Err(()));
        let with_99 = MissingTokens::new(&["99".to_string()]);
        assert_eq!(with_99.number(b"99"), Ok(None));
        assert_eq!(with_99.number(b"9"), Ok(Some(9.0)));
        assert_eq!(with_99.number(b"99.0"), Ok(Some(99.0)));
    }
}
