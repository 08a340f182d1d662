//! Load rule files: strict YAML, semantic checks, compile every expression once.

use std::collections::BTreeMap;

use serde_saphyr::Spanned;

use super::compile::{compile, Origin};
use super::engine::RuleEngine;
use super::error::RuleError;
use super::file::{RawFile, RawFor, RawRule, RawSegmentValues};
use super::library::{compile_library, is_library, Library};
use super::rule::{Match, Rule, RuleSet, RuleTest, Selector};
use super::span::LineIndex;
use super::{Known, RuleSource};
use crate::diag::{did_you_mean, did_you_mean_in, suggest, Loc};
use crate::model::Lang;
use crate::yaml::parse_yaml;

/// Load every rule of every source. Rule ids must be unique across all sources.
/// Sources whose name ends in `.rhai` are helper libraries (`rules/lib/*.rhai`).
/// The first error (by file, line and column) is returned; [`check_rules`] returns all.
pub fn load_rules(
    engine: &RuleEngine,
    sources: &[RuleSource],
    known: &Known,
) -> Result<RuleSet, RuleError> {
    check_rules(engine, sources, known).map_err(|errors| {
        errors
            .into_iter()
            .next()
            .unwrap_or_else(|| RuleError::invalid(Loc::default(), "no rules", ""))
    })
}

/// Like [`load_rules`], but every error of every file, sorted by file, line and
/// column. A file that is not valid YAML gives one error; the other files are still
/// checked.
pub fn check_rules(
    engine: &RuleEngine,
    sources: &[RuleSource],
    known: &Known,
) -> Result<RuleSet, Vec<RuleError>> {
    let (rules, errors) = collect_rules(engine, sources, known);
    if errors.is_empty() {
        Ok(RuleSet { rules })
    } else {
        Err(errors)
    }
}

