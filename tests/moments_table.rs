//! The moments table as a library: CSV round trips exactly, merging is exact
//! addition and is commutative and associative (property tests on tables whose
//! sums are exactly representable), and item moments from the ingest match a
//! hand computation.

use proptest::prelude::*;
use sattrace::data::{ingest, IngestOptions};
use sattrace::graph::DriverGraph;
use sattrace::model::{load_model, Model};
use sattrace::moments::{BlockStat, ColumnKind, ItemStat, Layout, MomentsTable, NodeStat};

const MODEL: &str = "\
name: t
scale: {min: 1, max: 5}
segments: [region]
wave: wave
weight: w
missing: [NA]
drivers:
  - id: a
    items: [a1, a2]
    reverse: [a2]
  - id: rec
    items: [ltr]
    metric: nps
    scale: {min: 0, max: 10}
  - id: sat
    items: [s1]
    inputs: [a, rec]
    outcome: true
";

fn model() -> Model {
    load_model("model.yaml", MODEL).expect("model")
}

const KEYS: [(&str, &str); 4] = [
    ("east", "W1"),
    ("east", "W2"),
    ("west", "W1"),
    ("west", "W2"),
];

/// CSV text of a table: for each chosen key, every count from `ints` and every sum
/// a multiple of 1/8 (so any order of additions is exact).
fn table_csv(layout: &Layout, cells: &[(usize, Vec<i32>)]) -> String {
    let mut text = layout.names().collect::<Vec<_>>().join(",");
    text.push('\n');
    for (key, values) in cells {
        let (region, wave) = KEYS[*key % KEYS.len()];
        let fields: Vec<String> = layout
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let v = values.get(i).copied().unwrap_or(0);
                match c.kind {
                    ColumnKind::Schema => "sattrace.moments/1".to_string(),
                    ColumnKind::Fingerprint => layout.fingerprint.clone(),
                    ColumnKind::Segment(_) => region.to_string(),
                    ColumnKind::Wave => wave.to_string(),
                    kind if kind.is_count() => v.unsigned_abs().to_string(),
                    // Sums of weights and of squares are never negative, and a
                    // node's sums obey s1² ≤ sw·s2 (|s1| ≤ 12,500 here): offsets keep
                    // every value exact and the table valid.
                    ColumnKind::Sw | ColumnKind::Sw2 => {
                        (f64::from(v.unsigned_abs()) / 8.0).to_string()
                    }
                    ColumnKind::Node {
                        stat: NodeStat::Sw | NodeStat::Sw2,
                        ..
                    } => (f64::from(v.unsigned_abs()) / 8.0 + 1000.0).to_string(),
                    ColumnKind::Node {
                        stat: NodeStat::S2, ..
                    } => (f64::from(v.unsigned_abs()) / 8.0 + 200_000.0).to_string(),
                    ColumnKind::Item {
                        stat: ItemStat::Sw | ItemStat::S2 | ItemStat::Point(_),
                        ..
                    } => (f64::from(v.unsigned_abs()) / 8.0).to_string(),
                    ColumnKind::Cc(stat) | ColumnKind::Ic(stat)
                        if matches!(stat, BlockStat::Sw | BlockStat::Sw2)
                            || matches!(stat, BlockStat::S2(a, b) if a == b) =>
                    {
                        (f64::from(v.unsigned_abs()) / 8.0).to_string()
                    }
                    _ => (f64::from(v) / 8.0).to_string(),
                }
            })
            .collect();
        text.push_str(&fields.join(","));
        text.push('\n');
    }
    text
}

fn arb_table(columns: usize) -> impl Strategy<Value = Vec<(usize, Vec<i32>)>> {
    prop::collection::vec(
        (
            0usize..4,
            prop::collection::vec(-100_000i32..100_000, columns),
        ),
        1..4,
    )
}

fn parse(layout: &Layout, text: &str) -> MomentsTable {
    MomentsTable::from_csv(layout, text.as_bytes(), "t.csv").expect("parses")
}

