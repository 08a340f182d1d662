//! The exact minimum-cost set of actions that reaches every target: branch and
//! bound over include / exclude decisions, candidates taken in order of cost
//! effectiveness, pruned by a fractional-knapsack lower bound on the cost still
//! needed (which also prunes branches that cannot reach a target at all) and by
//! the cost of the plans already kept.
//!
//! Gains are not additive per driver: the actions on one driver (a group) add
//! their deltas, and the sum is capped at the room left on the driver's scale.

/// One candidate action, in the numbers the solver needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub cost: f64,
    /// The driver (and segment) it moves; deltas in one group share a cap.
    pub group: usize,
    /// Improvement of the driver, index points.
    pub delta: f64,
    /// Per target: whether it is done by the target's due date.
    pub in_time: Vec<bool>,
}

/// A planning problem in index units.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub candidates: Vec<Candidate>,
    /// Room left on each group's driver, index points.
    pub caps: Vec<f64>,
    /// `effects[group][target]`: target points gained per driver index point.
    pub effects: Vec<Vec<f64>>,
    /// Points each target still needs (0 when met).
    pub need: Vec<f64>,
    pub budget: Option<f64>,
}

/// A set of candidates (indices into `Problem::candidates`, ascending).
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub chosen: Vec<usize>,
    pub cost: f64,
    /// Points gained per target.
    pub gain: Vec<f64>,
}

/// Tolerance for "reaches the target" and cost ties.
pub const EPS: f64 = 1e-9;

impl Problem {
    /// Points gained per target by the set `chosen`.
    pub fn gain(&self, chosen: &[usize]) -> Vec<f64> {
        let targets = self.need.len();
        let mut sums = vec![vec![0.0; self.caps.len()]; targets];
        for &i in chosen {
            let c = &self.candidates[i];
            for (t, row) in sums.iter_mut().enumerate() {
                if c.in_time[t] {
                    row[c.group] += c.delta;
                }
            }
        }
        self.gain_of_sums(&sums)
    }

    fn gain_of_sums(&self, sums: &[Vec<f64>]) -> Vec<f64> {
        sums.iter()
            .enumerate()
            .map(|(t, row)| {
                row.iter()
                    .enumerate()
                    .map(|(g, &s)| self.effects[g][t] * s.min(self.caps[g]))
                    .sum()
            })
            .collect()
    }

    pub fn reaches(&self, gain: &[f64]) -> bool {
        gain.iter().zip(&self.need).all(|(g, n)| *g >= n - EPS)
    }

    fn plan(&self, mut chosen: Vec<usize>) -> Plan {
        chosen.sort_unstable();
        let cost = chosen.iter().map(|&i| self.candidates[i].cost).sum();
        let gain = self.gain(&chosen);
        Plan { chosen, cost, gain }
    }
}

/// Plans order by cost, then fewer actions, then the candidates' indices: a
/// deterministic total order, so ties always break the same way.
pub fn better(a: &Plan, b: &Plan) -> bool {
    if (a.cost - b.cost).abs() > EPS {
        return a.cost < b.cost;
    }
    (a.chosen.len(), &a.chosen) < (b.chosen.len(), &b.chosen)
}

/// The `keep` best minimal plans that reach every target, best first; empty when
/// none does (within the budget). Minimal: dropping any action misses a target.
pub fn solve(problem: &Problem, keep: usize) -> Vec<Plan> {
    solve_observed(problem, keep, &|_| {}).plans
}

/// What [`solve_observed`] found and how much searching it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// As from [`solve`].
    pub plans: Vec<Plan>,
    /// Search nodes visited (for benchmarks and progress).
    pub nodes: u64,
}

/// How often (in search nodes) the progress callback is called: rare enough to
/// cost nothing, often enough for a spinner (a node takes microseconds).
pub const PROGRESS_EVERY: u64 = 4096;

/// [`solve`], calling `progress(nodes visited)` every [`PROGRESS_EVERY`] nodes so a
/// caller can show that a long search is alive; the result does not depend on it.
pub fn solve_observed(problem: &Problem, keep: usize, progress: &dyn Fn(u64)) -> Solution {
    let n = problem.candidates.len();
    let order = effectiveness_order(problem);
    let mut search = Search {
        problem,
        order,
        kept: Vec::new(),
        keep: keep.max(1),
        chosen: Vec::new(),
        sums: vec![vec![0.0; problem.caps.len()]; problem.need.len()],
        nodes: 0,
        progress,
        integral: problem
            .candidates
            .iter()
            .all(|c| c.cost.fract() == 0.0 && c.cost.abs() < 1e15),
    };
    if n <= 64 {
        search.descend(0, 0.0);
    }
    Solution {
        plans: search.kept,
        nodes: search.nodes,
    }
}

