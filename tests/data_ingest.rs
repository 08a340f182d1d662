//! Survey ingest: encodings, row numbers, invalid values, weights, node coding and
//! exact merging of moments.

use std::collections::BTreeMap;

use proptest::prelude::*;
use sattrace::data::{
    ingest, CellKey, DataError, Encoding, IngestOptions, Moments, NodeMoments, OnInvalid, Survey,
};
use sattrace::model::{load_model, Model};

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

const SMALL_MODEL: &str = r#"
scale: {min: 1, max: 5}
segments: [region]
wave: wave
weight: w
missing: ["", "NA"]
drivers:
  - id: a
    items: [a1, a2]
    reverse: [a2]
  - id: b
    items: [b1]
  - id: combo
    inputs: [a, b]
    weights: {a: 0.75, b: 0.25}
  - id: sat
    items: [s1]
    inputs: [combo]
    outcome: true
  - id: nps
    metric: nps
    items: [rec]
    inputs: [sat]
    outcome: true
"#;

const A: usize = 0;
const B: usize = 1;
const COMBO: usize = 2;
const NPS: usize = 4;

fn small_model() -> Model {
    load_model("model.yaml", SMALL_MODEL).expect("test model loads")
}

fn telecom_model() -> Model {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/telecom/model.yaml");
    let text = std::fs::read_to_string(path).expect("telecom model is readable");
    load_model("model.yaml", &text).expect("telecom model loads")
}

fn read_with(model: &Model, csv: &[u8], options: &IngestOptions) -> Result<Survey, DataError> {
    ingest(model, &eval_order(model), "survey.csv", csv, options)
}

fn read(csv: &str) -> Result<Survey, DataError> {
    read_with(&small_model(), csv.as_bytes(), &IngestOptions::default())
}

fn skip() -> IngestOptions {
    IngestOptions {
        on_invalid: OnInvalid::Skip,
        ..IngestOptions::default()
    }
}

fn total(survey: &Survey) -> Moments {
    survey.total()
}

fn mean(survey: &Survey, node: usize) -> Option<f64> {
    total(survey).nodes[node].mean()
}

const HEADER: &str = "id,region,wave,w,a1,a2,b1,s1,rec";

// ---------------------------------------------------------------- encodings

#[test]
fn bom_and_crlf_are_read() {
    // the BOM sits on `region`, a column the model needs
    let csv =
        "\u{feff}region,wave,w,a1,a2,b1,s1,rec\r\neast,W1,1,5,1,3,4,10\r\neast,W1,1,3,3,3,4,9\r\n";
    let survey = read(csv).expect("reads");
    assert_eq!(survey.rows, 2);
    assert_eq!(survey.cells.len(), 1);
    assert_eq!(
        survey.cells[0].key,
        CellKey {
            segments: vec!["east".into()],
            wave: Some("W1".into())
        }
    );
    // a: (5 + flip(1)=5)/2 = 5 → 100; (3 + 3)/2 = 3 → 50.
    assert_eq!(mean(&survey, A), Some(75.0));
}

/// Excel writes rows a user once touched as separators only: they are skipped and
/// counted in every mode, not rejected as an empty segment, and row numbers after
/// them stay right.
#[test]
fn rows_of_only_separators_are_skipped_and_counted() {
    let csv =
        format!("{HEADER}\n1,east,W1,1,3,3,3,3,8\n,,,,,,,,\n , ,,,,,,,\n2,east,W1,1,5,1,3,4,x\n");
    let err = read(&csv).expect_err("x is not a number");
    assert_eq!(err.row(), Some(5));
    let csv = format!("{HEADER}\n1,east,W1,1,3,3,3,3,8\n,,,,,,,,\n,,,\n2,east,W1,1,5,1,3,4,9\n");
    let survey = read(&csv).expect("blank rows are not answers");
    assert_eq!(survey.invalid.blank_rows, 2);
    assert_eq!(survey.invalid.skipped_rows, 0);
    assert_eq!(total(&survey).rows, 2);
    // Responses, not lines: the blank rows are not in the count.
    assert_eq!(survey.rows, 2);
}

/// An item column no row answered is named, so a lost question is not silent.
#[test]
fn item_columns_without_any_answer_are_named() {
    let csv = format!("{HEADER}\n1,east,W1,1,3,,3,3,8\n2,east,W1,1,5,,3,4,9\n");
    let survey = read(&csv).expect("reads");
    assert_eq!(survey.invalid.empty_columns, vec!["a2".to_string()]);
    let csv = format!("{HEADER}\n1,east,W1,1,3,,3,3,8\n2,east,W1,1,5,1,3,4,9\n");
    let survey = read(&csv).expect("reads");
    assert!(survey.invalid.empty_columns.is_empty());
}

#[test]
fn quoted_newlines_keep_row_numbers_right() {
    let csv = format!(
        "{},note\n1,east,W1,1,3,3,3,3,8,\"line one\nline two\nline three\"\n2,east,W1,1,9,3,3,3,8,ok\n",
        HEADER
    );
    let err = read(&csv).expect_err("9 is out of scale");
    // header line 1, record 1 spans lines 2–4, record 2 starts on line 5.
    assert_eq!(err.row(), Some(5));
    assert_eq!(err.column(), Some("a1"));
    assert_eq!(err.column_number(), Some(5));
}

