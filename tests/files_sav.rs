//! SPSS `.sav` surveys (fixtures/files/survey.sav, written by ReadStat through
//! make_sav.py): value labels name the segments, user-missing codes are missing, and
//! the file's weight variable is used when the model names none.

mod support;

use support::run;

#[test]
fn a_sav_file_gives_the_analysis_of_the_equivalent_csv() {
    let (code, csv, stderr) = run(&["analyze", "fixtures/files", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    // The same model without `weight:`: the .sav file's own weight variable is used.
    let dir = tempfile::tempdir().expect("tempdir");
    let model = std::fs::read_to_string("fixtures/files/model.yaml").expect("model");
    assert!(model.contains("\nweight: weight\n"));
    let path = dir.path().join("model.yaml");
    std::fs::write(&path, model.replace("\nweight: weight\n", "\n")).expect("write");
    let (code, sav, stderr) = run(&[
        "analyze",
        "fixtures/files",
        "--model",
        path.to_str().expect("utf-8"),
        "--data",
        "fixtures/files/survey.sav",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let mut csv: serde_json::Value = serde_json::from_str(&csv).expect("json");
    let mut sav: serde_json::Value = serde_json::from_str(&sav).expect("json");
    assert_eq!(sav["data"], "fixtures/files/survey.sav");
    csv["data"] = serde_json::Value::Null;
    sav["data"] = serde_json::Value::Null;
    // Value labels (华东 …) are the segment values, as in the CSV.
    assert!(sav.to_string().contains("华东"));
    // Every number is equal: the values read are the same text.
    assert_eq!(csv, sav);
}

#[test]
fn zsav_and_non_sav_files_are_refused_with_a_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zsav = dir.path().join("survey.zsav");
    let mut bytes = std::fs::read("fixtures/files/survey.sav").expect("fixture");
    bytes[..4].copy_from_slice(b"$FL3");
    std::fs::write(&zsav, bytes).expect("write");
    let renamed = dir.path().join("survey.sav");
    std::fs::copy("fixtures/files/survey.csv", &renamed).expect("copy");
    for (path, expected) in [
        (&zsav, "zlib-compressed SPSS files (.zsav) are not read"),
        (&renamed, "this is not an SPSS system file"),
    ] {
        let (code, _, stderr) = run(&[
            "analyze",
            "fixtures/files",
            "--data",
            path.to_str().expect("utf-8"),
        ]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(stderr.contains("help: "), "{stderr}");
    }
}
