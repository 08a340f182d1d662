//! Crossed segments (`crossed: [[channel, region]]`): every channel × region
//! combination is a slice whose scores, effects and root causes equal an analysis
//! of only its rows, and actions can be meant for it.

use sattrace::actions::recommend;
use sattrace::analysis::{analyze, Analysis, AnalysisOptions};
use sattrace::data::{ingest, IngestOptions};
use sattrace::graph::DriverGraph;
use sattrace::model::load_model;
use sattrace::rules::{load_rules, Known, RuleEngine, RuleSource};

const DRIVERS: &str = "\
drivers:
  - {id: x1, items: [a], target: 80}
  - {id: x2, items: [b], target: 70}
  - {id: y, items: [c], inputs: [x1, x2], outcome: true, target: 90}
";

const CHANNELS: [&str; 2] = ["app", "web"];
const REGIONS: [&str; 3] = ["east", "north", "south"];

/// A small simulated survey: y = 10 + b1·x1 + b2·x2 + noise, with slopes and noise
/// that differ by channel and region, so each combination has its own effects.
fn survey_rows() -> Vec<(&'static str, &'static str, String, [f64; 3])> {
    let mut state: u64 = 7;
    let mut next = move || {
        // 64-bit LCG (Knuth's MMIX constants): deterministic, no dependency.
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 11) as f64) / ((1u64 << 53) as f64)
    };
    let mut rows = Vec::new();
    for i in 0..900u32 {
        let channel = CHANNELS[usize::from(next() < 0.4)];
        let region = REGIONS[((next() * 3.0) as usize).min(2)];
        let wave = if i < 400 { "W1" } else { "W2" };
        let b1 = if channel == "web" { 0.6 } else { 0.3 };
        let b2 = match region {
            "east" => 0.2,
            "north" => 0.5,
            _ => 0.35,
        };
        let x1 = (20.0 + 60.0 * next()).round();
        let x2 = (20.0 + 60.0 * next()).round();
        let y = (10.0 + b1 * x1 + b2 * x2 + 20.0 * (next() - 0.5)).round();
        rows.push((channel, region, wave.to_string(), [x1, x2, y]));
    }
    rows
}

fn csv(rows: &[&(&'static str, &'static str, String, [f64; 3])]) -> String {
    let mut text = String::from("channel,region,wave,a,b,c\n");
    for (channel, region, wave, [a, b, c]) in rows {
        text.push_str(&format!("{channel},{region},{wave},{a},{b},{c}\n"));
    }
    text
}

fn run(header: &str, text: &str) -> (sattrace::model::Model, DriverGraph, Analysis) {
    let model = load_model("model.yaml", &format!("{header}{DRIVERS}")).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    let survey = ingest(
        &model,
        graph.order(),
        "data.csv",
        text.as_bytes(),
        &IngestOptions::default(),
    )
    .expect("ingest");
    let analysis = analyze(&model, &graph, &survey, &AnalysisOptions::default()).expect("analysis");
    (model, graph, analysis)
}

const CROSSED: &str = "\
name: crossed
scale: {min: 0, max: 100}
segments: [channel, region]
crossed: [[channel, region]]
wave: wave
";