#[test]
fn crlf_and_blank_lines_keep_row_numbers_right() {
    let csv = format!("{HEADER}\r\n1,east,W1,1,3,3,3,3,8\r\n\r\n2,east,W1,1,3,3,3,3,x\r\n");
    let err = read(&csv).expect_err("x");
    assert_eq!(err.row(), Some(4));
    assert_eq!(err.column(), Some("rec"));
}

fn gbk_csv() -> Vec<u8> {
    let text = format!("{HEADER}\n1,华东,2025H2,1,4,2,3,4,9\n2,华南,2025H2,1,3,3,3,3,5\n");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "GBK bytes are not UTF-8"
    );
    bytes.into_owned()
}

#[test]
fn gbk_bytes_are_decoded_in_auto_mode() {
    let survey = read_with(&small_model(), &gbk_csv(), &IngestOptions::default()).expect("reads");
    let regions: Vec<&str> = survey
        .cells
        .iter()
        .map(|c| c.key.segments[0].as_str())
        .collect();
    let mut expected = vec!["华东", "华南"];
    expected.sort();
    assert_eq!(regions, expected);
}

#[test]
fn gbk_bytes_with_forced_gb18030_are_decoded() {
    let options = IngestOptions {
        encoding: Encoding::Gb18030,
        ..IngestOptions::default()
    };
    let survey = read_with(&small_model(), &gbk_csv(), &options).expect("reads");
    assert!(survey.cells.iter().any(|c| c.key.segments[0] == "华东"));
}

#[test]
fn gbk_bytes_with_forced_utf8_are_an_encoding_error() {
    let options = IngestOptions {
        encoding: Encoding::Utf8,
        ..IngestOptions::default()
    };
    let err = read_with(&small_model(), &gbk_csv(), &options).expect_err("not UTF-8");
    assert!(matches!(err, DataError::Encoding { .. }), "{err:?}");
    assert_eq!(err.row(), Some(2));
    assert_eq!(err.column(), Some("region"));
    let message = err.to_string();
    assert!(message.contains("not valid UTF-8"), "{message}");
    assert!(message.contains("--encoding gb18030"), "{message}");
}

#[test]
fn late_non_utf8_segment_after_a_utf8_start_names_the_fix() {
    let mut csv = HEADER.as_bytes().to_vec();
    csv.push(b'\n');
    for i in 0..5000 {
        csv.extend_from_slice(format!("{i},east,W1,1,3,3,3,3,8\n").as_bytes());
    }
    let (gbk, _, _) = encoding_rs::GBK.encode("9999,华东,W1,1,3,3,3,3,8\n");
    csv.extend_from_slice(&gbk);
    assert!(csv.len() > 64 * 1024);
    let err = read_with(&small_model(), &csv, &IngestOptions::default()).expect_err("late GBK");
    assert!(matches!(err, DataError::Encoding { .. }), "{err:?}");
    assert_eq!(err.row(), Some(5002));
    assert!(err.to_string().contains("--encoding gb18030"));
}

// ---------------------------------------------------------------- values

#[test]
fn missing_tokens_make_items_and_nodes_missing() {
    let csv = format!("{HEADER}\n1,east,W1,1, NA ,4,,3,8\n2,east,W1,1,NA,NA,4,3,8\n");
    let survey = read(&csv).expect("reads");
    let m = total(&survey);
    // a: row 1 only flip(4) = 2 → 25; row 2 missing.
    assert_eq!(m.nodes[A].n, 1);
    assert_eq!(m.nodes[A].mean(), Some(25.0));
    // b: row 1 empty → missing; row 2: 4 → 75.
    assert_eq!(m.nodes[B].n, 1);
    assert_eq!(m.nodes[B].mean(), Some(75.0));
    // neither row has every node, so nothing is listwise complete.
    assert_eq!(m.complete.n, 0);
    assert_eq!(m.rows, 2);
    assert_eq!(survey.invalid.total, 0);
    // Missing tokens are not invalid, but no row answered a1: that is said.
    assert_eq!(survey.invalid.empty_columns, vec!["a1".to_string()]);
}

#[test]
fn out_of_scale_value_is_an_error_naming_row_and_column() {
    let csv = format!("{HEADER}\n1,east,W1,1,3,3,3,3,8\n2,east,W1,1,3,3,7,3,8\n");
    let err = read(&csv).expect_err("7 is out of scale");
    assert!(matches!(err, DataError::InvalidValue { .. }), "{err:?}");
    assert_eq!(err.file(), "survey.csv");
    assert_eq!(err.row(), Some(3));
    assert_eq!(err.column(), Some("b1"));
    let message = err.to_string();
    assert!(message.starts_with("survey.csv:3:7: column `b1` has `7`, expected a number from 1 to 5 or a missing token such as `NA`"), "{message}");
    assert!(message.contains("\n  help: "), "{message}");
    assert!(message.contains("--on-invalid skip"), "{message}");
}

