//! The native evaluator gives exactly Rhai's results: on every rule of the default
//! pack and on random expressions, over random facts (edge values, equal values at
//! the epsilon of Rhai's float comparisons, NaN, unknown driver ids).

use std::collections::BTreeMap;

use proptest::prelude::*;
use sattrace::rules::{
    default_rules, load_rules, Context, Facts, Known, OutcomeFacts, Rule, RuleEngine, RuleSet,
    RuleSource, SegmentFacts, WaveFacts,
};

/// Numbers that make comparisons interesting: zero of both signs, values one ulp
/// apart, targets of the pack (0.1, 0.3…), large and tiny magnitudes, NaN.
const NUMBERS: &[f64] = &[
    0.0,
    -0.0,
    0.1,
    0.15,
    -0.15,
    0.2,
    -0.2,
    0.25,
    0.3,
    0.30000000000000004,
    0.4,
    1.0,
    1.0000000000000002,
    2.0,
    3.5,
    4.0,
    30.0,
    50.0,
    99.5,
    -1.0,
    1e-300,
    1e300,
    f64::NAN,
];

#[derive(Debug, Clone)]
struct Case {
    driver: Facts,
    segment: SegmentFacts,
    outcome: OutcomeFacts,
    wave: WaveFacts,
    drivers: BTreeMap<String, Facts>,
    uplift: f64,
}

impl Case {
    fn ctx(&self) -> Context<'_> {
        Context {
            driver: &self.driver,
            segment: &self.segment,
            outcome: &self.outcome,
            wave: &self.wave,
            drivers: &self.drivers,
            uplift: self.uplift,
        }
    }
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => proptest::sample::select(NUMBERS),
        1 => -5.0..105.0f64,
    ]
}

fn facts(id: &'static str) -> impl Strategy<Value = Facts> {
    (
        proptest::collection::vec(number(), 12),
        proptest::option::of(number()),
        proptest::option::of(number()),
        proptest::sample::select(&["concentrate", "keep_up", "low_priority", "overkill", ""][..]),
        proptest::sample::subsequence(&["price", "servqual.responsiveness", "service"][..], 0..=2),
        any::<bool>(),
    )
        .prop_map(move |(v, target, trend, quadrant, tags, lower)| Facts {
            id: id.to_string(),
            label: format!("{id} label"),
            score: v[0],
            index: v[1],
            target,
            gap: v[2],
            index_gap: v[3],
            importance: v[4],
            effect: v[5],
            n: v[6],
            ci_low: v[7],
            ci_high: v[8],
            trend,
            quadrant: quadrant.to_string(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            lower_is_better: lower,
            unit_index: v[9],
            headroom: v[10],
        })
}

fn case() -> impl Strategy<Value = Case> {
    (
        facts("d1"),
        facts("d2"),
        any::<bool>(),
        proptest::sample::select(&["", "sme", "vip", "华东"][..]),
        (number(), number(), number(), number(), number()),
        proptest::option::of(number()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                d1,
                d2,
                d1_listed,
                value,
                (share, n, o_score, o_gap, uplift),
                o_target,
                lower,
                waves,
            )| {
                let mut drivers = BTreeMap::new();
                // The current driver is sometimes missing from the segment's list, as
                // `functions::Current` allows.
                if d1_listed {
                    drivers.insert("d1".to_string(), d1.clone());
                }
                drivers.insert("d2".to_string(), d2);
                let column = if value.is_empty() { "" } else { "tier" };
                Case {
                    driver: d1,
                    segment: SegmentFacts {
                        name: if value.is_empty() {
                            "all".to_string()
                        } else {
                            format!("tier={value}")
                        },
                        column: column.to_string(),
                        value: value.to_string(),
                        n,
                        share,
                    },
                    outcome: OutcomeFacts {
                        id: "satisfaction".to_string(),
                        label: "Satisfaction".to_string(),
                        score: o_score,
                        index: o_score * 20.0,
                        target: o_target,
                        gap: o_gap,
                        index_gap: o_gap * 25.0,
                        lower_is_better: lower,
                    },
                    wave: WaveFacts {
                        name: if waves { "2026Q2" } else { "" }.to_string(),
                        previous: if waves { "2026Q1" } else { "" }.to_string(),
                        count: if waves { 2.0 } else { 1.0 },
                    },
                    drivers,
                    uplift,
                }
            },
        )
}

/// An evaluation as comparable text: fired and the priority's exact bits, or the error.
fn outcome(result: Result<sattrace::rules::Evaluation, sattrace::rules::RuleError>) -> String {
    match result {
        Ok(e) => format!("fired={} priority={:#x}", e.fired, e.priority.to_bits()),
        Err(e) => format!("error: {e}"),
    }
}

fn same(engine: &RuleEngine, rule: &Rule, case: &Case) -> Result<(), TestCaseError> {
    let ctx = case.ctx();
    let native = outcome(rule.evaluate(engine, &ctx));
    let rhai = outcome(rule.evaluate_interpreted(engine, &ctx));
    prop_assert_eq!(native, rhai, "rule `{}`: `{}`", rule.id, rule.when_source());
    Ok(())
}

fn pack(engine: &RuleEngine) -> RuleSet {
    load_rules(engine, &default_rules(), &Known::default()).expect("the default pack loads")
}

/// The engine and the default pack, loaded once for all cases.
fn shared_pack() -> &'static (RuleEngine, RuleSet) {
    static PACK: std::sync::OnceLock<(RuleEngine, RuleSet)> = std::sync::OnceLock::new();
    PACK.get_or_init(|| {
        let engine = RuleEngine::new();
        let rules = pack(&engine);
        (engine, rules)
    })
}

