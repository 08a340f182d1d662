//! `analyze --importance METHOD` and `weights: {method: …}`: the importance column is
//! the method's importance carried through the graph, cross-checked against
//! `sattrace importance` on the ECSI fixture; effects (and so actions) do not change.

use serde_json::Value;

use crate::support::run_in;

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

#[test]
fn lmg_table_prints_shares_as_percentages_under_one_footnote() {
    let (code, out, err) = run_in(
        here(),
        &[
            "analyze",
            "fixtures/telecom",
            "--importance",
            "lmg",
            "--lang",
            "en",
        ],
    );
    assert_eq!(code, 0, "{err}");
    // The importance of Service experience for Overall satisfaction, from the JSON,
    // printed as a percentage of the outcome's variance with one decimal.
    let v = json(&[
        "analyze",
        "fixtures/telecom",
        "--importance",
        "lmg",
        "--format",
        "json",
    ]);
    let latest_all = v["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .rfind(|s| s["segment"] == "all")
        .expect("all slice");
    let service = latest_all["drivers"]
        .as_array()
        .expect("drivers")
        .iter()
        .find(|d| d["id"] == "service")
        .and_then(|d| d["importance"].as_f64())
        .expect("service importance");
    let cell = format!("{:.1}%", 100.0 * service);
    let row = out
        .lines()
        .find(|l| l.starts_with("Service experience"))
        .expect("service row");
    assert!(row.contains(&cell), "{row} lacks {cell}");
    assert!(!row.contains(" 0.00 ") && !row.contains(" 0.01 "), "{row}");
    assert!(
        out.contains(
            "importance: share of the primary outcome's variance attributed to the driver by lmg"
        ),
        "{out}"
    );
    assert!(!out.contains("standardized total effect"), "{out}");
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
    let (code, _, err) = run_in(dir.path(), &["analyze", ".", "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("model.yaml:28:14: unknown method `lgm`"),
        "{err}"
    );
    assert!(err.contains("did you mean `lmg`?"), "{err}");
    // PLS needs every node on a path measured by items: a composite cannot be.
    let dir = ecsi_with("{method: pls}");
    let model = std::fs::read_to_string(dir.path().join("model.yaml")).expect("model");
    let composite = "  - id: overall\n    inputs: [satisfaction, loyalty]\n    weights: {satisfaction: 0.5, loyalty: 0.5}\n    outcome: true\n";
    std::fs::write(dir.path().join("model.yaml"), format!("{model}{composite}")).expect("write");
    let (code, out, err) = run_in(dir.path(), &["analyze", ".", "--lang", "en"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("`satisfaction`: method `pls` cannot weigh this model in the analysis: construct `overall` has no items"),
        "{err}"
    );
    assert!(
        err.contains("help: PLS needs items for every node on a path"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// `sattrace importance --method pls --format json` for the primary outcome.
fn pls_report() -> Value {
    json(&[
        "importance",
        "fixtures/ecsi",
        "--method",
        "pls",
        "--format",
        "json",
    ])
}

#[test]
fn pls_importance_is_the_pls_total_effect_and_effects_stay_ols() {
    let (v, imp) = analyze_importance(&["--importance", "pls"]);
    assert_eq!(v["importance_method"], "pls");
    let pls = pls_report();
    assert_eq!(pls["outcome"], "satisfaction");
    let drivers = pls["drivers"].as_array().expect("drivers");
    assert_eq!(drivers.len(), 4);
    // Every node weighed by PLS: the importance carried through the graph is the PLS
    // total effect on satisfaction (the same fit; analyze rounds to 4 decimals).
    for d in drivers {
        let id = d["id"].as_str().expect("id");
        let want = d["importance"].as_f64().expect("importance");
        let got = get(&imp, id);
        assert!((got - want).abs() < 0.6e-4, "{id}: {got} vs {want}");
    }
    // No negative path on ECSI, so no PLS warning (the only note: ECSI's low raw α of
    // expectation and loyalty leave no positive definite corrected matrix, so its
    // effects stay observed); effects and actions are OLS.
    let notes = v["notes"].as_array().expect("notes");
    assert!(
        notes
            .iter()
            .all(|n| n.as_str().is_some_and(|n| n.contains("measurement error"))),
        "{notes:?}"
    );
    let (plain, _) = analyze_importance(&[]);
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
    // The table names the method; `report` takes it too.
    let (code, out, err) = run_in(
        here(),
        &[
            "analyze",
            "fixtures/ecsi",
            "--importance",
            "pls",
            "--lang",
            "en",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("importance: PLS standardized total effect;"),
        "{out}"
    );
    assert!(
        !out.contains("importance: standardized total effect"),
        "{out}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("report.html");
    let html_arg = html.to_str().expect("utf-8 path");
    let (code, _, err) = run_in(
        here(),
        &[
            "report",
            "fixtures/ecsi",
            "--importance",
            "pls",
            "-o",
            html_arg,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(html.exists());
}

#[test]
fn pls_on_one_node_gives_its_inputs_their_path_coefficients() {
    // Only satisfaction is weighed by PLS (the fit is still the whole path model):
    // `value` reaches satisfaction only directly, so its importance is its path
    // coefficient; image's is its path plus its OLS-beta paths through the others.
    let dir = ecsi_with("{method: pls}");
    let (code, out, err) = run_in(dir.path(), &["analyze", ".", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["importance_method"], "pls");
    let drivers = v["segments"][0]["drivers"].as_array().expect("drivers");
    let importance = |id: &str| {
        drivers
            .iter()
            .find(|d| d["id"] == id)
            .and_then(|d| d["importance"].as_f64())
            .expect(id)
    };
    let pls = pls_report();
    let path = |from: &str| {
        pls["paths"]
            .as_array()
            .expect("paths")
            .iter()
            .find(|p| p["from"] == from && p["to"] == "satisfaction")
            .and_then(|p| p["coef"].as_f64())
            .expect(from)
    };
    assert!((importance("value") - path("value")).abs() < 0.6e-4);
    assert!((importance("image") - path("image")).abs() > 1e-3);
}

#[test]
fn pls_on_weighted_waves_and_segments_falls_back_like_the_others_and_reads_moments_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let table = dir.path().join("moments.csv");
    let table_arg = table.to_str().expect("utf-8 path");
    let (code, _, err) = run_in(here(), &["moments", "fixtures/telecom", "-o", table_arg]);
    assert_eq!(code, 0, "{err}");
    let from_rows = json(&[
        "analyze",
        "fixtures/telecom",
        "--importance",
        "pls",
        "--format",
        "json",
    ]);
    let from_table = json(&[
        "analyze",
        "fixtures/telecom",
        "--moments",
        table_arg,
        "--importance",
        "pls",
        "--format",
        "json",
    ]);
    // The item moments of a table are those of the rows: the same PLS fit per slice.
    assert_eq!(from_rows["segments"], from_table["segments"]);
    assert_eq!(from_rows["importance_method"], "pls");
    // Churn falls as satisfaction rises: a negative path, shown negative and noted.
    let notes = from_rows["notes"].as_array().expect("notes");
    assert!(
        notes.iter().any(|n| n
            .as_str()
            .is_some_and(|n| n.starts_with("PLS path `satisfaction` → `churn` is negative"))),
        "{notes:?}"
    );

    // Every 20th row: the thin wave × region slices fall back to the region pooled
    // over waves, with a note, as for the other methods.
    let thin = tempfile::tempdir().expect("tempdir");
    let model = std::fs::read_to_string(here().join("fixtures/telecom/model.yaml")).expect("model");
    std::fs::write(thin.path().join("model.yaml"), model).expect("write");
    let rows = std::fs::read_to_string(here().join("fixtures/telecom/survey.csv")).expect("rows");
    let kept: Vec<&str> = rows
        .lines()
        .enumerate()
        .filter(|(i, _)| *i == 0 || i % 20 == 0)
        .map(|(_, l)| l)
        .collect();
    std::fs::write(thin.path().join("survey.csv"), kept.join("\n") + "\n").expect("write");
    let (code, out, err) = run_in(
        thin.path(),
        &["analyze", ".", "--importance", "pls", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    let bases: Vec<&str> = v["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .map(|s| s["effects_basis"].as_str().expect("basis"))
        .collect();
    assert!(bases.contains(&"region=华南 (all waves)"), "{bases:?}");
    assert!(v["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .any(|n| n.as_str().is_some_and(|n| n.contains("effects taken from"))));
}
