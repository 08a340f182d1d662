//! `mode: formative` in model.yaml estimates the construct in PLS mode B, exactly as
//! `--formative ID` does (which the seminr reference checks in `tests/pls_ecsi.rs`).

use serde_json::Value;

use crate::support::run_in;

fn ecsi_copy(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ecsi");
    for f in std::fs::read_dir(src).expect("fixture") {
        let f = f.expect("entry");
        if f.path().is_file() {
            std::fs::copy(f.path(), dir.path().join(f.file_name())).expect("copy");
        }
    }
    let model = std::fs::read_to_string(dir.path().join("model.yaml")).expect("model");
    std::fs::write(dir.path().join("model.yaml"), edit(model)).expect("write");
    dir
}

const IMAGE_ITEMS: &str = "    items: [IMAG1, IMAG2, IMAG3, IMAG4, IMAG5]\n";

#[test]
fn declared_formative_equals_the_flag() {
    let plain = ecsi_copy(|m| m);
    let args = ["importance", ".", "--method", "pls", "--format", "json"];
    let (code, by_flag, err) = run_in(
        plain.path(),
        &[&args[..], &["--formative", "image"]].concat(),
    );
    assert_eq!(code, 0, "{err}");
    let declared = ecsi_copy(|m| {
        assert!(m.contains(IMAGE_ITEMS));
        m.replace(IMAGE_ITEMS, &format!("{IMAGE_ITEMS}    mode: formative\n"))
    });
    let (code, by_model, err) = run_in(declared.path(), &args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(by_flag, by_model);
    let v: Value = serde_json::from_str(&by_model).expect("json");
    let modes: Vec<&str> = v["constructs"]
        .as_array()
        .expect("constructs")
        .iter()
        .filter_map(|c| c["mode"].as_str())
        .collect();
    assert_eq!(modes.iter().filter(|m| **m == "B").count(), 1);
    assert_eq!(v["constructs"][0]["mode"], "B");
    // Reflective is the default and changes nothing.
    let (_, default, _) = run_in(plain.path(), &args);
    let reflective =
        ecsi_copy(|m| m.replace(IMAGE_ITEMS, &format!("{IMAGE_ITEMS}    mode: reflective\n")));
    assert_eq!(run_in(reflective.path(), &args).1, default);
}

#[test]
fn unknown_mode_is_a_located_error() {
    let dir = ecsi_copy(|m| m.replace(IMAGE_ITEMS, &format!("{IMAGE_ITEMS}    mode: formativ\n")));
    let (code, _, err) = run_in(dir.path(), &["importance", ".", "--method", "pls"]);
    assert_eq!(code, 2);
    assert!(err.contains("model.yaml:12:11"), "{err}");
    assert!(err.contains("formativ"), "{err}");
}
