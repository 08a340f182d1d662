//! Timings for bench/whatif_plan.sh (ignored in normal runs): `plan`'s search on
//! 60 candidates × 3 targets, and `whatif` on a simulated survey after ingest.
//! Run with `cargo test --release --test bench_whatif_plan -- --ignored --nocapture`.

use std::time::Instant;

use sattrace::actions::recommend;
use sattrace::analysis::{analyze, AnalysisOptions};
use sattrace::data::{ingest, IngestOptions};
use sattrace::graph::DriverGraph;
use sattrace::model::load_model;
use sattrace::plan::solve_observed;
use sattrace::rules::{default_rules, load_rules, Known, RuleEngine};
use sattrace::whatif::{diff, scenario_from_flags, what_if};

#[path = "support/plan_instance.rs"]
mod plan_instance;
use plan_instance::instance;

#[test]
#[ignore = "benchmark"]
fn plan_60_candidates_3_targets() {
    // Half of what everything reaches is the hardest middle ground; 30 % and 70 %
    // show the search away from it.
    for fraction in [0.5, 0.3, 0.7] {
        let mut times = Vec::new();
        let mut most_nodes = 0;
        for seed in 1..=20u64 {
            let problem = instance(seed, fraction);
            let start = Instant::now();
            let solution = solve_observed(&problem, 4, &|_| {});
            let elapsed = start.elapsed();
            let plans = &solution.plans;
            let best = plans.first().map_or(f64::NAN, |p| p.cost);
            let costs: Vec<f64> = plans.iter().map(|p| p.cost).collect();
            let sizes: Vec<usize> = plans.iter().map(|p| p.chosen.len()).collect();
            println!(
                "plan targets at {fraction} seed={seed}: best cost {best}, kept {costs:?} with {sizes:?} actions, {} nodes, {:.3} s",
                solution.nodes,
                elapsed.as_secs_f64()
            );
            times.push(elapsed.as_secs_f64());
            most_nodes = most_nodes.max(solution.nodes);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "plan, targets at {fraction} of reachable, {} instances: median {:.3} s, slowest {:.3} s, most nodes {most_nodes}",
            times.len(),
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
}

#[test]
#[ignore = "benchmark"]
fn whatif_after_ingest() {
    let Ok(data) = std::env::var("BENCH_DATA") else {
        println!("BENCH_DATA not set; skipped");
        return;
    };
    let text = std::fs::read_to_string("bench/model/model.yaml").expect("model");
    let model = load_model("bench/model/model.yaml", &text).expect("model");
    let graph = DriverGraph::build(&model).expect("graph");
    let file = std::fs::File::open(&data).expect("data");
    let start = Instant::now();
    let survey = ingest(
        &model,
        graph.order(),
        &data,
        std::io::BufReader::new(file),
        &IngestOptions::default(),
    )
    .expect("ingest");
    let analysis = analyze(&model, &graph, &survey, &AnalysisOptions::default()).expect("analysis");
    let engine = RuleEngine::new();
    let known = Known {
        drivers: model.nodes.iter().map(|n| n.id.clone()).collect(),
        tags: model.nodes.iter().flat_map(|n| n.tags.clone()).collect(),
        segment_columns: model.segments.clone(),
    };
    let rules = load_rules(&engine, &default_rules(), &known).expect("rules");
    let before = recommend(&model, &graph, &analysis, &rules, &engine);
    println!(
        "ingest + analyze + recommend ({} rows, respondents kept): {:.3} s",
        survey.rows,
        start.elapsed().as_secs_f64()
    );
    let drivers: Vec<&str> = model
        .nodes
        .iter()
        .filter(|n| !n.outcome && n.inputs.is_empty())
        .map(|n| n.id.as_str())
        .collect();
    let shift: Vec<String> = drivers
        .iter()
        .take(3)
        .map(|d| format!("{d}=+0.3"))
        .collect();
    let scenario = scenario_from_flags(&model, None, &[], &shift, &[]).expect("scenario");
    for _ in 0..3 {
        let start = Instant::now();
        let run = what_if(&model, &graph, &survey, &analysis, &scenario, 0.95).expect("run");
        let after = recommend(&model, &graph, &run.after, &rules, &engine);
        let compared = diff(
            &model,
            &analysis,
            &run.after,
            &before.actions,
            &after.actions,
        );
        let elapsed = start.elapsed().as_secs_f64();
        println!(
            "whatif (shift {}; {} of {} rows moved: the latest wave), rescore, rules, diff: {elapsed:.3} s ({} segments)",
            shift.join(", "),
            run.moved_rows,
            survey.rows,
            compared.segments.len()
        );
        assert!(elapsed < 1.0);
    }
}
