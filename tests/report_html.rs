//! `sattrace report`: snapshots of the example's HTML and Markdown (byte-identical
//! across runs), hostile labels stay inert, and the page renders in headless Chromium.

mod support;

use support::{hostile_project, run, FORMULA, SCRIPT};

fn report(args: &[&str]) -> String {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

#[test]
fn example_html_and_markdown_snapshots() {
    let zh = report(&["report", "fixtures/telecom"]);
    insta::assert_snapshot!("telecom_html_zh", zh);
    let en = report(&["report", "fixtures/telecom", "--lang", "en"]);
    insta::assert_snapshot!("telecom_html_en", en);
    let md = report(&["report", "fixtures/telecom", "--format", "md"]);
    insta::assert_snapshot!("telecom_report_md_zh", md);
    for _ in 0..2 {
        assert_eq!(report(&["report", "fixtures/telecom"]), zh);
    }
}

#[test]
fn html_is_self_contained() {
    let html = report(&["report", "fixtures/telecom", "--lang", "en"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no scripts");
    for external in [
        "http://", "https://", "src=", "<link", "@import", "url(http",
    ] {
        let allowed = html.matches("http://www.w3.org/2000/svg").count();
        let found = html.matches(external).count();
        if external == "http://" {
            assert_eq!(found, allowed, "only the SVG namespace is a URL");
        } else {
            assert_eq!(found, 0, "`{external}` in the page");
        }
    }
    assert!(
        html.matches("<svg ").count() >= 5,
        "every chart is inline SVG"
    );
    assert!(
        html.matches("<table").count() >= 5,
        "a table under each chart"
    );
}

#[test]
fn hostile_labels_stay_inert_in_html() {
    let dir = hostile_project();
    let project = dir.path().to_str().expect("path");
    let html = report(&["report", project]);
    assert!(!html.contains("<script"), "a label opened a script");
    assert!(!html.contains("<b>"), "a segment value opened a tag");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("=HYPERLINK(&quot;http://x&quot;)"));
    assert!(!html.contains(FORMULA), "quotes in the formula are escaped");
    assert!(!html.contains(SCRIPT));
    // The page still has all its charts.
    assert!(html.matches("<svg ").count() >= 5);
    let md = report(&["report", project, "--format", "md"]);
    assert!(!md.contains(SCRIPT), "{md}");
}

#[test]
fn output_file_is_written_atomically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.html");
    let (code, stdout, stderr) = run(&[
        "report",
        "fixtures/telecom",
        "-o",
        out.to_str().expect("path"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.is_empty(),
        "no progress bar off a terminal: {stderr:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).expect("written"),
        report(&["report", "fixtures/telecom"])
    );
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
}

/// Chromium, headless: the page loads, parses, and every chart has a size.
/// Skipped (with a message) only when chromium is absent outside CI.
#[test]
fn renders_in_headless_chromium() {
    let found = std::process::Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is required in CI: .ci/run installs it (apt-get install chromium)"
        );
        eprintln!("SKIPPED renders_in_headless_chromium: chromium is not installed (apt-get install chromium)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("report.html");
    let (code, _, stderr) = run(&[
        "report",
        "fixtures/telecom",
        "-o",
        page.to_str().expect("path"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let url = format!("file://{}", page.display());
    let png = dir.path().join("shot.png");
    let chromium = |extra: &[String]| {
        let profile = tempfile::tempdir().expect("profile");
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ]
        .map(String::from)
        .to_vec();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.extend(extra.iter().cloned());
        args.push(url.clone());
        run_with_timeout(std::process::Command::new("chromium").args(&args))
    };
    let shot = chromium(&[
        format!("--screenshot={}", png.display()),
        "--window-size=1280,2400".to_string(),
    ]);
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).expect("a screenshot");
    assert!(bytes.len() > 10_000, "a real picture, not an empty page");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));

    let dump = chromium(&["--dump-dom".to_string()]);
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let dom = String::from_utf8_lossy(&dump.stdout);
    assert!(
        dom.contains("<main>") && dom.contains("</main>"),
        "the page parsed"
    );
    let svgs: Vec<&str> = dom.split("<svg ").skip(1).collect();
    assert!(svgs.len() >= 5, "charts in the DOM: {}", svgs.len());
    for svg in svgs {
        let head = &svg[..svg.find('>').expect("tag end")];
        let attr = |name: &str| -> f64 {
            let start = head.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
            head[start..]
                .split('"')
                .next()
                .expect("value")
                .parse()
                .expect("number")
        };
        assert!(attr("width") > 0.0 && attr("height") > 0.0, "{head}");
    }
}

/// Run a command, killing it after two minutes so a hung browser fails the test
/// instead of hanging CI.
fn run_with_timeout(command: &mut std::process::Command) -> std::process::Output {
    use std::process::Stdio;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let (out, err) = (read(Box::new(stdout)), read(Box::new(stderr)));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    std::process::Output {
        status,
        stdout: out.join().expect("stdout thread"),
        stderr: err.join().expect("stderr thread"),
    }
}

const WHATIF_PLAN: [&str; 11] = [
    "--scenario",
    "fixtures/telecom/scenarios/staffing.yaml",
    "--target",
    "satisfaction=4.0",
    "--target",
    "nps=30",
    "--due",
    "2027-06-30",
    "--today",
    "2026-11-23",
    "--lang",
];

#[test]
fn whatif_and_plan_sections_snapshots() {
    let mut html_args = vec!["report", "fixtures/telecom"];
    html_args.extend(WHATIF_PLAN);
    html_args.push("en");
    let html = report(&html_args);
    assert!(
        html.contains("What-if: 华东高峰增派客服"),
        "what-if section"
    );
    assert!(html.contains("Action plan"), "plan section");
    assert!(html.contains("id=\"whatif0-title\""), "what-if chart");
    insta::assert_snapshot!("telecom_html_whatif_plan_en", html);
    let mut md_args = vec!["report", "fixtures/telecom", "--format", "md"];
    md_args.extend(WHATIF_PLAN);
    md_args.push("zh");
    let md = report(&md_args);
    assert!(md.contains("## 情景分析: 华东高峰增派客服"), "{md}");
    assert!(md.contains("## 行动计划"), "{md}");
    insta::assert_snapshot!("telecom_report_md_whatif_plan_zh", md);
    for _ in 0..2 {
        assert_eq!(report(&html_args), html);
        assert_eq!(report(&md_args), md);
    }
}

#[test]
fn hostile_scenario_name_stays_inert() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string("fixtures/telecom/scenarios/staffing.yaml")
        .expect("scenario")
        .replace(
            "name: 华东高峰增派客服",
            &format!("name: '{SCRIPT} {}'", FORMULA.replace('\'', "''")),
        );
    let path = dir.path().join("hostile.yaml");
    std::fs::write(&path, text).expect("write");
    let path = path.to_str().expect("path");
    let html = report(&["report", "fixtures/telecom", "--scenario", path]);
    assert!(!html.contains(SCRIPT), "the scenario name opened a script");
    assert!(!html.contains(FORMULA));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("=HYPERLINK(&quot;http://x&quot;)"));
    let md = report(&[
        "report",
        "fixtures/telecom",
        "--format",
        "md",
        "--scenario",
        path,
    ]);
    assert!(!md.contains(SCRIPT), "{md}");
}

