//! Exit codes in one place: 0 ok, 1 findings, 2 could not run.

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The job ran and found nothing to fail on.
    Ok,
    /// The job ran and found problems (lint errors, failed rule tests).
    Findings,
    /// Bad arguments or unreadable, invalid input.
    Unusable,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(match exit {
            Exit::Ok => 0,
            Exit::Findings => 1,
            Exit::Unusable => 2,
        })
    }
}
