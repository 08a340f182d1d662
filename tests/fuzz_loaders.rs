//! Robustness: random bytes and random mutations (byte flips, truncation, line
//! deletion/duplication) of the bundled valid files, fed to every loader, give Ok
//! or Err — never a panic: model, rules, Rhai library, scenario, CSV survey, moments
//! table, workbook and SPSS file. 64 cases per loader keeps CI fast; `PROPTEST_CASES`
//! does not change it (the count is fixed here), so run longer by editing `CASES`.

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
const LIBRARY: &[u8] = include_bytes!("../rules/lib/common.rhai");
const WORKBOOK: &[u8] = include_bytes!("../fixtures/files/survey.xlsx");
const SAV: &[u8] = include_bytes!("../fixtures/files/survey.sav");
const ZSAV: &[u8] = include_bytes!("../fixtures/files/survey.zsav");
const GBK_SAV: &[u8] = include_bytes!("../fixtures/files/survey_gbk.sav");
const FILES_MODEL: &str = include_str!("../fixtures/files/model.yaml");

/// The telecom survey's moments table, as `sattrace moments` writes it.
fn moments_table() -> &'static [u8] {
    static TABLE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let model = telecom();
        let options = IngestOptions {
            item_moments: true,
            ..IngestOptions::default()
        };
        let survey = sattrace::data::ingest(&model, &eval_order(&model), "s.csv", SURVEY, &options)
            .expect("survey");
        let layout = sattrace::moments::Layout::new(&model).expect("layout");
        let mut out = Vec::new();
        sattrace::moments::MomentsTable::from_survey(&layout, &survey)
            .expect("table")
            .to_csv(&layout, &mut out)
            .expect("csv");
        out
    })
}

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

    /// The Rhai helper library (`rules/lib/*.rhai`) with the rules that use it.
    #[test]
    fn rule_library_loading_never_panics(bytes in input(LIBRARY)) {
        let sources = vec![
            Source::new(Kind::Rules, "rules/lib/common.rhai", bytes),
            Source::new(Kind::Rules, "rules/service.yaml", RULES.to_vec()),
            Source::new(Kind::Model, "model.yaml", MODEL.to_vec()),
        ];
        let _ = check(&sources, &CheckOptions::default());
    }

    /// A moments table (`--moments`): read, validated and turned into a survey.
    #[test]
    fn moments_table_loading_never_panics(mutations in prop::collection::vec(mutation(), 1..5)) {
        let model = telecom();
        let bytes = apply(moments_table(), &mutations);
        let layout = sattrace::moments::Layout::new(&model).expect("layout");
        if let Ok(table) = sattrace::moments::MomentsTable::from_csv(&layout, &bytes[..], "m.csv") {
            let _ = table.into_survey(&layout, "m.csv", true);
        }
    }

    /// Workbooks and SPSS files with flipped or cut bytes.
    #[test]
    fn workbook_and_sav_ingest_never_panic(
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cut in any::<usize>(),
    ) {
        let model = load_model("model.yaml", FILES_MODEL).expect("files model");
        let order = eval_order(&model);
        for base in [WORKBOOK, SAV, ZSAV, GBK_SAV] {
            let mut bytes = base.to_vec();
            for &(i, b) in &flips {
                // Every other flip lands in the first 4 KiB: the SPSS dictionary
                // (names, labels, encoding records), which most bytes are not.
                let n = if i % 2 == 0 { bytes.len().min(4096) } else { bytes.len() };
                bytes[(i / 2) % n] ^= b | 1;
            }
            if cut % 3 == 0 {
                bytes.truncate(cut % (bytes.len() + 1));
            }
            let options = IngestOptions::default();
            if base == WORKBOOK {
                let _ = sattrace::data::ingest_workbook(
                    &model,
                    &order,
                    "survey.xlsx",
                    sattrace::data::WorkbookKind::Xlsx,
                    std::io::Cursor::new(bytes),
                    &options,
                );
            } else {
                let _ = sattrace::data::ingest_sav(&model, &order, "survey.sav", &bytes[..], &options);
            }
        }
    }
}
