//! Who an action is for, checked against the survey rows themselves: a rule limited
//! to some slices acts on exactly the union of those slices, one action row per
//! rule × driver, and the plan never moves a respondent twice for one action.

use std::collections::BTreeSet;

use proptest::prelude::*;
use sattrace::actions::{recommend, Action, Recommendations};
use sattrace::analysis::SliceKey;
use sattrace::analysis::{analyze, Analysis, AnalysisOptions};
use sattrace::data::{ingest, IngestOptions, Survey};
use sattrace::graph::DriverGraph;
use sattrace::model::Lang;
use sattrace::model::{load_model, Model};
use sattrace::plan::{
    exact_gain, problem, scenario_of, whatif_evaluator, Date, PlanRequest, Target,
};
use sattrace::report::{html, render, Format, Report};
use sattrace::rules::{load_rules, Known, RuleEngine, RuleSource};
use sattrace::whatif::{parse_scenario, what_if_whole, Move, MoveKind, Scenario};

const MODEL: &str = "\
name: slices
scale: {min: 0, max: 100}
segments: [channel, region]
wave: wave
drivers:
  - {id: x1, items: [a], target: 80}
  - {id: x2, items: [b], target: 70}
  - {id: y, items: [c], inputs: [x1, x2]}
  - {id: z, items: [d], inputs: [y], outcome: true, target: 90}
";

const CHANNELS: [&str; 3] = ["app", "mini", "web"];
const REGIONS: [&str; 3] = ["east", "north", "south"];

/// One survey row: its segment values, wave and driver scores.
struct Row {
    channel: &'static str,
    region: &'static str,
    wave: &'static str,
}

/// y = 10 + 0.5·x1 + 0.3·x2 and z = 5 + 0.8·y exactly, so every slice has the same
/// effects (x1 → z 0.4, x2 → z 0.24); cells of unequal sizes.
fn data() -> (String, Vec<Row>) {
    let mut text = String::from("channel,region,wave,a,b,c,d\n");
    let mut rows = Vec::new();
    for i in 0..720u32 {
        let x1 = 20.0 + f64::from((i * 37) % 61);
        let x2 = 20.0 + f64::from((i * 53) % 59);
        let y = 10.0 + 0.5 * x1 + 0.3 * x2;
        let z = 5.0 + 0.8 * y;
        let channel = CHANNELS[(i % 7 % 3) as usize];
        let region = REGIONS[((i / 2) % 5 % 3) as usize];
        let wave = if i < 300 { "W1" } else { "W2" };
        text.push_str(&format!("{channel},{region},{wave},{x1},{x2},{y},{z}\n"));
        rows.push(Row {
            channel,
            region,
            wave,
        });
    }
    (text, rows)
}

fn setup() -> (Model, DriverGraph, Analysis, Vec<Row>) {
    let (model, graph, _, analysis, rows) = setup_with_survey();
    (model, graph, analysis, rows)
}

fn setup_with_survey() -> (Model, DriverGraph, Survey, Analysis, Vec<Row>) {
    let model = load_model("model.yaml", MODEL).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    let (text, rows) = data();
    let survey = ingest(
        &model,
        graph.order(),
        "data.csv",
        text.as_bytes(),
        &IngestOptions::default(),
    )
    .expect("ingest");
    let analysis = analyze(&model, &graph, &survey, &AnalysisOptions::default()).expect("analysis");
    assert!(analysis.notes.is_empty(), "{:?}", analysis.notes);
    (model, graph, survey, analysis, rows)
}

/// Where a rule may act: listed channel and region values, and the whole sample.
#[derive(Debug, Clone)]
struct Restriction {
    channels: Vec<&'static str>,
    regions: Vec<&'static str>,
    all: bool,
}

impl Restriction {
    fn yaml(&self) -> String {
        let mut parts = Vec::new();
        if !self.channels.is_empty() {
            parts.push(format!("channel: [{}]", self.channels.join(", ")));
        }
        if !self.regions.is_empty() {
            parts.push(format!("region: [{}]", self.regions.join(", ")));
        }
        if !self.all {
            parts.push("all: false".to_string());
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!(", segments: {{{}}}", parts.join(", "))
        }
    }

    fn unrestricted(&self) -> bool {
        self.channels.is_empty() && self.regions.is_empty()
    }

    /// Whether the rule acts on a respondent: the union of the slices named (every
    /// slice when none is named), and everyone when the whole sample is included.
    fn holds(&self, row: &Row) -> bool {
        self.all
            || self.unrestricted()
            || self.channels.contains(&row.channel)
            || self.regions.contains(&row.region)
    }