/// Every rule that loads (sorted by id) and every error (sorted by location), so a
/// linter can still look at the good rules of a pack with bad ones.
pub(super) fn collect_rules(
    engine: &RuleEngine,
    sources: &[RuleSource],
    known: &Known,
) -> (Vec<Rule>, Vec<RuleError>) {
    let mut errors = Vec::new();
    let library = compile_library(engine, sources, &mut errors);
    let mut rules: Vec<Rule> = Vec::new();
    let mut seen: BTreeMap<String, Loc> = BTreeMap::new();
    for source in sources.iter().filter(|s| !is_library(s)) {
        let raw: RawFile = match parse_yaml(source.file, source.text) {
            Ok(raw) => raw,
            Err(e) => {
                errors.push(e.into());
                continue;
            }
        };
        // Built once per file: each expression's span reads only its own lines.
        let lines = LineIndex::new(source.text);
        for raw_rule in &raw.rules {
            let id = &raw_rule.id.value;
            let loc = Loc::from_yaml(source.file, raw_rule.id.referenced);
            if let Some(first) = seen.get(id) {
                errors.push(RuleError::invalid(
                    loc.clone(),
                    format!("duplicate rule id `{id}`"),
                    format!("`{id}` is already defined at {first}; ids must be unique across all rule files"),
                ).with_zh(
                    format!("规则 id `{id}` 重复"),
                    format!("`{id}` 已在 {first} 定义；所有规则文件中的 id 必须唯一"),
                ));
            } else {
                seen.insert(id.clone(), loc);
            }
            if let Some(rule) = load_rule(
                engine,
                &library,
                source,
                &lines,
                raw_rule,
                known,
                &mut errors,
            ) {
                rules.push(rule);
            }
        }
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    errors.sort_by(|a, b| a.loc().cmp(b.loc()));
    (rules, errors)
}

/// Costs are relative: bounded so that `uplift / cost` and a plan's summed cost stay
/// numbers people can read (a cost of 5e-324 made the priority infinite).
const MIN_COST: f64 = 1e-6;
const MAX_COST: f64 = 1e12;
/// A lead time beyond a century is a typo (or milliseconds).
const MAX_DURATION_DAYS: f64 = 36_500.0;

/// A number as people write it: `5e-324`, not 324 digits.
fn readable(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-4..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// One rule, or `None` with its errors pushed.
fn load_rule(
    engine: &RuleEngine,
    library: &Library,
    source: &RuleSource,
    lines: &LineIndex,
    raw: &RawRule,
    known: &Known,
    errors: &mut Vec<RuleError>,
) -> Option<Rule> {
    let before = errors.len();
    let file = source.file;
    let at = |l: serde_saphyr::Location| Loc::from_yaml(file, l);
    let id = raw.id.value.clone();
    if let Err(e) = check_rule_id(&id, at(raw.id.referenced)) {
        errors.push(e);
    }
    let selector = selector(file, &raw.selector, known, errors);

    let cost = raw.cost.value;
    if !(MIN_COST..=MAX_COST).contains(&cost) {
        errors.push(RuleError::invalid(
            at(raw.cost.referenced),
            format!("rule `{id}` has cost {}", readable(cost)),
            "`cost` must be a number from 0.000001 to 1000000000000 (relative cost or effort points)",
        ).with_zh(
            format!("规则 `{id}` 的成本为 {}", readable(cost)),
            "`cost` 必须是 0.000001 到 1000000000000 之间的数（相对成本或工作量点数）",
        ));
    }
    let delta = raw.effect.delta.value;
    if !delta.is_finite() {
        errors.push(
            RuleError::invalid(
                at(raw.effect.delta.referenced),
                format!("rule `{id}` has effect delta {delta}"),
                "`delta` is the expected improvement of the driver in its scale points, e.g. `0.3`",
            )
            .with_zh(
                format!("规则 `{id}` 的效应 delta 为 {delta}"),
                "`delta` 是驱动因素按其量表分数的预期提升，例如 `0.3`",
            ),
        );
    }
    let duration = match &raw.duration {
        Some(d) if !(0.0..=MAX_DURATION_DAYS).contains(&d.value) => {
            errors.push(
                RuleError::invalid(
                    at(d.referenced),
                    format!("rule `{id}` has duration {}", readable(d.value)),
                    "`duration` is a lead time in days, from 0 to 36500 (100 years)",
                )
                .with_zh(
                    format!("规则 `{id}` 的周期为 {}", readable(d.value)),
                    "`duration` 是以天计的准备时间，范围 0 到 36500（100 年）",
                ),
            );
            None
        }
        Some(d) => Some(d.value),
        None => None,
    };

    let origin = |key| Origin {
        rule: &id,
        file,
        lines,
        key,
    };
    let when = compile(engine, library, &origin("when"), &raw.when, known)
        .map_err(|e| errors.extend(e))
        .ok();
    if let Some(kind) = when.as_ref().and_then(|w| super::lint::non_boolean(&w.ast)) {
        errors.push(
            RuleError::NotBoolean {
                rule: id.clone(),
                loc: when
                    .as_ref()
                    .map_or_else(|| at(raw.id.referenced), |w| w.span.start()),
                message: format!("`when` of rule `{id}` is {}, not true or false", kind.en),
                help: "compare it, e.g. `driver.gap >= 0.3`".to_string(),
                zh: None,
            }
            .with_zh(
                format!("规则 `{id}` 的 `when` 是{}，不是 true 或 false", kind.zh),
                "请写成比较，例如 `driver.gap >= 0.3`",
            ),
        );
    }
    let priority = match &raw.priority {
        Some(p) => compile(engine, library, &origin("priority"), p, known)
            .map_err(|e| errors.extend(e))
            .ok()
            .map(Some),
        None => Some(None),
    };
    let tests = raw
        .tests
        .iter()
        .map(|t| RuleTest {
            name: t.name.clone(),
            given: t.given.clone(),
            expect: t.expect.value,
            priority: t.priority,
            uplift: t.uplift,
            loc: at(t.expect.referenced),
        })
        .collect();

    if errors.len() > before {
        return None;
    }
    Some(Rule {
        title: raw.title.clone(),
        action: raw.action.clone(),
        why: raw.why.clone(),
        selector: selector?,
        delta,
        cost,
        duration,
        disabled: raw.disable,
        loc: at(raw.id.referenced),
        tests,
        when: when?,
        priority: priority?,
        id,
    })
}

fn check_rule_id(id: &str, loc: Loc) -> Result<(), RuleError> {
    let valid = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if valid {
        Ok(())
    } else {
        Err(RuleError::invalid(
            loc,
            format!("rule id `{id}` is not a plain name"),
            "use letters, digits, `-`, `_` and `.`, starting with a letter, e.g. `slow-support-response`",
        ).with_zh(
            format!("规则 id `{id}` 不是简单名称"),
            "请用字母、数字、`-`、`_` 和 `.`，以字母开头，例如 `slow-support-response`",
        ))
    }
}

/// The rule's `for`, or `None` with its errors pushed.
fn selector(
    file: &str,
    raw: &Spanned<RawFor>,
    known: &Known,
    errors: &mut Vec<RuleError>,
) -> Option<Selector> {
    let before = errors.len();
    let found = selector_checked(file, raw, known, errors);
    match found {
        Ok(s) if errors.len() == before => Some(s),
        Ok(_) => None,
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

fn selector_checked(
    file: &str,
    raw: &Spanned<RawFor>,
    known: &Known,
    errors: &mut Vec<RuleError>,
) -> Result<Selector, RuleError> {
    let at = |l: serde_saphyr::Location| Loc::from_yaml(file, l);
    let r = &raw.value;
    let matches = match (&r.drivers, &r.tags, &r.each) {
        (Some(drivers), None, None) => {
            for d in drivers {
                if !known.drivers.is_empty() && !known.drivers.contains(&d.value) {
                    let suggestion = suggest(&d.value, known.drivers.iter().map(String::as_str));
                    let all = known.drivers.join(", ");
                    errors.push(
                        RuleError::invalid(
                            at(d.referenced),
                            format!("unknown driver `{}`", d.value),
                            match &suggestion {
                                Some(_) => did_you_mean_in(Lang::En, suggestion.as_deref()),
                                None => format!("drivers: {all}"),
                            },
                        )
                        .with_zh(
                            format!("未知的驱动因素 `{}`", d.value),
                            match &suggestion {
                                Some(_) => did_you_mean_in(Lang::Zh, suggestion.as_deref()),
                                None => format!("现有驱动因素：{all}"),
                            },
                        ),
                    );
                }
            }
            Match::Drivers(drivers.iter().map(|d| d.value.clone()).collect())
        }
        (None, Some(tags), None) => {
            for t in tags {
                // A tag nobody uses may be meant for another model: only a near miss
                // of a known tag is an error.
                if known.tags.contains(&t.value) {
                    continue;
                }
                if let Some(close) = suggest(&t.value, known.tags.iter().map(String::as_str)) {
                    errors.push(RuleError::invalid(
                        at(t.referenced),
                        format!("unknown tag `{}`", t.value),
                        format!("did you mean `{close}`?"),
                    ).with_zh(
                        format!("未知的标签 `{}`", t.value),
                        format!("是不是 `{close}`？"),
                    ));
                }
            }
            Match::Tags(tags.iter().map(|t| t.value.clone()).collect())
        }
        (None, None, Some(each)) if each.value == "driver" => Match::Each,
        (None, None, Some(each)) => {
            return Err(RuleError::invalid(
                at(each.referenced),
                format!("`each: {}` is not supported", each.value),
                "write `each: driver`",
            ).with_zh(
                format!("不支持 `each: {}`", each.value),
                "请写 `each: driver`",
            ))
        }
        _ => {
            return Err(RuleError::invalid(
                at(raw.referenced),
                "`for` needs exactly one of `drivers`, `tags` or `each`",
                "e.g. `for: {tags: [servqual.responsiveness]}`, `for: {drivers: [response_time]}` or `for: {each: driver}`",
            ).with_zh(
                "`for` 必须且只能写 `drivers`、`tags` 或 `each` 之一",
                "例如 `for: {tags: [servqual.responsiveness]}`、`for: {drivers: [response_time]}` 或 `for: {each: driver}`",
            ))
        }
    };

    let mut segments = BTreeMap::new();
    let mut whole_sample = true;
    for (column, values) in r.segments.iter().flatten() {
        match (column.as_str(), &values.value) {
            ("all", RawSegmentValues::Flag(flag)) => whole_sample = *flag,
            ("all", RawSegmentValues::Values(_)) => {
                return Err(RuleError::invalid(
                    at(values.referenced),
                    "`all` takes true or false",
                    "`all: false` leaves out the whole sample; list values under segment columns",
                )
                .with_zh(
                    "`all` 只能取 true 或 false",
                    "`all: false` 不含全样本；请在细分列下列出取值",
                ))
            }
            (_, RawSegmentValues::Flag(_)) => {
                return Err(RuleError::invalid(
                    at(values.referenced),
                    format!("segment column `{column}` takes a list of values"),
                    format!("e.g. `{column}: [华东]`"),
                )
                .with_zh(
                    format!("细分列 `{column}` 的值应是一个列表"),
                    format!("例如 `{column}: [华东]`"),
                ))
            }
            (_, RawSegmentValues::Values(list)) => {
                if !known.segment_columns.is_empty() && !known.segment_columns.contains(column) {
                    let hint =
                        did_you_mean(column, known.segment_columns.iter().map(String::as_str));
                    let columns = known.segment_columns.join(", ");
                    let zh_hint = if hint.is_empty() {
                        format!("细分列：{columns}")
                    } else {
                        did_you_mean_in(
                            Lang::Zh,
                            suggest(column, known.segment_columns.iter().map(String::as_str))
                                .as_deref(),
                        )
                    };
                    errors.push(
                        RuleError::invalid(
                            at(values.referenced),
                            format!("unknown segment column `{column}`"),
                            if hint.is_empty() {
                                format!("segment columns: {columns}")
                            } else {
                                hint
                            },
                        )
                        .with_zh(format!("未知的细分列 `{column}`"), zh_hint),
                    );
                }
                segments.insert(column.clone(), list.clone());
            }
        }
    }
    Ok(Selector {
        matches,
        segments,
        whole_sample,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::span::work;

    /// Issue 17 item 8: 5,000 rules in one file took 46 s because each expression
    /// split the whole file into lines again. The work must be linear: one line
    /// index per file, and a bounded number of line reads per expression.
    #[test]
    fn rule_loading_reads_each_file_once() {
        let rules = 2_000;
        let mut text = String::from("rules:\n");
        for i in 0..rules {
            text.push_str(&format!(
                "  - id: r{i}\n    title: t\n    for: {{each: driver}}\n    when: \"driver.gap >= 0.{i} && \\\"x\\\" != \\\"y\\\"\"\n    priority: |\n      driver.gap\n        * 2\n    action: a\n    effect: {{delta: 0.1}}\n    cost: 1\n"
            ));
        }
        let file_lines = text.lines().count();
        let engine = RuleEngine::new();
        let (builds_before, lines_before) = work::counts();
        let sources = [RuleSource {
            file: "big.yaml",
            text: &text,
        }];
        let (loaded, errors) = collect_rules(&engine, &sources, &Known::default());
        let (builds, lines) = work::counts();
        assert!(errors.is_empty(), "{:?}", errors.first());
        assert_eq!(loaded.len(), rules);
        assert_eq!(builds - builds_before, 1, "one line index for the file");
        // Each expression reads its own line(s) and, with an escape, at most a few
        // more: far below one pass over the file per expression.
        let read = lines - lines_before;
        assert!(
            read <= 4 * file_lines,
            "{read} line reads for {file_lines} lines"
        );
    }
}
