//! `IngestOptions::keep_items`: item rows after reverse coding, NaN for missing and
//! for values skipped as invalid, with weights, only for accepted rows.

use sattrace::data::{ingest, IngestOptions, OnInvalid};
use sattrace::graph::DriverGraph;
use sattrace::model::load_model;

const MODEL: &str = r#"
scale: {min: 1, max: 5}
weight: w
missing: ["", "NA"]
drivers:
  - id: a
    items: [a1, a2]
    reverse: [a2]
  - id: b
    items: [b1]
  - id: sat
    items: [s1]
    inputs: [a, b]
    outcome: true
"#;

#[test]
fn items_are_kept_reverse_coded_in_node_order() {
    let model = load_model("model.yaml", MODEL).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    // columns out of model order; row 3 has a bad weight (dropped in skip mode),
    // row 4 an out-of-scale a1 (missing in skip mode)
    let csv = "s1,b1,a2,a1,w\n4,3,1,5,2\n5,NA,2,4,1\n1,1,1,1,-1\n3,2,5,9,1\n";
    let options = IngestOptions {
        on_invalid: OnInvalid::Skip,
        keep_items: true,
        ..IngestOptions::default()
    };
    let survey = ingest(&model, graph.order(), "s.csv", csv.as_bytes(), &options).expect("ingest");
    let items = survey.items.expect("kept");
    assert_eq!(items.names, ["a1", "a2", "b1", "s1"]);
    assert_eq!(items.node_of, [0, 0, 1, 2]);
    assert_eq!(items.len(), 3);
    assert_eq!(items.row(0), &[5.0, 5.0, 3.0, 4.0]);
    let row = items.row(1);
    assert_eq!((row[0], row[1], row[3]), (4.0, 4.0, 5.0));
    assert!(row[2].is_nan());
    assert!(items.row(2)[0].is_nan());
    assert_eq!(&items.row(2)[1..], &[1.0, 2.0, 3.0]);
    assert_eq!(items.weights, [2.0, 1.0, 1.0]);
    assert!(items.row(3).is_empty());

    let plain = ingest(
        &model,
        graph.order(),
        "s.csv",
        csv.as_bytes(),
        &IngestOptions {
            on_invalid: OnInvalid::Skip,
            ..IngestOptions::default()
        },
    )
    .expect("ingest");
    assert!(plain.items.is_none());
}