    /// The slice names the action must list.
    fn names(&self) -> BTreeSet<String> {
        if self.all {
            return ["all".to_string()].into();
        }
        let (channels, regions) = if self.unrestricted() {
            (CHANNELS.to_vec(), REGIONS.to_vec())
        } else {
            (self.channels.clone(), self.regions.clone())
        };
        channels
            .iter()
            .map(|c| format!("channel={c}"))
            .chain(regions.iter().map(|r| format!("region={r}")))
            .collect()
    }
}

fn restriction() -> impl Strategy<Value = Restriction> {
    let pick = |values: [&'static str; 3]| proptest::sample::subsequence(values.to_vec(), 0..=3);
    (pick(CHANNELS), pick(REGIONS), any::<bool>()).prop_map(|(channels, regions, all)| {
        Restriction {
            channels,
            regions,
            all,
        }
    })
}

fn rules_yaml(rules: &[(String, &str, Restriction, f64)]) -> String {
    let mut text = String::from("rules:\n");
    for (id, driver, restriction, delta) in rules {
        text.push_str(&format!(
            "  - id: {id}\n    title: {id}\n    action: do {id}\n    for: {{drivers: [{driver}]{}}}\n    when: \"true\"\n    effect: {{delta: {delta}}}\n    cost: 1\n",
            restriction.yaml()
        ));
    }
    text
}

fn run(model: &Model, graph: &DriverGraph, analysis: &Analysis, yaml: &str) -> Vec<Action> {
    let out = recommendations(model, graph, analysis, yaml);
    assert!(out.failures.is_empty(), "{:?}", out.failures);
    out.actions
}

fn recommendations(
    model: &Model,
    graph: &DriverGraph,
    analysis: &Analysis,
    yaml: &str,
) -> Recommendations {
    let engine = RuleEngine::new();
    let known = Known {
        drivers: model.nodes.iter().map(|n| n.id.clone()).collect(),
        tags: Vec::new(),
        segment_columns: model.segments.clone(),
    };
    let rules = load_rules(
        &engine,
        &[RuleSource {
            file: "r.yaml",
            text: yaml,
        }],
        &known,
    )
    .expect("rules");
    recommend(model, graph, analysis, &rules, &engine)
}

/// Every output of a report, in `lang`: table, Markdown, JSON and HTML.
fn outputs(
    model: &Model,
    graph: &DriverGraph,
    survey: &Survey,
    analysis: &Analysis,
    recommendations: &Recommendations,
    lang: Lang,
) -> Vec<(&'static str, String)> {
    let report = Report {
        model,
        graph,
        survey,
        analysis,
        recommendations,
        data_name: "data.csv",
        lang,
    };
    let mut out = Vec::new();
    for (name, format) in [
        ("table", Format::Table),
        ("md", Format::Md),
        ("json", Format::Json),
    ] {
        let mut bytes = Vec::new();
        render(&report, format, &mut bytes).expect("render");
        out.push((name, String::from_utf8(bytes).expect("utf-8")));
    }
    let mut bytes = Vec::new();
    html::render(&report, &mut bytes).expect("html");
    out.push(("html", String::from_utf8(bytes).expect("utf-8")));
    out
}

fn latest(rows: &[Row]) -> Vec<&Row> {
    rows.iter().filter(|r| r.wave == "W2").collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn a_rule_limited_to_a_channel_never_acts_on_region_slices() {
    let (model, graph, analysis, _) = setup();
    let yaml = "rules:
  - id: mini-entry
    title: mini
    action: add a support entry to the mini-program
    for: {drivers: [x1], segments: {channel: [mini], all: false}}
    when: \"true\"
    effect: {delta: 5}
    cost: 1
";
    let actions = run(&model, &graph, &analysis, yaml);
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0].segment.name(), "channel=mini");
    let names: Vec<String> = actions[0].segments.iter().map(|k| k.name()).collect();
    assert_eq!(names, vec!["channel=mini"]);
}

