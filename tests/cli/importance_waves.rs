//! `sattrace importance --ci bca` and `--by wave` changes end to end: BCa intervals
//! are seeded and thread-independent, wave changes equal the difference of the
//! waves' own estimates and carry an interval from paired replicates.

use serde_json::Value;

use crate::support::run;

fn json(args: &[&str]) -> Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("json")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

#[test]
fn bca_intervals_are_seeded_thread_independent_and_not_percentile() {
    let base = [
        "importance",
        "fixtures/ecsi",
        "--method",
        "lmg",
        "--bootstrap",
        "200",
        "--seed",
        "11",
        "--format",
        "json",
    ];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        run(&a).1
    };
    let bca1 = with(&["--ci", "bca", "--threads", "1"]);
    assert_eq!(bca1, with(&["--ci", "bca", "--threads", "3"]));
    let pct = with(&["--threads", "2"]);
    let (b, p): (Value, Value) = (
        serde_json::from_str(&bca1).expect("json"),
        serde_json::from_str(&pct).expect("json"),
    );
    assert_eq!(b["bootstrap"]["kind"], "bca");
    assert_eq!(p["bootstrap"]["kind"], "percentile");
    let mut moved = false;
    for (db, dp) in b["drivers"]
        .as_array()
        .expect("drivers")
        .iter()
        .zip(p["drivers"].as_array().expect("drivers"))
    {
        assert_eq!(db["importance"], dp["importance"]);
        let (lo, hi, x) = (f(&db["ci_low"]), f(&db["ci_high"]), f(&db["importance"]));
        assert!(lo < x && x < hi, "{db}");
        moved |= db["ci_low"] != dp["ci_low"];
    }
    assert!(moved, "BCa equals percentile everywhere");
}

#[test]
fn pls_takes_bca_too() {
    let v = json(&[
        "importance",
        "fixtures/ecsi",
        "--method",
        "pls",
        "--bootstrap",
        "60",
        "--ci",
        "bca",
        "--format",
        "json",
    ]);
    assert_eq!(v["bootstrap"]["kind"], "bca");
    for p in v["paths"].as_array().expect("paths") {
        assert!(f(&p["ci_low"]) <= f(&p["ci_high"]), "{p}");
    }
}

#[test]
fn wave_changes_are_differences_of_the_waves_with_paired_intervals() {
    for ci in ["percentile", "bca"] {
        let v = json(&[
            "importance",
            "fixtures/telecom",
            "--by",
            "wave",
            "--method",
            "relweights",
            "--bootstrap",
            "120",
            "--ci",
            ci,
            "--format",
            "json",
        ]);
        let groups = v["groups"].as_array().expect("groups");
        let names: Vec<&str> = groups.iter().filter_map(|g| g["group"].as_str()).collect();
        assert_eq!(names, ["2025H2", "2026H1"]);
        let changes = v["changes"].as_array().expect("changes");
        assert_eq!(changes.len(), 1);
        let c = &changes[0];
        assert_eq!(
            (c["from"].as_str(), c["to"].as_str()),
            (Some("2025H2"), Some("2026H1"))
        );
        assert_eq!(c["replicate_pairs"], 120);
        for (j, d) in c["drivers"].as_array().expect("drivers").iter().enumerate() {
            let want = f(&groups[1]["drivers"][j]["importance"])
                - f(&groups[0]["drivers"][j]["importance"]);
            assert!((f(&d["change"]) - want).abs() < 1e-12);
            let (lo, hi) = (f(&d["ci_low"]), f(&d["ci_high"]));
            assert!(lo < hi);
            assert_eq!(d["ci_includes_zero"], lo <= 0.0 && hi >= 0.0);
            // The difference interval is wider than either wave's own.
            let width = |g: &Value| f(&g["drivers"][j]["ci_high"]) - f(&g["drivers"][j]["ci_low"]);
            assert!(
                hi - lo > width(&groups[0]).max(width(&groups[1])) * 0.9,
                "{d}"
            );
        }
    }
}
