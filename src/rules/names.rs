//! The names a rule expression may use: one list, read by the compiler's name
//! checks and by the context builder (a test keeps the two in step).

/// Fields of `driver`.
pub const DRIVER_FIELDS: &[&str] = &[
    "id",
    "label",
    "score",
    "index",
    "target",
    "has_target",
    "gap",
    "index_gap",
    "importance",
    "effect",
    "n",
    "ci_low",
    "ci_high",
    "trend",
    "has_trend",
    "quadrant",
    "tags",
];

/// Fields of `segment`.
pub const SEGMENT_FIELDS: &[&str] = &["name", "column", "value", "n", "share"];

/// Fields of `outcome`.
pub const OUTCOME_FIELDS: &[&str] = &[
    "id",
    "label",
    "score",
    "index",
    "target",
    "has_target",
    "gap",
    "index_gap",
];

/// Fields of `wave`.
pub const WAVE_FIELDS: &[&str] = &["name", "previous", "has_previous", "count"];

/// Plain numbers in scope.
pub const NUMBERS: &[&str] = &["uplift", "cost", "delta"];

/// Every variable an expression may read.
pub const VARIABLES: &[&str] = &[
    "driver", "segment", "outcome", "wave", "uplift", "cost", "delta",
];

/// Functions taking a driver id first: `score("network")`, `uplift("network", 0.3)`…
pub const DRIVER_FUNCTIONS: &[&str] = &["score", "gap", "index", "effect", "share", "uplift"];

/// The function taking a tag of the current driver.
pub const TAG_FUNCTION: &str = "has_tag";

/// The fields of a map variable, or `None` for plain numbers.
pub fn fields_of(variable: &str) -> Option<&'static [&'static str]> {
    match variable {
        "driver" => Some(DRIVER_FIELDS),
        "segment" => Some(SEGMENT_FIELDS),
        "outcome" => Some(OUTCOME_FIELDS),
        "wave" => Some(WAVE_FIELDS),
        _ => None,
    }
}