#[test]
fn text_in_a_numeric_column_is_an_error() {
    let csv = format!("{HEADER}\n1,east,W1,1,3,good,3,3,8\n");
    let err = read(&csv).expect_err("text");
    assert_eq!(err.row(), Some(2));
    assert_eq!(err.column(), Some("a2"));
    assert!(err.to_string().contains("has `good`"), "{err}");
}

#[test]
fn nps_item_outside_0_to_10_is_an_error() {
    let csv = format!("{HEADER}\n1,east,W1,1,3,3,3,3,11\n");
    let err = read(&csv).expect_err("11 is out of scale");
    assert_eq!(err.column(), Some("rec"));
    assert!(err.to_string().contains("a number from 0 to 10"), "{err}");
}

#[test]
fn skip_mode_counts_invalid_values_and_rows() {
    let csv = format!(
        "{HEADER}\n\
         1,east,W1,1,7,3,x,3,8\n\
         2,east,W1,1,3,3,3,3,8\n\
         3,,W1,1,3,3,3,3,8\n\
         4,east,W1,0,3,3,3,3,8\n\
         5,east,NA,1,3,3,3,3,8\n\
         6,east,W1,abc,3,3,3,3,8\n\
         7,east,W1,1,3,3,9,3,8\n"
    );
    let survey = read_with(&small_model(), csv.as_bytes(), &skip()).expect("skip mode reads");
    assert_eq!(survey.rows, 7);
    let invalid = &survey.invalid;
    let expected: BTreeMap<String, u64> =
        [("a1", 1), ("b1", 2), ("region", 1), ("w", 2), ("wave", 1)]
            .into_iter()
            .map(|(c, n)| (c.to_string(), n))
            .collect();
    assert_eq!(invalid.columns, expected);
    assert_eq!(invalid.total, 7);
    assert_eq!(invalid.skipped_rows, 4);
    let m = total(&survey);
    assert_eq!(m.rows, 3);
    // row 1: a from a2 alone (flip 3 = 3 → 50), b missing.
    assert_eq!(m.nodes[A].n, 3);
    assert_eq!(m.nodes[B].n, 1);
}

#[test]
fn error_mode_reports_bad_weights_and_empty_segments() {
    let bad_weight = read(&format!("{HEADER}\n1,east,W1,-2,3,3,3,3,8\n")).expect_err("weight");
    assert_eq!(bad_weight.column(), Some("w"));
    assert!(
        bad_weight.to_string().contains("a positive number"),
        "{bad_weight}"
    );
    let missing_weight = read(&format!("{HEADER}\n1,east,W1,NA,3,3,3,3,8\n")).expect_err("weight");
    assert_eq!(missing_weight.column(), Some("w"));

    let empty = read(&format!(
        "{HEADER}\n1,east,W1,1,3,3,3,3,8\n2,  ,W1,1,3,3,3,3,8\n"
    ))
    .expect_err("empty segment");
    assert!(matches!(empty, DataError::EmptySegment { .. }), "{empty:?}");
    assert_eq!(empty.row(), Some(3));
    assert_eq!(empty.column(), Some("region"));
    assert!(empty.to_string().contains("empty segment"), "{empty}");
    let token = read(&format!("{HEADER}\n1,east,NA,1,3,3,3,3,8\n")).expect_err("wave NA");
    assert_eq!(token.column(), Some("wave"));
    assert!(token.to_string().contains("`NA`"), "{token}");
}

#[test]
fn reverse_coded_items_are_flipped() {
    // a2 is reversed: a1 = 5, a2 = 1 → both mean "5"; a1 = 1, a2 = 5 → both "1".
    let survey = read(&format!("{HEADER}\n1,east,W1,1,5,1,3,3,8\n")).expect("reads");
    assert_eq!(mean(&survey, A), Some(100.0));
    let survey = read(&format!("{HEADER}\n1,east,W1,1,1,5,3,3,8\n")).expect("reads");
    assert_eq!(mean(&survey, A), Some(0.0));
}

#[test]
fn weighted_means_and_kish_n_match_hand_computation() {
    // b1 = 5, 3, 1 → index 100, 50, 0 with weights 2, 1, 1.
    let csv =
        format!("{HEADER}\n1,east,W1,2,3,3,5,3,8\n2,east,W1,1,3,3,3,3,8\n3,east,W1,1,3,3,1,3,8\n");
    let survey = read(&csv).expect("reads");
    let b: NodeMoments = total(&survey).nodes[B];
    assert_eq!(b.n, 3);
    assert_eq!(b.sw, 4.0);
    assert_eq!(b.sw2, 6.0);
    // Shifted by 50: 2·50 + 0 − 50 and 2·50² + 0 + 50².
    assert_eq!(b.s1, 50.0);
    assert_eq!(b.s2, 7_500.0);
    assert_eq!(b.mean(), Some(62.5));
    assert_eq!(b.kish_n(), 16.0 / 6.0);
    let m = total(&survey);
    assert_eq!(m.sw, 4.0);
    assert_eq!(m.sw2, 6.0);
}

