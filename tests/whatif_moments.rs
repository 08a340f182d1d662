//! `whatif --moments` against `whatif` on the respondent rows: the aggregate mode
//! runs the row engine on pseudo-respondents drawn from each cell's means and
//! covariance (rounded to each node's grid, within its range), so it should give the
//! rows' changes up to how far the cell's real distribution is from that normal.
//! On simulated surveys (a mean outcome, NPS and a rate; whole sample and per
//! segment; a 0–10 and a 1–5 scale, the latter with many respondents at the top)
//! the change with `--moments` must be within the bound docs/whatif.md states.
//! Figures are printed (`--nocapture`) and recorded there.

mod support;

use support::read_simulated;

use sattrace::analysis::{Analysis, SliceKey};
use sattrace::graph::DriverGraph;
use sattrace::model::load_model;
use sattrace::simulate::{load_spec, simulate_shifted};
use sattrace::whatif::{scenario_from_flags, what_if, what_if_aggregate};

fn model(scale: &str) -> String {
    format!(
        "scale: {scale}
segments: [channel]
drivers:
  - {{id: speed, items: [s1, s2, s3]}}
  - {{id: price, items: [p1, p2, p3]}}
  - {{id: service, items: [v1, v2, v3], inputs: [speed]}}
  - {{id: sat, items: [y1, y2, y3], inputs: [service, price], outcome: true}}
  - {{id: nps, items: [rec], metric: nps, scale: {{min: 0, max: 10}}, inputs: [sat], outcome: true}}
  - {{id: stay, items: [kept], metric: rate, scale: {{min: 0, max: 1}}, inputs: [sat], outcome: true}}
"
    )
}

fn spec(base: f64) -> String {
    format!(
        "effects:
  service: {{speed: 0.7}}
  sat: {{service: 0.5, price: 0.2}}
  nps: {{sat: 1.2}}
  stay: {{sat: 0.8}}
base: {{speed: {base}, price: {base}}}
intercepts: {{service: 25, sat: 20, nps: -20, stay: 10}}
noise: {{exogenous: 16, endogenous: 7}}
item_noise: 11
segments:
  channel:
    app: {{share: 0.6}}
    web: {{share: 0.4, effects: {{sat: {{service: 0.3, price: 0.45}}}}}}
"
    )
}

fn index(analysis: &Analysis, key: &SliceKey, node: usize) -> f64 {
    analysis
        .latest()
        .find(|s| s.key == *key)
        .and_then(|s| s.scores[node].as_ref())
        .expect("score")
        .index
}

#[test]
fn moments_mode_gives_the_rows_change_within_the_stated_bound() {
    let setups = [
        ("0-10, base 55", "{min: 0, max: 10}", 55.0),
        ("1-5, base 70", "{min: 1, max: 5}", 70.0),
    ];
    let scenarios: [(&str, &[&str], &[&str]); 4] = [
        ("speed +0.5 / +0.2", &["speed=+0.5"], &[]),
        ("speed +2 / +1", &["speed=+2"], &[]),
        ("price +1 / +0.4 on web", &["price=+1"], &["channel=web"]),
        (
            "speed +1 / +0.4, price +1 / +0.4",
            &["speed=+1", "price=+1"],
            &[],
        ),
    ];
    let keys = [
        SliceKey::all(),
        SliceKey {
            column: "channel".into(),
            value: "app".into(),
        },
        SliceKey {
            column: "channel".into(),
            value: "web".into(),
        },
    ];
    // Worst relative gap of a mean outcome and of NPS or a rate.
    let (mut worst_mean, mut worst_latent) = (0.0f64, 0.0f64);
    for (name, scale, base) in setups {
        let model = load_model("m.yaml", &model(scale)).expect("model");
        let graph = DriverGraph::build(&model).expect("graph");
        let spec = load_spec("s.yaml", &spec(base), &model).expect("spec");
        let five = scale.contains("max: 5");
        let mut csv = Vec::new();
        simulate_shifted(&model, &spec, 6000, 3, &[], &mut csv).expect("simulate");
        let (survey, analysis) = read_simulated(&model, &graph, &csv);
        let mut moments = survey.clone();
        moments.respondents = None;
        for (label, shifts, wheres) in scenarios {
            // The 1–5 scale gets the smaller shift of each pair (a point there is
            // 25 index points).
            let shifts: Vec<String> = shifts
                .iter()
                .map(|s| {
                    let (id, d) = s.split_once('=').expect("shift");
                    let d: f64 = d.parse().expect("delta");
                    format!("{id}={:+}", if five { d * 0.4 } else { d })
                })
                .collect();
            let wheres: Vec<String> = wheres.iter().map(|w| w.to_string()).collect();
            let scenario =
                scenario_from_flags(&model, None, &[], &shifts, &wheres).expect("scenario");
            let rows = what_if(&model, &graph, &survey, &analysis, &scenario, 0.95).expect("rows");
            let agg = what_if_aggregate(&model, &graph, &moments, &analysis, &scenario, 0.95)
                .expect("moments");
            for key in &keys {
                let mut line = format!("{name} | {label} | {:<12}", key.value);
                for outcome in ["sat", "nps", "stay"] {
                    let o = model.node_index(outcome).expect("outcome");
                    let before = index(&analysis, key, o);
                    let r = index(&rows.after, key, o) - before;
                    let m = index(&agg.after, key, o) - before;
                    let gap = (m - r) / r.abs().max(1e-9);
                    line.push_str(&format!(
                        " | {outcome} {r:+.3} vs {m:+.3} ({:+.1} %)",
                        gap * 100.0
                    ));
                    // Changes this small are rounding on both sides.
                    if r.abs() > 0.05 {
                        let worst = if outcome == "sat" {
                            &mut worst_mean
                        } else {
                            &mut worst_latent
                        };
                        *worst = worst.max(gap.abs());
                    }
                }
                println!("{line}");
            }
        }
    }
    println!(
        "worst relative gap: mean outcome {:.1} %, NPS and rate {:.1} %",
        worst_mean * 100.0,
        worst_latent * 100.0
    );
    // The bounds docs/whatif.md states ("Aggregate mode").
    assert!(worst_mean < 0.03, "mean outcome: worst gap {worst_mean}");
    assert!(
        worst_latent < 0.06,
        "NPS and rate: worst gap {worst_latent}"
    );
}
