//! Wave changes in the `analyze` JSON: the example's built-in decline of support
//! response time is significant and its target off track.

use crate::support::run;

#[test]
fn example_wave_changes() {
    let (code, stdout, stderr) = run(&["analyze", "fixtures/telecom", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let changes = json["waves_change"].as_array().expect("waves_change");
    let find = |segment: &str, id: &str| {
        changes
            .iter()
            .find(|c| c["segment"] == segment && c["id"] == id)
            .unwrap_or_else(|| panic!("no change for {segment} {id}"))
    };
    let response = find("all", "response_time");
    assert_eq!(response["previous_wave"], "2025H2");
    assert_eq!(response["wave"], "2026H1");
    assert_eq!(response["test"], "welch_t");
    assert_eq!(response["significant"], true);
    assert_eq!(response["progress"], "off_track");
    assert!(response["change"].as_f64().expect("change") < 0.0);
    assert_eq!(find("all", "nps")["test"], "z");
    assert_eq!(find("all", "churn")["test"], "proportion_z");
    // The change equals the trend shown in segments[] for the same slice.
    let trend = json["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .find(|s| s["segment"] == "all" && s["wave"] == "2026H1")
        .and_then(|s| s["drivers"].as_array())
        .and_then(|d| d.iter().find(|d| d["id"] == "response_time"))
        .map(|d| d["trend"].as_f64().expect("trend"))
        .expect("driver");
    assert!((trend - response["change"].as_f64().expect("change")).abs() < 1e-3);
    for c in changes {
        let p = c["p_value"].as_f64().expect("p");
        assert!((0.0..=1.0).contains(&p));
        assert_eq!(c["significant"], p < 0.05, "{c}");
    }
}