#[test]
fn composite_nodes_are_the_declared_weight_mean_of_present_inputs() {
    // row 1: a = (4 + flip(2)=4)/2 → 75, b = 5 → 100: combo = .75·75 + .25·100 = 81.25
    // row 2: a missing, b = 3 → 50: combo = 50
    // row 3: both missing: combo missing
    let csv = format!(
        "{HEADER}\n1,east,W1,1,4,2,5,3,8\n2,east,W1,1,NA,NA,3,3,8\n3,east,W1,1,NA,,NA,3,8\n"
    );
    let survey = read(&csv).expect("reads");
    let r = survey.respondents.as_ref().expect("kept by default");
    assert_eq!(r.len(), 3);
    assert_eq!(r.row(0)[COMBO], 81.25);
    assert_eq!(r.row(1)[COMBO], 50.0);
    assert!(r.row(2)[COMBO].is_nan());
    assert_eq!(total(&survey).nodes[COMBO].n, 2);
}

#[test]
fn nps_codes_promoters_passives_and_detractors() {
    let mut csv = HEADER.to_string();
    for (i, rec) in [10, 9, 8, 7, 6, 0].iter().enumerate() {
        csv.push_str(&format!("\n{i},east,W1,1,3,3,3,3,{rec}"));
    }
    let survey = read(&csv).expect("reads");
    let r = survey.respondents.as_ref().expect("kept");
    let coded: Vec<f32> = (0..r.len()).map(|i| r.row(i)[NPS]).collect();
    assert_eq!(coded, vec![100.0, 100.0, 0.0, 0.0, -100.0, -100.0]);
    assert_eq!(mean(&survey, NPS), Some(0.0));
}

#[test]
fn cells_are_sorted_and_respondents_point_at_them() {
    let csv = format!(
        "{HEADER}\n1,west,W2,1,3,3,3,3,8\n2,east,W2,1,3,3,3,3,8\n3,west,W1,1,3,3,3,3,8\n4,east,W2,1,3,3,3,3,8\n"
    );
    let survey = read(&csv).expect("reads");
    let keys: Vec<(String, String)> = survey
        .cells
        .iter()
        .map(|c| {
            (
                c.key.segments[0].clone(),
                c.key.wave.clone().unwrap_or_default(),
            )
        })
        .collect();
    let expected = [("east", "W2"), ("west", "W1"), ("west", "W2")]
        .map(|(a, b)| (a.to_string(), b.to_string()));
    assert_eq!(keys, expected.to_vec());
    let r = survey.respondents.as_ref().expect("kept");
    assert_eq!(r.cells, vec![2, 0, 1, 0]);
    assert_eq!(survey.cells[0].moments.rows, 2);
    assert_eq!(
        survey.cell(&survey.cells[1].key).map(|c| c.moments.rows),
        Some(1)
    );
    let without = read_with(
        &small_model(),
        csv.as_bytes(),
        &IngestOptions {
            keep_respondents: false,
            ..IngestOptions::default()
        },
    )
    .expect("reads");
    assert!(without.respondents.is_none());
    assert_eq!(without.cells, survey.cells);
}

// ---------------------------------------------------------------- structure

#[test]
fn missing_column_suggests_the_closest_header_name() {
    let csv = "id,region,wave,w,a1,A2,b1,s1,rec\n1,east,W1,1,3,3,3,3,8\n";
    let err = read(csv).expect_err("a2 is missing");
    assert!(matches!(err, DataError::MissingColumn { .. }), "{err:?}");
    assert_eq!(err.column(), Some("a2"));
    let message = err.to_string();
    assert!(message.contains("driver `a`"), "{message}");
    assert!(message.contains("did you mean `A2`?"), "{message}");
}

#[test]
fn ragged_row_is_an_error_with_field_counts() {
    let csv = format!("{HEADER}\n1,east,W1,1,3,3,3,3,8\n2,east,W1,1,3,3,3,3\n");
    let err = read(&csv).expect_err("ragged");
    assert!(matches!(err, DataError::Ragged { .. }), "{err:?}");
    assert_eq!(err.row(), Some(3));
    assert!(
        err.to_string().contains("has 8 fields, expected 9"),
        "{err}"
    );
}

#[test]
fn empty_file_header_only_and_duplicate_columns_are_errors() {
    assert!(matches!(read(""), Err(DataError::Empty { .. })));
    assert!(matches!(read("\u{feff}"), Err(DataError::Empty { .. })));
    assert!(matches!(read("\n\r\n\n"), Err(DataError::Empty { .. })));
    assert!(matches!(
        read(&format!("{HEADER}\n")),
        Err(DataError::NoRows { .. })
    ));
    let dup = read("id,region,wave,w,a1,a2,b1,s1,rec,a1\n1,east,W1,1,3,3,3,3,8,3\n")
        .expect_err("duplicate");
    assert!(matches!(dup, DataError::DuplicateColumn { .. }), "{dup:?}");
    assert_eq!(dup.column(), Some("a1"));
    assert!(dup.to_string().contains("columns 5 and 10"), "{dup}");
    // duplicates among columns the model does not use are harmless
    read("id,region,wave,w,a1,a2,b1,s1,rec,,\n1,east,W1,1,3,3,3,3,8,,\n").expect("reads");
}

