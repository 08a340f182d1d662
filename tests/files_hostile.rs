//! Hostile workbooks: each is refused with a message naming the file (and the
//! cell, where there is one), exit code 2, no panic; none takes much time or memory.

mod support;

use std::io::{Read, Write};

use support::run;

/// Analyse `data` with the telecom model (its first sheet); (code, stderr).
fn analyze(data: &str) -> (i32, String) {
    let (code, _, stderr) = run(&[
        "analyze",
        "fixtures/telecom",
        "--data",
        data,
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (code, stderr)
}

#[test]
fn an_error_value_names_its_cell() {
    let (code, stderr) = analyze("fixtures/files/hostile/na.xlsx");
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "na.xlsx: Sheet1!E17: column `q_resp1` has `#N/A`, expected a number from 1 to 5"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("help: "), "{stderr}");
}

#[test]
fn a_formula_without_a_saved_value_is_not_taken_as_missing() {
    let (code, stderr) = analyze("fixtures/files/hostile/formula.xlsx");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("Sheet1!E5: column `q_resp1` has `=1+2 (a formula with no saved value)`"),
        "{stderr}"
    );
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    let (code, stderr) = analyze("fixtures/files/hostile/bomb.xlsx");
    assert_eq!(code, 2);
    assert!(stderr.contains("would expand from"), "{stderr}");
    assert!(stderr.contains("zip bomb"), "{stderr}");
}

#[test]
fn a_password_protected_workbook_says_so() {
    let (code, stderr) = analyze("fixtures/files/hostile/encrypted.xlsx");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("encrypted.xlsx: the workbook is password-protected"),
        "{stderr}"
    );
    assert!(stderr.contains("remove the password"), "{stderr}");
}

#[test]
fn a_csv_renamed_to_xlsx_is_not_a_workbook() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("survey.xlsx");
    std::fs::copy("fixtures/telecom/survey.csv", &path).expect("copy");
    let (code, stderr) = analyze(path.to_str().expect("utf-8"));
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read the workbook"), "{stderr}");
    assert!(stderr.contains("export the sheet as CSV"), "{stderr}");
}

/// na.xlsx without its `#N/A`, and 1,048,576 − 21 styled empty rows after the data
/// (the whole sheet height, as a template formatted down to the last row leaves).
#[test]
fn a_million_styled_empty_rows_are_skipped() {
    let source = std::fs::File::open("fixtures/files/hostile/na.xlsx").expect("fixture");
    let mut archive = zip::ZipArchive::new(source).expect("zip");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("styled.xlsx");
    let mut out = zip::ZipWriter::new(std::fs::File::create(&path).expect("create"));
    // Stored, not deflated: writing a million rows is quicker that way in a debug build.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).expect("member");
        let name = member.name().map(|n| n.to_string()).expect("member name");
        let mut data = Vec::new();
        member.read_to_end(&mut data).expect("read");
        out.start_file(name.as_str(), options).expect("start");
        if name == "xl/worksheets/sheet1.xml" {
            let text = String::from_utf8(data).expect("utf-8");
            let text = text.replace("<c r=\"E17\" t=\"e\"><v>#N/A</v></c>", "");
            let (head, tail) = text.split_once("</sheetData>").expect("sheetData");
            out.write_all(head.as_bytes()).expect("write");
            for r in 22..=1_048_576u32 {
                write!(
                    out,
                    "<row r=\"{r}\" s=\"1\" customFormat=\"1\"><c r=\"A{r}\" s=\"1\"/></row>"
                )
                .expect("write");
            }
            out.write_all(b"</sheetData>").expect("write");
            out.write_all(tail.as_bytes()).expect("write");
        } else {
            out.write_all(&data).expect("write");
        }
    }
    out.finish().expect("finish");
    let (code, stdout, stderr) = run(&[
        "moments",
        "fixtures/telecom",
        "--data",
        path.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    // The 20 respondents of the sheet, and nothing from the empty rows.
    let rows: f64 = stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(4).and_then(|v| v.parse::<f64>().ok()))
        .sum();
    assert!(
        stdout.starts_with("schema,fingerprint,seg:region,wave:wave,rows,"),
        "{stdout}"
    );
    assert_eq!(rows, 20.0, "{stdout}");
}

/// na.xlsx with its `#N/A` cell (E17) replaced by `cell`; the copy's path.
fn na_with(dir: &std::path::Path, name: &str, cell: &str) -> String {
    let source = std::fs::File::open("fixtures/files/hostile/na.xlsx").expect("fixture");
    let mut archive = zip::ZipArchive::new(source).expect("zip");
    let path = dir.join(name);
    let mut out = zip::ZipWriter::new(std::fs::File::create(&path).expect("create"));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).expect("member");
        let member_name = member.name().map(|n| n.to_string()).expect("member name");
        let mut data = Vec::new();
        member.read_to_end(&mut data).expect("read");
        if member_name == "xl/worksheets/sheet1.xml" {
            let text = String::from_utf8(data).expect("utf-8");
            let na = "<c r=\"E17\" t=\"e\"><v>#N/A</v></c>";
            assert!(text.contains(na));
            data = text.replace(na, cell).into_bytes();
        }
        out.start_file(member_name.as_str(), options)
            .expect("start");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("finish");
    path.to_str().expect("utf-8").to_string()
}

/// A formula cell with a saved value reads as that value (Excel saves both), and a
/// formula whose saved value is an error is that error, named at its cell.
#[test]
fn a_formula_cell_gives_its_saved_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let formula = na_with(
        dir.path(),
        "formula.xlsx",
        "<c r=\"E17\"><f>1+3</f><v>4</v></c>",
    );
    let plain = na_with(
        dir.path(),
        "plain.xlsx",
        "<c r=\"E17\" t=\"n\"><v>4</v></c>",
    );
    // The sheet has 20 rows, too few to analyse: its moments are compared.
    let moments = |data: &str| {
        let (code, stdout, stderr) = run(&["moments", "fixtures/telecom", "--data", data]);
        assert_eq!(code, 0, "{data}: {stderr}");
        stdout
    };
    assert_eq!(moments(&formula), moments(&plain));
    // The formula's value is used, not dropped: a different value changes the result.
    let other = na_with(
        dir.path(),
        "other.xlsx",
        "<c r=\"E17\" t=\"n\"><v>1</v></c>",
    );
    assert_ne!(moments(&formula), moments(&other));
    let error = na_with(
        dir.path(),
        "error.xlsx",
        "<c r=\"E17\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>",
    );
    let (code, stderr) = analyze(&error);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("Sheet1!E17: column `q_resp1` has `#DIV/0!`"),
        "{stderr}"
    );
}
