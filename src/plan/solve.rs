//! The exact minimum-cost set of actions that reaches every target: branch and
//! bound over include / exclude decisions, candidates taken in order of cost
//! effectiveness, pruned by a fractional-knapsack lower bound on the cost still
//! needed (which also prunes branches that cannot reach a target at all) and by
//! the cost of the plans already kept.
//!
//! Gains are not additive per driver: the actions on one driver (a group) add
//! their deltas, and the sum is capped at the room left on the driver's scale. An
//! action whose population overlaps another's on the same driver without equalling
//! it belongs to several groups (one per part of its population that a different
//! set of actions covers): its delta counts in each.

/// One candidate action, in the numbers the solver needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub cost: f64,
    /// The driver (and segment) it moves; deltas in one group share a cap.
    pub group: usize,
    /// Further groups it moves too (parts of its population; empty for most).
    pub also: Vec<usize>,
    /// Improvement of the driver, index points.
    pub delta: f64,
    /// Per target: whether it is done by the target's due date.
    pub in_time: Vec<bool>,
}

impl Candidate {
    /// Every group it moves.
    pub fn groups(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.group).chain(self.also.iter().copied())
    }

    /// Its own gain on target `t` (ignoring timing): in each group, the effect of
    /// its delta capped at `room(group)`.
    fn own(&self, problem: &Problem, t: usize, room: impl Fn(usize) -> f64) -> f64 {
        self.groups()
            .map(|g| problem.effects[g][t].max(0.0) * self.delta.min(room(g)))
            .sum()
    }
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
                    c.groups().for_each(|g| row[g] += c.delta);
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

