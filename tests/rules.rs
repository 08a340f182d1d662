//! Rule files: loading, located errors, the sandbox, evaluation, and the default pack.

#![allow(
    clippy::result_large_err,
    reason = "RuleError carries its text in two languages (128 bytes); these helpers return it as the library does"
)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use sattrace::diag::Localized;
use sattrace::model::{load_model, Lang};
use sattrace::rules::{
    default_rules, load_rules, Context, Evaluation, Expect, Facts, Known, Match, OutcomeFacts,
    RuleEngine, RuleError, RuleSet, RuleSource, SegmentFacts, WaveFacts,
};

/// A guard against hangs, not a speed claim: the operation budget stops a
/// script long before this, even in a debug build on a loaded CI machine.
const HANG: Duration = Duration::from_secs(20);

fn telecom_known() -> Known {
    let text = std::fs::read_to_string("fixtures/telecom/model.yaml").expect("fixture");
    let model = load_model("fixtures/telecom/model.yaml", &text).expect("valid model");
    let mut tags: Vec<String> = model.nodes.iter().flat_map(|n| n.tags.clone()).collect();
    tags.sort();
    tags.dedup();
    Known {
        drivers: model.nodes.iter().map(|n| n.id.clone()).collect(),
        tags,
        segment_columns: model.segments.clone(),
    }
}

fn load(text: &str) -> Result<RuleSet, RuleError> {
    load_rules(
        &RuleEngine::new(),
        &[RuleSource {
            file: "r.yaml",
            text,
        }],
        &telecom_known(),
    )
}

/// A one-rule file; `when` is written after `when: ` on line 5, column 11.
fn one_rule(when: &str, extra: &str) -> String {
    format!(
        "rules:\n  - id: r1\n    title: t\n    for: {{each: driver}}\n    when: {when}\n    action: a\n    effect: {{delta: 0.4}}\n    cost: 2\n{extra}"
    )
}

fn error(text: &str) -> String {
    load(text).expect_err("should not load").to_string()
}

struct Fixture {
    driver: Facts,
    segment: SegmentFacts,
    outcome: OutcomeFacts,
    wave: WaveFacts,
    drivers: BTreeMap<String, Facts>,
}

impl Fixture {
    fn new(driver: Facts) -> Self {
        let other = Facts {
            id: "network".into(),
            score: 3.1,
            gap: 0.9,
            index: 52.5,
            effect: 0.4,
            ..Facts::default()
        };
        let mut drivers = BTreeMap::new();
        drivers.insert(other.id.clone(), other);
        drivers.insert(driver.id.clone(), driver.clone());
        Fixture {
            driver,
            segment: SegmentFacts {
                name: "all".into(),
                n: 500.0,
                share: 1.0,
                ..SegmentFacts::default()
            },
            outcome: OutcomeFacts {
                id: "satisfaction".into(),
                score: 3.6,
                target: Some(4.2),
                gap: 0.6,
                ..OutcomeFacts::default()
            },
            wave: WaveFacts::default(),
            drivers,
        }
    }

    fn ctx(&self, uplift: f64) -> Context<'_> {
        Context {
            driver: &self.driver,
            segment: &self.segment,
            outcome: &self.outcome,
            wave: &self.wave,
            drivers: &self.drivers,
            uplift,
        }
    }
}

fn response_time(score: f64, importance: f64) -> Facts {
    Facts {
        id: "response_time".into(),
        label: "客服响应时间".into(),
        score,
        index: (score - 1.0) / 4.0 * 100.0,
        target: Some(4.0),
        gap: 4.0 - score,
        index_gap: (4.0 - score) / 4.0 * 100.0,
        importance,
        effect: 0.3,
        n: 500.0,
        quadrant: "concentrate".into(),
        tags: vec!["servqual.responsiveness".into(), "service".into()],
        ..Facts::default()
    }
}

fn evaluate(text: &str, driver: Facts, uplift: f64) -> Result<Evaluation, RuleError> {
    let engine = RuleEngine::new();
    let set = load_rules(
        &engine,
        &[RuleSource {
            file: "r.yaml",
            text,
        }],
        &telecom_known(),
    )
    .expect("loads");
    let fixture = Fixture::new(driver);
    set.rules[0].evaluate(&engine, &fixture.ctx(uplift))
}

// ---- the default pack ----

