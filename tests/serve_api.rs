//! `sattrace serve` over HTTP: the API's what-if and plan JSON equal the CLI's byte
//! for byte, scenarios save and reload, edits reload (or show `check`'s
//! diagnostics), and hostile requests get a 4xx while the server keeps working.

mod serve_support;

use serve_support::{break_rules, cli, cli_any, http, telecom_copy, Server};

fn dir(path: &std::path::Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn whatif_and_plan_equal_the_cli_byte_for_byte() {
    let (_guard, project) = telecom_copy();
    let server = Server::start(&project, &["--lang", "en"]);
    let p = dir(&project);
    for lang in ["zh", "en"] {
        let api = server.post(
            &format!("/api/whatif?lang={lang}"),
            r#"{"shift": {"response_time": 0.5}}"#,
        );
        assert_eq!(api.status, 200, "{}", api.text());
        assert_eq!(api.header("content-type"), Some("application/json"));
        let expected = cli(&[
            "whatif",
            p,
            "--shift",
            "response_time=0.5",
            "--format",
            "json",
            "--lang",
            lang,
        ]);
        assert_eq!(api.text(), String::from_utf8_lossy(&expected));

        let api = server.post(
            &format!("/api/whatif?lang={lang}"),
            r#"{"set": {"resolution": 4.2}, "shift": {"network": -0.25}, "where": {"region": "华东"}}"#,
        );
        assert_eq!(api.status, 200, "{}", api.text());
        let expected = cli(&[
            "whatif",
            p,
            "--set",
            "resolution=4.2",
            "--shift",
            "network=-0.25",
            "--where",
            "region=华东",
            "--format",
            "json",
            "--lang",
            lang,
        ]);
        assert_eq!(api.text(), String::from_utf8_lossy(&expected));

        let plan = r#"{"targets": {"nps": 30, "satisfaction": 4.0}, "due": "2027-06-30", "budget": 9, "today": "2026-12-01"}"#;
        let api = server.post(&format!("/api/plan?lang={lang}"), plan);
        assert_eq!(api.status, 200, "{}", api.text());
        let expected = cli(&[
            "plan",
            p,
            "--target",
            "nps=30",
            "--target",
            "satisfaction=4",
            "--due",
            "2027-06-30",
            "--budget",
            "9",
            "--today",
            "2026-12-01",
            "--format",
            "json",
            "--lang",
            lang,
        ]);
        assert_eq!(api.text(), String::from_utf8_lossy(&expected));
    }
    // The model's own targets when the form names none: two are out of reach, which
    // the CLI says with exit 2 and the API in the JSON's status.
    let api = server.post("/api/plan", r#"{"today": "2026-12-01"}"#);
    assert_eq!(api.status, 200);
    assert_eq!(api.json()["status"], "unreachable");
    let (expected, code) = cli_any(&[
        "plan",
        p,
        "--today",
        "2026-12-01",
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(api.text(), String::from_utf8_lossy(&expected));
}

#[test]
fn scenarios_save_reload_and_run_in_the_cli() {
    let (_guard, project) = telecom_copy();
    let server = Server::start(&project, &[]);
    let body = r#"{"name": "高峰 \"peak\" <b>", "set": {"response_time": 4.2}, "shift": {"network": 0.3}, "where": {"region": "华东"}}"#;
    let saved = server.put("/api/scenarios/华东_peak-2", body);
    assert_eq!(saved.status, 201, "{}", saved.text());
    assert_eq!(saved.json()["saved"], "scenarios/华东_peak-2.yaml");
    let file = project.join("scenarios/华东_peak-2.yaml");
    assert!(file.is_file());
    // Listed, read back as the same scenario, and run by the CLI as the API runs it.
    let list = server.get("/api/scenarios").json();
    assert_eq!(
        list["scenarios"],
        serde_json::json!(["staffing", "华东_peak-2"])
    );
    let back = server
        .get("/api/scenarios/%E5%8D%8E%E4%B8%9C_peak-2")
        .json();
    assert_eq!(
        back,
        serde_json::from_str::<serde_json::Value>(body).expect("json")
    );
    let api = server.post("/api/whatif?lang=zh", body);
    let expected = cli(&[
        "whatif",
        dir(&project),
        "--scenario",
        dir(&file),
        "--format",
        "json",
    ]);
    assert_eq!(api.text(), String::from_utf8_lossy(&expected));
    // `check` finds nothing wrong in the saved file.
    cli(&["check", dir(&project)]);
    // Export: the HTML and Markdown of `sattrace report --scenario`.
    for (format, flag) in [("html", "html"), ("md", "md")] {
        let export = server.post(
            &format!("/api/export?format={format}&lang=en"),
            &format!(r#"{{"scenario": {body}}}"#),
        );
        assert_eq!(export.status, 200, "{}", export.text());
        let expected = cli(&[
            "report",
            dir(&project),
            "--scenario",
            dir(&file),
            "--format",
            flag,
            "--lang",
            "en",
        ]);
        assert_eq!(
            export.text(),
            String::from_utf8_lossy(&expected),
            "{format}"
        );
    }
    let json = server.post("/api/export?format=json", "{}");
    assert_eq!(
        json.text(),
        String::from_utf8_lossy(&cli(&["analyze", dir(&project), "--format", "json"]))
    );
}

#[test]
fn page_is_self_contained_under_a_strict_policy() {
    let (_guard, project) = telecom_copy();
    let server = Server::start(&project, &[]);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    let csp = page
        .header("content-security-policy")
        .expect("CSP")
        .to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("a nonce");
    assert!(nonce.len() >= 32, "{nonce}");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert!(!csp.contains("unsafe"), "{csp}");
    let html = page.text();
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains(&format!("<script nonce=\"{nonce}\">")));
    assert!(html.contains(&format!("<style nonce=\"{nonce}\">")));
    for external in ["http://", "https://", "src=\"", "<link", "@import", "url("] {
        assert!(!html.contains(external), "`{external}` in the page");
    }
    assert!(!html.contains("innerHTML"), "texts go in as textContent");
    // A fresh nonce per response.
    let again = server.get("/");
    assert_ne!(again.header("content-security-policy"), Some(csp.as_str()));
    // The report frame is `sattrace report`'s page.
    let report = server.get("/report?lang=en");
    assert_eq!(
        report.text(),
        String::from_utf8_lossy(&cli(&["report", dir(&project), "--lang", "en"]))
    );
}

#[test]
fn hostile_requests_get_4xx_and_change_nothing() {
    let (guard, project) = telecom_copy();
    let server = Server::start(&project, &[]);
    let good = r#"{"shift": {"response_time": 0.5}}"#;
    let reference = server.post("/api/whatif", good).text();
    let before = listing(guard.path());
    let big = format!(
        r#"{{"shift": {{"response_time": 0.5}}, "name": "{}"}}"#,
        "x".repeat(70 * 1024)
    );
    let cases: Vec<(&str, String, String, u16, &str)> = vec![
        (
            "PUT",
            "/api/scenarios/..%2F..%2Fevil".into(),
            good.into(),
            400,
            "invalid_name",
        ),
        (
            "PUT",
            "/api/scenarios/..".into(),
            good.into(),
            400,
            "invalid_name",
        ),
        (
            "PUT",
            "/api/scenarios/%2Fetc%2Fpasswd".into(),
            good.into(),
            400,
            "invalid_name",
        ),
        (
            "PUT",
            "/api/scenarios/a.yaml".into(),
            good.into(),
            400,
            "invalid_name",
        ),
        (
            "GET",
            "/api/scenarios/..%5C..%5Cmodel".into(),
            String::new(),
            400,
            "invalid_name",
        ),
        (
            "GET",
            "/api/scenarios/%2e%2e".into(),
            String::new(),
            400,
            "invalid_name",
        ),
        (
            "GET",
            "/api/scenarios/missing".into(),
            String::new(),
            404,
            "no_scenario",
        ),
        ("POST", "/api/whatif".into(), big.clone(), 413, "too_large"),
        ("PUT", "/api/scenarios/big".into(), big, 413, "too_large"),
        (
            "POST",
            "/api/whatif".into(),
            "{\"shift\": ".into(),
            400,
            "malformed_json",
        ),
        (
            "POST",
            "/api/whatif".into(),
            "[1, 2]".into(),
            400,
            "malformed_json",
        ),
        (
            "POST",
            "/api/whatif".into(),
            r#"{"shift": {"response_time": 0.5}, "path": "/etc"}"#.into(),
            400,
            "malformed_json",
        ),
        (
            "POST",
            "/api/whatif".into(),
            r#"{"shift": {"response_time": "0.5"}}"#.into(),
            400,
            "malformed_json",
        ),
        (
            "POST",
            "/api/whatif".into(),
            r#"{"shift": {"no_such_driver": 0.5}}"#.into(),
            400,
            "invalid_scenario",
        ),
        (
            "POST",
            "/api/whatif".into(),
            r#"{"shift": {"satisfaction": 0.5}}"#.into(),
            400,
            "invalid_scenario",
        ),
        (
            "POST",
            "/api/whatif".into(),
            r#"{"set": {"network": 9}}"#.into(),
            400,
            "invalid_scenario",
        ),
        (
            "POST",
            "/api/whatif".into(),
            r#"{"shift": {"network": 1e308}}"#.into(),
            400,
            "invalid_scenario",
        ),
        (
            "POST",
            "/api/whatif".into(),
            r#"{"shift": {"network": 0.1}, "where": {"../x": "y"}}"#.into(),
            400,
            "invalid_scenario",
        ),
        (
            "POST",
            "/api/whatif".into(),
            "{}".into(),
            400,
            "nothing_to_change",
        ),
        (
            "POST",
            "/api/whatif?lang=fr".into(),
            good.into(),
            400,
            "bad_query",
        ),
        (
            "POST",
            "/api/plan".into(),
            r#"{"targets": {"nps": 30}, "due": "../../etc"}"#.into(),
            400,
            "invalid_plan",
        ),
        (
            "POST",
            "/api/plan".into(),
            r#"{"budget": -1}"#.into(),
            400,
            "invalid_plan",
        ),
        (
            "POST",
            "/api/plan".into(),
            r#"{"targets": {"no_such_outcome": 1}, "today": "2026-12-01"}"#.into(),
            422,
            "invalid_request",
        ),
        (
            "GET",
            "/../../etc/passwd".into(),
            String::new(),
            404,
            "not_found",
        ),
        (
            "GET",
            "/fixtures/telecom/model.yaml".into(),
            String::new(),
            404,
            "not_found",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let reply = http(
            server.addr,
            method,
            &path,
            body.as_bytes(),
            &[("Content-Type", "application/json")],
        );
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.text());
        let json = reply.json();
        assert_eq!(json["error"], code, "{method} {path}: {json}");
        assert!(json["message"]["zh"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        assert!(json["message"]["en"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        // The server still answers, with the same numbers.
        assert_eq!(server.post("/api/whatif", good).text(), reference);
    }
    // Wrong methods are refused too.
    assert_eq!(
        http(server.addr, "DELETE", "/api/scenarios/staffing", &[], &[]).status,
        405
    );
    assert!(project.join("scenarios/staffing.yaml").is_file());
    // Not a file was written or removed anywhere in the temporary tree.
    assert_eq!(listing(guard.path()), before);
    // A scenario name that is a rule file's stem is written under scenarios/ only.
    assert_eq!(server.put("/api/scenarios/service", good).status, 201);
    assert!(project.join("scenarios/service.yaml").is_file());
    assert_eq!(
        std::fs::read_to_string(project.join("rules/service.yaml")).expect("rules"),
        std::fs::read_to_string("fixtures/telecom/rules/service.yaml").expect("rules"),
    );
}

fn listing(root: &std::path::Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                out.push((path.display().to_string(), len));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn concurrent_users_get_their_own_answers() {
    let (_guard, project) = telecom_copy();
    let server = Server::start(&project, &[]);
    let bodies: Vec<String> = (1..=8)
        .map(|k| format!(r#"{{"shift": {{"network": {}}}}}"#, f64::from(k) / 10.0))
        .collect();
    let alone: Vec<String> = bodies
        .iter()
        .map(|b| server.post("/api/whatif", b).text())
        .collect();
    let addr = server.addr;
    let together: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = bodies
            .iter()
            .map(|b| {
                scope.spawn(move || {
                    http(
                        addr,
                        "POST",
                        "/api/whatif",
                        b.as_bytes(),
                        &[("Content-Type", "application/json")],
                    )
                    .text()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    assert_eq!(together, alone);
    // Each answer is its own scenario's.
    for (k, answer) in alone.iter().enumerate() {
        let json: serde_json::Value = serde_json::from_str(answer).expect("json");
        assert_eq!(
            json["scenario"]["shift"]["network"],
            serde_json::json!((k + 1) as f64 / 10.0)
        );
    }
}

#[test]
fn edits_reload_and_invalid_edits_show_the_diagnostics() {
    let (_guard, project) = telecom_copy();
    let server = Server::start(&project, &[]);
    let good = r#"{"shift": {"response_time": 0.5}}"#;
    let reference = server.post("/api/whatif", good).text();
    let first = server.get("/api/status").json();
    assert_eq!(first["ok"], true);
    let original = break_rules(&project);
    let status = server.wait_status("the broken rule", |s| s["ok"] == false);
    let problem = status["problem"].as_str().expect("diagnostics");
    assert!(problem.contains("rules/service.yaml:5:21"), "{problem}");
    assert!(
        problem.contains("unknown driver `response_tme`"),
        "{problem}"
    );
    assert!(
        problem.contains("did you mean `response_time`"),
        "{problem}"
    );
    let refused = server.post("/api/whatif", good);
    assert_eq!(refused.status, 409);
    assert!(refused.json()["detail"]
        .as_str()
        .expect("detail")
        .contains("service.yaml:5:21"));
    // Fixed: reloaded, the same numbers again.
    std::fs::write(project.join("rules/service.yaml"), original).expect("restore");
    let generation = status["generation"].as_u64().expect("generation");
    server.wait_status("the fix", |s| {
        s["ok"] == true && s["generation"].as_u64() > Some(generation)
    });
    assert_eq!(server.post("/api/whatif", good).text(), reference);
    // A changed survey is read again: the what-if follows the new data.
    let survey = project.join("survey.csv");
    let text = std::fs::read_to_string(&survey).expect("survey");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.truncate(lines.len() / 2);
    std::fs::write(&survey, lines.join("\n") + "\n").expect("write");
    let generation = server.get("/api/status").json()["generation"].as_u64();
    server.wait_status("the new survey", |s| {
        s["ok"] == true && s["generation"].as_u64() > generation
    });
    let after = server.post("/api/whatif", good).text();
    assert_ne!(after, reference);
    let expected = cli(&[
        "whatif",
        dir(&project),
        "--shift",
        "response_time=0.5",
        "--format",
        "json",
    ]);
    assert_eq!(after, String::from_utf8_lossy(&expected));
}

#[test]
fn start_errors_exit_2_and_ctrl_c_stops_cleanly() {
    let bad_host = std::process::Command::new(serve_support::BIN)
        .args([
            "serve",
            "fixtures/telecom",
            "--host",
            "not an address",
            "--port",
            "0",
        ])
        .output()
        .expect("runs");
    assert_eq!(bad_host.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_host.stderr).contains("is not an IP address"));
    // A project that is invalid at start: the CLI's error, exit 2.
    let (_guard, project) = telecom_copy();
    let original = break_rules(&project);
    let broken = std::process::Command::new(serve_support::BIN)
        .args(["serve", dir(&project), "--port", "0"])
        .output()
        .expect("runs");
    assert_eq!(broken.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("service.yaml:5:21"));
    std::fs::write(project.join("rules/service.yaml"), original).expect("restore");
    // Ctrl-C (SIGINT) ends the server with exit 0.
    let mut server = Server::start(&project, &["--host", "127.0.0.1"]);
    assert_eq!(server.get("/api/status").status, 200);
    let pid = server.child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "still running after Ctrl-C"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn moments_table_what_ifs_equal_the_cli() {
    let (_guard, project) = telecom_copy();
    let table = project.join("moments.csv");
    cli(&["moments", dir(&project), "-o", dir(&table)]);
    let server = Server::start(&project, &["--moments", dir(&table)]);
    let meta = server.get("/api/meta").json();
    assert_eq!(meta["aggregate"], true);
    let api = server.post(
        "/api/whatif",
        r#"{"shift": {"network": 0.4}, "where": {"region": "华南"}}"#,
    );
    assert_eq!(api.status, 200, "{}", api.text());
    let expected = cli(&[
        "whatif",
        dir(&project),
        "--moments",
        dir(&table),
        "--shift",
        "network=0.4",
        "--where",
        "region=华南",
        "--format",
        "json",
    ]);
    assert_eq!(api.text(), String::from_utf8_lossy(&expected));
    assert!(api.json()["effects_basis"]
        .as_str()
        .expect("basis")
        .contains("aggregate what-if"));
}

#[test]
fn the_wave_picker_runs_whatif_wave_and_refuses_unknown_waves() {
    let (_guard, project) = telecom_copy();
    let server = Server::start(&project, &["--lang", "en"]);
    let meta = server.get("/api/meta").json();
    assert_eq!(meta["waves"], serde_json::json!(["2025H2", "2026H1"]));
    assert!(meta["nodes"][0]["scores_by_wave"]["2025H2"]["all"].is_number());
    let body =
        r#"{"shift": {"response_time": 0.5}, "where": {"region": "华东"}, "wave": "2025H2"}"#;
    let api = server.post("/api/whatif?lang=en", body);
    assert_eq!(api.status, 200, "{}", api.text());
    assert_eq!(api.json()["wave"], "2025H2");
    let expected = cli(&[
        "whatif",
        dir(&project),
        "--shift",
        "response_time=0.5",
        "--where",
        "region=华东",
        "--wave",
        "2025H2",
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(api.text(), String::from_utf8_lossy(&expected));
    // The latest wave named explicitly is the default answer.
    let named = server.post(
        "/api/whatif?lang=en",
        r#"{"shift": {"response_time": 0.5}, "wave": "2026H1"}"#,
    );
    let default = server.post(
        "/api/whatif?lang=en",
        r#"{"shift": {"response_time": 0.5}}"#,
    );
    assert_eq!(named.text(), default.text());
    let unknown = server.post(
        "/api/whatif",
        r#"{"shift": {"response_time": 0.5}, "wave": "2025H3"}"#,
    );
    assert_eq!(unknown.status, 400, "{}", unknown.text());
    assert_eq!(unknown.json()["error"], "invalid_wave");
    assert!(unknown.text().contains("2025H2"), "{}", unknown.text());
}

#[test]
fn the_wave_picker_runs_plan_wave() {
    let (_guard, project) = telecom_copy();
    let server = Server::start(&project, &["--lang", "en"]);
    let p = dir(&project);
    let plan =
        r#"{"targets": {"nps": 30}, "due": "2027-06-30", "today": "2026-12-01", "wave": "2025H2"}"#;
    let api = server.post("/api/plan?lang=en", plan);
    assert_eq!(api.status, 200, "{}", api.text());
    let args = [
        "plan",
        p,
        "--target",
        "nps=30",
        "--due",
        "2027-06-30",
        "--today",
        "2026-12-01",
        "--format",
        "json",
        "--lang",
        "en",
    ];
    let earlier: Vec<&str> = args.iter().copied().chain(["--wave", "2025H2"]).collect();
    let (expected, _) = cli_any(&earlier);
    assert_eq!(api.text(), String::from_utf8_lossy(&expected));
    // The wave matters: the earlier wave's plan starts from its own scores.
    let (latest, _) = cli_any(&args);
    assert_ne!(expected, latest);
    let named = server.post("/api/plan?lang=en", &plan.replace("2025H2", "2026H1"));
    assert_eq!(named.text(), String::from_utf8_lossy(&latest));
    let unknown = server.post("/api/plan", &plan.replace("2025H2", "2025H3"));
    assert_eq!(unknown.status, 400, "{}", unknown.text());
    assert_eq!(unknown.json()["error"], "invalid_wave");
}

#[test]
fn whatif_answers_carry_the_root_causes_before_and_after() {
    let (_guard, project) = telecom_copy();
    let server = Server::start(&project, &[]);
    let api = server.post(
        "/api/whatif?lang=en",
        r#"{"shift": {"response_time": 0.8}, "where": {"region": "华东"}}"#,
    );
    let json = api.json();
    let causes = json["root_causes"].as_array().expect("root causes");
    let cause = causes
        .iter()
        .find(|c| {
            c["segment"] == "region=华东"
                && c["outcome"] == "satisfaction"
                && c["driver"] == "response_time"
        })
        .expect("response time is a root cause of satisfaction in 华东");
    // Closing part of the gap leaves less to gain from closing the rest.
    let (before, after) = (
        cause["contribution_before"].as_f64().expect("before"),
        cause["contribution_after"].as_f64().expect("after"),
    );
    assert!(after < before, "{cause}");
    // A driver nobody moved keeps its contribution.
    let price = causes
        .iter()
        .find(|c| {
            c["segment"] == "region=华东"
                && c["outcome"] == "satisfaction"
                && c["driver"] == "price_value"
        })
        .expect("price");
    assert_eq!(price["contribution_before"], price["contribution_after"]);
}