/// Candidates by cost effectiveness: needed-share of every target gained per unit
/// of cost, best first, ties by index.
fn effectiveness_order(problem: &Problem) -> Vec<usize> {
    let value = |i: usize| {
        let c = &problem.candidates[i];
        let gained: f64 = (0..problem.need.len())
            .filter(|&t| c.in_time[t] && problem.need[t] > EPS)
            .map(|t| {
                let g = problem.effects[c.group][t].max(0.0) * c.delta.min(problem.caps[c.group]);
                (g / problem.need[t]).min(1.0)
            })
            .sum();
        gained / c.cost.max(EPS)
    };
    let mut order: Vec<usize> = (0..problem.candidates.len()).collect();
    let values: Vec<f64> = order.iter().map(|&i| value(i)).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    order
}

struct Search<'p> {
    problem: &'p Problem,
    order: Vec<usize>,
    kept: Vec<Plan>,
    keep: usize,
    chosen: Vec<usize>,
    /// `sums[target][group]`: in-time deltas chosen so far.
    sums: Vec<Vec<f64>>,
    nodes: u64,
    progress: &'p dyn Fn(u64),
    /// Every cost is a whole number, so bounds round up.
    integral: bool,
}

impl Search<'_> {
    fn descend(&mut self, depth: usize, cost: f64) {
        self.nodes += 1;
        if self.nodes.is_multiple_of(PROGRESS_EVERY) {
            (self.progress)(self.nodes);
        }
        let p = self.problem;
        let gain = p.gain_of_sums(&self.sums);
        if p.reaches(&gain) {
            self.record();
            return;
        }
        if depth == self.order.len() {
            return;
        }
        let Some(mut more) = self.lower_bound(depth, &gain) else {
            return;
        };
        if self.integral {
            // Whole-number costs: the cost still needed is a whole number too.
            more = (more - 1e-7).ceil().max(0.0);
        }
        if let Some(limit) = self.limit() {
            if cost + more > limit + EPS {
                return;
            }
        }
        if p.budget.is_some_and(|b| cost + more > b + EPS) {
            return;
        }
        if self.only_ties(cost + more) && !self.may_tie_with_fewer_actions(depth, &gain) {
            return;
        }
        let i = self.order[depth];
        let c = &p.candidates[i];
        // Include first: it finds a plan soon, which tightens the bound.
        if p.budget.is_none_or(|b| cost + c.cost <= b + EPS) {
            self.chosen.push(i);
            for (t, row) in self.sums.iter_mut().enumerate() {
                if c.in_time[t] {
                    row[c.group] += c.delta;
                }
            }
            self.descend(depth + 1, cost + c.cost);
            for (t, row) in self.sums.iter_mut().enumerate() {
                if c.in_time[t] {
                    row[c.group] -= c.delta;
                }
            }
            self.chosen.pop();
        }
        self.descend(depth + 1, cost);
    }

    /// The cost of the worst kept plan once `keep` are kept: nothing dearer counts.
    fn limit(&self) -> Option<f64> {
        (self.kept.len() >= self.keep).then(|| self.kept[self.kept.len() - 1].cost)
    }

    /// Whether a plan from here can at best cost as much as the worst kept plan,
    /// so only the tie-break (fewer actions, then indices) can let it in.
    fn only_ties(&self, least_cost: f64) -> bool {
        self.limit().is_some_and(|limit| least_cost > limit - EPS)
    }

    /// Whether a plan from here could have no more actions than the worst kept
    /// plan (tie-break after cost). Per unmet target, the fewest undecided
    /// actions whose own gains (capped at the room left) cover the deficit is a
    /// lower bound on the actions still needed: a set's capped gains never exceed
    /// the sum of its members' own.
    fn may_tie_with_fewer_actions(&self, depth: usize, gain: &[f64]) -> bool {
        let p = self.problem;
        let Some(worst) = self.kept.last() else {
            return true;
        };
        let allowed = worst.chosen.len().saturating_sub(self.chosen.len());
        let mut gains: Vec<f64> = Vec::with_capacity(self.order.len() - depth);
        for (t, (need, got)) in p.need.iter().zip(gain).enumerate() {
            let deficit = need - got;
            if deficit <= EPS {
                continue;
            }
            gains.clear();
            gains.extend(self.order[depth..].iter().filter_map(|&i| {
                let c = &p.candidates[i];
                let effect = p.effects[c.group][t];
                let room = (p.caps[c.group] - self.sums[t][c.group]).max(0.0);
                (c.in_time[t] && effect > 0.0).then(|| effect * c.delta.min(room))
            }));
            gains.sort_by(|a, b| b.total_cmp(a));
            let most: f64 = gains.iter().take(allowed).sum();
            if most < deficit - EPS {
                return false;
            }
        }
        true
    }

    /// A lower bound on the cost still needed to reach every target from here with
    /// the candidates not yet decided; `None` when even all of them fall short.
    /// Per target, a fractional knapsack over each candidate's own gain (capped at
    /// the room left in its group): the capped gains of a set never exceed the sum
    /// of its members' own gains, so the bound is valid.
    fn lower_bound(&self, depth: usize, gain: &[f64]) -> Option<f64> {
        let p = self.problem;
        let mut bound: f64 = 0.0;
        let mut items: Vec<(f64, f64)> = Vec::with_capacity(self.order.len() - depth);
        for (t, (need, got)) in p.need.iter().zip(gain).enumerate() {
            let mut deficit = need - got;
            if deficit <= EPS {
                continue;
            }
            items.clear();
            for &i in &self.order[depth..] {
                let c = &p.candidates[i];
                let effect = p.effects[c.group][t];
                if !c.in_time[t] || effect <= 0.0 {
                    continue;
                }
                let room = (p.caps[c.group] - self.sums[t][c.group]).max(0.0);
                let g = effect * c.delta.min(room);
                if g > 0.0 {
                    items.push((g, c.cost.max(0.0)));
                }
            }
            items.sort_by(|a, b| (b.0 * a.1).total_cmp(&(a.0 * b.1)));
            let mut cost = 0.0;
            for &(g, c) in &items {
                if g >= deficit {
                    cost += c * deficit / g;
                    deficit = 0.0;
                    break;
                }
                cost += c;
                deficit -= g;
            }
            if deficit > EPS {
                return None;
            }
            bound = bound.max(cost);
        }
        // Together: every plan closes each unmet target's deficit, so the deficit
        // shares it closes, averaged over the unmet targets, reach 1. A fractional
        // knapsack on those averaged shares often binds harder than any one target.
        let unmet: Vec<(usize, f64)> = p
            .need
            .iter()
            .zip(gain)
            .enumerate()
            .filter(|(_, (n, g))| *n - *g > EPS)
            .map(|(t, (n, g))| (t, n - g))
            .collect();
        if unmet.len() > 1 {
            let weight = 1.0 / unmet.len() as f64;
            items.clear();
            for &i in &self.order[depth..] {
                let c = &p.candidates[i];
                let share: f64 = unmet
                    .iter()
                    .filter(|&&(t, _)| c.in_time[t] && p.effects[c.group][t] > 0.0)
                    .map(|&(t, deficit)| {
                        let room = (p.caps[c.group] - self.sums[t][c.group]).max(0.0);
                        (p.effects[c.group][t] * c.delta.min(room) / deficit).min(1.0)
                    })
                    .sum::<f64>()
                    * weight;
                if share > 0.0 {
                    items.push((share, c.cost.max(0.0)));
                }
            }
            items.sort_by(|a, b| (b.0 * a.1).total_cmp(&(a.0 * b.1)));
            let (mut left, mut cost) = (1.0 - 1e-9, 0.0);
            for &(g, c) in &items {
                if g >= left {
                    cost += c * left / g;
                    left = 0.0;
                    break;
                }
                cost += c;
                left -= g;
            }
            if left > 0.0 {
                return None;
            }
            bound = bound.max(cost);
        }
        Some(bound)
    }

    /// A set that reaches every target is kept if it is among the best `keep`
    /// minimal plans. A set that is not minimal (an action taken earlier became
    /// redundant) is first cut down to a minimal one: that plan is found again at
    /// its own node of the tree, but finding it now gives the search an
    /// incumbent at once, so pruning starts from the first descent.
    fn record(&mut self) {
        let p = self.problem;
        let plan = p.plan(minimal_subset(p, &self.chosen));
        if self.kept.iter().any(|k| k.chosen == plan.chosen) {
            return;
        }
        let at = self
            .kept
            .iter()
            .position(|k| better(&plan, k))
            .unwrap_or(self.kept.len());
        if at < self.keep {
            self.kept.insert(at, plan);
            self.kept.truncate(self.keep);
        }
    }
}

