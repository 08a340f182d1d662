//! Differential test of the moments table: for random surveys (weights, missing
//! answers, reverse items, NPS and a 0/1 rate, segments and waves), the analysis of
//! the CSV and the analysis of the moments table made from it — written out as CSV
//! and read back, as `sattrace moments` and `--moments` do — are equal in every
//! value: scores, intervals, effects, reliabilities, quadrants and root causes.

use proptest::prelude::*;
use sattrace::analysis::{analyze, Analysis, AnalysisOptions};
use sattrace::data::{ingest, IngestOptions};
use sattrace::graph::DriverGraph;
use sattrace::model::{load_model, Model};
use sattrace::moments::{Layout, MomentsTable};

const MODEL: &str = "\
name: differential
scale: {min: 1, max: 5}
segments: [region]
wave: wave
weight: w
missing: ['', NA, '99']
drivers:
  - {id: speed, items: [s1, s2, s3], reverse: [s3], target: 4.2}
  - {id: price, items: [p1, p2], target: 4.0}
  - {id: sat, items: [o1, o2], inputs: [speed, price], outcome: true, target: 4.5}
  - {id: rec, items: [ltr], metric: nps, scale: {min: 0, max: 10}, inputs: [sat], outcome: true, target: 40}
  - {id: stay, items: [kept], metric: rate, scale: {min: 0, max: 1}, inputs: [sat], outcome: true, target: 90}
";

fn model() -> Model {
    load_model("model.yaml", MODEL).expect("model")
}

/// One respondent: region, wave, weight, then the items (value or missing).
type Row = (bool, bool, u8, Vec<Option<u8>>);

fn row() -> impl Strategy<Value = Row> {
    let item = |max: u8| prop_oneof![9 => (1u8..=max).prop_map(Some), 1 => Just(None)];
    (
        any::<bool>(),
        any::<bool>(),
        1u8..=4,
        (
            proptest::collection::vec(item(5), 7),
            prop_oneof![9 => (0u8..=10).prop_map(Some), 1 => Just(None)],
            (0u8..=1).prop_map(Some),
        ),
    )
        .prop_map(|(east, w2, weight, (mut items, ltr, kept))| {
            items.push(ltr);
            items.push(kept);
            (east, w2, weight, items)
        })
}

fn csv(rows: &[Row]) -> String {
    let mut text = String::from("region,wave,w,s1,s2,s3,p1,p2,o1,o2,ltr,kept\n");
    for (k, (east, w2, weight, items)) in rows.iter().enumerate() {
        let values: Vec<String> = items
            .iter()
            .map(|v| match v {
                Some(v) => v.to_string(),
                // Both missing tokens, and an empty field.
                None => ["NA", "99", ""][k % 3].to_string(),
            })
            .collect();
        text.push_str(&format!(
            "{},{},{},{}\n",
            if *east { "east" } else { "west" },
            if *w2 { "W2" } else { "W1" },
            f64::from(*weight) / 2.0,
            values.join(",")
        ));
    }
    text
}

fn analysis_of(model: &Model, graph: &DriverGraph, survey: &sattrace::data::Survey) -> Analysis {
    analyze(model, graph, survey, &AnalysisOptions::default()).expect("analysis")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn the_moments_table_analyses_like_the_csv(rows in proptest::collection::vec(row(), 80..160)) {
        let model = model();
        let graph = DriverGraph::build(&model).expect("graph");
        let text = csv(&rows);
        let options = IngestOptions { item_moments: true, ..IngestOptions::default() };
        let survey = ingest(&model, graph.order(), "s.csv", text.as_bytes(), &options)
            .expect("ingest");
        let direct = analysis_of(&model, &graph, &survey);

        let layout = Layout::new(&model).expect("layout");
        let mut written = Vec::new();
        MomentsTable::from_survey(&layout, &survey)
            .expect("table")
            .to_csv(&layout, &mut written)
            .expect("csv");
        let table = MomentsTable::from_csv(&layout, written.as_slice(), "m.csv").expect("read back");
        let from_table = table.into_survey(&layout, "m.csv", false).expect("survey");
        prop_assert_eq!(&from_table.cells, &survey.cells);
        let via_table = analysis_of(&model, &graph, &from_table);
        // Every slice, every value: the two analyses are one.
        prop_assert_eq!(format!("{:?}", via_table.slices), format!("{:?}", direct.slices));
        prop_assert_eq!(format!("{:?}", via_table.root_causes), format!("{:?}", direct.root_causes));
    }
}
