//! SPSS files whose text is not UTF-8 (written by GNU PSPP through
//! fixtures/files/make_sav_codepages.py): a GBK file (code page 936) whose region
//! value labels are Chinese, and a windows-1252 file with `région` = `Genève`,
//! give the analysis of the UTF-8 CSV; a code page sattrace cannot decode is named
//! in an exit-2 error.

mod support;

use support::run;

/// `analyze --format json` with the data field blanked (it names the file).
fn analysis(model: &str, data: &str) -> serde_json::Value {
    let (code, out, stderr) = run(&[
        "analyze",
        "fixtures/files",
        "--model",
        model,
        "--data",
        data,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{data}: {stderr}");
    let mut doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    doc["data"] = serde_json::Value::Null;
    doc
}

#[test]
fn a_gbk_sav_gives_the_analysis_of_the_utf8_csv() {
    let model = "fixtures/files/model.yaml";
    let csv = analysis(model, "fixtures/files/survey.csv");
    let sav = analysis(model, "fixtures/files/survey_gbk.sav");
    // The segments are the GBK value labels decoded, not codes or mojibake; the
    // file's 600-byte open-text `comment` (a very long string) does not disturb it.
    assert!(sav.to_string().contains("华东"), "{sav}");
    assert_eq!(csv, sav);
}

/// The model with its segment column renamed `région`, as in survey_1252.*.
fn model_1252(dir: &tempfile::TempDir) -> String {
    let model = std::fs::read_to_string("fixtures/files/model.yaml").expect("model");
    assert!(model.contains("segments: [region]"));
    let path = dir.path().join("model.yaml");
    std::fs::write(
        &path,
        model.replace("segments: [region]", "segments: [région]"),
    )
    .expect("write");
    path.to_str().expect("utf-8").to_string()
}

#[test]
fn a_windows_1252_sav_gives_the_analysis_of_the_utf8_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = model_1252(&dir);
    let csv = analysis(&model, "fixtures/files/survey_1252.csv");
    let sav = analysis(&model, "fixtures/files/survey_1252.sav");
    // The column name `région` (a long name record and a short name) and the
    // string values `Genève`, `Besançon` are windows-1252 bytes in the file.
    let text = sav.to_string();
    assert!(
        text.contains("Genève") && text.contains("Besançon"),
        "{text}"
    );
    assert_eq!(csv, sav);
}

/// survey_1252.sav with the encoding record (type 7, subtype 20) patched.
fn patched_1252(dir: &tempfile::TempDir, name: &str, code_page: Option<i32>) -> String {
    let mut bytes = std::fs::read("fixtures/files/survey_1252.sav").expect("fixture");
    let find = |bytes: &[u8], words: &[i32]| {
        let needle: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        bytes
            .windows(needle.len())
            .position(|w| w == needle.as_slice())
            .expect("record")
    };
    let at = find(&bytes, &[7, 20, 1, 12]);
    assert_eq!(&bytes[at + 16..at + 28], b"WINDOWS-1252");
    if name.is_empty() {
        // Subtype 99 is skipped as an unknown extension: only subtype 3's code page is left.
        bytes[at + 4..at + 8].copy_from_slice(&99i32.to_le_bytes());
    } else {
        assert_eq!(name.len(), 12);
        bytes[at + 16..at + 28].copy_from_slice(name.as_bytes());
    }
    if let Some(code) = code_page {
        // Machine integer info: its eighth integer is the character code (1252).
        let at = find(&bytes, &[7, 3, 4, 8]) + 16 + 7 * 4;
        assert_eq!(bytes[at..at + 4], 1252i32.to_le_bytes());
        bytes[at..at + 4].copy_from_slice(&code.to_le_bytes());
    }
    let path = dir
        .path()
        .join(format!("{name}-{}.sav", code_page.unwrap_or(0)));
    std::fs::write(&path, bytes).expect("write");
    path.to_str().expect("utf-8").to_string()
}

#[test]
fn without_an_encoding_name_the_code_page_decides() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = model_1252(&dir);
    let csv = analysis(&model, "fixtures/files/survey_1252.csv");
    let sav = analysis(&model, &patched_1252(&dir, "", None));
    assert_eq!(csv, sav);
}

#[test]
fn an_encoding_sattrace_cannot_decode_is_named_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = model_1252(&dir);
    for (path, expected) in [
        (
            patched_1252(&dir, "", Some(9999)),
            "its text is in code page 9999, which sattrace cannot decode",
        ),
        (patched_1252(&dir, "", Some(1)), "code page 1 (EBCDIC)"),
        (
            patched_1252(&dir, "WINDOWS-9999", None),
            "the character encoding `WINDOWS-9999`",
        ),
    ] {
        let (code, _, stderr) = run(&[
            "analyze",
            "fixtures/files",
            "--model",
            &model,
            "--data",
            &path,
            "--lang",
            "en",
        ]);
        assert_eq!(code, 2, "{path}: {stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(
            stderr.contains("help: save the file again in Unicode"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        // `check` reports an unreadable data file as a finding (exit 1).
        let (code, stdout, stderr) = run(&["check", &model, "--data", &path]);
        assert_eq!(code, 1, "{path}: {stdout}{stderr}");
        assert!(stdout.contains(expected), "{stdout}");
    }
}

/// The GBK file's open-text `comment` (A600, stored as three variables) is one
/// column holding the whole text PSPP wrote: `RPAD('开放题意见：', 580, '长')`, 580
/// GBK bytes, more than one 255-byte piece holds.
#[test]
fn a_very_long_string_is_joined_from_its_pieces() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = std::fs::read_to_string("fixtures/files/model.yaml").expect("model");
    let path = dir.path().join("model.yaml");
    std::fs::write(
        &path,
        model.replace("segments: [region]", "segments: [comment]"),
    )
    .expect("write");
    let (code, stdout, stderr) = run(&[
        "moments",
        "fixtures/files",
        "--model",
        path.to_str().expect("utf-8"),
        "--data",
        "fixtures/files/survey_gbk.sav",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    let header = reader.headers().expect("header").clone();
    let at = header
        .iter()
        .position(|h| h == "seg:comment")
        .expect("seg:comment");
    let want = format!("开放题意见：{}", "长".repeat(284));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    // One value for every respondent, in both waves.
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row.get(at), Some(want.as_str()));
    }
}
