//! `analyze --importance METHOD` and `weights: {method: …}`: the importance column is
//! the method's importance carried through the graph, cross-checked against
//! `sattrace importance` on the ECSI fixture; effects (and so actions) do not change.

use serde_json::Value;

mod support;
use support::run_in;

fn here() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn json(args: &[&str]) -> Value {
    let (code, out, err) = run_in(here(), args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).expect("json")
}

/// `id → importance` of the whole-sample slice.
fn analyze_importance(extra: &[&str]) -> (Value, Vec<(String, f64)>) {
    let mut args = vec!["analyze", "fixtures/ecsi", "--format", "json"];
    args.extend_from_slice(extra);
    let v = json(&args);
    let drivers = v["segments"][0]["drivers"]
        .as_array()
        .expect("drivers")
        .iter()
        .map(|d| {
            (
                d["id"].as_str().expect("id").to_string(),
                d["importance"].as_f64().expect("importance"),
            )
        })
        .collect();
    (v, drivers)
}

/// LMG shares of `outcome`'s inputs from `sattrace importance`.
fn lmg(outcome: &str) -> Vec<(String, f64)> {
    let v = json(&[
        "importance",
        "fixtures/ecsi",
        "--outcome",
        outcome,
        "--method",
        "lmg",
        "--format",
        "json",
    ]);
    v["drivers"]
        .as_array()
        .expect("drivers")
        .iter()
        .map(|d| {
            (
                d["id"].as_str().expect("id").to_string(),
                d["importance"].as_f64().expect("importance"),
            )
        })
        .collect()
}

fn get(v: &[(String, f64)], id: &str) -> f64 {
    v.iter().find(|(k, _)| k == id).map(|(_, x)| *x).expect(id)
}

#[test]
fn lmg_importance_is_carried_through_the_graph_and_effects_stay_ols() {
    let (v, imp) = analyze_importance(&["--importance", "lmg"]);
    assert_eq!(v["importance_method"], "lmg");
    let on_sat = lmg("satisfaction");
    let on_value = lmg("value");
    // `value` reaches satisfaction only directly: its LMG share of satisfaction's R².
    assert!((get(&imp, "value") - get(&on_sat, "value")).abs() < 1e-4);
    // `quality` directly, and through `value` (its share of value's variance times
    // value's share of satisfaction's).
    let want = get(&on_sat, "quality") + get(&on_value, "quality") * get(&on_sat, "value");
    assert!(
        (get(&imp, "quality") - want).abs() < 1e-4,
        "{imp:?} vs {want}"
    );

    // Effects, root causes and actions are those of OLS.
    let (plain, ols) = analyze_importance(&[]);
    assert_eq!(plain["importance_method"], "ols");
    assert_eq!(plain["actions"], v["actions"]);
    assert_eq!(plain["root_causes"], v["root_causes"]);
    for (a, b) in plain["segments"][0]["drivers"]
        .as_array()
        .expect("drivers")
        .iter()
        .zip(v["segments"][0]["drivers"].as_array().expect("drivers"))
    {
        assert_eq!(a["effect"], b["effect"]);
    }
    // `--importance ols` is the default: byte-identical.
    let (explicit, _) = analyze_importance(&["--importance", "ols"]);
    assert_eq!(explicit, plain);
    assert_ne!(get(&ols, "quality"), get(&imp, "quality"));
}

/// A copy of the ECSI fixture whose satisfaction node carries `weights`.
fn ecsi_with(weights: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in std::fs::read_dir(here().join("fixtures/ecsi")).expect("fixture") {
        let f = f.expect("entry");
        if f.path().is_file() {
            std::fs::copy(f.path(), dir.path().join(f.file_name())).expect("copy");
        }
    }
    let model = std::fs::read_to_string(dir.path().join("model.yaml")).expect("model");
    let line = "    inputs: [image, expectation, quality, value]\n";
    assert!(model.contains(line));
    let model = model.replace(line, &format!("{line}    weights: {weights}\n"));
    std::fs::write(dir.path().join("model.yaml"), model).expect("write");
    dir
}

#[test]
fn model_method_is_used_and_the_flag_overrides_it() {
    let dir = ecsi_with("{method: relweights}");
    let (code, out, err) = run_in(dir.path(), &["analyze", ".", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["importance_method"], "relweights");
    let (code, out, _) = run_in(
        dir.path(),
        &["analyze", ".", "--format", "json", "--importance", "corr"],
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["importance_method"], "corr");
}

#[test]
fn unknown_or_unusable_methods_are_clear_errors() {
    let dir = ecsi_with("{method: lgm}");
    let (code, _, err) = run_in(dir.path(), &["analyze", "."]);
    assert_eq!(code, 2);
    assert!(
        err.contains("model.yaml:28:14: unknown method `lgm`"),
        "{err}"
    );
    assert!(err.contains("did you mean `lmg`?"), "{err}");
    let (code, _, err) = run_in(here(), &["analyze", "fixtures/ecsi", "--importance", "pls"]);
    assert_eq!(code, 2);
    assert!(err.contains("method `pls` works on items"), "{err}");
}
