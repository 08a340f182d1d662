//! Consistent PLS on `sattrace simulate` data with a known latent structure: PLSc's
//! paths must recover the true standardized latent paths (within 10 %) where plain
//! PLS, whose composite scores carry the items' measurement error, is further off.
//! The same chain as `tests/effects_recovery.rs`: a (2 items), b (3), c (4) → m (3)
//! ← a, b; y (2) ← m, c; item noise 14, 9 and 5 index points on a 1–10 scale.
//! Figures in docs/methods.md ("Consistent PLS").

use sattrace::data::{ingest, IngestOptions};
use sattrace::graph::DriverGraph;
use sattrace::importance::pls::{
    complete_rows, estimate, reliability, Matrix, PathModel, PlsFit, PlsOptions, Scheme,
};
use sattrace::model::load_model;
use sattrace::simulate::{load_spec, simulate};

const MODEL: &str = "\
name: recovery
scale: {min: 1, max: 10}
drivers:
  - {id: a, items: [a1, a2]}
  - {id: b, items: [b1, b2, b3]}
  - {id: c, items: [c1, c2, c3, c4]}
  - {id: m, items: [m1, m2, m3], inputs: [a, b]}
  - {id: y, items: [y1, y2], inputs: [m, c], outcome: true}
";

/// The spec's structural model: exogenous a, b, c independent with sd `EXO`;
/// m = 0.6 a + 0.3 b + e (sd `ENDO`), y = 0.7 m + 0.25 c + e (sd `ENDO`).
const EXO: f64 = 14.0;
const ENDO: f64 = 7.0;
const M_A: f64 = 0.6;
const M_B: f64 = 0.3;
const Y_M: f64 = 0.7;
const Y_C: f64 = 0.25;

fn spec_text(item_noise: f64) -> String {
    format!(
        "\
effects:
  m: {{a: {M_A}, b: {M_B}}}
  y: {{m: {Y_M}, c: {Y_C}}}
base: {{a: 50, b: 50, c: 50}}
intercepts: {{m: 5, y: 8}}
noise: {{exogenous: {EXO}, endogenous: {ENDO}}}
item_noise: {item_noise}
missing_rate: 0
"
    )
}

/// The true standardized latent paths `(from, to, β)`: each raw effect times the
/// sd of its source over the sd of its target, from the latent variances the spec
/// implies (independent exogenous drivers and disturbances).
fn truth() -> Vec<(&'static str, &'static str, f64)> {
    let var_exo = EXO * EXO;
    let var_m = (M_A * M_A + M_B * M_B) * var_exo + ENDO * ENDO;
    let var_y = Y_M * Y_M * var_m + Y_C * Y_C * var_exo + ENDO * ENDO;
    let (sd_exo, sd_m, sd_y) = (var_exo.sqrt(), var_m.sqrt(), var_y.sqrt());
    vec![
        ("a", "m", M_A * sd_exo / sd_m),
        ("b", "m", M_B * sd_exo / sd_m),
        ("m", "y", Y_M * sd_m / sd_y),
        ("c", "y", Y_C * sd_exo / sd_y),
    ]
}

/// PLS and PLSc fits of `n` simulated rows.
fn fits(item_noise: f64, n: usize, seed: u64) -> (PathModel, PlsFit, PlsFit, Matrix) {
    let model = load_model("model.yaml", MODEL).expect("model");
    let spec = load_spec("simulate.yaml", &spec_text(item_noise), &model).expect("spec");
    let mut csv = Vec::new();
    simulate(&model, &spec, n, seed, &mut csv).expect("simulate");
    let graph = DriverGraph::build(&model).expect("graph");
    let options = IngestOptions {
        keep_items: true,
        ..IngestOptions::default()
    };
    let survey = ingest(&model, graph.order(), "sim.csv", &csv[..], &options).expect("ingest");
    let items = survey.items.expect("items kept");
    let pm = PathModel::from_model(&model, &items, &[]).expect("path model");
    let data = complete_rows(&items);
    assert_eq!(data.rows, n);
    let fit = |consistent| {
        let options = PlsOptions {
            scheme: Scheme::Path,
            consistent,
            ..PlsOptions::default()
        };
        estimate(&pm, &data, &options).expect("fit")
    };
    let (plain, plsc) = (fit(false), fit(true));
    (pm, plain, plsc, data)
}

/// `(path, estimate, truth)` for every true path and the total effects on y.
fn compare(pm: &PathModel, fit: &PlsFit) -> Vec<(String, f64, f64)> {
    let at = |id: &str| {
        pm.constructs
            .iter()
            .position(|c| c.id == id)
            .expect("construct")
    };
    let truth = truth();
    let mut out: Vec<(String, f64, f64)> = truth
        .iter()
        .map(|&(f, t, b)| (format!("{f}→{t}"), fit.coefficients.get(at(f), at(t)), b))
        .collect();
    let (ma, mb, ym, yc) = (truth[0].2, truth[1].2, truth[2].2, truth[3].2);
    for (d, b) in [("a", ma * ym), ("b", mb * ym), ("c", yc)] {
        out.push((format!("{d}⇒y"), fit.total.get(at(d), at("y")), b));
    }
    out
}

fn relative(got: f64, truth: f64) -> f64 {
    (got - truth).abs() / truth.abs()
}

#[test]
fn plsc_recovers_the_true_latent_paths_where_pls_does_not() {
    for (noise, seed) in [(14.0, 21), (9.0, 22), (5.0, 23)] {
        let (pm, plain, plsc, _) = fits(noise, 20_000, seed);
        let rho: Vec<String> = pm
            .constructs
            .iter()
            .zip(&plsc.rho_a)
            .map(|(c, r)| format!("{} {r:.3}", c.id))
            .collect();
        let (mut worst_pls, mut worst_plsc): (f64, f64) = (0.0, 0.0);
        for ((name, got, truth), (_, was, _)) in
            compare(&pm, &plsc).iter().zip(compare(&pm, &plain))
        {
            let (e_plsc, e_pls) = (relative(*got, *truth), relative(was, *truth));
            worst_plsc = worst_plsc.max(e_plsc);
            worst_pls = worst_pls.max(e_pls);
            eprintln!("noise {noise}: {name} true {truth:.4} PLS {was:.4} PLSc {got:.4}");
            assert!(
                e_plsc < 0.10,
                "noise {noise}: {name} PLSc {got:.4} vs true {truth:.4} (ρA {rho:?})"
            );
        }
        assert!(
            worst_plsc < worst_pls,
            "noise {noise}: PLS worst {worst_pls:.3}, PLSc {worst_plsc:.3}"
        );
        eprintln!(
            "noise {noise}: worst relative error PLS {worst_pls:.3}, PLSc {worst_plsc:.3}; ρA {rho:?}"
        );
    }
}

#[test]
fn rho_a_agrees_with_alpha_for_equally_noisy_items() {
    // The simulator gives every item of a node the same noise, so the items are
    // (nearly) tau-equivalent: then α, ρc and ρA all estimate the same reliability,
    // and at 20,000 rows ρA must sit next to α (which needs no weights).
    let (pm, _, plsc, data) = fits(9.0, 20_000, 24);
    for r in reliability(&pm, &data, &plsc) {
        let id = &pm.constructs[r.construct].id;
        assert!(r.rho_a > 0.6 && r.rho_a < 1.0, "{id}: ρA {}", r.rho_a);
        assert!(
            (r.rho_a - r.alpha).abs() < 0.02,
            "{id}: ρA {} vs α {}",
            r.rho_a,
            r.alpha
        );
    }
}
