//! SMART checks of planning targets: specific (a known outcome), measurable (inside
//! the metric's range), achievable (all candidates together reach it), relevant
//! (some driver reaches the outcome) and time-bound (a due date, not in the past).

use std::fmt;

/// Which SMART letter a target fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SmartKind {
    Specific,
    Measurable,
    Achievable,
    Relevant,
    TimeBound,
}

impl SmartKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SmartKind::Specific => "specific",
            SmartKind::Measurable => "measurable",
            SmartKind::Achievable => "achievable",
            SmartKind::Relevant => "relevant",
            SmartKind::TimeBound => "time-bound",
        }
    }
}

/// One failed check, written for the person who set the target.
#[derive(Debug, Clone, PartialEq)]
pub struct SmartIssue {
    pub kind: SmartKind,
    /// The target as written (`satisfaction=4.2`).
    pub target: String,
    pub message: String,
    pub help: String,
}

impl fmt::Display for SmartIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "target `{}` is not {}: {}",
            self.target,
            self.kind.as_str(),
            self.message
        )?;
        if !self.help.is_empty() {
            write!(f, "\n  help: {}", self.help)?;
        }
        Ok(())
    }
}

/// Targets that fail SMART checks before any planning is done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct SmartError {
    pub issues: Vec<SmartIssue>,
}
