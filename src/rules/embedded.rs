//! The default rule pack, built into the binary so the CLI works with no rules of
//! the user's own.

use super::RuleSource;

const PACK: &[(&str, &str)] = &[
    (
        "<builtin>/rules/service.yaml",
        include_str!("../../rules/service.yaml"),
    ),
    (
        "<builtin>/rules/product.yaml",
        include_str!("../../rules/product.yaml"),
    ),
    (
        "<builtin>/rules/general.yaml",
        include_str!("../../rules/general.yaml"),
    ),
    (
        "<builtin>/rules/servqual.yaml",
        include_str!("../../rules/servqual.yaml"),
    ),
    (
        "<builtin>/rules/segments.yaml",
        include_str!("../../rules/segments.yaml"),
    ),
    (
        "<builtin>/rules/outcomes.yaml",
        include_str!("../../rules/outcomes.yaml"),
    ),
    (
        "<builtin>/rules/lib/common.rhai",
        include_str!("../../rules/lib/common.rhai"),
    ),
];

/// The embedded default rules, one source per file of `rules/`.
pub fn default_rules() -> Vec<RuleSource<'static>> {
    PACK.iter()
        .map(|&(file, text)| RuleSource { file, text })
        .collect()
}