#[test]
fn read_errors_are_io_errors() {
    struct Failing(usize);
    impl std::io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("disk on fire"));
            }
            let line = b"1,east,W1,1,3,3,3,3,8\n";
            self.0 -= 1;
            let n = line.len().min(buf.len());
            buf[..n].copy_from_slice(&line[..n]);
            Ok(n)
        }
    }
    let model = small_model();
    let header = format!("{HEADER}\n");
    let reader = std::io::Read::chain(header.as_bytes(), Failing(3));
    let err = ingest(
        &model,
        &eval_order(&model),
        "survey.csv",
        reader,
        &IngestOptions::default(),
    )
    .expect_err("fails");
    assert!(matches!(err, DataError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("disk on fire"), "{err}");
}

#[test]
fn a_bad_evaluation_order_is_an_error_not_a_panic() {
    let model = small_model();
    let csv = format!("{HEADER}\n1,east,W1,1,3,3,3,3,8\n");
    for order in [vec![0, 1, 3, 4], vec![0, 1, 2, 2, 3], vec![0, 1, 2, 3, 99]] {
        let err = ingest(
            &model,
            &order,
            "survey.csv",
            csv.as_bytes(),
            &IngestOptions::default(),
        )
        .expect_err("bad order");
        assert!(
            matches!(err, DataError::EvalOrder { .. }),
            "{order:?}: {err:?}"
        );
    }
}

// ---------------------------------------------------------------- telecom fixtures

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/broken/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).expect("fixture exists")
}

fn read_fixture(name: &str, options: &IngestOptions) -> Result<Survey, DataError> {
    let model = telecom_model();
    ingest(
        &model,
        &eval_order(&model),
        name,
        fixture(name).as_slice(),
        options,
    )
}

#[test]
fn broken_fixtures_fail_where_their_defect_is() {
    let defaults = IngestOptions::default();
    let err = read_fixture("ragged.csv", &defaults).expect_err("ragged");
    assert!(
        matches!(
            err,
            DataError::Ragged {
                row: 4,
                expected: 22,
                found: 21,
                ..
            }
        ),
        "{err:?}"
    );

    let err = read_fixture("out_of_scale.csv", &defaults).expect_err("out of scale");
    assert_eq!((err.row(), err.column()), (Some(3), Some("q_staff1")));

    let err = read_fixture("text_in_number.csv", &defaults).expect_err("text");
    assert_eq!((err.row(), err.column()), (Some(5), Some("q_price2")));

    let err = read_fixture("missing_column.csv", &defaults).expect_err("missing column");
    assert_eq!(err.column(), Some("q_recommend"));
    assert!(
        err.to_string().contains("did you mean `q_recomend`?"),
        "{err}"
    );
    assert!(err.to_string().contains("driver `nps`"), "{err}");

    let err = read_fixture("empty_segment.csv", &defaults).expect_err("empty segment");
    assert!(matches!(err, DataError::EmptySegment { .. }), "{err:?}");
    assert_eq!((err.row(), err.column()), (Some(4), Some("region")));

    let utf8 = IngestOptions {
        encoding: Encoding::Utf8,
        ..IngestOptions::default()
    };
    let err = read_fixture("gbk.csv", &utf8).expect_err("gbk forced utf8");
    assert!(matches!(err, DataError::Encoding { .. }), "{err:?}");
}

#[test]
fn gbk_fixture_reads_in_auto_mode_like_its_utf8_twin() {
    let survey = read_fixture("gbk.csv", &IngestOptions::default()).expect("reads");
    assert_eq!(survey.rows, 5);
    let segments: Vec<&str> = survey
        .cells
        .iter()
        .map(|c| c.key.segments[0].as_str())
        .collect();
    assert!(
        segments.contains(&"华东") && segments.contains(&"华南"),
        "{segments:?}"
    );
    // the same rows in UTF-8 give the same moments
    let model = telecom_model();
    let utf8 = encoding_rs::GBK.decode(&fixture("gbk.csv")).0.into_owned();
    let twin = ingest(
        &model,
        &eval_order(&model),
        "u.csv",
        utf8.as_bytes(),
        &IngestOptions::default(),
    )
    .expect("reads");
    assert_eq!(twin.cells, survey.cells);
}

#[test]
fn skip_mode_reads_the_value_fixtures() {
    let survey = read_fixture("out_of_scale.csv", &skip()).expect("skip");
    assert_eq!(survey.invalid.columns.get("q_staff1"), Some(&1));
    let survey = read_fixture("empty_segment.csv", &skip()).expect("skip");
    assert_eq!(survey.invalid.skipped_rows, 1);
    assert_eq!(total(&survey).rows, 4);
}

#[test]
fn telecom_missing_token_99_and_churn_rate() {
    let model = telecom_model();
    let header = "respondent_id,region,wave,weight,q_resp1,q_resp2,q_staff1,q_staff2,q_resol1,q_resol2,q_net1,q_net2,q_net3,q_price1,q_price2,q_brand1,q_brand2,q_service,q_sat1,q_sat2,q_recommend,churned";
    let csv = format!(
        "{header}\n1,华东,2025H2,1,99,4,4,4,3,3,4,4,2,3,3,4,4,3,4,4,8,1\n2,华东,2025H2,1,3,4,4,4,3,3,4,4,2,3,3,4,4,3,4,4,8,0\n"
    );
    let survey = ingest(
        &model,
        &eval_order(&model),
        "s.csv",
        csv.as_bytes(),
        &IngestOptions::default(),
    )
    .expect("reads");
    let m = total(&survey);
    let resp = model.node_index("response_time").expect("node");
    // row 1: q_resp1 = 99 is missing → 4 → 75; row 2: (3+4)/2 = 3.5 → 62.5
    assert_eq!(m.nodes[resp].mean(), Some(68.75));
    let churn = model.node_index("churn").expect("node");
    assert_eq!(m.nodes[churn].mean(), Some(50.0));
}

