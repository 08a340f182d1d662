//! Command-and-expected-output cases: each `tests/cli/cases/NAME.args` (one argument a
//! line; `#` lines are comments) is run, and its exit code, stdout and stderr must
//! equal `NAME.expected` byte for byte, so every number printed is pinned.
//! `BLESS=1 cargo test --test cli cases` rewrites the expected files.

use std::path::{Path, PathBuf};

use crate::support::run;

const DIR: &str = "tests/cli/cases";

fn cases() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(DIR)
        .expect("cases dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "args"))
        .collect();
    files.sort();
    files
}

fn args(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("args")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The exit code, stdout and stderr as one text.
fn outcome(code: i32, stdout: &str, stderr: &str) -> String {
    format!("exit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}")
}

#[test]
fn every_case_prints_what_it_expects() {
    let bless = std::env::var_os("BLESS").is_some();
    let cases = cases();
    assert!(cases.len() >= 10, "cases found: {}", cases.len());
    let mut failed = Vec::new();
    for case in &cases {
        let args = args(case);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = run(&refs);
        let got = outcome(code, &stdout, &stderr);
        let expected_path = case.with_extension("expected");
        if bless {
            std::fs::write(&expected_path, &got).expect("bless");
            continue;
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != want {
            failed.push(format!(
                "{}:\n--- expected\n{want}\n--- got\n{got}",
                case.display()
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
