//! The analysis stages on data with an exactly known answer: a linear model on
//! 0–100 scales, so OLS must recover the true effects to rounding error, and root
//! causes, uplift and ranking follow from them by hand.

use sattrace::actions::recommend;
use sattrace::analysis::{analyze, AnalysisOptions, Quadrant};
use sattrace::data::{ingest, IngestOptions};
use sattrace::graph::DriverGraph;
use sattrace::model::load_model;
use sattrace::rules::{load_rules, Known, RuleEngine, RuleSource};

#[path = "support/exact.rs"]
mod exact;

use exact::{csv, setup, MODEL};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn ols_recovers_exact_effects_and_total_effects_multiply_along_paths() {
    let (_, _, _, analysis) = setup();
    let all = analysis.latest().next().expect("all");
    assert_eq!(all.key.name(), "all");
    assert!(
        close(all.effects.direct[2][0], 0.5),
        "{}",
        all.effects.direct[2][0]
    );
    assert!(close(all.effects.direct[2][1], 0.3));
    assert!(close(all.effects.direct[3][2], 0.8));
    assert!(close(all.effect(0, 3), 0.4));
    assert!(close(all.effect(1, 3), 0.24));
    assert!(close(all.effects.r2[2].expect("r2"), 1.0));
    // Every slice (all, north, south) × wave has enough rows for its own estimate.
    assert_eq!(analysis.slices.len(), 6);
    assert!(analysis.notes.is_empty(), "{:?}", analysis.notes);
    assert!(analysis
        .slices
        .iter()
        .all(|s| !s.effects_basis.contains("all waves")));
}

#[test]
fn scores_gaps_and_trends() {
    let (_, _, _, analysis) = setup();
    assert_eq!(
        analysis.waves,
        vec![Some("W1".to_string()), Some("W2".to_string())]
    );
    let all = analysis.latest().next().expect("all");
    let x1 = all.scores[0].as_ref().expect("x1");
    assert_eq!(x1.n, 200);
    assert!(close(x1.index, x1.score), "a 0–100 scale is its own index");
    assert!(close(x1.gap, 80.0 - x1.score));
    assert!(x1.ci_low < x1.score && x1.score < x1.ci_high);
    let before = analysis
        .slices
        .iter()
        .find(|s| s.wave.as_deref() == Some("W1") && s.key.is_all())
        .and_then(|s| s.scores[0].clone())
        .expect("W1");
    assert!(close(all.trend[0].expect("trend"), x1.score - before.score));
    let south = analysis
        .latest()
        .find(|s| s.key.name() == "region=south")
        .expect("south");
    assert!(close(south.share, 50.0 / 200.0));
}

#[test]
fn root_causes_are_effect_times_gap_and_strongest_first() {
    let (model, _, _, analysis) = setup();
    let (key, causes) = &analysis.root_causes[0];
    assert!(key.is_all());
    let all = analysis.latest().next().expect("all");
    let z = all.scores[3].as_ref().expect("z");
    for cause in causes {
        let gap = all.scores[cause.driver].as_ref().expect("driver").index_gap;
        assert!(close(cause.contribution, all.effect(cause.driver, 3) * gap));
        assert!(close(
            cause.share,
            (cause.contribution / z.index_gap).min(1.0)
        ));
        assert_eq!(cause.meets_target, cause.contribution >= z.index_gap);
        assert_eq!(*cause.path.last().expect("path"), 3);
    }
    let ids: Vec<&str> = causes
        .iter()
        .map(|c| model.nodes[c.driver].id.as_str())
        .collect();
    assert_eq!(ids[0], "x1", "x1 has the larger effect × gap");
    assert!(causes
        .windows(2)
        .all(|w| w[0].contribution >= w[1].contribution));
}

#[test]
fn quadrants_split_at_mean_importance_and_performance() {
    let (_, _, _, analysis) = setup();
    let all = analysis.latest().next().expect("all");
    // Importance (total effect on z): y 0.8 > x1 0.4 > x2 0.24; mean 0.48.
    assert_eq!(all.quadrant[3], None, "the outcome has no quadrant");
    assert!(matches!(
        all.quadrant[1],
        Some(Quadrant::LowPriority | Quadrant::Overkill)
    ));
    assert!(matches!(
        all.quadrant[2],
        Some(Quadrant::Concentrate | Quadrant::KeepUp)
    ));
}

