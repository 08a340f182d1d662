//! `weights: {method: pls}` in the analysis: the PLS path model of the whole model,
//! fitted once per slice from the slice's complete-case item moments, gives each
//! PLS-weighted node's inputs their standardized path coefficients as importance.
//!
//! The path model is the model's (every node on a path is a construct measured by
//! its items), so one fit serves every PLS-weighted node of the slice; nodes with
//! another method keep theirs.

use super::effects::{min_cases, EffectsError};
use crate::data::CrossMoments;
use crate::graph::DriverGraph;
use crate::importance::pls::{estimate_from_moments, item_layout, PathModel, PlsOptions, PlsPaths};
use crate::model::{Method, Model, Weights};

/// The path model of `model` and each node's construct index.
#[derive(Debug, Clone, PartialEq)]
pub struct PlsLayout {
    pub path_model: PathModel,
    /// `construct_of[node]`: index into `path_model.constructs`.
    pub construct_of: Vec<Option<usize>>,
}

/// The nodes whose inputs are weighed by PLS (`method` overrides the model's).
pub fn pls_nodes(model: &Model, method: Option<Method>) -> Vec<usize> {
    model
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            !n.inputs.is_empty()
                && matches!(n.weights, Weights::Estimated(own) if method.unwrap_or(own) == Method::Pls)
        })
        .map(|(i, _)| i)
        .collect()
}

/// The path model for the PLS-weighted `nodes`, or why it cannot be built (a node
/// on a path without items, e.g. a composite): an error of the model, not of a
/// slice, so no fallback can help.
pub fn layout(model: &Model, nodes: &[usize]) -> Result<PlsLayout, EffectsError> {
    let first = nodes
        .first()
        .map_or_else(String::new, |&i| model.nodes[i].id.clone());
    let path_model = PathModel::from_model(model, &item_layout(model), &[]).map_err(|e| {
        EffectsError::PlsInAnalysis {
            node: first.clone(),
            reason: e.to_string(),
        }
    })?;
    let construct_of = model
        .nodes
        .iter()
        .map(|n| path_model.constructs.iter().position(|c| c.id == n.id))
        .collect();
    Ok(PlsLayout {
        path_model,
        construct_of,
    })
}

/// Fit the path model on a slice's complete-case item moments, after checking the
/// slice has enough complete item rows for the PLS node with the most inputs (the
/// same rule of thumb as the regressions, [`min_cases`]).
pub fn fit(
    model: &Model,
    graph: &DriverGraph,
    layout: &PlsLayout,
    nodes: &[usize],
    items: Option<&CrossMoments>,
) -> Result<PlsPaths, EffectsError> {
    let Some(&widest) = nodes
        .iter()
        .max_by_key(|&&i| (graph.inputs(i).len(), usize::MAX - i))
    else {
        return Err(EffectsError::PlsInAnalysis {
            node: String::new(),
            reason: "no node is weighed by PLS".to_string(),
        });
    };
    let node = &model.nodes[widest];
    let Some(items) = items else {
        return Err(EffectsError::PlsInAnalysis {
            node: node.id.clone(),
            reason: "the survey was read without item moments".to_string(),
        });
    };
    let inputs = graph.inputs(widest).len();
    let needed = min_cases(inputs);
    if items.n < needed {
        return Err(EffectsError::TooFew {
            node: node.id.clone(),
            inputs,
            n: items.n,
            needed,
        });
    }
    let options = PlsOptions::default();
    let paths = estimate_from_moments(&layout.path_model, items, &options).map_err(|e| {
        EffectsError::Singular {
            node: node.id.clone(),
            reason: format!("PLS path model: {e}"),
        }
    })?;
    if !paths.converged {
        return Err(EffectsError::Singular {
            node: node.id.clone(),
            reason: format!(
                "the PLS iteration did not converge in {} iterations",
                options.max_iter
            ),
        });
    }
    Ok(paths)
}

