//! The planner against brute force on small random problems: the same cost (and,
//! with the deterministic tie-break, the same plan), every kept plan reaches the
//! targets, and runner-ups never beat the plan.

use proptest::prelude::*;
use sattrace::plan::{better, brute_force, solve, Candidate, Plan, Problem};

/// Every subset: the `keep` best *minimal* plans (dropping any action misses a
/// target) within the budget, best first — what `solve` must return, runner-ups too.
fn brute_force_kept(problem: &Problem, keep: usize) -> Vec<Vec<usize>> {
    let n = problem.candidates.len();
    let cost = |chosen: &[usize]| {
        chosen
            .iter()
            .map(|&i| problem.candidates[i].cost)
            .sum::<f64>()
    };
    let mut found: Vec<Plan> = Vec::new();
    for mask in 0u64..(1u64 << n) {
        let chosen: Vec<usize> = (0..n).filter(|i| mask >> i & 1 == 1).collect();
        let total = cost(&chosen);
        if problem.budget.is_some_and(|b| total > b + 1e-9)
            || !problem.reaches(&problem.gain(&chosen))
        {
            continue;
        }
        let minimal = (0..chosen.len()).all(|k| {
            let mut without = chosen.clone();
            without.remove(k);
            !problem.reaches(&problem.gain(&without))
        });
        if minimal {
            let gain = problem.gain(&chosen);
            found.push(Plan {
                chosen,
                cost: total,
                gain,
            });
        }
    }
    found.sort_by(|a, b| {
        if better(a, b) {
            std::cmp::Ordering::Less
        } else if better(b, a) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    found.into_iter().take(keep).map(|p| p.chosen).collect()
}

/// Larger problems than [`problem`]: up to 14 candidates on few drivers, so groups
/// often hold more actions than the bound enumerates, and costs with fractions.
fn crowded_problem() -> impl Strategy<Value = Problem> {
    (1usize..=3, 1usize..=3, 9usize..=14).prop_flat_map(|(targets, groups, n)| {
        (
            prop::collection::vec(
                (
                    1u32..=40,
                    0..groups,
                    1u32..=20,
                    prop::collection::vec(prop::bool::weighted(0.8), targets),
                ),
                n,
            ),
            prop::collection::vec(5u32..=60, groups),
            prop::collection::vec(prop::collection::vec(0u32..=10, targets), groups),
            prop::collection::vec(0u32..=60, targets),
            prop::option::weighted(0.3, 10u32..=80),
            prop::bool::ANY,
        )
            .prop_map(|(cands, caps, effects, need, budget, quarters)| Problem {
                candidates: cands
                    .into_iter()
                    .map(|(cost, group, delta, in_time)| Candidate {
                        // Quarter costs: not whole numbers, so no rounding of bounds.
                        cost: if quarters {
                            f64::from(cost) / 4.0
                        } else {
                            f64::from(cost)
                        },
                        group,
                        also: Vec::new(),
                        delta: f64::from(delta),
                        in_time,
                    })
                    .collect(),
                caps: caps.into_iter().map(f64::from).collect(),
                effects: effects
                    .into_iter()
                    .map(|row| row.into_iter().map(|e| f64::from(e) / 10.0).collect())
                    .collect(),
                need: need.into_iter().map(f64::from).collect(),
                budget: budget.map(f64::from),
            })
    })
}

fn problem() -> impl Strategy<Value = Problem> {
    (1usize..=3, 1usize..=4, 1usize..=11).prop_flat_map(|(targets, groups, n)| {
        (
            prop::collection::vec(
                (
                    1u32..=9,
                    0..groups,
                    1u32..=20,
                    prop::collection::vec(prop::bool::weighted(0.85), targets),
                ),
                n,
            ),
            prop::collection::vec(5u32..=40, groups),
            prop::collection::vec(prop::collection::vec(0u32..=10, targets), groups),
            prop::collection::vec(0u32..=30, targets),
            prop::option::weighted(0.3, 5u32..=30),
        )
            .prop_map(move |(cands, caps, effects, need, budget)| Problem {
                candidates: cands
                    .into_iter()
                    .map(|(cost, group, delta, in_time)| Candidate {
                        cost: f64::from(cost),
                        group,
                        // Some actions cover two parts of a driver's population
                        // (overlapping slices): the bound must stay valid.
                        also: if groups > 1 && delta % 4 == 0 {
                            vec![(group + 1) % groups]
                        } else {
                            Vec::new()
                        },
                        delta: f64::from(delta),
                        in_time,
                    })
                    .collect(),
                caps: caps.into_iter().map(f64::from).collect(),
                effects: effects
                    .into_iter()
                    .map(|row| row.into_iter().map(|e| f64::from(e) / 10.0).collect())
                    .collect(),
                need: need.into_iter().map(f64::from).collect(),
                budget: budget.map(f64::from),
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn branch_and_bound_is_optimal(p in problem()) {
        let plans = solve(&p, 4);
        let exact = brute_force(&p);
        match (&exact, plans.first()) {
            (None, None) => {}
            (Some(e), Some(b)) => {
                prop_assert!((e.cost - b.cost).abs() < 1e-9, "cost {} vs brute {}", b.cost, e.cost);
                prop_assert_eq!(&e.chosen, &b.chosen);
            }
            _ => prop_assert!(false, "solve {:?} vs brute force {:?}", plans.first(), exact),
        }
        for plan in &plans {
            prop_assert!(p.reaches(&p.gain(&plan.chosen)));
        }
        for pair in plans.windows(2) {
            prop_assert!(better(&pair[0], &pair[1]));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn plan_and_runner_ups_match_brute_force_on_crowded_drivers(p in crowded_problem()) {
        let kept: Vec<Vec<usize>> = solve(&p, 4).into_iter().map(|plan| plan.chosen).collect();
        prop_assert_eq!(kept, brute_force_kept(&p, 4));
    }

    #[test]
    fn runner_ups_match_brute_force(p in problem()) {
        let kept: Vec<Vec<usize>> = solve(&p, 4).into_iter().map(|plan| plan.chosen).collect();
        prop_assert_eq!(kept, brute_force_kept(&p, 4));
    }
}

#[test]
fn ties_break_by_fewer_actions_then_index() {
    let c = |cost: f64, group: usize, delta: f64| Candidate {
        cost,
        group,
        also: Vec::new(),
        delta,
        in_time: vec![true],
    };
    // 0 alone, or 1 + 2, or 3 alone, all cost 4 and reach the need of 10.
    let p = Problem {
        candidates: vec![
            c(4.0, 0, 10.0),
            c(2.0, 1, 5.0),
            c(2.0, 1, 5.0),
            c(4.0, 2, 10.0),
        ],
        caps: vec![100.0; 3],
        effects: vec![vec![1.0]; 3],
        need: vec![10.0],
        budget: None,
    };
    let plans = solve(&p, 4);
    let chosen: Vec<Vec<usize>> = plans.iter().map(|p| p.chosen.clone()).collect();
    assert_eq!(chosen, vec![vec![0], vec![3], vec![1, 2]]);
}

#[test]
fn deltas_on_one_driver_stop_at_the_top_of_its_scale() {
    let c = |cost: f64, group: usize, delta: f64| Candidate {
        cost,
        group,
        also: Vec::new(),
        delta,
        in_time: vec![true],
    };
    // Two cheap actions on a driver with 6 points of room give 6, not 10.
    let p = Problem {
        candidates: vec![c(1.0, 0, 5.0), c(1.0, 0, 5.0), c(5.0, 1, 8.0)],
        caps: vec![6.0, 50.0],
        effects: vec![vec![1.0], vec![1.0]],
        need: vec![8.0],
        budget: None,
    };
    let plans = solve(&p, 4);
    assert_eq!(plans[0].chosen, vec![2]);
    assert!((p.gain(&[0, 1])[0] - 6.0).abs() < 1e-12);
}