#[test]
fn uplift_is_effect_times_capped_delta_and_ranking_is_stable() {
    let (model, graph, _, analysis) = setup();
    let rules = "rules:
  - id: lift-x1
    title: x1
    action: lift x1
    for: {drivers: [x1]}
    when: driver.gap > 0
    effect: {delta: 5}
    cost: 2
  - id: lift-x2-a-lot
    title: x2
    action: lift x2
    for: {drivers: [x2]}
    when: driver.gap > 0
    effect: {delta: 1000}
    cost: 1
";
    let engine = RuleEngine::new();
    let known = Known {
        drivers: model.nodes.iter().map(|n| n.id.clone()).collect(),
        tags: Vec::new(),
        segment_columns: model.segments.clone(),
    };
    let rule_set = load_rules(
        &engine,
        &[RuleSource {
            file: "r.yaml",
            text: rules,
        }],
        &known,
    )
    .expect("rules");
    let out = recommend(&model, &graph, &analysis, &rule_set, &engine);
    assert!(out.failures.is_empty());
    let all = analysis.latest().next().expect("all");
    let x2_gap = all.scores[1].as_ref().expect("x2").index_gap;
    assert!(x2_gap > 0.0);
    let x1 = out
        .actions
        .iter()
        .find(|a| a.rule == "lift-x1")
        .expect("x1 fires");
    assert!(
        close(x1.uplift, 0.4 * 5.0),
        "delta below the gap: effect × delta"
    );
    let x2 = out
        .actions
        .iter()
        .find(|a| a.rule == "lift-x2-a-lot")
        .expect("x2 fires");
    assert!(close(x2.uplift, 0.24 * x2_gap), "delta capped at the gap");
    assert!(close(x1.priority, x1.uplift / 2.0));
    // Whole-sample actions only: the segments are covered by them.
    assert!(out.actions.iter().all(|a| a.segment.is_all()));
    let ranks: Vec<usize> = out.actions.iter().map(|a| a.rank).collect();
    assert_eq!(ranks, (1..=out.actions.len()).collect::<Vec<_>>());
    assert!(out
        .actions
        .windows(2)
        .all(|w| w[0].priority >= w[1].priority));
}

#[test]
fn thin_slices_fall_back_to_a_larger_sample_and_say_so() {
    let model = load_model("model.yaml", MODEL).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    // Only every 40th response is from the south: 5 per wave, 10 pooled.
    let text: String = csv()
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                format!("{line}\n")
            } else if (i - 1) % 40 == 0 {
                format!("{}\n", line.replacen("north", "south", 1))
            } else {
                format!("{}\n", line.replacen("south", "north", 1))
            }
        })
        .collect();
    let survey = ingest(
        &model,
        graph.order(),
        "data.csv",
        text.as_bytes(),
        &IngestOptions::default(),
    )
    .expect("ingest");
    let analysis = analyze(&model, &graph, &survey, &AnalysisOptions::default()).expect("analysis");
    let south = analysis
        .latest()
        .find(|s| s.key.name() == "region=south")
        .expect("south");
    assert_eq!(south.rows, 5);
    assert_eq!(south.effects_basis, "all W2");
    assert!(
        analysis.notes.iter().any(|n| n
            .starts_with("region=south W2: effects taken from all W2: only 5 complete responses")),
        "{:?}",
        analysis.notes
    );
}

#[test]
fn a_rule_firing_only_in_a_segment_is_kept_with_the_segment_share() {
    let (model, graph, _, analysis) = setup();
    let rules = "rules:
  - id: south-only
    title: south
    action: lift x1 in the south
    for: {drivers: [x1]}
    when: segment.value == \"south\"
    effect: {delta: 5}
    cost: 1
";
    let engine = RuleEngine::new();
    let known = Known {
        drivers: model.nodes.iter().map(|n| n.id.clone()).collect(),
        tags: Vec::new(),
        segment_columns: model.segments.clone(),
    };
    let rule_set = load_rules(
        &engine,
        &[RuleSource {
            file: "r.yaml",
            text: rules,
        }],
        &known,
    )
    .expect("rules");
    let out = recommend(&model, &graph, &analysis, &rule_set, &engine);
    assert_eq!(out.actions.len(), 1);
    let action = &out.actions[0];
    assert_eq!(action.segment.name(), "region=south");
    let south = analysis
        .latest()
        .find(|s| s.key.name() == "region=south")
        .expect("south");
    assert!(close(action.share, south.share));
    assert!(close(action.uplift, south.effect(0, 3) * 5.0 * south.share));
}
