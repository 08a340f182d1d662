//! Is `plan`'s P(reach) calibrated? For many simulated surveys of the telecom
//! example (`fixtures/telecom/simulate.yaml`, known latent truth), plan for
//! satisfaction and NPS targets a random fraction of the way to what the fired
//! actions can give, bootstrap the plan's probability of reaching each target, then
//! apply the chosen plan's driver deltas to the same respondents in the generator
//! (`simulate --shift`: each action's delta added to its driver's latent for the
//! latest wave of its segment) and see whether the target is truly reached. The
//! stated probabilities must match the observed rate of reaching. Figures are
//! printed (`--nocapture`) and recorded in docs/whatif.md.

mod support;

use support::read_simulated;

use sattrace::actions::recommend;
use sattrace::analysis::{Analysis, AnalysisOptions};
use sattrace::graph::DriverGraph;
use sattrace::model::{load_model, Metric};
use sattrace::plan::{
    plan_evaluated, reach_probabilities, scenario_of, whatif_evaluator, Date, PlanRequest, Status,
};
use sattrace::rules::{default_rules, load_rules, Known, RuleEngine};
use sattrace::simulate::{load_spec, simulate_shifted, LatentShift};
use sattrace::whatif::{delta_to_index, score_to_index, Bootstrap, MoveKind};

const SEEDS: u64 = 50;
const ROWS: usize = 1500;
const REPLICATES: usize = 40;

fn whole_index(analysis: &Analysis, node: usize) -> f64 {
    analysis
        .latest()
        .find(|s| s.key.is_all())
        .and_then(|s| s.scores[node].as_ref())
        .expect("score")
        .index
}