/// Per-segment trends over waves stay readable at 14 segments: one labelled small
/// chart per segment (no legend, no colour to run out of), every label escaped and
/// inside its chart, and one table row per segment with a score per wave.
#[test]
fn segment_trends_stay_readable_at_fourteen_segments() {
    let dir = tempfile::tempdir().expect("tempdir");
    for file in ["model.yaml", "rules/service.yaml"] {
        let to = dir.path().join(file);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("dir");
        std::fs::copy(format!("fixtures/telecom/{file}"), to).expect("copy");
    }
    let survey = std::fs::read_to_string("fixtures/telecom/survey.csv").expect("survey");
    let mut lines = survey.lines();
    let mut csv = format!("{}\n", lines.next().expect("header"));
    for (i, line) in lines.enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        cells[1] = match i % 14 {
            0 => "\"<i>r0</i> & co\"".to_string(),
            k => format!("区域{k:02}"),
        };
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    std::fs::write(dir.path().join("survey.csv"), csv).expect("write survey");
    let project = dir.path().to_str().expect("path");
    let html = report(&["report", project, "--lang", "en", "--today", "2026-07-01"]);
    let start = html
        .find("<h2>Segment trends over waves</h2>")
        .expect("section");
    let section = &html[start..start + html[start..].find("</section>").expect("end")];
    for k in 0..14 {
        assert!(
            section.contains(&format!("id=\"segtrend{k}-title\"")),
            "chart {k}"
        );
    }
    assert!(!section.contains("segtrend14"), "one chart per segment");
    assert!(
        section.contains("region=&lt;i&gt;r0&lt;/i&gt; &amp; co"),
        "escaped"
    );
    assert!(!section.contains("<i>"), "no markup from data");
    for k in 1..14 {
        assert!(
            section.contains(&format!("<td>region=区域{k:02}</td>")),
            "row {k}"
        );
    }
    // Every row: the segment, a score for each of the two waves, and the change.
    let rows = section.matches("<tr><td>").count();
    assert_eq!(rows, 14, "{section}");
    // Every text stays inside its 220-wide chart.
    for x in section.split("<text x=\"").skip(1) {
        let x: f64 = x[..x.find('"').expect("quote")].parse().expect("x");
        assert!((0.0..=220.0).contains(&x), "text at x={x}");
    }
}
