use sattrace::graph::{strongest_path, total_effects, DriverGraph, GraphError};
use sattrace::model::load_model;

fn model(text: &str) -> sattrace::model::Model {
    load_model("model.yaml", text).expect("valid model")
}

#[test]
fn cycle_is_printed_with_every_edge_located() {
    let m = model(
        "drivers:\n  - id: a\n    items: [q1]\n    inputs: [c]\n  - id: b\n    items: [q2]\n    inputs: [a]\n  - id: c\n    items: [q3]\n    inputs: [b]\n  - id: out\n    items: [q4]\n    inputs: [c]\n    outcome: true\n",
    );
    let err = DriverGraph::build(&m).expect_err("cycle");
    let GraphError::Cycle { cycle, edges, .. } = &err else {
        panic!("expected a cycle, got {err}");
    };
    assert_eq!(cycle.join(" → "), "a → b → c → a");
    assert_eq!(edges[0].0, "a → b");
    assert_eq!(edges[0].1.to_string(), "model.yaml:7:14");
    assert!(
        err.to_string()
            .contains("the drivers form a cycle: a → b → c → a"),
        "{err}"
    );
}

#[test]
fn node_that_reaches_no_outcome_is_an_error() {
    let m = model(
        "drivers:\n  - id: a\n    items: [q1]\n  - id: out\n    items: [q2]\n    outcome: true\n",
    );
    let err = DriverGraph::build(&m).expect_err("unreachable");
    assert_eq!(
        err.to_string().lines().next(),
        Some("model.yaml:2:9: `a` reaches no outcome")
    );
}

#[test]
fn order_puts_inputs_first_and_is_stable() {
    let text = std::fs::read_to_string("fixtures/telecom/model.yaml").expect("fixture");
    let m = model(&text);
    let g = DriverGraph::build(&m).expect("graph");
    let pos = |id: &str| {
        let i = m.node_index(id).expect("id");
        g.order().iter().position(|&n| n == i).expect("in order")
    };
    assert!(pos("response_time") < pos("service"));
    assert!(pos("service") < pos("satisfaction"));
    assert!(pos("satisfaction") < pos("nps"));
    assert_eq!(g.order(), DriverGraph::build(&m).expect("graph").order());
}

#[test]
fn total_effects_sum_all_paths_and_match_the_matrix_inverse() {
    // a → b → d, a → c → d, a → d: total(a→d) = 0.5·0.4 + 0.3·0.2 + 0.1 = 0.36
    let m = model(
        "drivers:\n  - id: a\n    items: [q1]\n  - id: b\n    items: [q2]\n    inputs: [a]\n  - id: c\n    items: [q3]\n    inputs: [a]\n  - id: d\n    items: [q4]\n    inputs: [b, c, a]\n    outcome: true\n",
    );
    let g = DriverGraph::build(&m).expect("graph");
    let mut direct = vec![vec![0.0; 4]; 4];
    direct[1][0] = 0.5;
    direct[2][0] = 0.3;
    direct[3][1] = 0.4;
    direct[3][2] = 0.2;
    direct[3][0] = 0.1;
    let total = total_effects(&g, &direct);
    assert!((total[0][3] - 0.36).abs() < 1e-12);
    assert!((total[1][3] - 0.4).abs() < 1e-12);
    assert_eq!(total[3][0], 0.0);
    // (I − B)⁻¹ by Neumann series: B is nilpotent on a DAG, so I + B + B² + B³ is exact.
    let mul = |x: &Vec<Vec<f64>>, y: &Vec<Vec<f64>>| -> Vec<Vec<f64>> {
        (0..4)
            .map(|i| {
                (0..4)
                    .map(|j| (0..4).map(|k| x[i][k] * y[k][j]).sum())
                    .collect()
            })
            .collect()
    };
    let mut power = direct.clone();
    let mut inverse: Vec<Vec<f64>> = (0..4)
        .map(|i| (0..4).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    for _ in 0..3 {
        for i in 0..4 {
            for j in 0..4 {
                inverse[i][j] += power[i][j];
            }
        }
        power = mul(&power, &direct);
    }
    for d in 0..4 {
        for o in 0..4 {
            assert!((total[d][o] - inverse[o][d]).abs() < 1e-12, "{d}->{o}");
        }
    }
    assert_eq!(strongest_path(&g, &direct, 0, 3), Some(vec![0, 1, 3]));
    assert_eq!(strongest_path(&g, &direct, 3, 0), None);
}
