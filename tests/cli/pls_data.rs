//! `sattrace importance --method pls` on survey data with weights, segments and
//! waves, end to end: a weight column equals writing rows out (integer weights),
//! each `--by` group equals a run on that group's rows alone, and a moments table
//! gives the same JSON as the survey it was made from.

use serde_json::Value;

use crate::support::{run, run_in};

const ECSI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ecsi");

/// One ECSI row with its extra columns.
struct Row {
    fields: String,
    group: &'static str,
    wave: &'static str,
    weight: u32,
}

fn ecsi_rows() -> (String, Vec<Row>) {
    let survey = std::fs::read_to_string(format!("{ECSI}/survey.csv")).expect("survey");
    let mut lines = survey.lines();
    let header = lines.next().expect("header").to_string();
    let rows = lines
        .enumerate()
        .map(|(i, line)| Row {
            fields: line.to_string(),
            group: if (i * 5 + i / 7) % 3 == 0 {
                "north"
            } else {
                "south"
            },
            wave: ["2024Q1", "2024Q2", "2024Q3"][i % 3],
            weight: 1 + ((i * 7 + i / 5) % 3) as u32,
        })
        .collect();
    (header, rows)
}

/// A project of the ECSI model over `rows`; with `extra`, also the segment `grp`,
/// the wave `wave` and the weight `w` columns (declared in the model).
fn project(rows: &[&Row], extra: bool, repeat: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = std::fs::read_to_string(format!("{ECSI}/model.yaml")).expect("model");
    let model = if extra {
        model.replace(
            "scale: {min: 1, max: 10}\n",
            "scale: {min: 1, max: 10}\nsegments: [grp]\nwave: wave\nweight: w\n",
        )
    } else {
        model
    };
    std::fs::write(dir.path().join("model.yaml"), model).expect("write model");
    let (header, _) = ecsi_rows();
    let mut csv = header;
    if extra {
        csv.push_str(",grp,wave,w");
    }
    csv.push('\n');
    for r in rows {
        let times = if repeat { r.weight } else { 1 };
        for _ in 0..times {
            csv.push_str(&r.fields);
            if extra {
                csv.push_str(&format!(",{},{},{}", r.group, r.wave, r.weight));
            }
            csv.push('\n');
        }
    }
    std::fs::write(dir.path().join("survey.csv"), csv).expect("write survey");
    dir
}

