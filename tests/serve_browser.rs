//! `sattrace serve` in real headless Chromium, driven over the DevTools protocol:
//! a slider moved on the page shows the outcome and top action of `sattrace whatif`
//! for the same shift, the plan form shows `sattrace plan`'s cheapest plan, an
//! invalid rule edit shows `check`'s diagnostic, and the page works in zh and en.
//! Screenshots go to a temporary folder, or to docs/img/ with
//! SATTRACE_UPDATE_SCREENSHOTS=1.

mod serve_support;

use serde_json::Value;
use serve_support::cdp::{chromium_available, Browser};
use serve_support::{break_rules, cli, telecom_copy, Server};

fn shot(browser: &mut Browser, dir: &std::path::Path, name: &str) {
    let png = browser.page.screenshot();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name} is a PNG");
    assert!(
        png.len() > 20_000,
        "{name}: a real picture, not an empty page"
    );
    std::fs::write(dir.join(name), &png).expect("write screenshot");
    if std::env::var_os("SATTRACE_UPDATE_SCREENSHOTS").is_some() {
        std::fs::write(std::path::Path::new("docs/img").join(name), &png).expect("docs/img");
    }
}

/// Equal JSON, numbers compared as numbers.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Move a slider by `delta` score points from its current score, as a person
/// dragging it would (value set, then an `input` event).
fn move_slider(browser: &mut Browser, driver: &str, delta: f64) {
    let before = browser
        .page
        .eval("Number(document.body.dataset.whatifSeq || 0)");
    browser.page.eval(&format!(
        "(() => {{ const s = document.getElementById('slider-{driver}');
            s.value = String(Number(s.dataset.base) + {delta});
            s.dispatchEvent(new Event('input', {{bubbles: true}})); return true; }})()"
    ));
    browser.page.wait_for(
        "the what-if answer",
        &format!("!document.body.dataset.busy && Number(document.body.dataset.whatifSeq || 0) > {before}"),
    );
}

