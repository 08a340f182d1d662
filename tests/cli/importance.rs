//! `sattrace importance` end to end on the ECSI fixture: the JSON schema, the
//! reference LMG shares, a bootstrap that is identical for any thread count, and
//! pairwise deletion (each kind of mistake is a case under `cases/`).

use serde_json::Value;

use crate::support::run;

#[test]
fn lmg_json_matches_the_r_reference_and_its_shares_sum_to_one() {
    let (code, out, err) = run(&[
        "importance",
        "fixtures/ecsi",
        "--outcome",
        "satisfaction",
        "--method",
        "lmg",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["schema"], "sattrace.importance/1");
    assert_eq!(v["method"], "lmg");
    assert_eq!(v["n"], 250);
    let want = [
        0.164_817_021_016_34,
        0.076_881_551_018_249_17,
        0.295_433_665_047_333_4,
        0.132_309_072_457_890_2,
    ];
    let drivers = v["drivers"].as_array().expect("drivers");
    let ids: Vec<&str> = drivers.iter().filter_map(|d| d["id"].as_str()).collect();
    assert_eq!(ids, ["image", "expectation", "quality", "value"]);
    let mut share = 0.0;
    for (d, w) in drivers.iter().zip(want) {
        assert!((d["importance"].as_f64().expect("number") - w).abs() < 1e-6);
        share += d["share"].as_f64().expect("share");
    }
    assert!((share - 1.0).abs() < 1e-12);
}

#[test]
fn bootstrap_is_the_same_for_any_thread_count() {
    let args = |threads: &'static str| {
        run(&[
            "importance",
            "fixtures/ecsi",
            "--method",
            "relweights",
            "--bootstrap",
            "300",
            "--seed",
            "7",
            "--format",
            "json",
            "--threads",
            threads,
        ])
    };
    let (code, one, err) = args("1");
    assert_eq!(code, 0, "{err}");
    assert_eq!(one, args("4").1);
    let v: Value = serde_json::from_str(&one).expect("json");
    for d in v["drivers"].as_array().expect("drivers") {
        let (lo, hi, x) = (
            d["ci_low"].as_f64(),
            d["ci_high"].as_f64(),
            d["importance"].as_f64(),
        );
        assert!(lo < x && x < hi, "{d}");
    }
}

/// A small project with scattered gaps: drivers `a`, `b` and outcome `y`, one item
/// each on a 1–5 scale; row k misses `a` when k % 5 == 1, `b` when k % 7 == 2.
fn gappy_project() -> (tempfile::TempDir, Vec<[Option<f64>; 3]>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = "name: gaps\ndata: survey.csv\nscale: {min: 1, max: 5}\ndrivers:\n  - {id: a, items: [qa]}\n  - {id: b, items: [qb]}\n  - {id: y, items: [qy], inputs: [a, b], outcome: true}\n";
    std::fs::write(dir.path().join("model.yaml"), model).expect("model");
    let mut rows = Vec::new();
    let mut csv = String::from("qa,qb,qy\n");
    for k in 0..120u32 {
        let a = f64::from(1 + (k * 7 + 3) % 5);
        let b = f64::from(1 + (k * 11 + k / 3) % 5);
        let y = f64::from(1 + (k * 3 + (k * 7 + 3) % 5 + k / 4) % 5);
        let row = [
            (k % 5 != 1).then_some(a),
            (k % 7 != 2).then_some(b),
            Some(y),
        ];
        let cell = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
        csv.push_str(&format!(
            "{},{},{}\n",
            cell(row[0]),
            cell(row[1]),
            cell(row[2])
        ));
        rows.push(row);
    }
    std::fs::write(dir.path().join("survey.csv"), csv).expect("survey");
    (dir, rows)
}

/// Pearson correlation of columns `i` and `j` over the rows that have both, by the
/// two-pass textbook formula (independent of sattrace's accumulators).
fn pairwise_r(rows: &[[Option<f64>; 3]], i: usize, j: usize) -> (f64, usize) {
    let pairs: Vec<(f64, f64)> = rows.iter().filter_map(|r| Some((r[i]?, r[j]?))).collect();
    let n = pairs.len() as f64;
    let (mx, my) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let c: f64 = pairs.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let vx: f64 = pairs.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    let vy: f64 = pairs.iter().map(|(_, y)| (y - my).powi(2)).sum();
    (c / (vx * vy).sqrt(), pairs.len())
}

#[test]
fn pairwise_deletion_correlates_each_pair_over_its_own_rows() {
    let (dir, rows) = gappy_project();
    let path = dir.path().to_str().expect("utf-8 path");
    let (code, stdout, stderr) = run(&[
        "importance",
        path,
        "--method",
        "corr",
        "--missing",
        "pairwise",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["missing"], "pairwise");
    let (ra, na) = pairwise_r(&rows, 0, 2);
    let (rb, nb) = pairwise_r(&rows, 1, 2);
    let (_, nab) = pairwise_r(&rows, 0, 1);
    let got = |k: usize| {
        json["drivers"][k]["importance"]
            .as_f64()
            .expect("importance")
    };
    assert!((got(0) - ra).abs() < 1e-9, "{} vs {ra}", got(0));
    assert!((got(1) - rb).abs() < 1e-9, "{} vs {rb}", got(1));
    assert_eq!(json["n"].as_u64(), Some(na.min(nb).min(nab) as u64));

    // Listwise uses only the rows complete on all three: a different estimate.
    let (code, stdout, _) = run(&["importance", path, "--method", "corr", "--format", "json"]);
    assert_eq!(code, 0);
    let listwise: Value = serde_json::from_str(&stdout).expect("json");
    assert!(listwise.get("missing").is_none());
    let complete = rows
        .iter()
        .filter(|r| r.iter().all(Option::is_some))
        .count();
    assert_eq!(listwise["n"].as_u64(), Some(complete as u64));
    assert!((listwise["drivers"][0]["importance"].as_f64().expect("r") - ra).abs() > 1e-6);

    // LMG on the pairwise matrix runs too (it is positive definite here).
    let (code, _, stderr) = run(&[
        "importance",
        path,
        "--method",
        "lmg",
        "--missing",
        "pairwise",
    ]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn pairwise_deletion_refuses_what_it_cannot_do() {
    let (dir, _) = gappy_project();
    let path = dir.path().to_str().expect("utf-8 path");
    let (code, _, stderr) = run(&[
        "importance",
        "--lang",
        "en",
        path,
        "--missing",
        "pairwise",
        "--bootstrap",
        "100",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--missing pairwise has no bootstrap intervals"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&[
        "importance",
        "--lang",
        "en",
        path,
        "--missing",
        "pairwise",
        "--method",
        "pls",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("does not apply to --method pls"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&[
        "importance",
        "--lang",
        "en",
        "fixtures/telecom",
        "--missing",
        "pairwise",
        "--moments",
        "fixtures/telecom/survey.csv",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("needs respondent-level rows"), "{stderr}");
}

#[test]
fn help_shows_no_rustdoc_link_syntax() {
    let (code, out, err) = run(&["importance", "--help"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("--on-invalid"), "{out}");
    assert!(!out.contains("[`") && !out.contains("crate::"), "{out}");
}
