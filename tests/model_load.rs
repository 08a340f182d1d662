use sattrace::model::{load_model, Metric};

fn load(text: &str) -> Result<sattrace::model::Model, String> {
    load_model("model.yaml", text).map_err(|e| e.to_string())
}

#[test]
fn loads_the_telecom_example() {
    let text = std::fs::read_to_string("fixtures/telecom/model.yaml").expect("fixture");
    let model = load(&text).expect("valid model");
    assert_eq!(model.nodes.len(), 10);
    assert_eq!(model.primary_outcome, "satisfaction");
    let nps = model.node("nps").expect("nps");
    assert_eq!(nps.metric, Metric::Nps);
    assert_eq!((nps.scale.min, nps.scale.max), (0.0, 10.0));
    assert_eq!(
        model.node("network").expect("network").reverse,
        vec!["q_net3"]
    );
}

#[test]
fn unknown_key_is_located_with_a_suggestion() {
    let err = load("drivers:\n  - id: a\n    itmes: [q1]\n").expect_err("unknown key");
    assert!(
        err.starts_with("model.yaml:3:5: unknown field `itmes`"),
        "{err}"
    );
    assert!(err.contains("did you mean `items`?"), "{err}");
}

#[test]
fn unknown_input_suggests_the_nearest_id() {
    let text = "drivers:\n  - id: response_time\n    items: [q1]\n  - id: sat\n    items: [q2]\n    outcome: true\n    inputs: [respons_time]\n";
    let err = load(text).expect_err("unknown input");
    assert!(
        err.starts_with("model.yaml:7:14: `sat` names unknown input `respons_time`"),
        "{err}"
    );
    assert!(err.contains("did you mean `response_time`?"), "{err}");
}

#[test]
fn duplicate_ids_and_items_are_errors() {
    let dup =
        "drivers:\n  - id: a\n    items: [q1]\n  - id: a\n    items: [q2]\n    outcome: true\n";
    assert!(load(dup)
        .expect_err("dup")
        .contains("duplicate driver id `a`"));
    let shared =
        "drivers:\n  - id: a\n    items: [q1]\n  - id: b\n    items: [q1]\n    outcome: true\n";
    assert!(load(shared)
        .expect_err("shared item")
        .contains("item `q1` is used by both `a` and `b`"));
}

#[test]
fn target_outside_scale_is_an_error() {
    let text = "drivers:\n  - id: a\n    items: [q1]\n    outcome: true\n    target: 7\n";
    let err = load(text).expect_err("target");
    assert!(
        err.starts_with("model.yaml:5:13: target 7 of `a` is outside"),
        "{err}"
    );
}

#[test]
fn bad_due_date_is_an_error() {
    let text = "drivers:\n  - id: a\n    items: [q1]\n    outcome: true\n    due: 2027-02-30\n";
    assert!(load(text)
        .expect_err("date")
        .contains("`2027-02-30` is not a date"));
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        text.push_str(&format!(
            "a{i}: &a{i} [{p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}]\n",
            p = prev
        ));
    }
    text.push_str("drivers: *a11\n");
    let started = std::time::Instant::now();
    assert!(load(&text).is_err());
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn no_outcome_is_an_error() {
    let err = load("drivers:\n  - id: a\n    items: [q1]\n").expect_err("no outcome");
    assert!(err.contains("the model has no outcome"), "{err}");
}
