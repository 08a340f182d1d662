//! `sattrace importance --method pls --consistent` end to end on the ECSI fixture:
//! the JSON against seminr's `PLSc()` (`fixtures/ecsi/reference/plsc_seminr.json`)
//! and the same numbers from a moments table (the table and the refusal for other
//! methods are cases under `cases/`).

use serde_json::Value;

use crate::support::run;

const ECSI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ecsi");

fn reference() -> Value {
    let path = format!("{ECSI}/reference/plsc_seminr.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn plsc_json(extra: &[&str]) -> Value {
    let mut args = vec![
        "importance",
        ECSI,
        "--method",
        "pls",
        "--consistent",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("json")
}

/// Every path, ρA, loading and R² of `v` against the reference variant `want`.
fn matches(v: &Value, want: &Value) {
    assert_eq!(v["consistent"], true);
    let paths = v["paths"].as_array().expect("paths");
    let want_paths = want["paths"].as_array().expect("paths");
    assert_eq!(paths.len(), want_paths.len());
    for (got, r) in paths.iter().zip(want_paths) {
        assert_eq!((&got["from"], &got["to"]), (&r["from"], &r["to"]));
        assert!((f(&got["coef"]) - f(&r["coef"])).abs() < 1e-6, "{got} {r}");
    }
    for (got, r) in v["reliability"]
        .as_array()
        .expect("reliability")
        .iter()
        .zip(want["rho_a"].as_array().expect("rho_a"))
    {
        assert_eq!(got["construct"], r["construct"]);
        assert!(
            (f(&got["rho_a"]) - f(&r["rho_a"])).abs() < 1e-6,
            "{got} {r}"
        );
    }
    for (got, r) in v["outer"]
        .as_array()
        .expect("outer")
        .iter()
        .zip(want["outer"].as_array().expect("outer"))
    {
        assert_eq!(got["item"], r["item"]);
        assert!(
            (f(&got["loading"]) - f(&r["loading"])).abs() < 1e-6,
            "{got} {r}"
        );
    }
    for r in want["r2"].as_array().expect("r2") {
        let c = v["constructs"]
            .as_array()
            .expect("constructs")
            .iter()
            .find(|c| c["id"] == r["construct"])
            .expect("construct");
        assert!((f(&c["r2"]) - f(&r["r2"])).abs() < 1e-6, "{c} {r}");
    }
    // The outcome's (satisfaction's) R² at the top.
    let outcome = want["r2"]
        .as_array()
        .expect("r2")
        .iter()
        .find(|r| r["construct"] == "satisfaction")
        .expect("satisfaction");
    assert!((f(&v["r2"]) - f(&outcome["r2"])).abs() < 1e-6);
}

#[test]
fn consistent_json_matches_seminr_plsc() {
    let reference = reference();
    matches(&plsc_json(&[]), &reference["path"]);
    matches(
        &plsc_json(&["--formative", "image"]),
        &reference["path_image_formative"],
    );
    matches(&plsc_json(&["--scheme", "factor"]), &reference["factor"]);
    // Without the flag: plain PLS paths, ρA still reported, no `consistent` key.
    let (code, out, err) = run(&["importance", ECSI, "--method", "pls", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let plain: Value = serde_json::from_str(&out).expect("json");
    assert!(plain.get("consistent").is_none());
    let want = &reference["path"];
    for (got, r) in plain["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .zip(want["paths"].as_array().expect("paths"))
    {
        assert!((f(&got["coef"]) - f(&r["plain"])).abs() < 1e-6, "{got} {r}");
    }
    for (got, r) in plain["reliability"]
        .as_array()
        .expect("reliability")
        .iter()
        .zip(want["rho_a"].as_array().expect("rho_a"))
    {
        assert!(
            (f(&got["rho_a"]) - f(&r["rho_a"])).abs() < 1e-6,
            "{got} {r}"
        );
    }
}

#[test]
fn consistent_from_a_moments_table_equals_the_direct_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let table = tmp.path().join("ecsi.csv");
    let table_s = table.to_str().expect("utf-8");
    let (code, _, err) = run(&["moments", ECSI, "-o", table_s]);
    assert_eq!(code, 0, "{err}");
    let from_table = plsc_json(&["--moments", table_s]);
    matches(&from_table, &reference()["path"]);
}