#[test]
fn each_combination_is_a_slice_equal_to_an_analysis_of_its_rows() {
    let rows = survey_rows();
    let all: Vec<_> = rows.iter().collect();
    let (_, _, crossed) = run(CROSSED, &csv(&all));
    let mut seen = 0;
    for channel in CHANNELS {
        for region in REGIONS {
            let name = format!("channel={channel} × region={region}");
            let own: Vec<_> = rows
                .iter()
                .filter(|r| r.0 == channel && r.1 == region)
                .collect();
            let (_, _, direct) = run("scale: {min: 0, max: 100}\nwave: wave\n", &csv(&own));
            for wave in ["W1", "W2"] {
                let slice = crossed
                    .slices
                    .iter()
                    .find(|s| s.key.name() == name && s.wave.as_deref() == Some(wave))
                    .unwrap_or_else(|| panic!("no slice {name} {wave}"));
                let want = direct
                    .slices
                    .iter()
                    .find(|s| s.key.is_all() && s.wave.as_deref() == Some(wave))
                    .expect("direct slice");
                let n = own.iter().filter(|r| r.2 == wave).count() as u64;
                assert_eq!(slice.rows, n, "{name} {wave}");
                assert_eq!(slice.rows, want.rows);
                for (node, (got, exp)) in slice.scores.iter().zip(&want.scores).enumerate() {
                    let (got, exp) = (got.as_ref().expect("score"), exp.as_ref().expect("score"));
                    assert!(
                        (got.score - exp.score).abs() < 1e-9,
                        "{name} {wave} node {node}"
                    );
                    // The score is the plain mean of the item over the slice's rows.
                    let mean = own
                        .iter()
                        .filter(|r| r.2 == wave)
                        .map(|r| r.3[node])
                        .sum::<f64>()
                        / n as f64;
                    assert!((got.score - mean).abs() < 1e-9, "{name} {wave} node {node}");
                }
                for node in 0..2 {
                    assert!(
                        (slice.effect(node, 2) - want.effect(node, 2)).abs() < 1e-9,
                        "{name} {wave} effect of {node}"
                    );
                }
                assert_eq!(slice.trend, want.trend, "{name} {wave}");
                seen += 1;
            }
            // Root causes of the latest wave, per slice, like the direct analysis'.
            let causes = |a: &Analysis, pick: &dyn Fn(&str) -> bool| {
                a.root_causes
                    .iter()
                    .find(|(k, _)| pick(&k.name()))
                    .map(|(_, c)| {
                        c.iter()
                            .map(|c| (c.driver, c.contribution))
                            .collect::<Vec<_>>()
                    })
                    .expect("root causes")
            };
            let got = causes(&crossed, &|k| k == name);
            let want = causes(&direct, &|k| k == "all");
            assert_eq!(got.len(), want.len(), "{name}");
            for ((d1, c1), (d2, c2)) in got.iter().zip(&want) {
                assert_eq!(d1, d2, "{name}");
                assert!((c1 - c2).abs() < 1e-9, "{name}");
            }
        }
    }
    assert_eq!(seen, 12);
    // Effects differ between combinations: the slices are not copies of the whole.
    let effect = |name: &str| {
        crossed
            .latest()
            .find(|s| s.key.name() == name)
            .map(|s| s.effect(0, 2))
            .expect("slice")
    };
    assert!(
        (effect("channel=web × region=east") - effect("channel=app × region=east")).abs() > 0.1
    );
}

#[test]
fn a_rule_can_act_on_one_crossed_slice() {
    let rows = survey_rows();
    let all: Vec<_> = rows.iter().collect();
    let (model, graph, analysis) = run(CROSSED, &csv(&all));
    let yaml = "rules:
  - id: web-north
    title: web north
    action: fix x1 for web users in the north
    for: {drivers: [x1], segments: {all: false}}
    when: segment.column == \"channel × region\" && segment.value == \"web × north\"
    effect: {delta: 5}
    cost: 1
";
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
    let out = recommend(&model, &graph, &analysis, &rules, &engine);
    assert_eq!(out.actions.len(), 1, "{:#?}", out.actions);
    let action = &out.actions[0];
    assert_eq!(action.segment.name(), "channel=web × region=north");
    let slice = analysis
        .latest()
        .find(|s| s.key == action.segment)
        .expect("slice");
    // Its share of the latest wave is the share of the wave's rows in that cell.
    let wave: Vec<_> = rows.iter().filter(|r| r.2 == "W2").collect();
    let own = wave
        .iter()
        .filter(|r| r.0 == "web" && r.1 == "north")
        .count();
    assert!((slice.share - own as f64 / wave.len() as f64).abs() < 1e-9);
    assert!((action.share - slice.share).abs() < 1e-9, "{action:#?}");
}