/// The standardized path coefficient of each of `node`'s inputs (0 where a node is
/// not a construct, which [`layout`] rules out for nodes on a path).
pub fn importances(
    layout: &PlsLayout,
    paths: &PlsPaths,
    node: usize,
    inputs: &[usize],
) -> Vec<f64> {
    let to = layout.construct_of.get(node).copied().flatten();
    inputs
        .iter()
        .map(
            |&input| match (to, layout.construct_of.get(input).copied().flatten()) {
                (Some(to), Some(from)) => paths.coefficients.get(from, to),
                _ => 0.0,
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{estimate_moments, EffectsError};
    use crate::data::{ingest, IngestOptions, Survey};
    use crate::importance::pls::{complete_rows, estimate};
    use crate::model::load_model;

    fn ecsi(model_text: Option<&str>) -> (Model, DriverGraph, Survey) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ecsi");
        let text = match model_text {
            Some(t) => t.to_string(),
            None => std::fs::read_to_string(format!("{dir}/model.yaml")).expect("model"),
        };
        let model = load_model("model.yaml", &text).expect("model");
        let graph = DriverGraph::build(&model).expect("graph");
        let data = std::fs::read_to_string(format!("{dir}/survey.csv")).expect("data");
        let options = IngestOptions {
            keep_items: true,
            item_moments: true,
            ..IngestOptions::default()
        };
        let survey = ingest(
            &model,
            graph.order(),
            "survey.csv",
            data.as_bytes(),
            &options,
        )
        .expect("ingest");
        (model, graph, survey)
    }

    #[test]
    fn pls_nodes_get_the_path_coefficients_of_the_fit_on_rows() {
        let (model, graph, survey) = ecsi(None);
        let effects =
            estimate_moments(&model, &graph, &survey.total(), Some(Method::Pls)).expect("effects");
        // The same model fitted on the complete item rows, as `importance --method pls`.
        let items = survey.items.as_ref().expect("items");
        let pm = PathModel::from_model(&model, items, &[]).expect("path model");
        let rows = estimate(&pm, &complete_rows(items), &PlsOptions::default()).expect("fit");
        let construct = |id: &str| pm.constructs.iter().position(|c| c.id == id).expect(id);
        let mut compared = 0;
        for (node, n) in model.nodes.iter().enumerate() {
            for input in graph.inputs(node) {
                let want = rows
                    .coefficients
                    .get(construct(&model.nodes[input].id), construct(&n.id));
                let got = effects.importance[node][input];
                assert!(
                    (got - want).abs() < 1e-9,
                    "{} → {}: {got} vs {want}",
                    model.nodes[input].id,
                    n.id
                );
                compared += 1;
            }
            if !graph.inputs(node).is_empty() {
                assert_eq!(effects.importance_method[node], Some(Method::Pls));
            }
        }
        assert_eq!(compared, rows.paths.len());
        // Carried through the graph, importance is the PLS total effect.
        let sat = model.node_index("satisfaction").expect("satisfaction");
        let image = model.node_index("image").expect("image");
        let want = rows
            .total
            .get(construct("image"), construct("satisfaction"));
        assert!((effects.importance_total[image][sat] - want).abs() < 1e-9);
        // Effects stay OLS: the same as with the default method.
        let ols = estimate_moments(&model, &graph, &survey.total(), None).expect("ols");
        assert_eq!(ols.direct, effects.direct);
        assert_ne!(ols.importance, effects.importance);
    }

    #[test]
    fn survey_weights_act_as_frequency_weights() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ecsi");
        let text = std::fs::read_to_string(format!("{dir}/model.yaml")).expect("model");
        let text = text.replace("data: survey.csv\n", "data: survey.csv\nweight: w\n");
        let model = load_model("model.yaml", &text).expect("model");
        let graph = DriverGraph::build(&model).expect("graph");
        let data = std::fs::read_to_string(format!("{dir}/survey.csv")).expect("data");
        let mut lines = data.lines();
        let header = lines.next().expect("header");
        // Every third row weighs 2, against the same row written twice with weight 1.
        let (mut weighted, mut repeated) = (format!("{header},w\n"), format!("{header},w\n"));
        for (i, line) in lines.enumerate() {
            let twice = i % 3 == 0;
            weighted.push_str(&format!("{line},{}\n", if twice { 2 } else { 1 }));
            for _ in 0..if twice { 2 } else { 1 } {
                repeated.push_str(&format!("{line},1\n"));
            }
        }
        let options = IngestOptions {
            item_moments: true,
            ..IngestOptions::default()
        };
        let fit = |csv: &str| {
            let survey = ingest(
                &model,
                graph.order(),
                "survey.csv",
                csv.as_bytes(),
                &options,
            )
            .expect("ingest");
            estimate_moments(&model, &graph, &survey.total(), Some(Method::Pls)).expect("effects")
        };
        let (a, b) = (fit(&weighted), fit(&repeated));
        let (_, _, plain) = ecsi(None);
        let unweighted =
            estimate_moments(&model, &graph, &plain.total(), Some(Method::Pls)).expect("effects");
        let mut moved = 0.0_f64;
        for (node, inputs) in a.importance.iter().enumerate() {
            for (input, &coef) in inputs.iter().enumerate() {
                let other = b.importance[node][input];
                assert!(
                    (coef - other).abs() < 1e-9,
                    "{node} ← {input}: {coef} vs {other}"
                );
                moved = moved.max((coef - unweighted.importance[node][input]).abs());
            }
        }
        // The weights matter: the fit is not the unweighted one.
        assert!(moved > 1e-3, "{moved}");
    }

    #[test]
    fn a_thin_slice_is_too_few_and_a_survey_without_item_moments_is_refused() {
        let (model, graph, survey) = ecsi(None);
        let mut thin = survey.total();
        let items = thin.items.as_mut().expect("items");
        items.complete.n = 20;
        match estimate_moments(&model, &graph, &thin, Some(Method::Pls)) {
            Err(EffectsError::TooFew {
                node, n, needed, ..
            }) => {
                assert_eq!((node.as_str(), n, needed), ("satisfaction", 20, 50));
            }
            other => panic!("{other:?}"),
        }
        let mut bare = survey.total();
        bare.items = None;
        let err = estimate_moments(&model, &graph, &bare, Some(Method::Pls)).expect_err("no items");
        assert!(err.to_string().contains("without item moments"), "{err}");
    }

    #[test]
    fn a_composite_on_a_path_cannot_be_a_pls_construct() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ecsi");
        let text = std::fs::read_to_string(format!("{dir}/model.yaml")).expect("model");
        let text = format!(
            "{text}  - id: overall\n    inputs: [satisfaction, loyalty]\n    weights: {{satisfaction: 0.5, loyalty: 0.5}}\n    outcome: true\n"
        );
        let (model, graph, survey) = ecsi(Some(&text));
        let err = estimate_moments(&model, &graph, &survey.total(), Some(Method::Pls))
            .expect_err("composite");
        assert!(
            matches!(&err, EffectsError::PlsInAnalysis { reason, .. } if reason.contains("`overall` has no items")),
            "{err}"
        );
    }
}