/// `chosen` (which reaches every target) without the actions it does not need:
/// dearest first (ties by index), each dropped when the rest still reaches. One
/// pass suffices: gains only shrink as actions go, so an action that was needed
/// when its turn came stays needed.
fn minimal_subset(p: &Problem, chosen: &[usize]) -> Vec<usize> {
    let mut kept = chosen.to_vec();
    let mut by_cost = chosen.to_vec();
    by_cost.sort_by(|&a, &b| {
        p.candidates[b]
            .cost
            .total_cmp(&p.candidates[a].cost)
            .then(a.cmp(&b))
    });
    for i in by_cost {
        let without: Vec<usize> = kept.iter().copied().filter(|&k| k != i).collect();
        if p.reaches(&p.gain(&without)) {
            kept = without;
        }
    }
    kept
}

/// Every subset, for checking [`solve`] on small problems: the best plan by
/// [`better`] among those that reach the targets within the budget.
pub fn brute_force(problem: &Problem) -> Option<Plan> {
    let n = problem.candidates.len();
    let mut best: Option<Plan> = None;
    for mask in 0u64..(1u64 << n) {
        let chosen: Vec<usize> = (0..n).filter(|i| mask >> i & 1 == 1).collect();
        let plan = problem.plan(chosen);
        if problem.budget.is_some_and(|b| plan.cost > b + EPS) || !problem.reaches(&plan.gain) {
            continue;
        }
        if best.as_ref().is_none_or(|b| better(&plan, b)) {
            best = Some(plan);
        }
    }
    best
}
