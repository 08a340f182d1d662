//! Workbooks written by `analyze`/`report --format xlsx` read back by an
//! independent reader: fixtures/files/verify_xlsx.py (openpyxl) checks every score
//! row and action against the JSON of the same run, for the telecom example in both
//! languages, a report with what-if and plan sheets, and surveys read from `.xlsx`
//! and `.sav` files.
//!
//! Without python3 or openpyxl the test prints a loud SKIPPED message and passes,
//! unless `SATTRACE_REQUIRE_ENGINES=1` (.ci/run sets it and installs openpyxl):
//! then it fails.

mod support;

use std::path::Path;
use std::process::Command;

use support::run;

/// Whether openpyxl can run; panics when it cannot but is required.
fn openpyxl() -> bool {
    let required = std::env::var("SATTRACE_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    let why = match Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
    {
        Err(e) => format!("python3 does not run ({e})"),
        Ok(o) if o.status.success() => return true,
        Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    assert!(
        !required,
        "SATTRACE_REQUIRE_ENGINES=1 but openpyxl cannot run: {why}"
    );
    eprintln!(
        "\n=== SKIPPED: openpyxl read-back of the written workbooks: {why}\n=== install it (see .ci/run) or set SATTRACE_REQUIRE_ENGINES=1 to make this a failure\n"
    );
    false
}

const SCENARIO: [&str; 2] = ["--scenario", "fixtures/telecom/scenarios/staffing.yaml"];
const PLAN: [&str; 6] = [
    "--target",
    "satisfaction=4.0",
    "--due",
    "2027-06-30",
    "--today",
    "2026-12-01",
];

/// Write the `--format json` of `command args` to `path`.
fn json_of(path: &Path, args: &[&str]) {
    let (code, stdout, stderr) = run(&[args, &["--format", "json"]].concat());
    assert_eq!(code, 0, "{args:?}: {stderr}");
    std::fs::write(path, stdout).expect("write json");
}

/// Run verify_xlsx.py on `xlsx` and the JSON files; its output and success.
fn checker(xlsx: &Path, json: &[&Path]) -> (bool, String) {
    let output = Command::new("python3")
        .arg("fixtures/files/verify_xlsx.py")
        .arg(xlsx)
        .args(json)
        .output()
        .expect("python3 runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Write `command args --format xlsx -o` and the JSON of the same run (for a
/// report with the what-if and plan sections, their JSON too), then run the
/// checker; the workbook's path.
fn verify(dir: &Path, name: &str, command: &str, args: &[&str]) -> std::path::PathBuf {
    let json = dir.join(format!("{name}.json"));
    let xlsx = dir.join(format!("{name}.xlsx"));
    // The report's first sheets are the analysis sheets.
    json_of(&json, &[&["analyze"][..], args].concat());
    let mut extra: Vec<&str> = Vec::new();
    let mut documents = vec![json.clone()];
    if command == "report" {
        extra.extend(SCENARIO);
        extra.extend(PLAN);
        let whatif = dir.join(format!("{name}-whatif.json"));
        json_of(&whatif, &[&["whatif"][..], args, &SCENARIO].concat());
        let plan = dir.join(format!("{name}-plan.json"));
        json_of(&plan, &[&["plan"][..], args, &PLAN].concat());
        documents.extend([whatif, plan]);
    }
    let xlsx_text = xlsx.to_str().expect("utf-8");
    let (code, _, stderr) = run(&[
        &[command][..],
        args,
        &extra,
        &["--format", "xlsx", "-o", xlsx_text],
    ]
    .concat());
    assert_eq!(code, 0, "{name}: {stderr}");
    let documents: Vec<&Path> = documents.iter().map(|p| p.as_path()).collect();
    let (ok, text) = checker(&xlsx, &documents);
    assert!(ok, "{name}: verify_xlsx.py failed:\n{text}");
    assert!(text.starts_with("ok: "), "{name}: {text}");
    if command == "report" {
        assert!(
            text.contains("what-if rows") && text.contains("plan targets"),
            "{text}"
        );
    }
    xlsx
}

#[test]
fn openpyxl_reads_back_the_json_numbers() {
    if !openpyxl() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    verify(
        d,
        "telecom-en",
        "analyze",
        &["fixtures/telecom", "--lang", "en"],
    );
    verify(
        d,
        "telecom-zh",
        "analyze",
        &["fixtures/telecom", "--lang", "zh"],
    );
    verify(
        d,
        "report-en",
        "report",
        &["fixtures/telecom", "--lang", "en"],
    );
    // Surveys read from a workbook and from SPSS files (Chinese labels, GBK text).
    for data in [
        "fixtures/files/survey.xlsx",
        "fixtures/files/survey.sav",
        "fixtures/files/survey_gbk.sav",
    ] {
        let name = data.rsplit('/').next().unwrap_or(data).replace('.', "-");
        verify(d, &name, "analyze", &["fixtures/files", "--data", data]);
    }
}