#[test]
fn every_rule_of_the_default_pack_runs_natively() {
    let engine = RuleEngine::new();
    let rules = pack(&engine);
    let native: Vec<&str> = rules
        .rules
        .iter()
        .filter(|r| r.is_native())
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        native.len() == rules.rules.len(),
        "native: {native:?} of {}",
        rules.rules.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn default_pack_native_equals_rhai(case in case()) {
        let (engine, rules) = shared_pack();
        for rule in &rules.rules {
            same(engine, rule, &case)?;
        }
    }
}

// ---- random expressions ----

const LIB: &str = "fn below(d, by) { d.gap >= by }\nfn matters(d) { d.importance >= 0.1 }\nfn half(x) { x / 2 }\nfn twice(x) { let y = x; y * 2 }\nfn first(a, b) { a }\nfn both(a, b) { a && b }\n";

fn num_atom() -> impl Strategy<Value = String> {
    proptest::sample::select(
        &[
            "driver.score",
            "driver.index",
            "driver.target",
            "driver.gap",
            "driver.index_gap",
            "driver.importance",
            "driver.effect",
            "driver.n",
            "driver.ci_low",
            "driver.ci_high",
            "driver.trend",
            "driver[\"gap\"]",
            "segment.n",
            "segment.share",
            "outcome.score",
            "outcome.index",
            "outcome.target",
            "outcome.gap",
            "outcome.index_gap",
            "wave.count",
            "uplift",
            "cost",
            "delta",
            "0",
            "1",
            "2",
            "-3",
            "0.0",
            "0.3",
            "0.30000000000000004",
            "-0.15",
            "1e300",
            "score(\"d1\")",
            "gap(\"d2\")",
            "index(driver.id)",
            "effect(\"d2\")",
            "share(\"d2\")",
            "share(driver.id)",
            "score(\"nope\")",
            "uplift(\"d2\", 0.3)",
            "uplift(driver.id, 1)",
            "half(driver.gap)",
            "first(driver.gap, score(\"nope\"))",
            "first(driver.gap, score(\"d2\"))",
            "twice(driver.gap)",
            "abs(driver.trend)",
            "max(driver.gap, 0.2)",
            "driver.tags.len()",
            "(if driver.has_target { driver.gap } else { 0.0 })",
        ][..],
    )
    .prop_map(str::to_string)
}

