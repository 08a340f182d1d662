//! `sattrace check` end to end: exit codes 0/1/2, formats, hostile input.

use assert_cmd::Command;

fn check() -> Command {
    let mut cmd = Command::cargo_bin("sattrace").expect("binary");
    cmd.arg("check").arg("--today").arg("2026-01-15");
    cmd
}

#[test]
fn clean_project_exits_0_and_warnings_fail_only_when_asked() {
    check().arg("fixtures/telecom").assert().code(0);
    check()
        .args(["fixtures/telecom", "--fail-on", "warning"])
        .assert()
        .code(0);
    let warning_only = "fixtures/broken/check/model/target_without_due.yaml";
    check().arg(warning_only).assert().code(0);
    check()
        .args([warning_only, "--fail-on", "warning"])
        .assert()
        .code(1);
}

#[test]
fn findings_exit_1_and_bad_paths_exit_2() {
    check()
        .arg("fixtures/broken/check/model/cycle.yaml")
        .assert()
        .code(1);
    check().arg("no/such/path").assert().code(2);
    check()
        .args(["fixtures/telecom", "--today", "2026-13-01"])
        .assert()
        .code(2);
    check()
        .args(["fixtures/telecom", "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn github_format_is_workflow_commands() {
    let out = check()
        .args([
            "fixtures/broken/check/model/unknown_input.yaml",
            "--format",
            "github",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).expect("utf8"),
        "::error file=fixtures/broken/check/model/unknown_input.yaml,line=7,col=14,endLine=7,endColumn=20,title=SAT006 unknown-reference::`satisfaction` names unknown input `qualty`%0Ahelp: did you mean `quality`?\n"
    );
}

#[test]
fn human_format_shows_the_line_and_a_caret() {
    let out = check()
        .arg("fixtures/broken/check/model/unknown_input.yaml")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("utf8");
    assert!(
        text.contains("error[SAT006]: `satisfaction` names unknown input `qualty`"),
        "{text}"
    );
    assert!(text.contains("7 |     inputs: [qualty]"), "{text}");
    assert!(text.contains("^^^^^^"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn hostile_files_are_findings_not_crashes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("bomb.yaml", bomb.as_bytes().to_vec()),
        (
            "deep.yaml",
            format!("rules: {}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        ),
        ("latin1.yaml", b"rules:\n  - id: caf\xe9\n".to_vec()),
        ("huge.yaml", vec![b'#'; 17 * 1024 * 1024]),
        ("empty.yaml", Vec::new()),
        ("binary.yaml", (0..=255u8).cycle().take(4096).collect()),
    ];
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let output = check()
            .arg(&path)
            .arg("--format")
            .arg("json")
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let json: serde_json::Value = serde_json::from_slice(&output).expect("json");
        assert!(
            json["summary"]["errors"].as_u64() >= Some(1),
            "{name}: {json}"
        );
    }
}

/// Issue 17 item 21: `check rules/` did not load `rules/lib/*.rhai` and reported
/// 24 false "unknown function" errors on the built-in pack.
#[test]
fn the_built_in_pack_checks_clean_with_its_library() {
    let out = check().arg("rules").output().expect("runs");
    let (code, stdout, stderr) = (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(!stdout.contains("unknown function"), "{stdout}");
}

/// A rule file that is a link out of its directory is not read.
#[cfg(unix)]
#[test]
fn a_rule_file_linked_out_of_the_project_is_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join("secret.yaml");
    std::fs::write(&secret, "TOPSECRET: 1\n").expect("write");
    std::os::unix::fs::symlink(&secret, dir.path().join("r.yaml")).expect("link");
    std::fs::write(dir.path().join("ok.yaml"), "rules: []\n").expect("write");
    let out = check().arg(dir.path()).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stdout.contains("TOPSECRET"), "{stdout}");
    assert!(!stderr.contains("TOPSECRET"), "{stderr}");
}