#[test]
fn default_pack_loads_with_the_telecom_model_and_its_tests_pass() {
    let engine = RuleEngine::new();
    let set = load_rules(&engine, &default_rules(), &telecom_known()).expect("default pack loads");
    let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "sorted by id");
    for id in [
        "slow-support-response",
        "weak-problem-resolution",
        "staff-attitude-training",
        "network-coverage",
        "clearer-pricing",
        "brand-reputation",
        "concentrate-here",
        "service-recovery",
    ] {
        assert!(set.get(id).is_some(), "{id} missing");
    }
    assert!(set.rules.iter().any(|r| r.selector.matches == Match::Each));
    for rule in &set.rules {
        assert!(
            rule.loc.file.starts_with("<builtin>/rules/"),
            "{}",
            rule.loc
        );
        let expects: Vec<Expect> = rule.tests.iter().map(|t| t.expect).collect();
        assert!(
            expects.contains(&Expect::Fires),
            "{} has no firing test",
            rule.id
        );
        assert!(
            expects.contains(&Expect::Silent),
            "{} has no silent test",
            rule.id
        );
        assert!(rule.why.is_some(), "{} has no why", rule.id);
    }
    assert!(set.rules.len() >= 20, "{} rules", set.rules.len());
    let cases = sattrace::rules::testing::run_rule_tests(&engine, &set);
    for case in &cases {
        assert_eq!(
            case.status,
            sattrace::rules::testing::Status::Pass,
            "{}",
            case.name
        );
    }
}

#[test]
fn default_pack_selectors_match_telecom_drivers() {
    let engine = RuleEngine::new();
    let set = load_rules(&engine, &default_rules(), &telecom_known()).expect("loads");
    let rule = set.get("slow-support-response").expect("rule");
    let tags = response_time(3.0, 0.2).tags;
    assert!(rule.applies_to("response_time", &tags));
    assert!(!rule.applies_to("network", &["product.quality".to_string()]));
    assert!(rule.applies_to_segment("", ""));
    assert!(rule.applies_to_segment("region", "华东"));
}

// ---- located load errors ----

#[test]
fn unknown_key_suggests_the_right_one() {
    let err = error(&one_rule("driver.gap > 0.3", "    cots: 3\n"));
    assert!(err.starts_with("r.yaml:9:5: unknown field `cots`"), "{err}");
    assert!(err.contains("did you mean `cost`?"), "{err}");
}

#[test]
fn duplicate_id_across_files_names_both_places() {
    let a = one_rule("driver.gap > 0.3", "");
    let b = format!("# second file\n{a}");
    let err = load_rules(
        &RuleEngine::new(),
        &[
            RuleSource {
                file: "a.yaml",
                text: &a,
            },
            RuleSource {
                file: "b.yaml",
                text: &b,
            },
        ],
        &telecom_known(),
    )
    .expect_err("duplicate")
    .to_string();
    assert_eq!(
        err,
        "b.yaml:3:9: duplicate rule id `r1`\n  help: `r1` is already defined at a.yaml:2:9; ids must be unique across all rule files"
    );
}

#[test]
fn syntax_error_on_one_line_is_located_in_the_yaml_file() {
    // `driver.gap >> > 1`: Rhai stops at the second `>`, column 11 + 12.
    let err = load(&one_rule("driver.gap >> > 1", "")).expect_err("syntax");
    assert!(matches!(err, RuleError::Compile { ref rule, .. } if rule == "r1"));
    let loc = err.loc();
    assert_eq!((loc.line, loc.column), (5, 25), "{err}");
    assert!(err.message().starts_with("syntax error in `when`"), "{err}");
}

#[test]
fn syntax_error_in_a_block_scalar_is_located_in_the_yaml_file() {
    let literal = one_rule(
        "|\n      driver.gap > 0.3 &&\n        driver.score >> > 1",
        "",
    );
    let err = load(&literal).expect_err("syntax");
    assert_eq!((err.loc().line, err.loc().column), (7, 25), "{err}");
    let folded = one_rule(
        ">\n      driver.gap > 0.3 &&\n      driver.score >> > 1",
        "",
    );
    let err = load(&folded).expect_err("syntax");
    assert_eq!((err.loc().line, err.loc().column), (7, 23), "{err}");
}

#[test]
fn unknown_variable_suggests_a_name() {
    let err = error(&one_rule("drivr.gap > 0.3", ""));
    assert_eq!(
        err,
        "r.yaml:5:11: unknown name `drivr` in `when`\n  help: did you mean `driver`?"
    );
}

