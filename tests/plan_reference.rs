//! The planner's best cost on the 60-candidate benchmark instances equals the
//! optimum found by an independent exact solver, HiGHS's mixed-integer programming
//! (`fixtures/reference/plan60_highs.py` → `plan60_highs.json`).

#[path = "support/plan_instance.rs"]
mod plan_instance;

use sattrace::plan::solve;

#[test]
fn sixty_candidate_plans_cost_what_highs_proves_optimal() {
    let text = std::fs::read_to_string("fixtures/reference/plan60_highs.json").expect("reference");
    let reference: serde_json::Value = serde_json::from_str(&text).expect("json");
    let instances = reference["instances"].as_array().expect("instances");
    assert_eq!(instances.len(), 60);
    for case in instances {
        let fraction = case["fraction"].as_f64().expect("fraction");
        let seed = case["seed"].as_u64().expect("seed");
        let expected = case["best_cost"].as_f64().expect("cost");
        let problem = plan_instance::instance(seed, fraction);
        let plans = solve(&problem, 1);
        let best = plans.first().expect("a plan");
        assert!(
            (best.cost - expected).abs() < 1e-6,
            "targets at {fraction}, seed {seed}: sattrace {} vs HiGHS {expected}",
            best.cost
        );
        assert!(problem.reaches(&best.gain));
    }
}