fn bool_atom() -> impl Strategy<Value = String> {
    proptest::sample::select(
        &[
            "true",
            "false",
            "driver.has_target",
            "driver.has_trend",
            "outcome.has_target",
            "wave.has_previous",
            "has_tag(\"price\")",
            "has_tag(\"service\")",
            "driver.quadrant == \"concentrate\"",
            "segment.value != \"sme\"",
            "segment.column == \"\"",
            "wave.previous == wave.name",
            "driver.id == \"d1\"",
            "below(driver, 0.3)",
            "matters(driver)",
            "both(false, score(\"nope\") > 1)",
            "both(driver.has_target, gap(\"d2\") > 0.3)",
            "\"price\" in driver.tags",
            "[\"sme\", \"vip\"].contains(segment.value)",
            "[\"sme\", 1].contains(segment.value)",
            "[\"vip\"].contains(driver.quadrant)",
            "1 < 2",
        ][..],
    )
    .prop_map(str::to_string)
}

fn num_expr() -> impl Strategy<Value = String> {
    num_atom().prop_recursive(3, 12, 2, |inner| {
        (
            inner.clone(),
            proptest::sample::select(&["+", "-", "*", "/", "%", "**"][..]),
            inner,
        )
            .prop_map(|(a, op, b)| format!("({a} {op} {b})"))
    })
}

fn bool_expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        2 => bool_atom(),
        3 => (
            num_expr(),
            proptest::sample::select(&["<", "<=", ">", ">=", "==", "!="][..]),
            num_expr()
        )
            .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} && {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} || {b})")),
            inner.prop_map(|a| format!("!({a})")),
        ]
    })
}

fn rule_file(when: &str, priority: Option<&str>) -> String {
    let priority = priority
        .map(|p| format!("    priority: {p:?}\n"))
        .unwrap_or_default();
    format!(
        "rules:\n  - id: r\n    title: t\n    for: {{each: driver}}\n    when: {when:?}\n    action: a\n    effect: {{delta: 0.4}}\n    cost: 2\n{priority}"
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn random_expressions_native_equals_rhai(
        when in bool_expr(),
        priority in proptest::option::of(num_expr()),
        cases in proptest::collection::vec(case(), 4),
    ) {
        let engine = RuleEngine::new();
        let text = rule_file(&when, priority.as_deref());
        let sources = [
            RuleSource { file: "r.yaml", text: &text },
            RuleSource { file: "lib/h.rhai", text: LIB },
        ];
        let rules = load_rules(&engine, &sources, &Known::default());
        let rules = match rules {
            Ok(rules) => rules,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{text}"))),
        };
        for case in &cases {
            same(&engine, &rules.rules[0], case)?;
        }
    }
}

#[test]
fn the_generators_reach_the_native_path() {
    let engine = RuleEngine::new();
    let text = rule_file(
        "below(driver, 0.3) && driver.quadrant == \"concentrate\" || !(share(\"d2\") > 0.25)",
        Some("uplift(\"d2\", 0.3) / cost + half(driver.gap)"),
    );
    let sources = [
        RuleSource {
            file: "r.yaml",
            text: &text,
        },
        RuleSource {
            file: "lib/h.rhai",
            text: LIB,
        },
    ];
    let rules = load_rules(&engine, &sources, &Known::default()).expect("loads");
    assert!(rules.rules[0].is_native());
    // A helper of two statements, a helper given an argument that can fail (Rhai
    // evaluates it even when unused), a built-in function and an array stay in Rhai.
    for when in [
        "twice(driver.gap) > 1",
        "first(driver.gap, score(\"nope\")) > 0",
        "abs(driver.trend) > 0.2",
        "\"price\" in driver.tags",
    ] {
        let text = rule_file(when, None);
        let sources = [
            RuleSource {
                file: "r.yaml",
                text: &text,
            },
            RuleSource {
                file: "lib/h.rhai",
                text: LIB,
            },
        ];
        let rules = load_rules(&engine, &sources, &Known::default()).expect("loads");
        assert!(!rules.rules[0].is_native(), "{when}");
    }
}