#[test]
fn crossed_columns_must_be_segment_columns() {
    let bad = "name: m\nscale: {min: 0, max: 100}\nsegments: [channel, region]\ncrossed: [[channel, regoin]]\n";
    let err = load_model("model.yaml", &format!("{bad}{DRIVERS}"))
        .expect_err("unknown column")
        .to_string();
    assert!(err.contains("model.yaml:4:"), "{err}");
    assert!(err.contains("`regoin` is not a segment column"), "{err}");
    assert!(err.contains("did you mean `region`?"), "{err}");
    let single =
        "name: m\nscale: {min: 0, max: 100}\nsegments: [channel, region]\ncrossed: [[channel]]\n";
    let err = load_model("model.yaml", &format!("{single}{DRIVERS}"))
        .expect_err("one column")
        .to_string();
    assert!(err.contains("two or more segment columns"), "{err}");
}

#[test]
fn check_reports_every_bad_crossed_group_where_it_is() {
    let text = format!(
        "name: m\nscale: {{min: 0, max: 100}}\nsegments: [channel, region]\ncrossed: [[channel, regoin], [channel], [region, region]]\n{DRIVERS}"
    );
    let (_, found) = sattrace::model::check_model("model.yaml", &text, None);
    let crossed: Vec<(u64, u64, &str)> = found
        .iter()
        .filter(|d| d.line == 4)
        .map(|d| (d.line, d.column, d.message.as_str()))
        .collect();
    assert_eq!(
        crossed,
        vec![
            (4, 21, "crossed column `regoin` is not a segment column"),
            (
                4,
                30,
                "a crossed group needs two or more segment columns, found 1"
            ),
            (4, 50, "column `region` is crossed with itself"),
        ]
    );
    // A good group passes.
    let good = format!(
        "name: m\nscale: {{min: 0, max: 100}}\nsegments: [channel, region]\ncrossed: [[channel, region]]\n{DRIVERS}"
    );
    let (model, found) = sattrace::model::check_model("model.yaml", &good, None);
    assert!(found.iter().all(|d| d.line != 4), "{found:?}");
    assert_eq!(
        model.expect("model").crossed,
        vec![vec!["channel".to_string(), "region".to_string()]]
    );
}

/// A plan's move for a crossed slice (`any_of: [{channel: web, region: north}]`)
/// moves that combination's respondents only, through the combination's own
/// effects: the whole sample's change is the slice's share × its effect × the shift.
#[test]
fn a_move_for_a_crossed_slice_uses_the_combinations_effects() {
    use sattrace::analysis::SliceKey;
    use sattrace::whatif::{what_if_whole, Move, MoveKind, Scenario};
    let model = load_model("model.yaml", &format!("{CROSSED}{DRIVERS}")).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    let rows = survey_rows();
    let text = csv(&rows.iter().collect::<Vec<_>>());
    let survey = ingest(
        &model,
        graph.order(),
        "data.csv",
        text.as_bytes(),
        &IngestOptions::default(),
    )
    .expect("ingest");
    let analysis = analyze(&model, &graph, &survey, &AnalysisOptions::default()).expect("analysis");
    let key = SliceKey::crossed(
        &["channel".to_string(), "region".to_string()],
        &["web", "north"],
    );
    let slice = analysis
        .latest()
        .find(|s| s.key == key)
        .expect("the crossed slice");
    let whole = analysis.latest().find(|s| s.key.is_all()).expect("all");
    let scenario = Scenario {
        name: "crossed".into(),
        moves: vec![Move {
            node: 0,
            kind: MoveKind::Shift(5.0),
            filter: Vec::new(),
            any_of: vec![key.clone()],
        }],
        filter: Vec::new(),
    };
    let after = what_if_whole(&model, &graph, &survey, &analysis, &scenario, 0.95)
        .expect("what-if")[2]
        .expect("y");
    let change = after - whole.scores[2].as_ref().expect("y").index;
    // Respondents near the top of y's scale are clamped there, so the change is a
    // little under the linear one: within 1 %.
    let expected = slice.share * slice.effects.direct[2][0] * 5.0;
    assert!(
        (change - expected).abs() < 0.01 * expected && change <= expected + 1e-9,
        "change {change} vs share × the combination's effect {expected}"
    );
    // Not the whole sample's effect (the combination's slope differs).
    let whole_effect = slice.share * whole.effects.direct[2][0] * 5.0;
    assert!(
        (change - whole_effect).abs() > 0.05 * expected,
        "{change} vs {whole_effect}"
    );
}