#[test]
fn unknown_property_suggests_a_field() {
    let err = error(&one_rule("driver.gap > 0.3 && driver.scroe < 4", ""));
    assert_eq!(
        err,
        "r.yaml:5:38: `driver` has no field `scroe`\n  help: did you mean `score`?"
    );
    // Also in a branch the optimizer could have removed, and in `priority`.
    let err = error(&one_rule("false && segment.shar > 0", ""));
    assert!(err.contains("`segment` has no field `shar`"), "{err}");
    let err = error(&one_rule("true", "    priority: uplift / outcome.gapp\n"));
    assert!(
        err.starts_with("r.yaml:9:32: `outcome` has no field `gapp`"),
        "{err}"
    );
    assert!(err.contains("did you mean `gap`?"), "{err}");
}

#[test]
fn unknown_driver_in_score_is_a_load_error() {
    let err = error(&one_rule("score(\"respons_time\") < 3.5", ""));
    assert_eq!(
        err,
        "r.yaml:5:17: `score` names unknown driver `respons_time`\n  help: did you mean `response_time`?"
    );
}

#[test]
fn unknown_function_is_a_load_error() {
    let err = error(&one_rule("scroe(\"network\") < 3.5", ""));
    assert!(
        err.starts_with("r.yaml:5:11: unknown function `scroe`"),
        "{err}"
    );
    assert!(err.contains("did you mean `score`?"), "{err}");
}

#[test]
fn unknown_driver_and_tag_in_for_are_load_errors() {
    let text = one_rule("true", "").replace("{each: driver}", "{drivers: [netwrok]}");
    let err = error(&text);
    assert_eq!(
        err,
        "r.yaml:4:21: unknown driver `netwrok`\n  help: did you mean `network`?"
    );
    let text = one_rule("true", "").replace("{each: driver}", "{tags: [servqual.empaty]}");
    assert!(error(&text).contains("did you mean `servqual.empathy`?"));
    // A tag that is no typo of a known one may be meant for another model.
    let text = one_rule("true", "").replace("{each: driver}", "{tags: [ecommerce.delivery]}");
    assert!(load(&text).is_ok());
}

#[test]
fn bad_values_are_load_errors() {
    let err = error(&one_rule("true", "").replace("cost: 2", "cost: 0"));
    assert!(
        err.starts_with("r.yaml:8:11: rule `r1` has cost 0"),
        "{err}"
    );
    // A cost so small that `uplift / cost` overflows, and a lead time of centuries.
    let err = error(&one_rule("true", "").replace("cost: 2", "cost: 5e-324"));
    assert!(err.contains("has cost 5e-324"), "{err}");
    assert!(err.contains("from 0.000001 to"), "{err}");
    let err = error(&one_rule("true", "").replace("cost: 2", "cost: 1e300"));
    assert!(err.contains("has cost 1e300"), "{err}");
    let err = error(&one_rule("true", "").replace("cost: 2", "cost: 2\n    duration: 1e9"));
    assert!(err.contains("has duration 1e9"), "{err}");
    let err =
        error(&one_rule("true", "").replace("{each: driver}", "{each: driver, tags: [price]}"));
    assert!(
        err.contains("exactly one of `drivers`, `tags` or `each`"),
        "{err}"
    );
    let text = one_rule("true", "").replace(
        "{each: driver}",
        "{each: driver, segments: {regoin: [华东]}}",
    );
    assert!(error(&text).contains("did you mean `region`?"));
}

// ---- the sandbox ----

#[test]
fn eval_is_refused() {
    let err = error(&one_rule("eval(\"1\") == 1", ""));
    assert!(
        err.starts_with("r.yaml:5:11: `eval` is not allowed in `when`"),
        "{err}"
    );
}

#[test]
fn endless_loops_are_refused_quickly_naming_the_rule() {
    for when in ["loop { }", "while true {}", "loop { if false { break } }"] {
        let started = Instant::now();
        let err = load(&one_rule(when, "")).expect_err("loop");
        assert!(started.elapsed() < HANG);
        assert_eq!(err.rule(), Some("r1"), "{err}");
        assert_eq!(err.loc().line, 5, "{err}");
    }
}

