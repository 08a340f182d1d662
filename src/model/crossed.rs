//! `crossed:` groups of segment columns: each must name two or more distinct
//! declared segment columns. Shared by the loader (first problem) and the checker
//! (every problem).

use serde_saphyr::Spanned;

use super::raw::RawModel;
use crate::diag::suggest;

/// One problem of a `crossed:` group: where, what, and a hint.
pub(crate) struct Problem {
    pub at: serde_saphyr::Location,
    pub message: String,
    pub help: String,
}

/// Every problem of the model's `crossed:` groups, in file order.
pub(crate) fn problems(raw: &RawModel) -> Vec<Problem> {
    let segments: Vec<&str> = raw.segments.iter().map(|s| s.value.as_str()).collect();
    let mut out = Vec::new();
    for group in &raw.crossed {
        if group.value.len() < 2 {
            out.push(Problem {
                at: group.referenced,
                message: format!(
                    "a crossed group needs two or more segment columns, found {}",
                    group.value.len()
                ),
                help: "write e.g. `crossed: [[channel, region]]`".to_string(),
            });
        }
        for (k, column) in group.value.iter().enumerate() {
            if !segments.contains(&column.value.as_str()) {
                out.push(unknown(column, &segments));
            } else if group.value[..k].iter().any(|c| c.value == column.value) {
                out.push(Problem {
                    at: column.referenced,
                    message: format!("column `{}` is crossed with itself", column.value),
                    help: "name each segment column once per crossed group".to_string(),
                });
            }
        }
    }
    out
}

fn unknown(column: &Spanned<String>, segments: &[&str]) -> Problem {
    let hint = suggest(&column.value, segments.iter().copied());
    Problem {
        at: column.referenced,
        message: format!("crossed column `{}` is not a segment column", column.value),
        help: match hint {
            Some(name) => {
                format!("did you mean `{name}`? crossed columns must be listed under `segments:`")
            }
            None => format!(
                "crossed columns must be listed under `segments:` (segments: {})",
                if segments.is_empty() {
                    "none".to_string()
                } else {
                    segments.join(", ")
                }
            ),
        },
    }
}