#[test]
fn plan_reach_probabilities_match_how_often_re_simulated_plans_reach() {
    // The example declares the reliability its generator gives the single-item
    // `service` (0.61, see its model.yaml); without it every effect through
    // `service` is attenuated and plans under-promise (true change ≈ 1.8× the
    // projection, docs/whatif.md).
    let model_text = std::fs::read_to_string("fixtures/telecom/model.yaml").expect("model");
    assert!(model_text.contains("reliability: 0.61"));
    let model = load_model("fixtures/telecom/model.yaml", &model_text).expect("model");
    let spec_text = std::fs::read_to_string("fixtures/telecom/simulate.yaml").expect("spec");
    let spec = load_spec("simulate.yaml", &spec_text, &model).expect("spec");
    let graph = DriverGraph::build(&model).expect("graph");
    let engine = RuleEngine::new();
    let known = Known {
        drivers: model.nodes.iter().map(|n| n.id.clone()).collect(),
        tags: model.nodes.iter().flat_map(|n| n.tags.clone()).collect(),
        segment_columns: model.segments.clone(),
    };
    let rules = load_rules(&engine, &default_rules(), &known).expect("rules");
    let wave = model.wave.clone().expect("wave column");
    // (stated probability, truly reached) per plan and target.
    let mut pairs: Vec<(f64, bool)> = Vec::new();
    // True change over the plan's projected change, per target (is the plan biased?).
    let mut ratios: Vec<f64> = Vec::new();
    // The same, per outcome (satisfaction, NPS).
    let mut by_outcome: Vec<(String, Vec<f64>)> = Vec::new();
    for seed in 1..=SEEDS {
        let mut csv = Vec::new();
        simulate_shifted(&model, &spec, ROWS, seed, &[], &mut csv).expect("simulate");
        let (survey, analysis) = read_simulated(&model, &graph, &csv);
        let latest = analysis
            .latest_wave()
            .cloned()
            .flatten()
            .expect("latest wave");
        let actions = recommend(&model, &graph, &analysis, &rules, &engine).actions;
        if actions.is_empty() {
            continue;
        }
        let whole = analysis.latest().find(|s| s.key.is_all()).expect("whole");
        let now = |id: &str| {
            let i = model.node_index(id).expect("node");
            whole.scores[i].as_ref().expect("score").score
        };
        // A spread of targets, from easy to hard, so the probabilities spread.
        let fraction = 0.15 + 0.8 * ((seed * 37) % 50) as f64 / 50.0;
        let request = PlanRequest {
            targets: vec![
                ("satisfaction".into(), now("satisfaction") + fraction * 0.12),
                ("nps".into(), now("nps") + fraction * 5.0),
            ],
            due: Date::parse("2030-01-01"),
            today: Date::parse("2026-01-01").expect("date"),
            budget: None,
            percent: Vec::new(),
        };
        let evaluate = whatif_evaluator(&model, &graph, &survey, &analysis, 0.95);
        let Ok(mut result) = plan_evaluated(
            &model,
            &graph,
            &analysis,
            &actions,
            &request,
            Some(&evaluate),
            &|_| {},
        ) else {
            continue;
        };
        if result.status != Status::Reached || result.plans.is_empty() {
            continue;
        }
        // Only the chosen plan is re-simulated.
        result.plans.truncate(1);
        // Sharp targets: each is moved to a point the plan only just reaches, a
        // fraction 0.7–1.0 of the plan's own projected gain, so the bootstrap puts
        // the goal inside its distribution and the stated probabilities spread over
        // 0.5–1 instead of sitting at 1 (actions come in whole steps, so the plan
        // for the asked-for target usually overshoots it).
        for (t, target) in result.targets.iter_mut().enumerate() {
            let node = &model.nodes[target.node];
            let u = 0.7 + 0.3 * ((seed * 37 + t as u64 * 17) % 29) as f64 / 28.0;
            let goal = whole_index(&analysis, target.node)
                + node.direction.sign() * u * result.plans[0].gain[t].abs();
            target.value = match node.metric {
                Metric::Mean => node.scale.from_index(goal),
                _ => goal,
            };
        }
        let boot = Bootstrap {
            replicates: REPLICATES,
            seed: 500 + seed,
            level: 0.9,
        };
        let probabilities = reach_probabilities(
            &model,
            &graph,
            &survey,
            &AnalysisOptions::default(),
            &result,
            &boot,
        )
        .expect("probabilities");
        // The chosen plan's moves, as the generator's latent shifts of the latest wave.
        let scenario = scenario_of(
            &model,
            &result.candidates,
            &result.problem,
            &result.plans[0].chosen,
            None,
        );
        let shifts: Vec<LatentShift> = scenario
            .moves
            .iter()
            .map(|m| {
                let MoveKind::Shift(delta) = m.kind else {
                    panic!("a plan's move is a shift");
                };
                let mut filter = scenario.filter.clone();
                filter.extend(m.filter.iter().cloned());
                filter.push((wave.clone(), latest.clone()));
                LatentShift {
                    node: m.node,
                    delta: delta_to_index(&model.nodes[m.node], delta),
                    filter,
                }
            })
            .collect();
        let mut moved = Vec::new();
        simulate_shifted(&model, &spec, ROWS, seed, &shifts, &mut moved).expect("simulate");
        let (_, truth) = read_simulated(&model, &graph, &moved);
        for (t, target) in result.targets.iter().enumerate() {
            let node = &model.nodes[target.node];
            let goal = score_to_index(node, target.value);
            let reached = node.direction.sign() * (whole_index(&truth, target.node) - goal) >= 0.0;
            let before = whole_index(&analysis, target.node);
            let projected = result.plans[0].gain[t];
            if projected.abs() > 1e-9 {
                let ratio =
                    node.direction.sign() * (whole_index(&truth, target.node) - before) / projected;
                ratios.push(ratio);
                match by_outcome.iter_mut().find(|(id, _)| *id == node.id) {
                    Some((_, list)) => list.push(ratio),
                    None => by_outcome.push((node.id.clone(), vec![ratio])),
                }
            }
            pairs.push((probabilities.plans[0][t], reached));
        }
    }
    let n = pairs.len() as f64;
    let stated = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let observed = pairs.iter().filter(|p| p.1).count() as f64 / n;
    let brier = pairs
        .iter()
        .map(|&(p, r)| (p - if r { 1.0 } else { 0.0 }).powi(2))
        .sum::<f64>()
        / n;
    println!("{} plan targets over {SEEDS} seeds: mean stated P(reach) {stated:.3}, truly reached {observed:.3}, Brier score {brier:.3}", pairs.len());
    ratios.sort_by(f64::total_cmp);
    if let (Some(first), Some(last)) = (ratios.first(), ratios.last()) {
        println!(
            "  true change / projected change: median {:.3}, range {first:.3} … {last:.3}",
            ratios[ratios.len() / 2]
        );
    }
    for (id, list) in &mut by_outcome {
        list.sort_by(f64::total_cmp);
        println!(
            "  {id}: median true / projected {:.3}",
            list[list.len() / 2]
        );
    }
    for (low, high) in [(0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)] {
        let bin: Vec<&(f64, bool)> = pairs.iter().filter(|p| p.0 >= low && p.0 < high).collect();
        if bin.is_empty() {
            continue;
        }
        let mean = bin.iter().map(|p| p.0).sum::<f64>() / bin.len() as f64;
        let hit = bin.iter().filter(|p| p.1).count() as f64 / bin.len() as f64;
        println!(
            "  P(reach) in [{low:.2}, {high:.2}): {} targets, mean stated {mean:.3}, truly reached {hit:.3}",
            bin.len()
        );
    }
    assert!(n >= 60.0, "only {n} plan targets");
    // Tolerance: with ~100 targets (two per seed, correlated within a seed), one
    // binomial standard error of the observed rate is about 0.04 at 0.85; the
    // generator's truth also differs from the what-if model by a few per cent of
    // the change (docs/whatif.md, "Calibration of P(reach)"). Measured: stated
    // 0.833, reached 0.910; before the mean nodes' end calibration 0.839 / 0.950.
    assert!(
        (stated - observed).abs() < 0.1,
        "stated {stated} against observed {observed}"
    );
    // The plans' bias: median true / projected change was 1.144 before the mean
    // nodes' end calibration, 1.064 after (docs/whatif.md).
    let median = ratios[ratios.len() / 2];
    assert!(median < 1.1, "true / projected change median {median}");
}