#[test]
fn exceeding_a_limit_at_evaluation_names_the_rule() {
    let text = one_rule("driver.label + driver.label != \"\"", "");
    let mut driver = response_time(3.0, 0.2);
    driver.label = "客".repeat(600);
    let started = Instant::now();
    let err = evaluate(&text, driver, 1.0).expect_err("too long");
    assert!(started.elapsed() < HANG);
    assert!(
        matches!(err, RuleError::Limit { ref rule, .. } if rule == "r1"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("r.yaml:5:24: rule `r1` stopped"),
        "{err}"
    );
}

// ---- evaluation ----

#[test]
fn fires_and_stays_silent_on_hand_made_facts() {
    let text = one_rule("driver.gap > 0.3 && driver.importance >= 0.15", "");
    assert!(
        evaluate(&text, response_time(3.2, 0.3), 1.0)
            .expect("ok")
            .fired
    );
    assert!(
        !evaluate(&text, response_time(3.9, 0.3), 1.0)
            .expect("ok")
            .fired
    );
    assert!(
        !evaluate(&text, response_time(3.2, 0.1), 1.0)
            .expect("ok")
            .fired
    );
}

#[test]
fn functions_read_other_drivers_and_tags() {
    let text = one_rule(
        "score(\"network\") < 3.5 && gap(\"network\") > 0.5 && has_tag(\"service\") && segment.share == 1.0",
        "",
    );
    assert!(
        evaluate(&text, response_time(3.2, 0.3), 1.0)
            .expect("ok")
            .fired
    );
    let text = one_rule("has_tag(\"price\")", "");
    assert!(
        !evaluate(&text, response_time(3.2, 0.3), 1.0)
            .expect("ok")
            .fired
    );
}

#[test]
fn unknown_driver_computed_at_run_time_is_an_evaluation_error() {
    let text = one_rule("score(\"netw\" + \"ork2\") > 1", "");
    let err = evaluate(&text, response_time(3.2, 0.3), 1.0).expect_err("unknown");
    assert!(matches!(err, RuleError::Eval { .. }), "{err:?}");
    assert!(
        err.message()
            .contains("unknown driver `network2`, did you mean `network`?"),
        "{err}"
    );
    let zh = Localized::message(&err, Lang::Zh);
    assert!(
        zh.starts_with("r.yaml:5:")
            && zh.contains("规则 `r1`：未知的驱动因素 `network2`，是不是 `network`？"),
        "{zh}"
    );
}

/// Errors raised while rules run are said in Chinese too: a sandbox limit, a
/// value of the wrong type, and Rhai's own run-time errors, location kept.
#[test]
fn evaluation_errors_are_said_in_chinese() {
    let zh = |when: &str, label: &str| {
        let mut driver = response_time(3.0, 0.2);
        driver.label = label.to_string();
        let err = evaluate(&one_rule(when, ""), driver, 1.0).expect_err("fails");
        let (en, zh) = (err.to_string(), Localized::message(&err, Lang::Zh));
        assert_eq!(en.split(": ").next(), zh.split(": ").next(), "{en} / {zh}");
        assert!(!zh.contains("help"), "{zh}");
        zh
    };
    let limit = zh("driver.label + driver.label != \"\"", &"客".repeat(600));
    assert!(
        limit.contains("规则 `r1` 已停止：`when` 超出了字符串长度限制"),
        "{limit}"
    );
    assert!(limit.contains("提示：规则表达式必须简短"), "{limit}");
    let not_bool = zh("if driver.gap > 0.1 { 1 } else { 2 }", "x");
    assert!(
        not_bool.contains("必须是 true 或 false，而不是整数"),
        "{not_bool}"
    );
    let bounds = zh("driver.gap > [1, 2][driver.label.len() + 4]", "x");
    assert!(
        bounds.contains("`when` 运行出错：列表下标 5 越界"),
        "{bounds}"
    );
}

#[test]
fn when_must_be_a_bool() {
    // Plainly a number: refused when the rules load, so `check`, `analyze` and every
    // other command give the same verdict (exit 2), not a warning per evaluation.
    let err = error(&one_rule("driver.gap * 2", ""));
    assert!(
        err.starts_with("r.yaml:5:11: `when` of rule `r1` is a number, not true or false"),
        "{err}"
    );
    // A number only at run time: the evaluation says so.
    let err = evaluate(
        &one_rule("\"if driver.gap > 0.0 { 1 } else { 2 }\"", ""),
        response_time(3.2, 0.3),
        1.0,
    )
    .expect_err("not bool")
    .to_string();
    assert!(
        err.contains("`when` of rule `r1` must be true or false, not an integer"),
        "{err}"
    );
}

#[test]
fn priority_defaults_to_uplift_per_cost_and_accepts_integers() {
    let got = evaluate(&one_rule("true", ""), response_time(3.2, 0.3), 3.0).expect("ok");
    assert_eq!(got.priority, 1.5);
    let text = one_rule("true", "    priority: 7\n");
    assert_eq!(
        evaluate(&text, response_time(3.2, 0.3), 3.0)
            .expect("ok")
            .priority,
        7.0
    );
    let text = one_rule("true", "    priority: uplift * delta - cost\n");
    let got = evaluate(&text, response_time(3.2, 0.3), 10.0).expect("ok");
    assert!((got.priority - 2.0).abs() < 1e-12);
    let text = one_rule("true", "    priority: driver.id\n");
    let err = evaluate(&text, response_time(3.2, 0.3), 1.0).expect_err("string");
    assert!(
        err.to_string()
            .starts_with("r.yaml:9:15: `priority` of rule `r1` must be a number"),
        "{err}"
    );
}

#[test]
fn one_rule_set_evaluates_identically_from_several_threads() {
    let engine = RuleEngine::new();
    let text = one_rule(
        "driver.gap > 0.3 && score(\"network\") < driver.score",
        "    priority: uplift * driver.importance / cost + effect(\"network\")\n",
    );
    let set = load_rules(
        &engine,
        &[RuleSource {
            file: "r.yaml",
            text: &text,
        }],
        &telecom_known(),
    )
    .expect("loads");
    let fixtures: Vec<Fixture> = (0..16)
        .map(|i| Fixture::new(response_time(2.5 + f64::from(i) * 0.1, 0.05 * f64::from(i))))
        .collect();
    let run = |fixtures: &[Fixture]| -> Vec<(bool, u64)> {
        fixtures
            .iter()
            .map(|f| {
                let e = set.rules[0].evaluate(&engine, &f.ctx(2.0)).expect("ok");
                (e.fired, e.priority.to_bits())
            })
            .collect()
    };
    let expected = run(&fixtures);
    assert!(expected.iter().any(|r| r.0) && expected.iter().any(|r| !r.0));
    let results: Vec<Vec<(bool, u64)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| (0..50).map(|_| run(&fixtures)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    for got in results {
        assert_eq!(got, expected);
    }
}

#[test]
fn segments_filter_where_a_rule_applies() {
    let text = one_rule("true", "").replace(
        "{each: driver}",
        "{each: driver, segments: {region: [华东], all: false}}",
    );
    let set = load(&text).expect("loads");
    let rule = &set.rules[0];
    assert!(rule.applies_to_segment("region", "华东"));
    assert!(!rule.applies_to_segment("region", "华北"));
    assert!(!rule.applies_to_segment("", ""));
    // Naming `region` limits the rule to those respondents: never a `plan=…` slice.
    assert!(!rule.applies_to_segment("plan", "basic"));
    // A rule that names no segment column is evaluated in every segment.
    let every =
        one_rule("true", "").replace("{each: driver}", "{each: driver, segments: {all: false}}");
    let set = load(&every).expect("loads");
    assert!(set.rules[0].applies_to_segment("plan", "basic"));
    assert!(!set.rules[0].applies_to_segment("", ""));
}

#[test]
fn fields_read_dynamically_are_all_available() {
    let driver = response_time(3.2, 0.3);
    let text = one_rule("driver[\"sc\" + \"ore\"] < 3.5 && segment.share > 0.5", "");
    assert!(evaluate(&text, driver.clone(), 1.0).expect("ok").fired);
    let text = one_rule(
        "type_of(driver) == \"map\" && driver.quadrant == \"concentrate\"",
        "",
    );
    assert!(evaluate(&text, driver.clone(), 1.0).expect("ok").fired);
    // A field only `priority` reads is there too.
    let text = one_rule("driver.gap > 0", "    priority: outcome.gap * 10\n");
    assert_eq!(evaluate(&text, driver, 1.0).expect("ok").priority, 6.0);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    /// Any text in `when` either loads or is a located error; evaluating what loads
    /// returns a value or an error; nothing panics.
    #[test]
    fn arbitrary_expressions_never_panic(when in "[a-z_. ()\"0-9<>=&|!+*/\\[\\]{}#:-]{0,40}") {
        let text = one_rule(&format!("{when:?}"), "");
        if let Ok(set) = load(&text) {
            let fixture = Fixture::new(response_time(3.0, 0.2));
            let _ = set.rules[0].evaluate(&RuleEngine::new(), &fixture.ctx(1.0));
        }
    }
}

// ---- every error at once, helpers, wave and the newer functions ----

#[test]
fn check_rules_returns_every_error_sorted() {
    let a =
        one_rule("drivr.gap > 0.3", "    priority: outcome.gapp\n").replace("cost: 2", "cost: 0");
    let b = "rules: [{id: x}]\n";
    let errors = sattrace::rules::check_rules(
        &RuleEngine::new(),
        &[
            RuleSource {
                file: "b.yaml",
                text: b,
            },
            RuleSource {
                file: "a.yaml",
                text: &a,
            },
        ],
        &telecom_known(),
    )
    .expect_err("broken");
    let shown: Vec<String> = errors
        .iter()
        .map(|e| format!("{} {}", e.loc(), e.message()))
        .collect();
    assert_eq!(shown.len(), 4, "{shown:#?}");
    assert!(
        shown[0].starts_with("a.yaml:5:11 unknown name `drivr`"),
        "{shown:#?}"
    );
    assert!(
        shown[1].starts_with("a.yaml:8:11 rule `r1` has cost 0"),
        "{shown:#?}"
    );
    assert!(
        shown[2].starts_with("a.yaml:9:23 `outcome` has no field `gapp`"),
        "{shown:#?}"
    );
    assert!(shown[3].starts_with("b.yaml:"), "{shown:#?}");
    // The single-error API returns the first.
    let first = load_rules(
        &RuleEngine::new(),
        &[RuleSource {
            file: "a.yaml",
            text: &a,
        }],
        &telecom_known(),
    )
    .expect_err("broken");
    assert_eq!(first.message(), "unknown name `drivr` in `when`");
}

fn load_with_lib(rule: &str, lib: &str) -> Result<RuleSet, RuleError> {
    load_rules(
        &RuleEngine::new(),
        &[
            RuleSource {
                file: "lib/h.rhai",
                text: lib,
            },
            RuleSource {
                file: "r.yaml",
                text: rule,
            },
        ],
        &telecom_known(),
    )
}

#[test]
fn helpers_from_a_library_are_called_by_name() {
    let lib = "fn well_below(d, by) { d.gap >= by && d.importance >= 0.1 }\nfn network_gap() { gap(\"network\") }\n";
    let set = load_with_lib(
        &one_rule("well_below(driver, 0.5) && network_gap() > 0.5", ""),
        lib,
    )
    .expect("loads");
    let fixture = Fixture::new(response_time(3.2, 0.3));
    let engine = RuleEngine::new();
    assert!(
        set.rules[0]
            .evaluate(&engine, &fixture.ctx(1.0))
            .expect("ok")
            .fired
    );
    let fixture = Fixture::new(response_time(3.8, 0.3));
    assert!(
        !set.rules[0]
            .evaluate(&engine, &fixture.ctx(1.0))
            .expect("ok")
            .fired
    );
    // Misspelt helper names are found at load time.
    let err = load_with_lib(&one_rule("wel_below(driver, 0.5)", ""), lib).expect_err("typo");
    assert!(
        err.to_string().contains("did you mean `well_below`?"),
        "{err}"
    );
}

#[test]
fn libraries_hold_only_functions_and_no_imports() {
    let rule = one_rule("true", "");
    let err = load_with_lib(&rule, "let x = 1;\nfn f() { 1 }").expect_err("statement");
    assert!(
        err.to_string()
            .starts_with("lib/h.rhai:1:1: a helper library may only define functions"),
        "{err}"
    );
    let err = load_with_lib(&rule, "import \"os\" as os;").expect_err("import");
    assert!(err.to_string().starts_with("lib/h.rhai:1:"), "{err}");
    let err = load_with_lib(&rule, "fn score(x) { 1 }").expect_err("shadow");
    assert!(err.message().contains("hides a built-in"), "{err}");
    let err = load_with_lib(&rule, "fn f() { eval(\"1\") }").expect_err("eval");
    assert!(err.to_string().starts_with("lib/h.rhai:1:"), "{err}");
}

#[test]
fn endless_recursion_in_a_helper_is_stopped_naming_the_rule() {
    let set = load_with_lib(
        &one_rule("forever(1) > 0", ""),
        "fn forever(x) { forever(x + 1) }",
    )
    .expect("loads");
    let fixture = Fixture::new(response_time(3.2, 0.3));
    let started = Instant::now();
    let err = set.rules[0]
        .evaluate(&RuleEngine::new(), &fixture.ctx(1.0))
        .expect_err("too deep");
    assert!(started.elapsed() < HANG);
    assert!(
        matches!(err, RuleError::Limit { ref rule, .. } if rule == "r1"),
        "{err:?}"
    );
    assert_eq!(err.loc().line, 5, "{err}");
}

#[test]
fn operation_limit_stops_a_hostile_rule() {
    let set = load_with_lib(
        &one_rule("spin(0) > 0", ""),
        "fn spin(x) { if x > 1000000 { x } else { spin2(x + 1) + spin2(x + 2) } }\nfn spin2(x) { spin(x) }",
    )
    .expect("loads");
    let fixture = Fixture::new(response_time(3.2, 0.3));
    let err = set.rules[0]
        .evaluate(&RuleEngine::new(), &fixture.ctx(1.0))
        .expect_err("stopped");
    assert!(matches!(err, RuleError::Limit { .. }), "{err:?}");
}

#[test]
fn array_and_expression_depth_limits_are_enforced() {
    // A 2 000-item array is refused while evaluated; a deeply nested expression when compiled.
    let set = load(&one_rule(
        "driver.tags + driver.tags + driver.tags != []",
        "",
    ))
    .expect("loads");
    let mut driver = response_time(3.2, 0.3);
    driver.tags = (0..600).map(|i| format!("t{i}")).collect();
    let fixture = Fixture::new(driver);
    let err = set.rules[0]
        .evaluate(&RuleEngine::new(), &fixture.ctx(1.0))
        .expect_err("too big");
    assert!(matches!(err, RuleError::Limit { .. }), "{err:?}");
    let deep = format!("{}1{} > 0", "(".repeat(80), ")".repeat(80));
    let err = load(&one_rule(&deep, "")).expect_err("too deep");
    assert_eq!(err.rule(), Some("r1"), "{err}");
}

#[test]
fn wave_share_and_uplift_are_available() {
    let text = one_rule(
        "wave.has_previous && wave.name == \"2025H2\" && wave.previous == \"2025H1\" && wave.count == 2.0",
        "    priority: uplift(\"network\", 0.4) + share(\"network\")\n",
    );
    let engine = RuleEngine::new();
    let set = load(&text).expect("loads");
    let mut fixture = Fixture::new(response_time(3.2, 0.3));
    fixture.wave = WaveFacts {
        name: "2025H2".into(),
        previous: "2025H1".into(),
        count: 2.0,
    };
    let network = fixture.drivers.get_mut("network").expect("network");
    network.target = Some(4.0);
    network.index_gap = 22.5;
    network.unit_index = 25.0;
    network.headroom = 47.5;
    fixture.outcome.index_gap = 15.0;
    let got = set.rules[0]
        .evaluate(&engine, &fixture.ctx(1.0))
        .expect("ok");
    assert!(got.fired);
    // uplift: 0.4 × effect 0.4 × min(0.4 × 25, 22.5) = 4; share: 0.4 × 22.5 / 15 = 0.6.
    assert!((got.priority - 4.6).abs() < 1e-9, "{}", got.priority);
    fixture.wave = WaveFacts::default();
    assert!(
        !set.rules[0]
            .evaluate(&engine, &fixture.ctx(1.0))
            .expect("ok")
            .fired
    );
}

#[test]
fn map_size_limit_stops_a_hostile_rule() {
    // A map literal of 300 entries is past the 200-entry limit: refused with the rule named.
    let entries: Vec<String> = (0..300).map(|i| format!("k{i}: {i}")).collect();
    let when = format!("#{{{}}}.len() > 0", entries.join(", "));
    let started = Instant::now();
    let err = match load(&one_rule(&format!("{when:?}"), "")) {
        Err(err) => err,
        Ok(set) => {
            let fixture = Fixture::new(response_time(3.2, 0.3));
            set.rules[0]
                .evaluate(&RuleEngine::new(), &fixture.ctx(1.0))
                .expect_err("too big")
        }
    };
    assert!(started.elapsed() < HANG);
    assert_eq!(err.rule(), Some("r1"), "{err}");
    assert_eq!(err.loc().line, 5, "{err}");
    assert!(
        err.to_string().contains("200") || err.to_string().contains("size"),
        "{err}"
    );
}