#[test]
fn the_rules_why_and_its_evidence_are_in_every_output() {
    let (model, graph, survey, analysis, _) = setup_with_survey();
    let yaml = "rules:
  - id: lift-x1
    title: {zh: 提升 x1, en: Lift x1}
    action: {zh: 做点什么, en: do something}
    for: {drivers: [x1]}
    when: driver.gap > 0
    effect: {delta: 5}
    cost: 1
    why: {zh: 因为 x1 最拖后腿, en: Because x1 drags the most}
";
    let out = recommendations(&model, &graph, &analysis, yaml);
    for lang in [Lang::Zh, Lang::En] {
        let why = match lang {
            Lang::Zh => "因为 x1 最拖后腿",
            Lang::En => "Because x1 drags the most",
        };
        for (name, text) in outputs(&model, &graph, &survey, &analysis, &out, lang) {
            assert!(text.contains(why), "{name} {lang:?} lacks the rule's why");
            assert!(
                text.contains("driver.gap &gt; 0") || text.contains("driver.gap > 0"),
                "{name}: evidence"
            );
        }
    }
}

#[test]
fn rules_that_did_not_fire_and_an_uncovered_root_cause_are_said() {
    let (model, graph, survey, analysis, _) = setup_with_survey();
    // x1 explains most of z's gap (0.4 × a 30-point gap); the only rule is on x2
    // and never fires.
    let yaml = "rules:
  - id: never-x2
    title: {zh: 从不, en: Never}
    action: nothing
    for: {drivers: [x2]}
    when: driver.gap > 1000
    effect: {delta: 5}
    cost: 1
  - id: no-driver
    title: nobody
    action: nothing
    for: {tags: [nobody]}
    when: \"true\"
    effect: {delta: 5}
    cost: 1
";
    let out = recommendations(&model, &graph, &analysis, yaml);
    assert!(out.actions.is_empty());
    assert_eq!(out.silent.len(), 2, "{:?}", out.silent);
    for (name, text) in outputs(&model, &graph, &survey, &analysis, &out, Lang::En) {
        assert!(
            text.contains("No rule acts on x1, the largest root cause"),
            "{name}:\n{text}"
        );
        assert!(text.contains("never-x2"), "{name}");
        assert!(
            text.contains("driver.gap &gt; 1000") || text.contains("driver.gap > 1000"),
            "{name}"
        );
        assert!(text.contains(", gap 2"), "{name}: the gap it saw");
        assert!(text.contains("no driver of the model matches"), "{name}");
    }
    for (name, text) in outputs(&model, &graph, &survey, &analysis, &out, Lang::Zh) {
        assert!(text.contains("没有规则作用于最大的根因"), "{name}");
        assert!(text.contains("不成立"), "{name}");
    }
    let json = &outputs(&model, &graph, &survey, &analysis, &out, Lang::En)[2].1;
    let value: serde_json::Value = serde_json::from_str(json).expect("json");
    assert_eq!(value["silent_rules"][0]["reason"], "when_false");
    assert_eq!(value["silent_rules"][0]["values"][0]["driver"], "x2");
    assert_eq!(value["silent_rules"][1]["reason"], "no_driver");
}

#[test]
fn each_segment_shows_its_root_causes_and_its_actions() {
    let (model, graph, survey, analysis, _) = setup_with_survey();
    let yaml = "rules:
  - id: mini-entry
    title: mini
    action: add a support entry to the mini-program
    for: {drivers: [x1], segments: {channel: [mini], all: false}}
    when: \"true\"
    effect: {delta: 5}
    cost: 1
";
    let out = recommendations(&model, &graph, &analysis, yaml);
    for (name, text) in outputs(&model, &graph, &survey, &analysis, &out, Lang::En) {
        if name == "json" {
            continue;
        }
        // Markdown escapes `#`; what it renders is what counts.
        let text = text.replace('\\', "");
        let line = text
            .lines()
            .find(|l| l.contains("channel=mini (n=") && l.contains("root causes"))
            .unwrap_or_else(|| panic!("{name}: no line for channel=mini"));
        assert!(line.contains("root causes x1"), "{name}: {line}");
        assert!(
            line.contains("since W1"),
            "{name}: the segment's trend: {line}"
        );
        if name == "md" {
            assert!(
                text.contains("## Segments"),
                "Markdown compares the segments"
            );
        }
        assert!(line.contains("its actions #1"), "{name}: {line}");
        let other = text
            .lines()
            .find(|l| l.contains("region=north (n=") && l.contains("root causes"))
            .unwrap_or_else(|| panic!("{name}: no line for region=north"));
        assert!(
            other.contains("its actions none of its own"),
            "{name}: {other}"
        );
    }
}

/// z's target for the plan tests: far away, so nothing is capped by the need.
fn far_target(analysis: &Analysis) -> Vec<Target> {
    let whole = analysis
        .latest()
        .find(|s| s.key.is_all())
        .expect("whole sample");
    vec![Target {
        node: 3,
        value: 90.0,
        due: Date::parse("2030-01-01").expect("date"),
        current: whole.scores[3].as_ref().expect("z").score,
        need: 40.0,
    }]
}