fn merged(a: &MomentsTable, b: &MomentsTable) -> MomentsTable {
    let mut out = a.clone();
    out.merge(b, ("a", "b")).expect("same model");
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn merge_is_commutative_and_associative(
        a in arb_table(Layout::new(&model()).expect("layout").columns.len()),
        b in arb_table(Layout::new(&model()).expect("layout").columns.len()),
        c in arb_table(Layout::new(&model()).expect("layout").columns.len()),
    ) {
        let layout = Layout::new(&model()).expect("layout");
        let (a, b, c) = (
            parse(&layout, &table_csv(&layout, &a)),
            parse(&layout, &table_csv(&layout, &b)),
            parse(&layout, &table_csv(&layout, &c)),
        );
        prop_assert_eq!(merged(&a, &b), merged(&b, &a));
        prop_assert_eq!(merged(&merged(&a, &b), &c), merged(&a, &merged(&b, &c)));
    }

    #[test]
    fn csv_round_trips_exactly(cells in arb_table(Layout::new(&model()).expect("layout").columns.len())) {
        let layout = Layout::new(&model()).expect("layout");
        let table = parse(&layout, &table_csv(&layout, &cells));
        let mut written = Vec::new();
        table.to_csv(&layout, &mut written).expect("writes");
        let text = String::from_utf8(written).expect("utf-8");
        prop_assert_eq!(&parse(&layout, &text), &table);
        // Rows of equal keys in one file are added, so a table never has two.
        prop_assert!(text.lines().count() <= 1 + KEYS.len());
    }
}

#[test]
fn awkward_sums_round_trip_bit_for_bit() {
    let layout = Layout::new(&model()).expect("layout");
    let mut text = table_csv(&layout, &[(0, vec![1; layout.columns.len()])]);
    // Replace `sw` with values whose shortest form is long or tiny.
    for value in [
        "0.1",
        "1e-300",
        "123456789.123456789",
        "0.30000000000000004",
    ] {
        let line = text.lines().nth(1).expect("row").to_string();
        let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
        fields[5] = value.to_string();
        text = format!(
            "{}\n{}\n",
            text.lines().next().expect("header"),
            fields.join(",")
        );
        let table = parse(&layout, &text);
        let mut written = Vec::new();
        table.to_csv(&layout, &mut written).expect("writes");
        let again = parse(&layout, &String::from_utf8(written).expect("utf-8"));
        assert_eq!(
            again.cells[0].moments.sw.to_bits(),
            value.parse::<f64>().expect("number").to_bits()
        );
    }
}

#[test]
fn item_moments_from_the_ingest_match_a_hand_computation() {
    let model = model();
    let graph = DriverGraph::build(&model).expect("graph");
    // a2 is reversed (1..5 → 5..1); ltr is 0–10 with center 5; `NA` is missing.
    let csv = "region,wave,w,a1,a2,ltr,s1\n\
               east,W1,2,5,1,9,4\n\
               east,W1,1,3,NA,6,2\n";
    let options = IngestOptions {
        item_moments: true,
        keep_respondents: false,
        ..IngestOptions::default()
    };
    let survey = ingest(&model, graph.order(), "s.csv", csv.as_bytes(), &options).expect("reads");
    let layout = Layout::new(&model).expect("layout");
    let table = MomentsTable::from_survey(&layout, &survey).expect("table");
    let mut out = Vec::new();
    table.to_csv(&layout, &mut out).expect("writes");
    let text = String::from_utf8(out).expect("utf-8");
    let header: Vec<&str> = text.lines().next().expect("header").split(',').collect();
    let row: Vec<&str> = text.lines().nth(1).expect("row").split(',').collect();
    let get = |name: &str| row[header.iter().position(|h| *h == name).expect(name)];
    assert_eq!(get("rows"), "2");
    assert_eq!((get("sw"), get("sw2")), ("3", "5"));
    // a1: 5 (w 2), 3 (w 1): Σw(x−3) = 4, Σw(x−3)² = 8.
    assert_eq!(
        (get("item:a1:n"), get("item:a1:s1"), get("item:a1:s2")),
        ("2", "4", "8")
    );
    assert_eq!(
        (get("item:a1:p5"), get("item:a1:p3"), get("item:a1:p1")),
        ("2", "1", "0")
    );
    // a2: 1 reversed is 5 (w 2); NA missing.
    assert_eq!(
        (get("item:a2:n"), get("item:a2:missing"), get("item:a2:p5")),
        ("1", "1", "2")
    );
    // ltr 9 and 6 around 5: 2·4 + 1 = 9; 2·16 + 1 = 33.
    assert_eq!((get("item:ltr:s1"), get("item:ltr:s2")), ("9", "33"));
    // Item complete cases: only the first row (a2 missing in the second).
    assert_eq!((get("ic:n"), get("ic:sw")), ("1", "2"));
    // (a1 − 3)(ltr − 5) = 2·4 = 8, weight 2.
    assert_eq!(get("ic:a1:ltr:s2"), "16");
    // Nodes: a = mean(5, 5) → 100 (w 2) and 3 → 50 (w 1): Σw(v−50) = 100.
    assert_eq!(
        (get("node:a:n"), get("node:a:s1"), get("node:a:s2")),
        ("2", "100", "5000")
    );
    // rec: 9 → +100 and 6 → −100: Σw(v−50) = 2·50 − 150 = −50.
    assert_eq!(get("node:rec:s1"), "-50");
    assert_eq!(get("cc:n"), "2");
}