// ---------------------------------------------------------------- merging

/// Rows whose node values are exactly representable, so sums are exact.
fn dyadic_rows(seed: &[(u8, u8, u8, u8, u8, u8, u8)]) -> Vec<String> {
    let regions = ["east", "west", "north"];
    seed.iter()
        .enumerate()
        .map(|(i, &(r, a1, a2, b1, s1, rec, w))| {
            let missing = |v: u8| {
                if v == 0 {
                    "NA".to_string()
                } else {
                    v.to_string()
                }
            };
            format!(
                "{i},{},W{},{},{},{},{},{},{}",
                regions[usize::from(r) % 3],
                r % 2,
                f64::from(w) / 2.0,
                missing(a1),
                missing(a2),
                missing(b1),
                missing(s1),
                rec
            )
        })
        .collect()
}

fn merged(parts: &[&Survey]) -> BTreeMap<CellKey, Moments> {
    let mut out: BTreeMap<CellKey, Moments> = BTreeMap::new();
    for survey in parts {
        for cell in &survey.cells {
            out.entry(cell.key.clone())
                .or_insert_with(|| Moments::new(survey.nodes))
                .merge(&cell.moments);
        }
    }
    out
}

fn ingest_rows(rows: &[String]) -> Survey {
    let mut csv = HEADER.to_string();
    for row in rows {
        csv.push('\n');
        csv.push_str(row);
    }
    read(&csv).expect("generated rows read")
}

#[test]
fn moments_of_two_halves_merge_to_the_whole_exactly() {
    let seed: Vec<_> = (0u8..40)
        .map(|i| {
            (
                i % 5,
                i % 6,
                (i % 6) * 3 % 6,
                (i % 6) * 7 % 6,
                1 + i % 5,
                i % 11,
                1 + i % 4,
            )
        })
        .collect();
    let rows = dyadic_rows(&seed);
    let whole = ingest_rows(&rows);
    let (first, second) = rows.split_at(17);
    let a = ingest_rows(first);
    let b = ingest_rows(second);
    let whole_map: BTreeMap<CellKey, Moments> = whole
        .cells
        .iter()
        .map(|c| (c.key.clone(), c.moments.clone()))
        .collect();
    assert_eq!(merged(&[&a, &b]), whole_map);
    assert_eq!(merged(&[&b, &a]), whole_map);
    assert!(whole.total().complete.n > 0);
}

fn arb_node() -> impl Strategy<Value = NodeMoments> {
    (
        0u64..1000,
        -1000i32..1000,
        0i32..1000,
        -1000i32..1000,
        0i32..1000,
    )
        .prop_map(|(n, sw, sw2, s1, s2)| NodeMoments {
            n,
            sw: f64::from(sw) / 4.0,
            sw2: f64::from(sw2) / 8.0,
            s1: f64::from(s1) * 12.5,
            s2: f64::from(s2) * 156.25,
        })
}