#[test]
fn workbench_in_headless_chromium_matches_the_cli() {
    if !chromium_available("workbench_in_headless_chromium_matches_the_cli") {
        return;
    }
    let (_guard, project) = telecom_copy();
    let p = project.to_str().expect("path").to_string();
    let server = Server::start(&project, &["--lang", "en"]);
    let shots = tempfile::tempdir().expect("shots");
    let mut browser = Browser::launch(1400, 1500);

    // English page: a slider per driver, bounded by the scale.
    browser.page.navigate(&server.url);
    browser
        .page
        .wait_for("the page", "document.body.dataset.ready === '1'");
    browser
        .page
        .wait_for("the report frame", "document.body.dataset.reportLoaded");
    let sliders = browser.page.eval(
        "[...document.querySelectorAll('#sliders input[type=range]')].map(s => [s.dataset.driver, s.min, s.max])",
    );
    assert_eq!(sliders.as_array().map(Vec::len), Some(7), "{sliders}");
    assert_eq!(sliders[0], serde_json::json!(["response_time", "1", "5"]));
    assert_eq!(
        browser
            .page
            .eval("document.querySelector('[data-t=whatif]').textContent"),
        "What-if"
    );

    // Move response time up half a point: the page shows what the CLI computes.
    move_slider(&mut browser, "response_time", 0.5);
    let sent = browser
        .page
        .eval("window.sattraceLastWhatif.scenario.shift");
    assert_eq!(sent, serde_json::json!({"response_time": 0.5}));
    let cli_json: Value = serde_json::from_slice(&cli(&[
        "whatif",
        &p,
        "--shift",
        "response_time=0.5",
        "--format",
        "json",
        "--lang",
        "en",
    ]))
    .expect("json");
    let all = &cli_json["segments"][0];
    assert_eq!(all["segment"], "all");
    for outcome in ["satisfaction", "nps", "churn"] {
        let node = all["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|n| n["id"] == outcome)
            .expect("outcome");
        let shown = browser.page.eval(&format!(
            "(() => {{ const r = document.querySelector('#outcomes tr[data-node={outcome}]');
                return [Number(r.dataset.after), r.querySelector('td.after').textContent]; }})()"
        ));
        assert!(same(&shown[0], &node["after"]), "{outcome}: {shown}");
        let digits = if outcome == "satisfaction" { 2 } else { 1 };
        let after = node["after"].as_f64().expect("after");
        assert_eq!(shown[1], format!("{after:.digits$}"), "{outcome} as shown");
    }
    let top = cli_json["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["rank_after"] == 1)
        .expect("a top action");
    let shown = browser
        .page
        .eval("document.getElementById('top-action').dataset.rule");
    assert_eq!(shown, top["rule"]);
    shot(&mut browser, shots.path(), "serve_whatif_en.png");

    // A segment: the sliders start from 华东's scores and the what-if is filtered.
    browser.page.eval(
        "(() => { const s = document.getElementById('segment'); s.value = 'region=华东';
            s.dispatchEvent(new Event('change')); return true; })()",
    );
    move_slider(&mut browser, "network", 0.3);
    let sent = browser.page.eval("window.sattraceLastWhatif.scenario");
    assert_eq!(sent["where"], serde_json::json!({"region": "华东"}));
    let shift = sent["shift"]["network"]
        .as_f64()
        .expect("shift")
        .to_string();
    let cli_json: Value = serde_json::from_slice(&cli(&[
        "whatif",
        &p,
        "--shift",
        &format!("network={shift}"),
        "--where",
        "region=华东",
        "--format",
        "json",
        "--lang",
        "en",
    ]))
    .expect("json");
    // The page's copy of the answer is the CLI's JSON (JavaScript writes 3.0 as 3).
    assert!(
        same(&browser.page.eval("window.sattraceLastWhatif"), &cli_json),
        "{cli_json}"
    );

    // Save the scenario on the sliders, reset, load it back: the CLI runs the file
    // to the same answer.
    browser.page.eval(
        "document.getElementById('scenario-name').value = 'east_network';
         document.getElementById('save').click(); true",
    );
    browser.page.wait_for(
        "the save",
        "document.getElementById('save-result').textContent.includes('scenarios/east_network.yaml')",
    );
    browser.page.wait_for(
        "the saved scenario in the list",
        "[...document.getElementById('saved').options].some(o => o.value === 'east_network')",
    );
    let file = project.join("scenarios/east_network.yaml");
    assert!(file.is_file());
    browser
        .page
        .eval("document.getElementById('reset').click(); true");
    browser.page.eval(
        "document.getElementById('saved').value = 'east_network';
         document.getElementById('load').click(); true",
    );
    browser.page.wait_for(
        "the loaded scenario",
        "!document.body.dataset.busy && window.sattraceLastWhatif.scenario.name === 'east_network'",
    );
    let from_file: Value = serde_json::from_slice(&cli(&[
        "whatif",
        &p,
        "--scenario",
        file.to_str().expect("path"),
        "--format",
        "json",
        "--lang",
        "en",
    ]))
    .expect("json");
    assert!(
        same(&browser.page.eval("window.sattraceLastWhatif"), &from_file),
        "{from_file}"
    );

    // The plan form: the cheapest plan and its runner-ups, as `sattrace plan`.
    browser.page.eval(
        "(() => { document.getElementById('target-nps').value = '30';
            document.getElementById('due').value = '2027-06-30';
            document.getElementById('today').value = '2026-12-01';
            document.getElementById('budget').value = '9';
            document.getElementById('plan-form').requestSubmit(); return true; })()",
    );
    browser
        .page
        .wait_for("the plan", "document.body.dataset.planDone === '1'");
    let plan: Value = serde_json::from_slice(&cli(&[
        "plan",
        &p,
        "--target",
        "nps=30",
        "--due",
        "2027-06-30",
        "--today",
        "2026-12-01",
        "--budget",
        "9",
        "--format",
        "json",
        "--lang",
        "en",
    ]))
    .expect("json");
    let plans = plan["plans"].as_array().expect("plans");
    assert!(plans.len() >= 2, "a plan and runner-ups: {plan}");
    let shown = browser.page.eval(
        "[...document.querySelectorAll('#plan-result .plan')].map(p => [Number(p.dataset.cost), p.dataset.rules])",
    );
    let expected: Vec<Value> = plans
        .iter()
        .map(|p| {
            let rules: Vec<&str> = p["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .map(|a| a["rule"].as_str().expect("rule"))
                .collect();
            serde_json::json!([p["cost"], rules.join(",")])
        })
        .collect();
    assert!(
        same(&shown, &Value::Array(expected.clone())),
        "{shown} vs {expected:?}"
    );
    assert_eq!(
        browser
            .page
            .eval("document.getElementById('plan-result').dataset.status"),
        plan["status"]
    );
    browser
        .page
        .eval("document.getElementById('plan-panel').scrollIntoView(); true");
    shot(&mut browser, shots.path(), "serve_plan_en.png");

    // An invalid rule edit: the page shows check's diagnostic, the server lives on.
    let original = break_rules(&project);
    browser.page.wait_for(
        "the diagnostic",
        "document.getElementById('status').dataset.kind === 'error'",
    );
    let problem = browser
        .page
        .eval("document.getElementById('problem').textContent");
    let problem = problem.as_str().expect("text");
    assert!(problem.contains("rules/service.yaml:5:21"), "{problem}");
    assert!(
        problem.contains("unknown driver `response_tme`"),
        "{problem}"
    );
    browser.page.eval("window.scrollTo(0, 0); true");
    shot(&mut browser, shots.path(), "serve_diagnostic_en.png");
    std::fs::write(project.join("rules/service.yaml"), original).expect("restore");
    browser.page.wait_for(
        "the reload",
        "document.getElementById('status').dataset.kind === 'reloaded'",
    );
    assert_eq!(
        browser
            .page
            .eval("document.getElementById('status-text').textContent"),
        "Files changed, reloaded."
    );

    // Chinese page.
    browser.page.navigate(&format!("{}?lang=zh", server.url));
    browser
        .page
        .wait_for("the page", "document.body.dataset.ready === '1'");
    assert_eq!(
        browser
            .page
            .eval("document.querySelector('[data-t=whatif]').textContent"),
        "假设分析"
    );
    assert_eq!(
        browser
            .page
            .eval("document.querySelector('#sliders label').textContent"),
        "客服响应时间"
    );
    move_slider(&mut browser, "response_time", 0.5);
    browser
        .page
        .wait_for("the report frame", "document.body.dataset.reportLoaded");
    assert_eq!(
        browser
            .page
            .eval("document.getElementById('top-action').dataset.rule"),
        top["rule"]
    );
    shot(&mut browser, shots.path(), "serve_whatif_zh.png");
}