fn pls_json(dir: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec!["importance", ".", "--method", "pls", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run_in(dir, &args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).expect("json")
}

/// Every number of `a` equals `b`'s to `rel` (relative), every other value exactly,
/// skipping the keys in `skip`.
fn same(path: &str, a: &Value, b: &Value, rel: f64, skip: &[&str]) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys = |m: &serde_json::Map<String, Value>| {
                m.keys()
                    .filter(|k| !skip.contains(&k.as_str()))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            assert_eq!(keys(x), keys(y), "{path}");
            for k in keys(x) {
                same(&format!("{path}.{k}"), &x[&k], &y[&k], rel, skip);
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                same(&format!("{path}[{i}]"), p, q, rel, skip);
            }
        }
        (Value::Number(p), Value::Number(q)) if p.is_f64() || q.is_f64() => {
            let (p, q) = (p.as_f64().expect("f64"), q.as_f64().expect("f64"));
            assert!(
                (p - q).abs() <= rel * p.abs().max(q.abs()) + 1e-15,
                "{path}: {p} vs {q}"
            );
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

#[test]
fn a_weight_column_equals_rows_written_out_and_changes_the_fit() {
    let (_, rows) = ecsi_rows();
    let all: Vec<&Row> = rows.iter().collect();
    let weighted = pls_json(project(&all, true, false).path(), &[]);
    let repeated = pls_json(project(&all, false, true).path(), &[]);
    let plain = pls_json(project(&all, false, false).path(), &[]);
    assert_eq!(weighted["n"], 250);
    let total: u32 = rows.iter().map(|r| r.weight).sum();
    assert_eq!(repeated["n"], total);
    // n (and so adjusted R²) counts respondents, not weight.
    same(
        "weighted",
        &weighted,
        &repeated,
        1e-9,
        &["n", "adj_r2", "warnings"],
    );
    assert!(weighted["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .all(|w| !w.as_str().unwrap_or("").contains("weight")));
    let coef = |v: &Value| v["paths"][0]["coef"].as_f64().expect("coef");
    assert!((coef(&weighted) - coef(&plain)).abs() > 1e-3);
}

#[test]
fn each_group_equals_a_run_on_its_rows_and_waves_come_in_order() {
    let (_, rows) = ecsi_rows();
    let all: Vec<&Row> = rows.iter().collect();
    let dir = project(&all, true, false);
    let by_group = pls_json(dir.path(), &["--by", "grp", "--min-n-per-driver", "30"]);
    let whole = pls_json(dir.path(), &[]);
    assert_eq!(by_group["by"], "grp");
    let mut top = by_group.clone();
    for key in ["by", "groups"] {
        top.as_object_mut().expect("object").remove(key);
    }
    same("whole", &top, &whole, 0.0, &["unreliable", "warnings"]);
    let groups = by_group["groups"].as_array().expect("groups");
    let names: Vec<&str> = groups.iter().filter_map(|g| g["group"].as_str()).collect();
    assert_eq!(names, ["north", "south"]);
    for g in groups {
        let name = g["group"].as_str().expect("name");
        let mine: Vec<&Row> = rows.iter().filter(|r| r.group == name).collect();
        let alone = pls_json(
            project(&mine, true, false).path(),
            &["--min-n-per-driver", "30"],
        );
        assert_eq!(g["n"].as_u64(), Some(mine.len() as u64));
        let mut g = g.clone();
        g.as_object_mut().expect("object").remove("group");
        let mut alone = alone;
        for key in ["schema", "outcome", "method", "scheme"] {
            alone.as_object_mut().expect("object").remove(key);
        }
        same(name, &g, &alone, 1e-12, &[]);
    }
    // 4 predecessors × 30 = 120: north (about a third of 250) is flagged.
    assert_eq!(groups[0]["unreliable"], true);
    assert_eq!(groups[1]["unreliable"], false);

    let by_wave = pls_json(dir.path(), &["--by", "wave"]);
    let waves = by_wave["groups"].as_array().expect("groups");
    let names: Vec<&str> = waves.iter().filter_map(|g| g["group"].as_str()).collect();
    assert_eq!(names, ["2024Q1", "2024Q2", "2024Q3"]);
    let changes = by_wave["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 2);
    let c = &changes[1];
    assert_eq!(
        (c["from"].as_str(), c["to"].as_str()),
        (Some("2024Q2"), Some("2024Q3"))
    );
    for (i, p) in c["paths"].as_array().expect("paths").iter().enumerate() {
        let coef = |w: &Value| w["paths"][i]["coef"].as_f64().expect("coef");
        let want = coef(&waves[2]) - coef(&waves[1]);
        assert!((p["change"].as_f64().expect("change") - want).abs() < 1e-15);
    }
    let (code, table, err) = run_in(
        dir.path(),
        &[
            "importance",
            ".",
            "--method",
            "pls",
            "--by",
            "wave",
            "--lang",
            "en",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        table.contains("pls on Satisfaction (wave = 2024Q2) : n = "),
        "{table}"
    );
    assert!(
        table.contains("change of pls path coefficients, wave 2024Q1 → 2024Q2"),
        "{table}"
    );
}

#[test]
fn group_bootstraps_are_seeded_per_group_and_thread_independent() {
    let (_, rows) = ecsi_rows();
    let all: Vec<&Row> = rows.iter().collect();
    let dir = project(&all, true, false);
    let args = |threads: &'static str| {
        vec![
            "--by",
            "grp",
            "--bootstrap",
            "30",
            "--seed",
            "5",
            "--threads",
            threads,
        ]
    };
    let one = pls_json(dir.path(), &args("1"));
    let three = pls_json(dir.path(), &args("3"));
    assert_eq!(one, three);
    let groups = one["groups"].as_array().expect("groups");
    let south = &groups[1];
    let seed = sattrace::importance::group_seed(5, "south");
    assert_eq!(south["bootstrap"]["seed"], seed);
    // The group's intervals are those of its rows alone with the group's seed.
    let mine: Vec<&Row> = rows.iter().filter(|r| r.group == "south").collect();
    let seed_text = seed.to_string();
    let alone = pls_json(
        project(&mine, true, false).path(),
        &["--bootstrap", "30", "--seed", &seed_text],
    );
    same("south paths", &south["paths"], &alone["paths"], 1e-12, &[]);
    for p in south["paths"].as_array().expect("paths") {
        let (lo, hi) = (p["ci_low"].as_f64(), p["ci_high"].as_f64());
        assert!(lo.is_some() && hi.is_some() && lo < hi, "{p}");
    }
}

#[test]
fn a_moments_table_gives_the_direct_json() {
    // The ECSI fixture as it is, and the weighted, segmented, waved copy by group.
    let tmp = tempfile::tempdir().expect("tempdir");
    let table = tmp.path().join("ecsi.csv");
    let table_s = table.to_str().expect("utf-8");
    let (code, _, err) = run(&["moments", ECSI, "-o", table_s]);
    assert_eq!(code, 0, "{err}");
    let direct = pls_json(std::path::Path::new(ECSI), &[]);
    let from_table = pls_json(std::path::Path::new(ECSI), &["--moments", table_s]);
    same("ecsi", &from_table, &direct, 1e-9, &[]);
    assert_eq!(from_table["n"], 250);

    let (_, rows) = ecsi_rows();
    let all: Vec<&Row> = rows.iter().collect();
    let dir = project(&all, true, false);
    let (code, _, err) = run_in(dir.path(), &["moments", ".", "-o", "m.csv"]);
    assert_eq!(code, 0, "{err}");
    for by in ["grp", "wave"] {
        let direct = pls_json(dir.path(), &["--by", by]);
        let from_table = pls_json(dir.path(), &["--by", by, "--moments", "m.csv"]);
        same(by, &from_table, &direct, 1e-9, &[]);
    }

    let (code, _, err) = run_in(
        dir.path(),
        &[
            "importance",
            ".",
            "--method",
            "pls",
            "--moments",
            "m.csv",
            "--bootstrap",
            "10",
            "--lang",
            "en",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--bootstrap needs respondent-level rows"),
        "{err}"
    );
    assert!(err.contains("sattrace sql --sample"), "{err}");
}

#[test]
fn a_group_that_cannot_be_fitted_reports_its_error_and_the_others_go_on() {
    let (header, rows) = ecsi_rows();
    let cusco = header.split(',').position(|h| h == "CUSCO").expect("CUSCO");
    // In the north, every respondent answers CUSCO with 5: no variance there.
    let rows: Vec<Row> = rows
        .into_iter()
        .map(|r| {
            if r.group != "north" {
                return r;
            }
            let mut fields: Vec<&str> = r.fields.split(',').collect();
            fields[cusco] = "5";
            Row {
                fields: fields.join(","),
                ..r
            }
        })
        .collect();
    let all: Vec<&Row> = rows.iter().collect();
    let dir = project(&all, true, false);
    let (code, _, err) = run_in(dir.path(), &["moments", ".", "-o", "m.csv"]);
    assert_eq!(code, 0, "{err}");
    for extra in [&[][..], &["--moments", "m.csv"][..]] {
        let mut args = vec!["--by", "grp"];
        args.extend_from_slice(extra);
        let v = pls_json(dir.path(), &args);
        let groups = v["groups"].as_array().expect("groups");
        let error = groups[0]["error"].as_str().expect("north fails");
        assert!(
            error.starts_with("north: item `CUSCO` has no variance"),
            "{error}"
        );
        assert!(groups[0]["rows"].as_u64() > Some(0));
        assert!(groups[1]["paths"].is_array(), "{}", groups[1]);
    }
}

#[test]
fn wave_changes_get_bootstrap_intervals_from_paired_replicates() {
    let (_, rows) = ecsi_rows();
    let all: Vec<&Row> = rows.iter().collect();
    let dir = project(&all, true, false);
    let args = |threads: &'static str| {
        vec![
            "--by",
            "wave",
            "--bootstrap",
            "200",
            "--seed",
            "3",
            "--threads",
            threads,
        ]
    };
    let v = pls_json(dir.path(), &args("2"));
    assert_eq!(v, pls_json(dir.path(), &args("1")));
    let waves = v["groups"].as_array().expect("groups");
    let f = |x: &Value| x.as_f64().expect("number");
    let width = |x: &Value| f(&x["ci_high"]) - f(&x["ci_low"]);
    for (w, c) in v["changes"].as_array().expect("changes").iter().enumerate() {
        let failed = f(&waves[w]["bootstrap"]["failed"]) + f(&waves[w + 1]["bootstrap"]["failed"]);
        assert!(c["replicate_pairs"].as_u64().expect("pairs") as f64 >= 200.0 - failed);
        let (early, late) = (&waves[w], &waves[w + 1]);
        let sections = [("paths", "paths"), ("drivers", "drivers")];
        for (section, own) in sections {
            for (i, d) in c[section].as_array().expect(section).iter().enumerate() {
                assert!(width(d) > 0.0, "{d}");
                assert_eq!(
                    d["ci_includes_zero"],
                    f(&d["ci_low"]) <= 0.0 && f(&d["ci_high"]) >= 0.0
                );
                // Independent waves: the change's spread is about the two waves'
                // spreads added in quadrature (a wrong pairing or a wrong column
                // would not be).
                let (a, b) = (width(&early[own][i]), width(&late[own][i]));
                let ratio = width(d) / (a * a + b * b).sqrt();
                assert!((0.7..1.4).contains(&ratio), "{section}[{i}]: {ratio} {d}");
            }
        }
    }
    let (code, table, err) = run_in(
        dir.path(),
        &[
            "importance",
            ".",
            "--method",
            "pls",
            "--by",
            "wave",
            "--bootstrap",
            "50",
            "--lang",
            "en",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(table.contains("95% CI of change"), "{table}");
    assert!(
        table.contains("* the interval includes zero: no clear change"),
        "{table}"
    );
}
