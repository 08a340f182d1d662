//! A file handed to `check`: its kind, its name for messages, and its bytes.
//! Files that cannot be text (not UTF-8, too large) are findings, not failures.

use crate::diag::{Code, Diagnostic, Loc};

/// Larger files are refused before parsing: people do not write 16 MiB of YAML.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// What a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Model,
    Rules,
    Scenario,
}

/// One file to check.
#[derive(Debug, Clone)]
pub struct Source {
    pub kind: Kind,
    pub file: String,
    pub bytes: Vec<u8>,
}

impl Source {
    pub fn new(kind: Kind, file: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Source {
            kind,
            file: file.into(),
            bytes: bytes.into(),
        }
    }

    /// The text of the file, or `None` after pushing why it is not usable text.
    pub(crate) fn text(&self, out: &mut Vec<Diagnostic>) -> Option<&str> {
        if self.bytes.len() > MAX_FILE_BYTES {
            out.push(
                Diagnostic::error(
                    Code::YamlSyntax,
                    &Loc::new(&self.file, 0, 0),
                    format!(
                        "the file is {} bytes, more than the limit of {MAX_FILE_BYTES}",
                        self.bytes.len()
                    ),
                )
                .with_help("split it into smaller files; model and rule files are written by hand"),
            );
            return None;
        }
        let bytes = self
            .bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&self.bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                let column = String::from_utf8_lossy(&valid[line_start..])
                    .chars()
                    .count() as u64
                    + 1;
                out.push(
                    Diagnostic::error(
                        Code::YamlSyntax,
                        &Loc::new(&self.file, line, column),
                        "the file is not UTF-8",
                    )
                    .with_help("save it as UTF-8 (YAML files must be UTF-8)"),
                );
                None
            }
        }
    }
}
