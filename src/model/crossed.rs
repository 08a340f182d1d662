//! `crossed:` groups of segment columns: each must name two or more distinct
//! declared segment columns. Shared by the loader (first problem) and the checker
//! (every problem).

use serde_saphyr::Spanned;

use super::error::ModelErrorKind;
use super::raw::RawModel;
use crate::diag::suggest;

/// One problem of a `crossed:` group: where and what.
pub(crate) struct Problem {
    pub at: serde_saphyr::Location,
    pub kind: ModelErrorKind,
}

/// Every problem of the model's `crossed:` groups, in file order.
pub(crate) fn problems(raw: &RawModel) -> Vec<Problem> {
    let segments: Vec<&str> = raw.segments.iter().map(|s| s.value.as_str()).collect();
    let mut out = Vec::new();
    for group in &raw.crossed {
        if group.value.len() < 2 {
            out.push(Problem {
                at: group.referenced,
                kind: ModelErrorKind::CrossedTooSmall {
                    found: group.value.len(),
                },
            });
        }
        for (k, column) in group.value.iter().enumerate() {
            if !segments.contains(&column.value.as_str()) {
                out.push(unknown(column, &segments));
            } else if group.value[..k].iter().any(|c| c.value == column.value) {
                out.push(Problem {
                    at: column.referenced,
                    kind: ModelErrorKind::CrossedSelf {
                        column: column.value.clone(),
                    },
                });
            }
        }
    }
    out
}

fn unknown(column: &Spanned<String>, segments: &[&str]) -> Problem {
    Problem {
        at: column.referenced,
        kind: ModelErrorKind::CrossedUnknown {
            column: column.value.clone(),
            suggestion: suggest(&column.value, segments.iter().copied()),
            segments: segments.iter().map(|s| s.to_string()).collect(),
        },
    }
}
