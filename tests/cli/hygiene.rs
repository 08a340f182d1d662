//! Issue 17 items 10, 19, 20: what sattrace prints about users' files cannot drive
//! the terminal, and a name longer than people write is not echoed in full.

use crate::support::run;

#[test]
fn escape_sequences_in_a_path_are_shown_not_obeyed() {
    let path = "/nonexistent/\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}model.yaml";
    let (code, _, stderr) = run(&["analyze", "--model", path]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(!stderr.contains('\u{202e}'), "{stderr:?}");
    assert!(stderr.contains("\\u{1b}[2J"), "{stderr:?}");
}

#[test]
fn a_huge_unknown_name_is_clipped_in_the_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = std::fs::read_to_string("fixtures/telecom/model.yaml").expect("model");
    std::fs::write(dir.path().join("model.yaml"), model).expect("write");
    let long = "c".repeat(200_000);
    let csv = std::fs::read_to_string("fixtures/telecom/survey.csv").expect("survey");
    // Rename item `q_resp1` to a 200,000-character name: the item goes missing
    // and the header, which lists it, is quoted in the message.
    let csv = csv.replacen("q_resp1", &long, 1);
    std::fs::write(dir.path().join("survey.csv"), csv).expect("write");
    let (code, _, stderr) = run(&["analyze", &dir.path().to_string_lossy()]);
    assert_eq!(code, 2, "{}", &stderr[..stderr.len().min(500)]);
    assert!(stderr.len() < 10_000, "{} bytes of stderr", stderr.len());
    assert!(stderr.contains("(200000 characters)"), "{stderr}");
}

/// Issue 15 item 7: a renamed item column is suggested from the headers the model
/// does not use, not as another item of the same driver.
#[test]
fn a_renamed_column_suggests_the_unmatched_header() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = std::fs::read_to_string("fixtures/telecom/model.yaml").expect("model");
    std::fs::write(dir.path().join("model.yaml"), model).expect("write");
    let csv = std::fs::read_to_string("fixtures/telecom/survey.csv").expect("survey");
    let csv = csv.replacen("q_resp1", "q_rsp_1", 1);
    std::fs::write(dir.path().join("survey.csv"), csv).expect("write");
    let (code, _, stderr) = run(&["analyze", &dir.path().to_string_lossy(), "--lang", "en"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("did you mean `q_rsp_1`?"), "{stderr}");
}

/// Issue 15 item 7: a misspelt driver in `--shift` gets a did-you-mean.
#[test]
fn a_misspelt_shift_driver_gets_a_suggestion() {
    let (code, _, stderr) = run(&[
        "whatif",
        "fixtures/telecom",
        "--shift",
        "netwrok=0.3",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unknown driver `netwrok`"), "{stderr}");
    assert!(stderr.contains("did you mean `network`?"), "{stderr}");
}

/// Issue 17 item 19: a segment value carrying a terminal escape (clear screen, window
/// title) or a bidi override is shown in the table and Markdown, never obeyed.
#[test]
fn escape_sequences_in_survey_values_are_shown_not_obeyed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = std::fs::read_to_string("fixtures/telecom/model.yaml").expect("model");
    std::fs::write(dir.path().join("model.yaml"), model).expect("write");
    let csv = std::fs::read_to_string("fixtures/telecom/survey.csv").expect("survey");
    let hostile = "华东\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}";
    let csv = csv.replace(",华东,", &format!(",{hostile},"));
    std::fs::write(dir.path().join("survey.csv"), csv).expect("write");
    let project = dir.path().to_string_lossy().to_string();
    for format in ["table", "md"] {
        let (code, stdout, stderr) = run(&["analyze", &project, "--format", format]);
        assert_eq!(code, 0, "{stderr}");
        for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!stdout.contains(raw), "{format}: raw {raw:?} in the output");
        }
        if format == "table" {
            // The table lists every segment; the Markdown summary may not.
            assert!(stdout.contains("\\u{1b}[2J"), "{format}: {stdout}");
        }
    }
    // JSON escapes control characters itself and keeps the value as it is.
    let (code, stdout, stderr) = run(&["analyze", &project, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\\u001b[2J"), "{stdout}");
}