fn request() -> PlanRequest {
    PlanRequest {
        targets: Vec::new(),
        due: None,
        today: Date::parse("2026-01-01").expect("date"),
        budget: None,
        percent: Vec::new(),
    }
}

/// One action fires in two overlapping slices (`channel=mini`, `region=north`):
/// it is one candidate for their union, and a second action on the same driver for
/// overlapping slices (`region` north and south) is a candidate too, not dropped.
/// The plan's projection of buying both is what `whatif` gives for the merged
/// action applied to the union (each respondent once) plus the other action, and
/// what the rows give when each respondent is moved once per action.
#[test]
fn overlapping_actions_are_combined_and_projected_as_whatif_of_the_union() {
    let (model, graph, survey, analysis, rows) = setup_with_survey();
    let both = Restriction {
        channels: vec!["mini"],
        regions: vec!["north"],
        all: false,
    };
    let regions = Restriction {
        channels: Vec::new(),
        regions: vec!["north", "south"],
        all: false,
    };
    let rules = vec![
        ("merged".to_string(), "x1", both.clone(), 6.0),
        ("regions".to_string(), "x1", regions.clone(), 4.0),
    ];
    let actions = run(&model, &graph, &analysis, &rules_yaml(&rules));
    assert_eq!(actions.len(), 2, "{actions:#?}");
    let merged = actions.iter().find(|a| a.rule == "merged").expect("merged");
    let names: Vec<String> = merged.segments.iter().map(SliceKey::name).collect();
    assert_eq!(names, ["channel=mini", "region=north"]);

    let targets = far_target(&analysis);
    let (problem, candidates, _) = problem(&model, &analysis, &actions, &targets, &request());
    assert_eq!(candidates.len(), 2, "both actions are candidates");
    assert!(
        problem.candidates.iter().any(|c| !c.also.is_empty()),
        "overlapping populations share a group: {problem:#?}"
    );
    let all: Vec<usize> = (0..candidates.len()).collect();
    let evaluate = whatif_evaluator(&model, &graph, &survey, &analysis, 0.95);
    let exact =
        exact_gain(&model, &candidates, &problem, &targets, &all, &evaluate).expect("what-if")[0];

    // The same scenario written by hand: the merged action on the union of its
    // slices, the other action on the union of the two regions.
    let key = |column: &str, value: &str| SliceKey {
        column: column.to_string(),
        value: value.to_string(),
    };
    let by_hand = Scenario {
        name: "by hand".into(),
        moves: vec![
            Move {
                node: 0,
                kind: MoveKind::Shift(6.0),
                filter: Vec::new(),
                any_of: vec![key("channel", "mini"), key("region", "north")],
            },
            Move {
                node: 0,
                kind: MoveKind::Shift(4.0),
                filter: Vec::new(),
                any_of: vec![key("region", "north"), key("region", "south")],
            },
        ],
        filter: Vec::new(),
    };
    let whole = analysis
        .latest()
        .find(|s| s.key.is_all())
        .expect("whole sample");
    let before = whole.scores[3].as_ref().expect("z").index;
    let after = what_if_whole(&model, &graph, &survey, &analysis, &by_hand, 0.95).expect("what-if")
        [3]
    .expect("z after");
    let whatif = after - before;
    assert!(
        close(exact, whatif),
        "plan's projection {exact} vs whatif of the union {whatif}"
    );

    // Rows: each respondent moved once per action (0.4 = x1's effect on z).
    let latest = latest(&rows);
    let expected: f64 = latest
        .iter()
        .map(|r| {
            let moved = 6.0 * f64::from(u8::from(both.holds(r)))
                + 4.0 * f64::from(u8::from(regions.holds(r)));
            0.4 * moved / latest.len() as f64
        })
        .sum();
    assert!(
        close(whatif, expected),
        "whatif {whatif} vs rows {expected}"
    );
    assert!(
        close(problem.gain(&all)[0], expected),
        "the search's linear gain {} vs rows {expected}",
        problem.gain(&all)[0]
    );

    // What `plan --scenario-out` would write for it reads back as the same scenario.
    let planned = scenario_of(&model, &candidates, &problem, &all, None);
    assert_eq!(planned.moves.len(), 2, "{planned:#?}");
    let mut text = String::from("name: plan\nmoves:\n");
    for m in &planned.moves {
        let MoveKind::Shift(d) = m.kind else {
            panic!("a plan shifts")
        };
        let slices: Vec<String> = m
            .any_of
            .iter()
            .map(|k| format!("{{{}: {}}}", k.column, k.value))
            .collect();
        text.push_str(&format!(
            "  - {{driver: x1, shift: {d}, any_of: [{}]}}\n",
            slices.join(", ")
        ));
    }
    let read = parse_scenario(&model, "plan.yaml", &text).expect("scenario");
    assert_eq!(read.moves, planned.moves);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// An action's population is exactly the union of the slices its rule names:
    /// its slices are those, and its share is the union's share counted from rows.
    #[test]
    fn an_action_covers_exactly_the_union_of_its_slices(
        restriction in restriction(),
        delta in 1.0f64..10.0,
    ) {
        let (model, graph, analysis, rows) = setup();
        let yaml = rules_yaml(&[("r".to_string(), "x1", restriction.clone(), delta)]);
        let actions = run(&model, &graph, &analysis, &yaml);
        let latest = latest(&rows);
        let inside = latest.iter().filter(|r| restriction.holds(r)).count();
        if inside == 0 {
            prop_assert!(actions.is_empty());
            return Ok(());
        }
        prop_assert_eq!(actions.len(), 1, "one row per rule × driver: {:#?}", actions);
        let action = &actions[0];
        let names: BTreeSet<String> = action.segments.iter().map(|k| k.name()).collect();
        prop_assert_eq!(&names, &restriction.names());
        prop_assert!(names.contains(&action.segment.name()));
        let share = inside as f64 / latest.len() as f64;
        prop_assert!(close(action.share, share), "{} vs {}", action.share, share);
        // Every slice has the same effect (0.4) and x1's gap is far above delta.
        prop_assert!(close(action.uplift, 0.4 * delta * share), "{} vs {}", action.uplift, 0.4 * delta * share);
    }

    /// The plan's gain from any set of its candidates equals a recomputation over the
    /// survey rows in which each respondent is moved once per action bought.
    #[test]
    fn the_plan_moves_each_respondent_at_most_once_per_action(
        rules in proptest::collection::vec(
            (prop_oneof![Just("x1"), Just("x2")], restriction(), 1.0f64..6.0),
            1..5,
        ),
        pick in any::<u16>(),
    ) {
        let (model, graph, survey, analysis, rows) = setup_with_survey();
        let rules: Vec<(String, &str, Restriction, f64)> = rules
            .into_iter()
            .enumerate()
            .map(|(i, (driver, restriction, delta))| (format!("r{i}"), driver, restriction, delta))
            .collect();
        let actions = run(&model, &graph, &analysis, &rules_yaml(&rules));
        let today = Date::parse("2026-01-01").expect("date");
        let request = PlanRequest { targets: Vec::new(), due: None, today, budget: None, percent: Vec::new() };
        let targets = far_target(&analysis);
        let (problem, candidates, _) = problem(&model, &analysis, &actions, &targets, &request);
        // Overlapping actions are combined, never dropped.
        prop_assert_eq!(candidates.len(), actions.len());
        let chosen: Vec<usize> = (0..candidates.len()).filter(|i| pick >> i & 1 == 1).collect();
        let gain = problem.gain(&chosen)[0];

        let latest = latest(&rows);
        let effect = |driver: usize| if driver == 0 { 0.4 } else { 0.24 };
        let mut expected = 0.0;
        for row in &latest {
            for driver in [0usize, 1] {
                // The actions bought on this driver that reach this respondent, each once.
                let moved: f64 = chosen
                    .iter()
                    .map(|&i| &candidates[i].action)
                    .filter(|a| a.driver == driver)
                    .filter(|a| {
                        let (_, _, restriction, _) = rules.iter().find(|r| r.0 == a.rule).expect("rule");
                        restriction.holds(row)
                    })
                    .map(|a| a.delta)
                    .sum();
                expected += effect(driver) * moved / latest.len() as f64;
            }
        }
        prop_assert!(close(gain, expected), "plan {} vs rows {}: {:#?}", gain, expected, chosen);
        // The projection (the what-if of the chosen actions) agrees too.
        let evaluate = whatif_evaluator(&model, &graph, &survey, &analysis, 0.95);
        let exact = exact_gain(&model, &candidates, &problem, &targets, &chosen, &evaluate)
            .expect("what-if")[0];
        prop_assert!(close(exact, expected), "projection {} vs rows {}", exact, expected);
        // One row per rule × driver among the candidates.
        let mut seen = BTreeSet::new();
        for c in &candidates {
            prop_assert!(seen.insert((c.action.rule.clone(), c.action.driver)));
        }
    }
}
