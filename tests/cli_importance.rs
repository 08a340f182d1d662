//! `sattrace importance` end to end on the ECSI fixture: the JSON schema, the
//! reference LMG shares, a bootstrap that is identical for any thread count, and
//! the exit code and message of each kind of mistake.

use serde_json::Value;

mod support;
use support::run;

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

#[test]
fn mistakes_exit_2_with_a_hint() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["importance", "fixtures/ecsi", "--outcome", "satisfction"],
            "error: unknown outcome `satisfction`\n  help: did you mean `satisfaction`?\n",
        ),
        (
            &["importance", "fixtures/ecsi", "--drivers", "image,qualty"],
            "error: unknown driver `qualty`\n  help: did you mean `quality`?\n",
        ),
        (
            &["importance", "fixtures/ecsi", "--outcome", "image"],
            "error: `image` has no inputs in the model\n  help: name its drivers with --drivers a,b,c\n",
        ),
        (
            &["importance", "fixtures/ecsi", "--by", "region"],
            "error: --by `region` is not a segment column of the model\n  help: use one of wave\n",
        ),
    ];
    for (args, expected) in cases {
        let (code, _, err) = run(args);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(err, expected, "{args:?}");
    }
}
