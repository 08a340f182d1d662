//! SPSS `.sav` surveys (fixtures/files/survey.sav, written by ReadStat through
//! make_sav.py): value labels name the segments, user-missing codes are missing, and
//! the file's weight variable is used when the model names none; survey.zsav, the
//! same cases zlib-compressed, reads the same.

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
    let mut csv: serde_json::Value = serde_json::from_str(&csv).expect("json");
    csv["data"] = serde_json::Value::Null;
    // survey.zsav holds the same cases zlib-compressed (ReadStat's `compress=True`).
    for file in ["fixtures/files/survey.sav", "fixtures/files/survey.zsav"] {
        let (code, sav, stderr) = run(&[
            "analyze",
            "fixtures/files",
            "--model",
            path.to_str().expect("utf-8"),
            "--data",
            file,
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{file}: {stderr}");
        let mut sav: serde_json::Value = serde_json::from_str(&sav).expect("json");
        assert_eq!(sav["data"], file);
        sav["data"] = serde_json::Value::Null;
        // Value labels (华东 …) are the segment values, as in the CSV.
        assert!(sav.to_string().contains("华东"));
        // Every number is equal: the values read are the same text.
        assert_eq!(csv, sav, "{file}");
    }
}

#[test]
fn damaged_zsav_and_non_sav_files_are_refused_with_a_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A .zsav whose first zlib block has a broken stream header: the ZLIB header
    // is where an 8-byte number equals its own offset.
    let zsav = dir.path().join("survey.zsav");
    let mut bytes = std::fs::read("fixtures/files/survey.zsav").expect("fixture");
    let header = (176..bytes.len() - 8)
        .find(|&p| {
            let word: [u8; 8] = bytes[p..p + 8].try_into().expect("8 bytes");
            i64::from_le_bytes(word) == p as i64
        })
        .expect("a ZLIB header");
    assert_eq!(bytes[header + 24], 0x78, "a zlib stream starts after it");
    bytes[header + 24] = 0x00;
    std::fs::write(&zsav, bytes).expect("write");
    // A .sav header claiming zlib compression without being a .zsav.
    let odd = dir.path().join("odd.sav");
    let mut bytes = std::fs::read("fixtures/files/survey.sav").expect("fixture");
    bytes[72..76].copy_from_slice(&2i32.to_le_bytes());
    std::fs::write(&odd, bytes).expect("write");
    let renamed = dir.path().join("survey.sav");
    std::fs::copy("fixtures/files/survey.csv", &renamed).expect("copy");
    for (path, expected) in [
        (&zsav, "survey.zsav: the cases cannot be read: "),
        (&odd, "unknown compression 2"),
        (&renamed, "this is not an SPSS system file"),
    ] {
        let (code, _, stderr) = run(&[
            "analyze",
            "fixtures/files",
            "--data",
            path.to_str().expect("utf-8"),
            "--lang",
            "en",
        ]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(stderr.contains("help: "), "{stderr}");
    }
}

#[test]
fn variable_labels_name_the_nodes_the_model_leaves_unlabelled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = std::fs::read_to_string("fixtures/files/model.yaml").expect("model");
    let labelled =
        "    label: {zh: 客服响应时间, en: Support response time}\n    items: [q_resp1, q_resp2]";
    assert!(model.contains(labelled));
    let path = dir.path().join("model.yaml");
    std::fs::write(&path, model.replace(labelled, "    items: [q_resp1]")).expect("write");
    let label_of = |data: &str, id: &str| {
        let (code, out, stderr) = run(&[
            "analyze",
            "fixtures/files",
            "--model",
            path.to_str().expect("utf-8"),
            "--data",
            data,
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{stderr}");
        let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
        doc["segments"][0]["drivers"]
            .as_array()
            .expect("drivers")
            .iter()
            .find(|d| d["id"] == id)
            .map(|d| d["label"].clone())
            .expect("driver")
    };
    // make_sav.py gives q_resp1 the question text as its variable label.
    let (sav, zsav, csv) = (
        "fixtures/files/survey.sav",
        "fixtures/files/survey.zsav",
        "fixtures/files/survey.csv",
    );
    assert_eq!(label_of(sav, "response_time"), "客服响应及时吗？");
    assert_eq!(label_of(zsav, "response_time"), "客服响应及时吗？");
    // A CSV has no labels: the id stays.
    assert_eq!(label_of(csv, "response_time"), "response_time");
    // A label in the model is kept.
    assert_eq!(label_of(sav, "staff_attitude"), "员工服务态度");
}

#[test]
fn check_reads_the_names_from_the_spss_dictionary() {
    for data in ["fixtures/files/survey.sav", "fixtures/files/survey.zsav"] {
        let (code, stdout, stderr) = run(&["check", "fixtures/files", "--data", data]);
        assert_eq!(code, 0, "{data}: {stdout}{stderr}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let model = std::fs::read_to_string("fixtures/files/model.yaml").expect("model");
    let path = dir.path().join("model.yaml");
    std::fs::write(
        &path,
        model.replace("[q_resp1, q_resp2]", "[q_respX, q_resp2]"),
    )
    .expect("write");
    let (code, stdout, stderr) = run(&[
        "check",
        path.to_str().expect("utf-8"),
        "--data",
        "fixtures/files/survey.zsav",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains("column `q_respX`") && stdout.contains("did you mean `q_resp1`?"),
        "{stdout}"
    );
}