fn arb_moments() -> impl Strategy<Value = Moments> {
    (
        0u64..1000,
        proptest::collection::vec(arb_node(), 3),
        proptest::collection::vec(-1000i32..1000, 3 + 6),
    )
        .prop_map(|(rows, nodes, sums)| {
            let mut m = Moments::new(3);
            m.rows = rows;
            m.sw = nodes.iter().map(|n| n.sw).sum();
            m.sw2 = nodes.iter().map(|n| n.sw2).sum();
            m.nodes = nodes;
            m.complete.n = rows / 2;
            m.complete.sw = f64::from(sums[0]) / 2.0;
            m.complete.sum = sums[..3].iter().map(|&s| f64::from(s) * 3.125).collect();
            m.complete.cross = sums[3..].iter().map(|&s| f64::from(s) * 9.765625).collect();
            m
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn merge_is_commutative_and_associative(a in arb_moments(), b in arb_moments(), c in arb_moments()) {
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        prop_assert_eq!(&ab, &ba);
        let mut ab_c = ab.clone();
        ab_c.merge(&c);
        let mut bc = b.clone();
        bc.merge(&c);
        let mut a_bc = a.clone();
        a_bc.merge(&bc);
        prop_assert_eq!(ab_c, a_bc);
        let mut with_empty = a.clone();
        with_empty.merge(&Moments::new(3));
        prop_assert_eq!(with_empty, a);
    }

    #[test]
    fn any_split_of_the_rows_merges_to_the_whole(
        seed in proptest::collection::vec((0u8..6, 0u8..6, 0u8..6, 0u8..6, 1u8..6, 0u8..11, 1u8..5), 1..30),
        cut in 0usize..30,
    ) {
        let rows = dyadic_rows(&seed);
        let cut = cut.min(rows.len() - 1).max(1).min(rows.len());
        let whole = ingest_rows(&rows);
        let whole_map: BTreeMap<CellKey, Moments> =
            whole.cells.iter().map(|c| (c.key.clone(), c.moments.clone())).collect();
        let (first, second) = rows.split_at(cut);
        let a = ingest_rows(first);
        let parts = if second.is_empty() { vec![a] } else { vec![a, ingest_rows(second)] };
        let refs: Vec<&Survey> = parts.iter().collect();
        prop_assert_eq!(merged(&refs), whole_map);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), skip_mode in any::<bool>()) {
        let mut input = format!("{HEADER}\n").into_bytes();
        input.extend_from_slice(&bytes);
        let options = if skip_mode { skip() } else { IngestOptions::default() };
        let _ = read_with(&small_model(), &input, &options);
        let _ = read_with(&small_model(), &bytes, &options);
    }

    #[test]
    fn numeric_looking_rows_never_panic(
        rows in proptest::collection::vec(proptest::collection::vec("[0-9NA.,\" \\-]{0,4}", 0..12), 0..8),
    ) {
        let mut csv = HEADER.to_string();
        for row in rows {
            csv.push('\n');
            csv.push_str(&row.join(","));
        }
        let _ = read_with(&small_model(), csv.as_bytes(), &skip());
        let _ = read(&csv);
    }
}

// ---------------------------------------------------------------- many batches

fn many_rows(n: usize) -> String {
    let mut csv = HEADER.to_string();
    let regions = ["east", "west", "north"];
    for i in 0..n {
        csv.push_str(&format!(
            "\n{i},{},W{},1,{},{},{},{},{}",
            regions[i % 3],
            i % 2,
            1 + i % 5,
            1 + (i / 5) % 5,
            1 + (i / 25) % 5,
            1 + i % 4,
            i % 11
        ));
    }
    csv.push('\n');
    csv
}

#[test]
fn large_inputs_keep_file_order_and_report_the_first_error() {
    let n = 20_000;
    let csv = many_rows(n);
    let survey = read(&csv).expect("reads");
    assert_eq!(survey.rows, n as u64);
    let r = survey.respondents.as_ref().expect("kept");
    assert_eq!(r.len(), n);
    for i in [0, 4095, 4096, 12_345, n - 1] {
        // b1 = 1 + (i / 25) % 5 → index 25 · ((i / 25) % 5)
        assert_eq!(r.row(i)[B], 25.0 * ((i / 25) % 5) as f32, "row {i}");
        let key = &survey.cells[r.cells[i] as usize].key;
        assert_eq!(key.segments[0], ["east", "west", "north"][i % 3]);
        assert_eq!(key.wave.as_deref(), Some(["W0", "W1"][i % 2]));
    }
    assert_eq!(total(&survey).rows, n as u64);

    // two bad values far apart: the first in the file is reported, every time
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    lines[15_000] = lines[15_000].replacen(",1,", ",0,", 1); // weight 0
    lines[9_000] = "oops,east,W1,1,3,3,3".to_string(); // ragged, earlier
    let broken = lines.join("\n");
    for _ in 0..5 {
        let err = read(&broken).expect_err("broken");
        assert!(matches!(err, DataError::Ragged { .. }), "{err:?}");
        assert_eq!(err.row(), Some(9_001));
    }
    let skipped = read_with(
        &small_model(),
        lines[..9_000].join("\n").replace(",1,", ",x,").as_bytes(),
        &skip(),
    )
    .expect("skip mode");
    assert_eq!(skipped.invalid.skipped_rows, 8_999);
    assert_eq!(skipped.invalid.columns.get("w"), Some(&8_999));
}

#[test]
fn results_are_identical_run_to_run() {
    let csv = many_rows(30_000);
    let first = read(&csv).expect("reads");
    for _ in 0..3 {
        assert_eq!(read(&csv).expect("reads"), first);
    }
}

#[test]
fn a_composite_fed_by_a_composite_needs_it_first() {
    let model = load_model(
        "m.yaml",
        r#"
drivers:
  - id: a
    items: [a1]
  - id: inner
    inputs: [a]
    weights: {a: 1}
  - id: outer
    inputs: [inner]
    weights: {inner: 2}
    outcome: true
"#,
    )
    .expect("loads");
    let csv = "a1\n5\n4\n";
    let survey = ingest(
        &model,
        &[0, 1, 2],
        "s.csv",
        csv.as_bytes(),
        &IngestOptions::default(),
    )
    .expect("reads");
    // no segments, wave or weight: one cell, weight 1
    assert_eq!(survey.cells.len(), 1);
    assert_eq!(survey.cells[0].key, CellKey::default());
    let m = total(&survey);
    assert_eq!(m.sw, 2.0);
    assert_eq!(m.nodes[2].mean(), Some(87.5));
    let err = ingest(
        &model,
        &[0, 2, 1],
        "s.csv",
        csv.as_bytes(),
        &IngestOptions::default(),
    )
    .expect_err("outer before inner");
    assert!(matches!(err, DataError::EvalOrder { .. }), "{err:?}");
}

/// Issue 17 item 2: a weight of 1e200 made `sw2` infinite and the run said only
/// "the moments are not finite". It is refused at its row and column.
#[test]
fn a_weight_whose_square_overflows_is_refused_at_its_row() {
    let error = read(&format!(
        "{HEADER}\n1,east,W1,1,3,3,3,3,8\n2,east,W1,1e200,3,3,3,3,8\n"
    ))
    .expect_err("huge weight");
    assert_eq!(error.column(), Some("w"));
    assert_eq!(error.row(), Some(3));
    assert!(error.to_string().contains("up to 1e100"), "{error}");
    assert!(read(&format!("{HEADER}\n1,east,W1,1e100,3,3,3,3,8\n")).is_ok());
}

// ---------------------------------------------------------------- separators

/// Excel's "Unicode text" (UTF-16, tab-separated) and its CSV where the decimal mark
/// is a comma (`;`-separated) are read as the same survey as the comma-separated
/// file; a workbook or SPSS file named `.csv` is named for what it is.
#[test]
fn tab_and_semicolon_files_read_like_the_comma_file() {
    let rows = [
        "id,region,wave,w,a1,a2,b1,s1,rec",
        "1,east,W1,1,3,3,3,3,8",
        "2,west,W1,2,5,1,4,4,9",
        "3,east,W2,1,2,4,3,2,6",
    ];
    let comma = read(&(rows.join("\n") + "\n")).expect("comma");
    let semicolon = read(&(rows.join("\n").replace(',', ";") + "\n")).expect("semicolon");
    assert_eq!(semicolon.cells, comma.cells);
    let text = rows.join("\r\n").replace(',', "\t") + "\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let tabs = read_with(&small_model(), &utf16, &IngestOptions::default()).expect("utf-16 tabs");
    assert_eq!(tabs.cells, comma.cells);
}

#[test]
fn binary_files_named_csv_say_what_they_are() {
    for (head, kind) in [
        (&b"PK\x03\x04\x14\x00\x00\x00"[..], "Excel workbook (.xlsx)"),
        (&b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00"[..], "(.xls)"),
        (&b"$FL2@(#) IBM SPSS"[..], "SPSS data file"),
    ] {
        let err = read_with(&small_model(), head, &IngestOptions::default())
            .expect_err("not a CSV")
            .to_string();
        assert!(
            err.contains("not a text (CSV) file") && err.contains(kind),
            "{err}"
        );
        assert!(!err.contains("\\u{"), "no bytes echoed: {err}");
    }
}

// ---------------------------------------------------------------- respondent ids

fn with_ids() -> Model {
    load_model(
        "model.yaml",
        &SMALL_MODEL.replace("weight: w\n", "weight: w\nrespondent_id: id\n"),
    )
    .expect("model with ids")
}

/// A repeated respondent is an error naming both lines, the first repeat in file
/// order even when it lies batches apart; `--on-invalid skip` keeps and counts it.
#[test]
fn a_repeated_respondent_id_is_named_with_both_lines() {
    let mut csv = format!("{HEADER}\n");
    for i in 0..10_000 {
        // id 17 again on line 9002 (row 9001); id 5 again later on line 9502.
        let id = match i {
            9_000 => 17,
            9_500 => 5,
            _ => i,
        };
        csv.push_str(&format!("{id},east,W1,1,3,3,3,3,8\n"));
    }
    let err = read_with(&with_ids(), csv.as_bytes(), &IngestOptions::default())
        .expect_err("17 twice")
        .to_string();
    assert!(
        err.starts_with(
            "survey.csv:9002: respondent `17` (column `id`) appears again; first on line 19"
        ),
        "{err}"
    );
    let kept = read_with(&with_ids(), csv.as_bytes(), &skip()).expect("skip keeps them");
    assert_eq!(kept.invalid.repeated_ids, 2);
    let first = kept.invalid.first_repeat.clone().expect("first");
    assert_eq!(
        (first.id.as_str(), first.first, first.again),
        ("17", 19, 9002)
    );
    assert_eq!(total(&kept).rows, 10_000);
    // Without `respondent_id:` nothing is checked.
    assert!(read(&csv)
        .expect("no id column")
        .invalid
        .first_repeat
        .is_none());
}

/// A renamed item column unlike its old name in spelling (`q_net1` → `q_quality1`):
/// the help names the header's columns the model does not use, not another item of
/// the same driver.
#[test]
fn a_renamed_column_is_pointed_at_among_the_unused_headers() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/telecom/survey.csv");
    let text = std::fs::read_to_string(path).expect("telecom survey is readable");
    let renamed = text.replacen("q_net1", "q_quality1", 1);
    let model = telecom_model();
    let error = read_with(&model, renamed.as_bytes(), &IngestOptions::default())
        .expect_err("q_net1 is gone");
    let shown = error.to_string();
    assert!(shown.contains("column `q_net1`"), "{shown}");
    assert!(shown.contains("`q_quality1`"), "{shown}");
    assert!(shown.contains("the model does not use"), "{shown}");
    assert!(!shown.contains("did you mean `q_net2`"), "{shown}");
}
