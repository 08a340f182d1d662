//! PLS path modeling and IPMA on the ECSI mobile phone data against R seminr's
//! `simplePLS` (`fixtures/ecsi/reference/pls.R` → `pls_seminr.json`), to 1e-4 (the
//! iteration stops at a summed weight change of 1e-7, so agreement is far closer).

use sattrace::data::{IngestOptions, ItemRows};
use sattrace::importance::pls::{
    complete_rows, estimate, htmt, ipma, reliability, Matrix, PathModel, PlsOptions, Scheme,
};
use sattrace::model::Model;
use serde_json::Value;

const TOL: f64 = 1e-4;

#[path = "support/ecsi.rs"]
mod ecsi;
use ecsi::fixture;

fn load() -> (Model, ItemRows) {
    let options = IngestOptions {
        keep_respondents: false,
        keep_items: true,
        ..IngestOptions::default()
    };
    let (model, survey) = ecsi::ingest_ecsi(&options);
    let items = survey.items.expect("items kept");
    (model, items)
}

fn num(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn near(label: &str, got: f64, want: f64) {
    assert!((got - want).abs() < TOL, "{label}: got {got}, want {want}");
}

#[test]
fn keep_items_reads_every_item_in_node_order() {
    let (model, items) = load();
    assert_eq!(items.len(), 250);
    assert_eq!(items.width(), 24);
    let expected: Vec<&str> = model
        .nodes
        .iter()
        .flat_map(|n| n.items.iter().map(String::as_str))
        .collect();
    assert_eq!(items.names, expected);
    // respondent 1: IMAG1..5 = 7,5,5,5,4; CUEX1 = 7
    assert_eq!(&items.row(0)[..6], &[7.0, 5.0, 5.0, 5.0, 4.0, 7.0]);
    assert!(items.weights.iter().all(|&w| w == 1.0));
}

fn check_scheme(
    scheme: Scheme,
    formative: &[String],
    reference: &Value,
    model: &Model,
    items: &ItemRows,
) {
    let name = format!("{scheme:?} {formative:?}");
    let pm = PathModel::from_model(model, items, formative).expect("path model");
    let data: Matrix = complete_rows(items);
    let fit = estimate(
        &pm,
        &data,
        &PlsOptions {
            scheme,
            ..PlsOptions::default()
        },
    )
    .expect("fit");
    assert!(fit.converged, "{name}");
    let id = |k: usize| pm.constructs[k].id.as_str();
    let outer = reference["outer"].as_array().expect("outer");
    assert_eq!(outer.len(), fit.outer.len());
    for (o, r) in fit.outer.iter().zip(outer) {
        assert_eq!(id(o.construct), r["construct"]);
        assert_eq!(pm.item_names[o.item], r["item"].as_str().expect("item"));
        near(
            &format!("{name} weight {}", r["item"]),
            o.weight,
            num(&r["weight"]),
        );
        near(
            &format!("{name} loading {}", r["item"]),
            o.loading,
            num(&r["loading"]),
        );
    }
    let paths = reference["paths"].as_array().expect("paths");
    assert_eq!(paths.len(), fit.paths.len());
    for r in paths {
        let p = fit
            .paths
            .iter()
            .find(|p| id(p.from) == r["from"] && id(p.to) == r["to"])
            .expect("path");
        near(&format!("{name} path {r}"), p.coef, num(&r["coef"]));
    }
    for r in reference["r2"].as_array().expect("r2") {
        let k = pm
            .constructs
            .iter()
            .position(|c| c.id == r["construct"])
            .expect("construct");
        let (r2, adj) = fit.r2[k].expect("endogenous");
        near(&format!("{name} r2 {r}"), r2, num(&r["r2"]));
        near(&format!("{name} adj r2 {r}"), adj, num(&r["adj_r2"]));
    }
    let total = reference["total_effects"].as_array().expect("total");
    let nonzero = fit.total.data.iter().filter(|&&v| v != 0.0).count();
    assert_eq!(nonzero, total.len());
    for r in total {
        let (f, t) = (
            pm.constructs
                .iter()
                .position(|c| c.id == r["from"])
                .expect("from"),
            pm.constructs
                .iter()
                .position(|c| c.id == r["to"])
                .expect("to"),
        );
        near(
            &format!("{name} total {r}"),
            fit.total.get(f, t),
            num(&r["effect"]),
        );
    }
    for (row, r) in reference["scores_first_rows"]
        .as_array()
        .expect("scores")
        .iter()
        .enumerate()
    {
        for (k, v) in r.as_array().expect("row").iter().enumerate() {
            near(
                &format!("{name} score {row},{k}"),
                fit.scores.get(row, k),
                num(v),
            );
        }
    }
    let rel = reliability(&pm, &data, &fit);
    for (x, r) in rel
        .iter()
        .zip(reference["reliability"].as_array().expect("reliability"))
    {
        assert_eq!(id(x.construct), r["construct"]);
        near(&format!("{name} alpha {r}"), x.alpha, num(&r["alpha"]));
        near(&format!("{name} rho_c {r}"), x.rho_c, num(&r["rho_c"]));
        near(&format!("{name} ave {r}"), x.ave, num(&r["ave"]));
    }
    let h = htmt(&pm, &data);
    let hr = reference["htmt"].as_array().expect("htmt");
    assert_eq!(h.len(), hr.len());
    for r in hr {
        let x = h
            .iter()
            .find(|x| {
                (id(x.a) == r["a"] && id(x.b) == r["b"]) || (id(x.a) == r["b"] && id(x.b) == r["a"])
            })
            .expect("pair");
        near(&format!("{name} htmt {r}"), x.value, num(&r["value"]));
    }
    let scales: Vec<(f64, f64)> = items
        .node_of
        .iter()
        .map(|&i| (model.nodes[i].scale.min, model.nodes[i].scale.max))
        .collect();
    for target in ["satisfaction", "loyalty"] {
        let t = pm
            .constructs
            .iter()
            .position(|c| c.id == target)
            .expect("target");
        let (points, _) = ipma(&pm, &data, &scales, &fit, t).expect("ipma");
        let want = reference[format!("ipma_{target}")]
            .as_array()
            .expect("ipma");
        assert_eq!(points.len(), want.len(), "{name} ipma {target}");
        for r in want {
            let p = points
                .iter()
                .find(|p| id(p.construct) == r["id"])
                .expect("point");
            near(
                &format!("{name} ipma {target} {r}"),
                p.importance,
                num(&r["importance"]),
            );
            near(
                &format!("{name} ipma {target} {r}"),
                p.performance,
                num(&r["performance"]),
            );
        }
    }
}

#[test]
fn matches_seminr_for_every_scheme() {
    let (model, items) = load();
    let json: Value = serde_json::from_str(&fixture("reference/pls_seminr.json")).expect("json");
    check_scheme(Scheme::Path, &[], &json["path"], &model, &items);
    check_scheme(Scheme::Factor, &[], &json["factor"], &model, &items);
    check_scheme(Scheme::Centroid, &[], &json["centroid"], &model, &items);
    let image = ["image".to_string()];
    check_scheme(
        Scheme::Path,
        &image,
        &json["path_image_formative"],
        &model,
        &items,
    );
}
