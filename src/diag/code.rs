//! Stable diagnostic codes. A code never changes meaning once published; each has a
//! section in `docs/diagnostics.md` (a test keeps the two in step).

use std::fmt;

/// What kind of problem a diagnostic reports. The number is stable (`SAT001`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The file is not well-formed YAML, is not UTF-8, or exceeds a size budget.
    YamlSyntax,
    /// A key that this kind of file does not have.
    UnknownKey,
    /// A value of the wrong type (text where a number is expected, …).
    WrongType,
    /// A key written twice in one mapping.
    DuplicateKey,
    /// Two drivers or two rules with the same id.
    DuplicateId,
    /// A reference to a driver, tag, column, segment or helper that does not exist.
    UnknownReference,
    /// Drivers that feed each other in a loop.
    Cycle,
    /// A node with no path to any outcome.
    ReachesNoOutcome,
    /// A survey column listed under two drivers (or twice under one).
    ItemTwice,
    /// A target outside the node's scale or range.
    TargetOutsideScale,
    /// A target without a due date (SMART: time-bound).
    TargetWithoutDue,
    /// A due date that has passed.
    DueInPast,
    /// A target that its metric cannot measure as written.
    TargetNotMeasurable,
    /// A value that is well-typed but not allowed (empty scale, bad id, bad date, …).
    InvalidValue,
    /// A Rhai expression that does not parse.
    ExpressionSyntax,
    /// A name in an expression that is not in scope.
    UnknownName,
    /// A `when` expression that cannot yield true or false.
    WhenNotBoolean,
    /// A rule whose `for` matches no driver of the model.
    RuleNeverFires,
    /// A rule without tests.
    RuleWithoutTests,
    /// A scenario value outside the driver's scale.
    ScenarioOutOfScale,
    /// A column the model needs is missing from the survey header.
    MissingColumn,
    /// Something forbidden in an expression: `eval`, `import`, `print`, …
    ForbiddenInExpression,
}

impl Code {
    /// Every code, in number order.
    pub const ALL: [Code; 22] = [
        Code::YamlSyntax,
        Code::UnknownKey,
        Code::WrongType,
        Code::DuplicateKey,
        Code::DuplicateId,
        Code::UnknownReference,
        Code::Cycle,
        Code::ReachesNoOutcome,
        Code::ItemTwice,
        Code::TargetOutsideScale,
        Code::TargetWithoutDue,
        Code::DueInPast,
        Code::TargetNotMeasurable,
        Code::InvalidValue,
        Code::ExpressionSyntax,
        Code::UnknownName,
        Code::WhenNotBoolean,
        Code::RuleNeverFires,
        Code::RuleWithoutTests,
        Code::ScenarioOutOfScale,
        Code::MissingColumn,
        Code::ForbiddenInExpression,
    ];

    /// `SAT001`…
    pub fn id(self) -> &'static str {
        match self {
            Code::YamlSyntax => "SAT001",
            Code::UnknownKey => "SAT002",
            Code::WrongType => "SAT003",
            Code::DuplicateKey => "SAT004",
            Code::DuplicateId => "SAT005",
            Code::UnknownReference => "SAT006",
            Code::Cycle => "SAT007",
            Code::ReachesNoOutcome => "SAT008",
            Code::ItemTwice => "SAT009",
            Code::TargetOutsideScale => "SAT010",
            Code::TargetWithoutDue => "SAT011",
            Code::DueInPast => "SAT012",
            Code::TargetNotMeasurable => "SAT013",
            Code::InvalidValue => "SAT014",
            Code::ExpressionSyntax => "SAT015",
            Code::UnknownName => "SAT016",
            Code::WhenNotBoolean => "SAT017",
            Code::RuleNeverFires => "SAT018",
            Code::RuleWithoutTests => "SAT019",
            Code::ScenarioOutOfScale => "SAT020",
            Code::MissingColumn => "SAT021",
            Code::ForbiddenInExpression => "SAT022",
        }
    }

    /// A kebab-case name, used as the SARIF rule name.
    pub fn name(self) -> &'static str {
        match self {
            Code::YamlSyntax => "yaml-syntax",
            Code::UnknownKey => "unknown-key",
            Code::WrongType => "wrong-type",
            Code::DuplicateKey => "duplicate-key",
            Code::DuplicateId => "duplicate-id",
            Code::UnknownReference => "unknown-reference",
            Code::Cycle => "cycle",
            Code::ReachesNoOutcome => "reaches-no-outcome",
            Code::ItemTwice => "item-twice",
            Code::TargetOutsideScale => "target-outside-scale",
            Code::TargetWithoutDue => "target-without-due",
            Code::DueInPast => "due-in-past",
            Code::TargetNotMeasurable => "target-not-measurable",
            Code::InvalidValue => "invalid-value",
            Code::ExpressionSyntax => "expression-syntax",
            Code::UnknownName => "unknown-name",
            Code::WhenNotBoolean => "when-not-boolean",
            Code::RuleNeverFires => "rule-never-fires",
            Code::RuleWithoutTests => "rule-without-tests",
            Code::ScenarioOutOfScale => "scenario-out-of-scale",
            Code::MissingColumn => "missing-column",
            Code::ForbiddenInExpression => "forbidden-in-expression",
        }
    }

    /// One sentence on what the code means, for SARIF rule descriptions.
    pub fn summary(self) -> &'static str {
        match self {
            Code::YamlSyntax => "the file is not well-formed YAML, not UTF-8, or too large",
            Code::UnknownKey => "a key this kind of file does not have",
            Code::WrongType => "a value of the wrong type",
            Code::DuplicateKey => "a key written twice in one mapping",
            Code::DuplicateId => "two drivers or two rules with the same id",
            Code::UnknownReference => {
                "a reference to a driver, tag, column or segment that does not exist"
            }
            Code::Cycle => "drivers that feed each other in a loop",
            Code::ReachesNoOutcome => "a node with no path to any outcome",
            Code::ItemTwice => "a survey column listed under two drivers",
            Code::TargetOutsideScale => "a target outside the node's scale or range",
            Code::TargetWithoutDue => "a target without a due date",
            Code::DueInPast => "a due date that has passed",
            Code::TargetNotMeasurable => "a target its metric cannot measure as written",
            Code::InvalidValue => "a value that is not allowed here",
            Code::ExpressionSyntax => "a rule expression that does not parse",
            Code::UnknownName => "a name in an expression that is not in scope",
            Code::WhenNotBoolean => "a `when` expression that cannot yield true or false",
            Code::RuleNeverFires => "a rule whose `for` matches no driver",
            Code::RuleWithoutTests => "a rule without tests",
            Code::ScenarioOutOfScale => "a scenario value outside the driver's scale",
            Code::MissingColumn => "a column the model needs is missing from the survey header",
            Code::ForbiddenInExpression => {
                "something rule expressions may not do (eval, import, print)"
            }
        }
    }

    /// The code for an id such as `SAT007`.
    pub fn from_id(id: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.id() == id)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_in_order() {
        for (i, code) in Code::ALL.iter().enumerate() {
            assert_eq!(code.id(), format!("SAT{:03}", i + 1));
            assert_eq!(Code::from_id(code.id()), Some(*code));
        }
    }
}
