//! Respondent-level what-if on data with a known linear answer: the change of a mean
//! outcome must equal the aggregate formula (total effect × mean change of the
//! driver), a scenario that moves nothing must change nothing, and bad scenarios
//! fail with located messages.

use sattrace::analysis::Analysis;
use sattrace::model::Model;
use sattrace::whatif::{diff, parse_scenario, scenario_from_flags, what_if};

#[path = "support/exact.rs"]
mod exact;

use exact::setup;

fn change_of(analysis: &Analysis, after: &Analysis, model: &Model, segment: &str, id: &str) -> f64 {
    let node = model.node_index(id).expect("node");
    let d = diff(model, analysis, after, &[], &[]);
    let seg = d
        .segments
        .iter()
        .find(|s| s.key.name() == segment)
        .expect("segment");
    seg.nodes[node].index_change
}

#[test]
fn respondent_level_equals_aggregate_formula_on_a_linear_mean_outcome() {
    let (model, graph, survey, analysis) = setup();
    let scenario =
        scenario_from_flags(&model, None, &[], &["x1=+5".into()], &[]).expect("scenario");
    let run = what_if(&model, &graph, &survey, &analysis, &scenario, 0.95).expect("run");
    // total effect of x1 on z = 0.5 × 0.8 = 0.4; every respondent moves by 5.
    let dz = change_of(&analysis, &run.after, &model, "all", "z");
    assert!((dz - 0.4 * 5.0).abs() < 1e-6, "{dz}");
    let dy = change_of(&analysis, &run.after, &model, "all", "y");
    assert!((dy - 0.5 * 5.0).abs() < 1e-6, "{dy}");
    assert_eq!(run.moved_rows, 200);
}

#[test]
fn a_segment_filter_moves_the_whole_sample_by_its_share() {
    let (model, graph, survey, analysis) = setup();
    let scenario = scenario_from_flags(
        &model,
        None,
        &[],
        &["x1=+10".into()],
        &["region=south".into()],
    )
    .expect("scenario");
    let run = what_if(&model, &graph, &survey, &analysis, &scenario, 0.95).expect("run");
    assert_eq!(run.moved_rows, 50);
    let south = change_of(&analysis, &run.after, &model, "region=south", "z");
    let north = change_of(&analysis, &run.after, &model, "region=north", "z");
    let all = change_of(&analysis, &run.after, &model, "all", "z");
    assert!((south - 4.0).abs() < 1e-6, "{south}");
    assert_eq!(north, 0.0);
    assert!((all - 4.0 * 50.0 / 200.0).abs() < 1e-6, "{all}");
}

#[test]
fn a_scenario_that_moves_nothing_changes_nothing() {
    let (model, graph, survey, analysis) = setup();
    let scenario = scenario_from_flags(&model, None, &[], &["x2=0".into()], &[]).expect("scenario");
    let run = what_if(&model, &graph, &survey, &analysis, &scenario, 0.95).expect("run");
    assert_eq!(run.after, analysis);
    let d = diff(&model, &analysis, &run.after, &[], &[]);
    assert!(d.segments.iter().all(|s| !s.changed()));
}

#[test]
fn set_clamps_to_the_scale_and_earlier_waves_stay() {
    let (model, graph, survey, analysis) = setup();
    let scenario =
        scenario_from_flags(&model, None, &["x1=100".into()], &[], &[]).expect("scenario");
    let run = what_if(&model, &graph, &survey, &analysis, &scenario, 0.95).expect("run");
    let latest = run.after.latest().next().expect("latest");
    let x1 = latest.scores[0].as_ref().expect("score");
    assert!((x1.score - 100.0).abs() < 1e-9);
    let first = &run.after.slices[0];
    assert_eq!(first.wave.as_deref(), Some("W1"));
    assert_eq!(first.scores, analysis.slices[0].scores);
}

#[test]
fn bad_scenarios_fail_with_located_messages() {
    let (model, _, _, _) = setup();
    let unknown =
        parse_scenario(&model, "s.yaml", "name: s\nset: {x11: 50}\n").expect_err("must fail");
    assert_eq!(unknown.loc.line, 2);
    assert!(
        unknown.to_string().contains("unknown driver `x11`"),
        "{unknown}"
    );
    assert!(
        unknown.to_string().contains("did you mean `x1`?"),
        "{unknown}"
    );
    let out = parse_scenario(&model, "s.yaml", "set:\n  x1: 120\n").expect_err("must fail");
    assert!(
        out.to_string()
            .contains("120 is outside the scale of `x1` (0–100)"),
        "{out}"
    );
    let field = parse_scenario(&model, "s.yaml", "sets: {x1: 1}\n").expect_err("must fail");
    assert!(
        field.to_string().contains("unknown field `sets`"),
        "{field}"
    );
    let outcome =
        scenario_from_flags(&model, None, &["z=50".into()], &[], &[]).expect_err("must fail");
    assert!(
        outcome.to_string().contains("`z` is an outcome"),
        "{outcome}"
    );
    let segment = scenario_from_flags(&model, None, &[], &[], &["regoin=south".into()])
        .expect_err("must fail");
    assert!(
        segment.to_string().contains("did you mean `region`?"),
        "{segment}"
    );
}

#[test]
fn unknown_segment_values_are_named() {
    let (model, graph, survey, analysis) = setup();
    let scenario = scenario_from_flags(
        &model,
        None,
        &[],
        &["x1=+1".into()],
        &["region=sout".into()],
    )
    .expect("scenario");
    let error =
        what_if(&model, &graph, &survey, &analysis, &scenario, 0.95).expect_err("must fail");
    assert!(
        error.to_string().contains("did you mean `south`?"),
        "{error}"
    );
}