/// With the bootstrap on: the page says when the replicates are ready, then shows
/// each change's interval; the wave picker sends the wave (the answer equals
/// `whatif --wave`, intervals included); the root causes of the chosen segment
/// are shown before and after and follow the slider.
#[test]
fn wave_picker_intervals_and_root_causes_in_headless_chromium() {
    if !chromium_available("wave_picker_intervals_and_root_causes_in_headless_chromium") {
        return;
    }
    let (_guard, project) = telecom_copy();
    let p = project.to_str().expect("path").to_string();
    let boot = ["--bootstrap", "12", "--seed", "3"];
    let mut args = vec!["--lang", "en"];
    args.extend(boot);
    let server = Server::start(&project, &args);
    let mut browser = Browser::launch(1400, 1500);
    browser.page.navigate(&server.url);
    browser
        .page
        .wait_for("the page", "document.body.dataset.ready === '1'");
    // The page's own status poll reports the replicates ready.
    browser.page.wait_for(
        "the replicates",
        "document.getElementById('intervals-note').dataset.state === 'ready'",
    );
    let note = browser
        .page
        .eval("document.getElementById('intervals-note').textContent");
    assert!(
        note.as_str()
            .is_some_and(|n| n.contains("12 respondent-bootstrap replicates (seed 3)")),
        "{note}"
    );

    // The plan form with the replicates ready: P(reach) as `plan` gives it.
    browser.page.eval(
        "(() => { document.getElementById('target-nps').value = '30';
            document.getElementById('due').value = '2027-06-30';
            document.getElementById('today').value = '2026-12-01';
            document.getElementById('budget').value = '9';
            document.getElementById('plan-form').requestSubmit(); return true; })()",
    );
    browser
        .page
        .wait_for("the plan", "document.body.dataset.planDone === '1'");
    let mut plan_args = vec![
        "plan",
        &p,
        "--target",
        "nps=30",
        "--due",
        "2027-06-30",
        "--today",
        "2026-12-01",
        "--budget",
        "9",
        "--format",
        "json",
        "--lang",
        "en",
    ];
    plan_args.extend(boot);
    let plan: Value = serde_json::from_slice(&cli(&plan_args)).expect("json");
    assert!(
        same(&browser.page.eval("window.sattraceLastPlan"), &plan),
        "{plan}"
    );
    let probability = plan["plans"][0]["projected"][0]["probability"]
        .as_f64()
        .expect("P(reach) of the cheapest plan");
    let shown = browser
        .page
        .eval("document.querySelector('#plan-0 p.note').textContent");
    assert!(
        shown
            .as_str()
            .is_some_and(|t| t.contains(&format!("P(reach) {probability:.2}"))),
        "{shown} vs {probability}"
    );

    // 华东, wave 2025H2: the sliders start from that wave's scores.
    browser.page.eval(
        "(() => { const s = document.getElementById('segment'); s.value = 'region=华东';
            s.dispatchEvent(new Event('change')); return true; })()",
    );
    browser
        .page
        .wait_for("the segment", "!document.body.dataset.busy");
    let waves = browser
        .page
        .eval("[...document.getElementById('wave').options].map(o => o.value)");
    assert_eq!(waves, serde_json::json!(["2025H2", "2026H1"]));
    browser.page.eval(
        "(() => { const s = document.getElementById('wave'); s.value = '2025H2';
            s.dispatchEvent(new Event('change')); return true; })()",
    );
    let meta = server.get("/api/meta").json();
    let base = &meta["nodes"][0]["scores_by_wave"]["2025H2"]["region=华东"];
    assert_eq!(meta["nodes"][0]["id"], "response_time");
    let shown_base = browser
        .page
        .eval("Number(document.getElementById('slider-response_time').dataset.base)");
    assert!(same(&shown_base, base), "{shown_base} vs {base}");
    move_slider(&mut browser, "response_time", 0.5);
    // The first answer on an earlier wave may come before its replicates: the
    // page asks again until the answer has them.
    browser.page.wait_for(
        "the what-if with intervals on wave 2025H2",
        "!document.body.dataset.busy && document.body.dataset.whatifIntervals === 'ready'
         && window.sattraceLastWhatif.wave === '2025H2'",
    );
    let sent = browser.page.eval("window.sattraceLastWhatif.scenario");
    assert_eq!(sent["shift"], serde_json::json!({"response_time": 0.5}));
    assert_eq!(sent["where"], serde_json::json!({"region": "华东"}));
    let mut cli_args = vec![
        "whatif",
        &p,
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
    ];
    cli_args.extend(boot);
    let cli_json: Value = serde_json::from_slice(&cli(&cli_args)).expect("json");
    assert!(
        same(&browser.page.eval("window.sattraceLastWhatif"), &cli_json),
        "{cli_json}"
    );

    // The interval column shows the CLI's interval of the segment's change.
    let segment = cli_json["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .find(|s| s["segment"] == "region=华东")
        .expect("华东");
    let sat = segment["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["id"] == "satisfaction")
        .expect("satisfaction");
    let shown = browser.page.eval(
        "(() => { const r = document.querySelector('#outcomes tr[data-node=satisfaction]');
            return [Number(r.dataset.low), Number(r.dataset.high), r.querySelector('td.interval').textContent]; })()",
    );
    assert!(same(&shown[0], &sat["change_low"]), "{shown} vs {sat}");
    assert!(same(&shown[1], &sat["change_high"]), "{shown} vs {sat}");
    let text = shown[2].as_str().expect("text");
    assert!(text.starts_with('[') && text.contains(", "), "{text}");

    // Root causes of 华东, before and after, as the CLI's JSON has them.
    let causes: Vec<&Value> = cli_json["root_causes"]
        .as_array()
        .expect("root causes")
        .iter()
        .filter(|c| c["segment"] == "region=华东")
        .collect();
    let rows = browser.page.eval(
        "[...document.querySelectorAll('#root-causes tbody tr')].map(r =>
            [r.dataset.outcome, r.dataset.driver, r.dataset.before, r.dataset.after])",
    );
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), causes.len(), "{rows:?}");
    let text = |v: &Value| v.as_f64().map(|x| x.to_string()).unwrap_or_default();
    for (row, cause) in rows.iter().zip(&causes) {
        assert_eq!(row[0], cause["outcome"]);
        assert_eq!(row[1], cause["driver"]);
        let number = |v: &Value| v.as_str().and_then(|s| s.parse::<f64>().ok());
        assert_eq!(
            number(&row[2]),
            cause["contribution_before"].as_f64(),
            "{row}"
        );
        assert_eq!(
            number(&row[3]),
            cause["contribution_after"].as_f64(),
            "{row} {}",
            text(&cause["contribution_after"])
        );
    }
    // Moving the slider further moves the root causes with it.
    let first_after = rows
        .iter()
        .find(|r| r[0] == "satisfaction" && r[1] == "response_time")
        .map(|r| r[3].clone())
        .expect("response time is a root cause of satisfaction in 华东");
    move_slider(&mut browser, "response_time", 0.8);
    let moved = browser.page.eval(
        "document.querySelector('#root-causes tr[data-outcome=satisfaction][data-driver=response_time]').dataset.after",
    );
    assert_ne!(moved, first_after, "the root cause follows the slider");
}
