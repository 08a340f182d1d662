//! A Chinese report has no English sentence left: every output of `analyze` and
//! `report` rendered in zh, with thin-slice notes, fired and silent rules.

use sattrace::actions::recommend;
use sattrace::analysis::{analyze, AnalysisOptions};
use sattrace::data::{ingest, IngestOptions};
use sattrace::graph::DriverGraph;
use sattrace::model::{load_model, Lang};
use sattrace::report::{html, render, Format, Report};
use sattrace::rules::{load_rules, Known, RuleEngine, RuleSource};

#[path = "support/exact.rs"]
mod exact;

const RULES: &str = "rules:
  - id: lift-x1
    title: {zh: 提升 x1, en: Lift x1}
    action: {zh: 做点什么, en: do something}
    for: {drivers: [x1]}
    when: driver.gap > 0
    effect: {delta: 5}
    cost: 1
    why: {zh: 因为 x1 最拖后腿, en: Because x1 drags the most}
  - id: never
    title: {zh: 从不, en: Never}
    action: {zh: 无, en: nothing}
    for: {drivers: [x2]}
    when: driver.gap > 1000
    effect: {delta: 5}
    cost: 1
";

/// Three or more English words in a row, outside code spans and markup.
fn english_sentence(line: &str) -> Option<String> {
    let mut text = String::new();
    let (mut code, mut tag) = (false, false);
    for c in line.chars() {
        match c {
            '`' => code = !code,
            '<' => tag = true,
            '>' if tag => tag = false,
            _ if code || tag => {}
            _ => text.push(c),
        }
    }
    let words: Vec<&str> = text.split(|c: char| c.is_whitespace()).collect();
    words
        .windows(3)
        .find(|w| {
            w.iter()
                .all(|word| word.len() >= 2 && word.chars().all(|c| c.is_ascii_alphabetic()))
        })
        .map(|w| w.join(" "))
}

#[test]
fn every_zh_output_is_chinese() {
    let model = load_model("model.yaml", exact::MODEL).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    // Only every 40th response is from the south: a thin slice with a note.
    let text: String = exact::csv()
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i > 0 && (i - 1) % 40 == 0 {
                format!("{}\n", line.replacen("north", "south", 1))
            } else {
                format!("{}\n", line.replacen("south", "north", 1))
            }
        })
        .collect();
    let survey = ingest(
        &model,
        graph.order(),
        "data.csv",
        text.as_bytes(),
        &IngestOptions::default(),
    )
    .expect("ingest");
    let analysis = analyze(&model, &graph, &survey, &AnalysisOptions::default()).expect("analysis");
    assert!(!analysis.notes.is_empty(), "the thin slice gives a note");
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
            text: RULES,
        }],
        &known,
    )
    .expect("rules");
    let recommendations = recommend(&model, &graph, &analysis, &rules, &engine);
    assert!(!recommendations.actions.is_empty() && !recommendations.silent.is_empty());
    let report = Report {
        model: &model,
        graph: &graph,
        survey: &survey,
        analysis: &analysis,
        recommendations: &recommendations,
        data_name: "data.csv",
        lang: Lang::Zh,
    };
    let mut outputs = Vec::new();
    for (name, format) in [("table", Format::Table), ("md", Format::Md)] {
        let mut bytes = Vec::new();
        render(&report, format, &mut bytes).expect("render");
        outputs.push((name, String::from_utf8(bytes).expect("utf-8")));
    }
    let mut bytes = Vec::new();
    html::render(&report, &mut bytes).expect("html");
    let page = String::from_utf8(bytes).expect("utf-8");
    // The page's text: without the style sheet.
    let body = page
        .split("</style>")
        .last()
        .unwrap_or_default()
        .to_string();
    outputs.push(("html", body));
    for (name, text) in outputs {
        for line in text.lines() {
            assert!(
                english_sentence(line).is_none(),
                "{name}: English left in a zh report: {:?} in {line}",
                english_sentence(line)
            );
        }
    }
}
