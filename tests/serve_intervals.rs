//! `sattrace serve` with the bootstrap: the replicates are made once per load in
//! the background; until then answers carry no intervals (and say so), after that
//! they equal `whatif`/`plan` with the same `--bootstrap`/`--seed`/`--confidence`,
//! byte for byte. The tests wait on `/api/status`, never on time.

mod serve_support;

use serve_support::{cli, telecom_copy, Server};

fn dir(path: &std::path::Path) -> &str {
    path.to_str().expect("utf-8 path")
}

const BOOT: [&str; 6] = ["--bootstrap", "16", "--seed", "9", "--confidence", "0.9"];

#[test]
fn intervals_equal_the_cli_once_the_replicates_are_made() {
    let (_guard, project) = telecom_copy();
    let server = Server::start(&project, &BOOT);
    let status = server.wait_status("the replicates", |s| s["intervals"]["state"] == "ready");
    assert_eq!(status["intervals"]["begun"], 16, "{status}");
    assert_eq!(status["intervals"]["seed"], 9, "{status}");
    let p = dir(&project);
    for (body, flags) in [
        (
            r#"{"shift": {"response_time": 0.5}}"#,
            vec!["--shift", "response_time=0.5"],
        ),
        (
            r#"{"set": {"resolution": 4.2}, "where": {"region": "华东"}}"#,
            vec!["--set", "resolution=4.2", "--where", "region=华东"],
        ),
    ] {
        for lang in ["zh", "en"] {
            let api = server.post(&format!("/api/whatif?lang={lang}"), body);
            assert_eq!(api.status, 200, "{}", api.text());
            assert_eq!(api.header("x-sattrace-intervals"), Some("ready"));
            let mut args = vec!["whatif", p];
            args.extend(&flags);
            args.extend(["--format", "json", "--lang", lang]);
            args.extend(BOOT);
            assert_eq!(api.text(), String::from_utf8_lossy(&cli(&args)));
            // Intervals are really there (not an answer without them twice).
            let json = api.json();
            assert_eq!(json["intervals"]["available"], true, "{json}");
            assert_eq!(json["intervals"]["replicates"], 16);
            let nodes = json["segments"][0]["nodes"].as_array().expect("nodes");
            assert!(nodes.iter().any(|n| n["change_low"].is_number()), "{json}");
        }
    }
    let plan =
        r#"{"targets": {"nps": 30}, "due": "2027-06-30", "budget": 9, "today": "2026-12-01"}"#;
    let api = server.post("/api/plan?lang=en", plan);
    assert_eq!(api.status, 200, "{}", api.text());
    assert_eq!(api.header("x-sattrace-intervals"), Some("ready"));
    let mut args = vec![
        "plan",
        p,
        "--target",
        "nps=30",
        "--due",
        "2027-06-30",
        "--budget",
        "9",
        "--today",
        "2026-12-01",
        "--format",
        "json",
        "--lang",
        "en",
    ];
    args.extend(BOOT);
    assert_eq!(api.text(), String::from_utf8_lossy(&cli(&args)));
    assert!(
        api.json()["probability"]["replicates"] == 16,
        "{}",
        api.text()
    );
    // The export's JSON is the same answer.
    let export = server.post(
        "/api/export?format=json&lang=en",
        r#"{"scenario": {"shift": {"response_time": 0.5}}}"#,
    );
    let mut args = vec!["whatif", p, "--shift", "response_time=0.5"];
    args.extend(["--format", "json", "--lang", "en"]);
    args.extend(BOOT);
    assert_eq!(export.text(), String::from_utf8_lossy(&cli(&args)));
}

#[test]
fn answers_before_the_replicates_are_made_say_so_and_equal_bootstrap_0() {
    let (_guard, project) = telecom_copy();
    // So many replicates that they are still being made while the test runs.
    let server = Server::start(&project, &["--bootstrap", "1000000"]);
    let status = server.get("/api/status").json();
    assert_eq!(status["intervals"]["state"], "pending", "{status}");
    assert_eq!(status["intervals"]["replicates"], 1_000_000);
    let api = server.post("/api/whatif?lang=en", r#"{"shift": {"network": 0.3}}"#);
    assert_eq!(api.status, 200, "{}", api.text());
    assert_eq!(api.header("x-sattrace-intervals"), Some("pending"));
    let expected = cli(&[
        "whatif",
        dir(&project),
        "--shift",
        "network=0.3",
        "--format",
        "json",
        "--lang",
        "en",
        "--bootstrap",
        "0",
    ]);
    assert_eq!(api.text(), String::from_utf8_lossy(&expected));
}

#[test]
fn a_moments_table_gets_the_clis_parametric_intervals() {
    let (_guard, project) = telecom_copy();
    let table = project.join("moments.csv");
    cli(&["moments", dir(&project), "-o", dir(&table)]);
    let server = Server::start(&project, &["--moments", dir(&table), "--bootstrap", "40"]);
    server.wait_status("the parametric replicates", |s| {
        s["intervals"]["state"] == "ready"
    });
    let api = server.post("/api/whatif?lang=en", r#"{"shift": {"network": 0.4}}"#);
    assert_eq!(api.header("x-sattrace-intervals"), Some("ready"));
    let expected = cli(&[
        "whatif",
        dir(&project),
        "--moments",
        dir(&table),
        "--shift",
        "network=0.4",
        "--format",
        "json",
        "--lang",
        "en",
        "--bootstrap",
        "40",
    ]);
    assert_eq!(api.text(), String::from_utf8_lossy(&expected));
    assert_eq!(api.json()["intervals"]["available"], true);
}

#[test]
fn a_reload_makes_the_replicates_again() {
    let (_guard, project) = telecom_copy();
    let server = Server::start(&project, &BOOT);
    server.wait_status("the replicates", |s| s["intervals"]["state"] == "ready");
    // A valid edit: the model's outcome target moves, so the numbers change.
    let model = project.join("model.yaml");
    let text = std::fs::read_to_string(&model).expect("model");
    let edited = text.replacen("target: 30", "target: 35", 1);
    assert_ne!(text, edited, "the model has an NPS target of 30");
    std::fs::write(&model, edited).expect("edit");
    server.wait_status("the reload and its replicates", |s| {
        s["generation"] == 2 && s["intervals"]["state"] == "ready"
    });
    let api = server.post("/api/whatif?lang=en", r#"{"shift": {"network": 0.3}}"#);
    assert_eq!(api.header("x-sattrace-intervals"), Some("ready"));
    let mut args = vec!["whatif", dir(&project), "--shift", "network=0.3"];
    args.extend(["--format", "json", "--lang", "en"]);
    args.extend(BOOT);
    assert_eq!(api.text(), String::from_utf8_lossy(&cli(&args)));
}