/// Nodes up to this depth tune the surrogate bound's target weighting for their
/// subtree (at most 2^depth such nodes, each a few hundred small knapsacks).
const TUNED_DEPTH: usize = 9;

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
        weightings: Vec::new(),
    };
    let start = vec![0.0; problem.need.len()];
    search.weightings = search.best_weighting(0, &start).into_iter().collect();
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
                let g = c.own(problem, t, |g| problem.caps[g]);
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
    /// Target weightings of the surrogate bound besides the uniform one.
    weightings: Vec<Vec<f64>>,
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
        // Near the root, tune the surrogate's target weighting to this node: its
        // subtree is large, and the deficits have moved since the root.
        let tuned = if depth > 0 && depth <= TUNED_DEPTH && !self.weightings.is_empty() {
            self.best_weighting(depth, &gain)
        } else {
            None
        };
        let pushed = tuned.is_some();
        if let Some(weighting) = tuned {
            self.weightings.push(weighting);
        }
        self.branch(depth, cost);
        if pushed {
            self.weightings.pop();
        }
    }

    /// Include or exclude the candidate at `depth`.
    fn branch(&mut self, depth: usize, cost: f64) {
        let p = self.problem;
        let i = self.order[depth];
        let c = &p.candidates[i];
        // Include first: it finds a plan soon, which tightens the bound.
        if p.budget.is_none_or(|b| cost + c.cost <= b + EPS) {
            self.chosen.push(i);
            for (t, row) in self.sums.iter_mut().enumerate() {
                if c.in_time[t] {
                    c.groups().for_each(|g| row[g] += c.delta);
                }
            }
            self.descend(depth + 1, cost + c.cost);
            for (t, row) in self.sums.iter_mut().enumerate() {
                if c.in_time[t] {
                    c.groups().for_each(|g| row[g] -= c.delta);
                }
            }
            self.chosen.pop();
        }
        self.descend(depth + 1, cost);
    }

    /// The target weighting whose surrogate bound is highest at the root, on a grid
    /// of the simplex (steps of 1/20 for up to three targets, 1/10 for four); `None`
    /// for one target or more than four.
    fn best_weighting(&self, depth: usize, gain: &[f64]) -> Option<Vec<f64>> {
        let p = self.problem;
        let targets = p.need.len();
        let steps = match targets {
            2 | 3 => 20,
            4 => 10,
            _ => return None,
        };
        let unmet = unmet_targets(p, gain);
        if unmet.len() < 2 {
            return None;
        }
        let mut items = Vec::with_capacity(self.order.len());
        let mut room = vec![0.0; p.caps.len()];
        let mut best: Option<(f64, Vec<f64>)> = None;
        let mut lambda = vec![0; targets];
        loop {
            if lambda.iter().sum::<usize>() == steps {
                let weights: Vec<f64> = lambda.iter().map(|&k| k as f64).collect();
                let bound = self.surrogate_bound(depth, &unmet, &weights, &mut items, &mut room)?;
                if best.as_ref().is_none_or(|(b, _)| bound > *b + EPS) {
                    best = Some((bound, weights));
                }
            }
            // Next grid point: count in base steps + 1.
            let mut t = 0;
            while t < targets && lambda[t] == steps {
                lambda[t] = 0;
                t += 1;
            }
            if t == targets {
                break;
            }
            lambda[t] += 1;
        }
        best.map(|(_, w)| w)
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
                let own = c.own(p, t, |g| (p.caps[g] - self.sums[t][g]).max(0.0));
                (c.in_time[t] && own > 0.0).then_some(own)
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
    ///
    /// Per target, the linear relaxation in which each undecided candidate may be
    /// bought in part: its own gain (capped at the room left in its group) at its
    /// cost per point, and the gains bought in one group together capped at that
    /// group's room too. The capped gains of a set never exceed either cap, so the
    /// bound is valid; the feasible gains form a polymatroid, on which buying the
    /// cheapest points first is optimal. The group cap is what keeps the bound
    /// tight when targets need most of a driver's room.
    fn lower_bound(&self, depth: usize, gain: &[f64]) -> Option<f64> {
        let p = self.problem;
        let groups = p.caps.len();
        let mut bound: f64 = 0.0;
        let mut items: Vec<Item> = Vec::with_capacity(self.order.len() - depth);
        let mut room = vec![0.0; groups];
        for (t, (need, got)) in p.need.iter().zip(gain).enumerate() {
            let deficit = need - got;
            if deficit <= EPS {
                continue;
            }
            items.clear();
            for (g, r) in room.iter_mut().enumerate() {
                *r = p.effects[g][t].max(0.0) * (p.caps[g] - self.sums[t][g]).max(0.0);
            }
            for &i in &self.order[depth..] {
                let c = &p.candidates[i];
                if !c.in_time[t] {
                    continue;
                }
                // An action in several groups sells its points outside any
                // group's room: the bound only gets looser, so it stays valid.
                let (value, group) = if c.also.is_empty() {
                    let own = p.effects[c.group][t].max(0.0) * c.delta;
                    (own.min(room[c.group]), Some(c.group))
                } else {
                    (
                        c.groups()
                            .map(|g| (p.effects[g][t].max(0.0) * c.delta).min(room[g]))
                            .sum(),
                        None,
                    )
                };
                if value > 0.0 {
                    items.push(Item {
                        value,
                        cost: c.cost.max(0.0),
                        group,
                    });
                }
            }
            bound = bound.max(cheapest_cover(&mut items, &mut room, deficit)?);
        }
        // Together: every plan closes each unmet target's deficit, so per target the
        // groups' deficit shares (each at most 1) add up to at least 1, and so do
        // their averages over the unmet targets. The same relaxation on those
        // averaged shares often binds harder than any one target.
        let unmet = unmet_targets(p, gain);
        if unmet.len() > 1 {
            let uniform = vec![1.0; p.need.len()];
            bound =
                bound.max(self.surrogate_bound(depth, &unmet, &uniform, &mut items, &mut room)?);
            // The root's best weighting, and the one tuned at the nearest shallow
            // ancestor (see `descend`).
            let tuned = self
                .weightings
                .first()
                .into_iter()
                .chain(self.weightings.last().filter(|_| self.weightings.len() > 1));
            for lambda in tuned {
                bound =
                    bound.max(self.surrogate_bound(depth, &unmet, lambda, &mut items, &mut room)?);
            }
        }
        Some(bound)
    }

    /// The relaxation on deficit shares weighted by `lambda` (per target, over the
    /// unmet ones, normalized to sum 1): any weighting gives a valid bound, since
    /// every unmet target's group shares add up to at least 1.
    fn surrogate_bound(
        &self,
        depth: usize,
        unmet: &[(usize, f64)],
        lambda: &[f64],
        items: &mut Vec<Item>,
        room: &mut [f64],
    ) -> Option<f64> {
        let p = self.problem;
        let total: f64 = unmet.iter().map(|&(t, _)| lambda[t]).sum();
        if total <= 0.0 {
            return Some(0.0);
        }
        let share = |g: usize, points: f64, t: usize, deficit: f64| {
            let room = (p.caps[g] - self.sums[t][g]).max(0.0);
            lambda[t] / total * (p.effects[g][t].max(0.0) * points.min(room) / deficit).min(1.0)
        };
        for (g, r) in room.iter_mut().enumerate() {
            *r = unmet
                .iter()
                .map(|&(t, deficit)| share(g, f64::INFINITY, t, deficit))
                .sum::<f64>();
        }
        items.clear();
        for &i in &self.order[depth..] {
            let c = &p.candidates[i];
            let value: f64 = unmet
                .iter()
                .filter(|&&(t, _)| c.in_time[t])
                .map(|&(t, deficit)| {
                    c.groups()
                        .map(|g| share(g, c.delta, t, deficit))
                        .sum::<f64>()
                })
                .sum();
            if value > 0.0 {
                items.push(Item {
                    value,
                    cost: c.cost.max(0.0),
                    group: c.also.is_empty().then_some(c.group),
                });
            }
        }
        cheapest_cover(items, room, 1.0 - 1e-9)
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

/// The targets `gain` does not meet yet, each with its deficit.
fn unmet_targets(p: &Problem, gain: &[f64]) -> Vec<(usize, f64)> {
    p.need
        .iter()
        .zip(gain)
        .enumerate()
        .filter(|(_, (n, g))| *n - *g > EPS)
        .map(|(t, (n, g))| (t, n - g))
        .collect()
}

/// A candidate in a bound: the points it can add and what they cost.
struct Item {
    value: f64,
    cost: f64,
    /// The group whose room it uses up; `None` for an action in several groups.
    group: Option<usize>,
}

/// The least cost of `need` points bought from `items` in part, cheapest points
/// first, no group selling more than its `room` (used up as it goes); `None` when
/// all of them together fall short.
fn cheapest_cover(items: &mut [Item], room: &mut [f64], need: f64) -> Option<f64> {
    items.sort_by(|a, b| (a.cost * b.value).total_cmp(&(b.cost * a.value)));
    let (mut left, mut cost) = (need, 0.0);
    for item in items.iter() {
        let room_left = item.group.map_or(f64::INFINITY, |g| room[g]);
        let take = item.value.min(room_left).min(left);
        if take <= 0.0 {
            continue;
        }
        cost += item.cost * take / item.value;
        if let Some(g) = item.group {
            room[g] -= take;
        }
        left -= take;
        if left <= EPS * need.max(1.0) {
            return Some(cost);
        }
    }
    (left <= EPS * need.max(1.0)).then_some(cost)
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
