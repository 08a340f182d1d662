//! Every problem of a rule pack in one run: each rule is loaded on its own, so one
//! bad rule does not hide the next; then warnings a loader has no reason to raise
//! (rules without tests, rules that can never fire, `when` that is not boolean).
//!
//! `load_rules` (first error) stays the path for `analyze`.

use rhai::{Expr, Stmt};

use super::engine::RuleEngine;
use super::error::RuleError;
use super::load::collect_rules;
use super::rule::{Match, Rule};
use super::{names, Known, RuleSource};
use crate::diag::Loc;

/// What a rule pack lint found: the rules that loaded, and one error per rule that
/// did not (or per file that did not parse), in file order.
#[derive(Debug, Default)]
pub struct RuleLint {
    pub rules: Vec<Rule>,
    pub errors: Vec<RuleError>,
    pub warnings: Vec<RuleWarning>,
}

/// A finding that does not stop a rule from loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleWarning {
    pub kind: RuleWarningKind,
    pub rule: String,
    pub loc: Loc,
    pub message: String,
    pub help: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleWarningKind {
    /// The rule has no `tests`.
    NoTests,
    /// `for` matches no driver of the model: the rule can never fire.
    NeverFires,
}

/// Lint every rule of every source against what the model declares.
/// With an empty `known.drivers` (no model), the model-dependent checks are off.
pub fn lint_rules(
    engine: &RuleEngine,
    sources: &[RuleSource],
    known: &Known,
    driver_tags: &[(String, Vec<String>)],
) -> RuleLint {
    let (rules, errors) = collect_rules(engine, sources, known);
    let warnings = rules
        .iter()
        .flat_map(|rule| warnings(rule, known, driver_tags))
        .collect();
    RuleLint {
        rules,
        errors,
        warnings,
    }
}

fn warnings(rule: &Rule, known: &Known, driver_tags: &[(String, Vec<String>)]) -> Vec<RuleWarning> {
    let mut out = Vec::new();
    let warn = |kind, loc: &Loc, message: String, help: &str| RuleWarning {
        kind,
        rule: rule.id.clone(),
        loc: loc.clone(),
        message,
        help: help.to_string(),
    };
    if rule.tests.is_empty() {
        out.push(warn(
            RuleWarningKind::NoTests,
            &rule.loc,
            format!("rule `{}` has no tests", rule.id),
            "add `tests:` with a case that fires and one that stays silent; `sattrace test` runs them",
        ));
    }
    if !known.drivers.is_empty()
        && !rule.disabled
        && !matches!(rule.selector.matches, Match::Each)
        && !driver_tags
            .iter()
            .any(|(id, tags)| rule.applies_to(id, tags))
    {
        let what = match &rule.selector.matches {
            Match::Tags(tags) => format!("tags {}", quoted(tags)),
            Match::Drivers(ids) => format!("drivers {}", quoted(ids)),
            Match::Each => String::new(),
        };
        out.push(warn(
            RuleWarningKind::NeverFires,
            &rule.loc,
            format!(
                "rule `{}` can never fire: no driver of the model has {what}",
                rule.id
            ),
            "tag a driver in model.yaml, or change the rule's `for`",
        ));
    }
    out
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the expression yields when that is plainly not a boolean: a literal, an
/// arithmetic operation, a numeric field, a number variable or a driver function.
pub(crate) fn non_boolean(ast: &rhai::AST) -> Option<Kind> {
    match ast.statements() {
        [Stmt::Expr(expr)] => kind_of(expr),
        [Stmt::FnCall(call, _)] => kind_of_call(call),
        _ => None,
    }
}

/// A kind of value in English and Chinese.
pub(crate) struct Kind {
    pub en: &'static str,
    pub zh: &'static str,
}

const NUMBER: Kind = Kind {
    en: "a number",
    zh: "一个数",
};
const TEXT: Kind = Kind {
    en: "text",
    zh: "文本",
};
const LIST: Kind = Kind {
    en: "a list",
    zh: "一个列表",
};
const MAP: Kind = Kind {
    en: "a map",
    zh: "一个映射",
};
const NOTHING: Kind = Kind {
    en: "nothing",
    zh: "空值",
};

fn kind_of_call(call: &rhai::FnCallExpr) -> Option<Kind> {
    let name = call.name.as_str();
    (["+", "-", "*", "/", "%", "**"].contains(&name) || names::DRIVER_FUNCTIONS.contains(&name))
        .then_some(NUMBER)
}

fn kind_of(expr: &Expr) -> Option<Kind> {
    match expr {
        Expr::IntegerConstant(..) | Expr::FloatConstant(..) => Some(NUMBER),
        Expr::StringConstant(..) | Expr::CharConstant(..) | Expr::InterpolatedString(..) => {
            Some(TEXT)
        }
        Expr::Array(..) => Some(LIST),
        Expr::Map(..) => Some(MAP),
        Expr::Unit(..) => Some(NOTHING),
        Expr::FnCall(call, _) => kind_of_call(call),
        Expr::Variable(x, ..) if names::NUMBERS.contains(&x.1.as_str()) => Some(NUMBER),
        Expr::Variable(..) => Some(MAP),
        Expr::Dot(x, ..) => match (&x.lhs, &x.rhs) {
            (Expr::Variable(..), Expr::Property(p, _)) => match p.2.as_str() {
                "has_target" | "has_trend" | "has_previous" => None,
                "id" | "label" | "quadrant" | "name" | "column" | "value" | "previous" => {
                    Some(TEXT)
                }
                "tags" => Some(LIST),
                _ => Some(NUMBER),
            },
            _ => None,
        },
        _ => None,
    }
}
