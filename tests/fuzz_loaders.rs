//! Robustness: random bytes and random mutations (byte flips, truncation, line
//! deletion/duplication) of the bundled valid files, fed to every loader, give Ok
//! or Err — never a panic. 64 cases per loader keeps CI fast.

use proptest::prelude::*;
use sattrace::check::{check, CheckOptions, Kind, Source};
use sattrace::data::IngestOptions;
use sattrace::model::{check_model, load_model, Model};

const CASES: u32 = 64;

/// Inputs before the nodes they feed (what the graph module provides).
fn eval_order(model: &Model) -> Vec<usize> {
    let mut order = Vec::new();
    let mut placed = vec![false; model.nodes.len()];
    while order.len() < model.nodes.len() {
        let before = order.len();
        for (i, node) in model.nodes.iter().enumerate() {
            let ready = node
                .inputs
                .iter()
                .all(|input| model.node_index(input).is_some_and(|j| placed[j]));
            if !placed[i] && ready {
                placed[i] = true;
                order.push(i);
            }
        }
        assert!(order.len() > before, "cycle in test model");
    }
    order
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    DeleteLine(usize),
    DuplicateLine(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
    ]
}

fn apply(base: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for m in mutations {
        match *m {
            Mutation::Flip(i, b) if !bytes.is_empty() => {
                let n = bytes.len();
                bytes[i % n] ^= b | 1;
            }
            Mutation::Truncate(i) => bytes.truncate(i % (bytes.len() + 1)),
            Mutation::DeleteLine(i) | Mutation::DuplicateLine(i) => {
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
                let k = i % lines.len();
                if matches!(m, Mutation::DeleteLine(_)) {
                    lines.remove(k);
                } else {
                    let line = lines[k].clone();
                    lines.insert(k, line);
                }
                bytes = lines.join(&b'\n');
            }
            Mutation::Flip(..) => {}
        }
    }
    bytes
}

/// A valid file mutated 1–4 times, or plain random bytes.
fn input(base: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(mutation(), 1..5).prop_map(move |m| apply(base, &m)),
        1 => prop::collection::vec(any::<u8>(), 0..512),
    ]
}

const MODEL: &[u8] = include_bytes!("../fixtures/telecom/model.yaml");
const RULES: &[u8] = include_bytes!("../rules/service.yaml");
const SCENARIO: &[u8] = include_bytes!("../fixtures/telecom/scenarios/staffing.yaml");
const SURVEY: &[u8] = include_bytes!("../fixtures/telecom/survey.csv");

fn telecom() -> Model {
    load_model("model.yaml", std::str::from_utf8(MODEL).expect("utf8")).expect("model")
}

fn run_check(kind: Kind, file: &str, bytes: Vec<u8>) {
    let mut sources = vec![Source::new(kind, file, bytes)];
    if kind != Kind::Model {
        sources.push(Source::new(Kind::Model, "model.yaml", MODEL.to_vec()));
    }
    let _ = check(&sources, &CheckOptions::default());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn load_model_never_panics(bytes in input(MODEL)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = load_model("model.yaml", &text);
    }

    #[test]
    fn check_model_never_panics(bytes in input(MODEL)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = check_model("model.yaml", &text, None);
        run_check(Kind::Model, "model.yaml", bytes);
    }

    #[test]
    fn rule_loading_and_linting_never_panic(bytes in input(RULES)) {
        run_check(Kind::Rules, "rules/service.yaml", bytes);
    }

    #[test]
    fn scenario_loading_never_panics(bytes in input(SCENARIO)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = sattrace::whatif::parse_scenario(&telecom(), "s.yaml", &text);
        run_check(Kind::Scenario, "scenarios/s.yaml", bytes);
    }

    #[test]
    fn survey_ingest_never_panics(bytes in input(SURVEY)) {
        let model = telecom();
        let order = eval_order(&model);
        let _ = sattrace::data::ingest(&model, &order, "survey.csv", &bytes[..], &IngestOptions::default());
    }
}
