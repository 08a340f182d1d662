//! The JSON shape of a PLS importance run (`sattrace.importance/1`, method `pls`):
//! the whole survey's path model, then (with `by`) one block per group, then (by
//! wave) the change of each path between consecutive waves. Built from the raw
//! estimates as `Serialize` views when serialized.

use serde::{Serialize, Serializer};

use super::pls::{PlsEstimate, PlsGroup, PlsImportance};
use super::{as_text, includes_zero, PlsGroupError, ALL};
use crate::importance::pls::{Mode, PlsIntervals, Scheme};
use crate::importance::{change_intervals, group_seed, IntervalKind, Intervals};

type Interval = (f64, f64);

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    outcome: &'a str,
    method: &'static str,
    scheme: Scheme,
    /// Consistent PLS (PLSc); only written when set.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    consistent: bool,
    #[serde(flatten)]
    all: Body<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<Vec<Named<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Vec<ChangeView<'a>>>,
}

#[derive(Serialize)]
struct Named<'a> {
    group: &'a str,
    #[serde(flatten)]
    body: Body<'a>,
}

/// One group's sections; `{rows, error}` when it could not be estimated.
#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    Estimated(Box<Sections<'a>>),
    Failed {
        rows: u64,
        #[serde(serialize_with = "as_text")]
        error: &'a PlsGroupError,
    },
}

#[derive(Serialize)]
struct Sections<'a> {
    n: usize,
    rows_dropped: u64,
    unreliable: bool,
    iterations: usize,
    converged: bool,
    r2: Option<f64>,
    r2_ci: Option<Interval>,
    drivers: Vec<DriverView<'a>>,
    constructs: Vec<ConstructView<'a>>,
    paths: Vec<PathView<'a>>,
    outer: Vec<OuterView<'a>>,
    total_effects: Vec<EffectView<'a>>,
    ipma: Vec<IpmaView<'a>>,
    ipma_outcome_performance: f64,
    ipma_outcome_performance_ci: Option<Interval>,
    reliability: Vec<ReliabilityView<'a>>,
    htmt: Vec<HtmtView<'a>>,
    warnings: Vec<&'a str>,
    bootstrap: Option<BootView>,
}

#[derive(Serialize)]
struct DriverView<'a> {
    id: &'a str,
    importance: f64,
    direct: f64,
    share: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ci_includes_zero: Option<bool>,
}

#[derive(Serialize)]
struct ConstructView<'a> {
    id: &'a str,
    mode: Mode,
    r2: Option<f64>,
    adj_r2: Option<f64>,
    r2_ci: Option<Interval>,
    adj_r2_ci: Option<Interval>,
}

#[derive(Serialize)]
struct PathView<'a> {
    from: &'a str,
    to: &'a str,
    coef: f64,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
}

#[derive(Serialize)]
struct OuterView<'a> {
    construct: &'a str,
    item: &'a str,
    weight: f64,
    loading: f64,
    weight_ci: Option<Interval>,
    loading_ci: Option<Interval>,
}

#[derive(Serialize)]
struct EffectView<'a> {
    from: &'a str,
    to: &'a str,
    effect: f64,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
}

#[derive(Serialize)]
struct IpmaView<'a> {
    id: &'a str,
    importance: f64,
    performance: f64,
    importance_ci: Option<Interval>,
    performance_ci: Option<Interval>,
    #[serde(skip_serializing_if = "Option::is_none")]
    importance_ci_includes_zero: Option<bool>,
}

#[derive(Serialize)]
struct ReliabilityView<'a> {
    construct: &'a str,
    alpha: f64,
    rho_c: f64,
    ave: f64,
    rho_a: f64,
    alpha_ci: Option<Interval>,
    rho_c_ci: Option<Interval>,
    ave_ci: Option<Interval>,
    rho_a_ci: Option<Interval>,
}

#[derive(Serialize)]
struct HtmtView<'a> {
    a: &'a str,
    b: &'a str,
    value: f64,
    ci: Option<Interval>,
}

#[derive(Serialize)]
struct BootView {
    replicates: usize,
    failed: usize,
    seed: u64,
    level: f64,
    kind: IntervalKind,
}

#[derive(Serialize)]
struct ChangeView<'a> {
    from: &'a str,
    to: &'a str,
    paths: Vec<PathChangeView<'a>>,
    drivers: Vec<DriverChangeView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replicate_pairs: Option<usize>,
}

#[derive(Serialize)]
struct PathChangeView<'a> {
    from: &'a str,
    to: &'a str,
    change: f64,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    ci_includes_zero: Option<bool>,
}

#[derive(Serialize)]
struct DriverChangeView<'a> {
    id: &'a str,
    change: f64,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    ci_includes_zero: Option<bool>,
}

impl Serialize for PlsImportance {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let id = |k: usize| self.pm.constructs[k].id.as_str();
        let all_changes = if self.by_wave {
            self.changes()
        } else {
            Vec::new()
        };
        let changes = self.by_wave.then(|| {
            all_changes
                .iter()
                .map(|c| ChangeView {
                    from: &c.from,
                    to: &c.to,
                    paths: c
                        .paths
                        .iter()
                        .map(|&(i, change, ci)| {
                            let p = self.pm.paths[i];
                            PathChangeView {
                                from: id(p.0),
                                to: id(p.1),
                                change,
                                ci_low: ci.map(|c| c.0),
                                ci_high: ci.map(|c| c.1),
                                ci_includes_zero: ci.map(|(lo, hi)| includes_zero(lo, hi)),
                            }
                        })
                        .collect(),
                    drivers: c
                        .drivers
                        .iter()
                        .map(|&(k, change, ci)| DriverChangeView {
                            id: id(k),
                            change,
                            ci_low: ci.map(|c| c.0),
                            ci_high: ci.map(|c| c.1),
                            ci_includes_zero: ci.map(|(lo, hi)| includes_zero(lo, hi)),
                        })
                        .collect(),
                    replicate_pairs: c.pairs,
                })
                .collect()
        });
        Report {
            schema: "sattrace.importance/1",
            outcome: id(self.outcome),
            method: "pls",
            scheme: self.options.scheme,
            consistent: self.options.consistent,
            all: self.body(&self.whole),
            by: self.by.as_deref(),
            groups: self.by.as_ref().map(|_| {
                self.groups
                    .iter()
                    .map(|g| Named {
                        group: &g.name,
                        body: self.body(g),
                    })
                    .collect()
            }),
            changes,
        }
        .serialize(s)
    }
}

/// An interval as JSON shows it: absent without a bootstrap, and (as before) absent
/// when its low end is not a finite number.
fn pair(iv: Option<&Interval>) -> Option<Interval> {
    iv.filter(|(lo, _)| lo.is_finite()).copied()
}

impl PlsImportance {
    fn body<'a>(&'a self, g: &'a PlsGroup) -> Body<'a> {
        let e = match &g.result {
            Ok(e) => e,
            Err(error) => {
                return Body::Failed {
                    rows: g.rows,
                    error,
                }
            }
        };
        let id = |k: usize| self.pm.constructs[k].id.as_str();
        let o = self.outcome;
        let c = self.pm.constructs.len();
        let iv = e.intervals.as_ref();
        let ci =
            |pick: &dyn Fn(&'a PlsIntervals) -> Option<&'a Interval>| iv.and_then(pick).copied();
        let drivers = (0..c)
            .filter(|&k| k != o && e.fit.total.get(k, o) != 0.0)
            .map(|k| {
                let ci = ci(&|iv| iv.total.get(k * c + o));
                DriverView {
                    id: id(k),
                    importance: e.fit.total.get(k, o),
                    direct: e.fit.coefficients.get(k, o),
                    share: None,
                    ci_low: ci.map(|c| c.0),
                    ci_high: ci.map(|c| c.1),
                    ci_includes_zero: ci
                        .filter(|(lo, hi)| lo.is_finite() && hi.is_finite())
                        .map(|(lo, hi)| includes_zero(lo, hi)),
                }
            })
            .collect();
        let seed = if g.name == ALL {
            self.seed
        } else {
            group_seed(self.seed, &g.name)
        };
        let mut total_effects = Vec::new();
        for from in 0..c {
            for to in 0..c {
                let v = e.fit.total.get(from, to);
                if v != 0.0 {
                    let ci = ci(&|iv| iv.total.get(from * c + to));
                    total_effects.push(EffectView {
                        from: id(from),
                        to: id(to),
                        effect: v,
                        ci_low: ci.map(|c| c.0),
                        ci_high: ci.map(|c| c.1),
                    });
                }
            }
        }
        Body::Estimated(Box::new(Sections {
            n: e.fit.n,
            rows_dropped: g.rows.saturating_sub(e.fit.n as u64),
            unreliable: e.unreliable,
            iterations: e.fit.iterations,
            converged: e.fit.converged,
            r2: e.fit.r2[o].map(|r| r.0),
            r2_ci: pair(iv.and_then(|iv| iv.r2.get(o).and_then(Option::as_ref))),
            drivers,
            constructs: self
                .pm
                .constructs
                .iter()
                .enumerate()
                .map(|(k, con)| ConstructView {
                    id: &con.id,
                    mode: con.mode,
                    r2: e.fit.r2[k].map(|r| r.0),
                    adj_r2: e.fit.r2[k].map(|r| r.1),
                    r2_ci: pair(iv.and_then(|iv| iv.r2.get(k).and_then(Option::as_ref))),
                    adj_r2_ci: pair(iv.and_then(|iv| iv.adj_r2.get(k).and_then(Option::as_ref))),
                })
                .collect(),
            paths: e
                .fit
                .paths
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let ci = ci(&|iv| iv.paths.get(i));
                    PathView {
                        from: id(p.from),
                        to: id(p.to),
                        coef: p.coef,
                        ci_low: ci.map(|c| c.0),
                        ci_high: ci.map(|c| c.1),
                    }
                })
                .collect(),
            outer: e
                .fit
                .outer
                .iter()
                .enumerate()
                .map(|(i, x)| OuterView {
                    construct: id(x.construct),
                    item: &self.pm.item_names[x.item],
                    weight: x.weight,
                    loading: x.loading,
                    weight_ci: pair(iv.and_then(|iv| iv.weights.get(i))),
                    loading_ci: pair(iv.and_then(|iv| iv.loadings.get(i))),
                })
                .collect(),
            total_effects,
            ipma: e
                .ipma
                .iter()
                .map(|p| {
                    let k = p.construct;
                    IpmaView {
                        id: id(k),
                        importance: p.importance,
                        performance: p.performance,
                        importance_ci: pair(iv.and_then(|iv| iv.ipma_importance.get(k))),
                        performance_ci: pair(iv.and_then(|iv| iv.ipma_performance.get(k))),
                        importance_ci_includes_zero: iv
                            .and_then(|iv| iv.ipma_importance.get(k))
                            .map(|&(lo, hi)| includes_zero(lo, hi)),
                    }
                })
                .collect(),
            ipma_outcome_performance: e.outcome_performance,
            ipma_outcome_performance_ci: pair(iv.and_then(|iv| iv.ipma_performance.get(o))),
            reliability: e
                .reliability
                .iter()
                .map(|r| {
                    let k = r.construct;
                    ReliabilityView {
                        construct: id(k),
                        alpha: r.alpha,
                        rho_c: r.rho_c,
                        ave: r.ave,
                        rho_a: r.rho_a,
                        alpha_ci: pair(iv.and_then(|iv| iv.alpha.get(k))),
                        rho_c_ci: pair(iv.and_then(|iv| iv.rho_c.get(k))),
                        ave_ci: pair(iv.and_then(|iv| iv.ave.get(k))),
                        rho_a_ci: pair(iv.and_then(|iv| iv.rho_a.get(k))),
                    }
                })
                .collect(),
            htmt: e
                .htmt
                .iter()
                .enumerate()
                .map(|(i, h)| HtmtView {
                    a: id(h.a),
                    b: id(h.b),
                    value: h.value,
                    ci: pair(iv.and_then(|iv| iv.htmt.get(i))),
                })
                .collect(),
            warnings: e.warnings.iter().map(|w| w.en.as_str()).collect(),
            bootstrap: iv.map(|iv| BootView {
                replicates: iv.replicates,
                failed: iv.failed,
                seed,
                level: 0.95,
                kind: iv.kind,
            }),
        }))
    }

    /// Changes between consecutive waves that were both estimated; a wave that
    /// failed breaks the chain rather than being skipped over (as for the other
    /// methods). With a bootstrap, the interval of each change comes from the
    /// differences of the two waves' replicates `r` (`change_intervals`).
    pub fn changes(&self) -> Vec<PlsChange> {
        let o = self.outcome;
        let (p, c) = (self.pm.paths.len(), self.pm.constructs.len());
        self.groups
            .windows(2)
            .filter_map(|pair| {
                let (Ok(a), Ok(b)) = (&pair[0].result, &pair[1].result) else {
                    return None;
                };
                Some(change(a, b, o, p, c, &pair[0].name, &pair[1].name))
            })
            .collect()
    }
}

/// `(index, change, interval of the change)`: a path index or a construct.
pub type Delta = (usize, f64, Option<Interval>);

/// The change from one wave to the next (both estimated).
#[derive(Debug)]
pub struct PlsChange {
    pub from: String,
    pub to: String,
    /// `(path index, coef(to) − coef(from), interval)`.
    pub paths: Vec<Delta>,
    /// `(construct, total effect on the outcome (to) − (from), interval)` for the
    /// outcome's drivers (those with a total effect in either wave).
    pub drivers: Vec<Delta>,
    /// Replicate pairs the intervals rest on (both waves' replicate `r` succeeded).
    pub pairs: Option<usize>,
}

fn change(
    a: &PlsEstimate,
    b: &PlsEstimate,
    o: usize,
    p: usize,
    c: usize,
    from: &str,
    to: &str,
) -> PlsChange {
    let drivers: Vec<usize> = (0..c)
        .filter(|&k| k != o && (a.fit.total.get(k, o) != 0.0 || b.fit.total.get(k, o) != 0.0))
        .collect();
    // Positions in the bootstrap's estimate vectors: paths, then the drivers' total
    // effects on the outcome.
    let pick: Vec<usize> = (0..p)
        .chain(drivers.iter().map(|&k| p + k * c + o))
        .collect();
    let (intervals, pairs) = match (&a.intervals, &b.intervals) {
        (Some(ia), Some(ib)) => {
            let pairs = ia
                .samples
                .iter()
                .zip(&ib.samples)
                .filter(|(x, y)| x.is_some() && y.is_some())
                .count();
            let iv = change_intervals(&as_intervals(ia, &pick), &as_intervals(ib, &pick), 0.95);
            (Some(iv), Some(pairs))
        }
        _ => (None, None),
    };
    let ci = |j: usize| intervals.as_ref().and_then(|iv| iv.get(j).copied());
    PlsChange {
        from: from.to_string(),
        to: to.to_string(),
        paths: (0..p)
            .map(|i| (i, b.fit.paths[i].coef - a.fit.paths[i].coef, ci(i)))
            .collect(),
        drivers: drivers
            .iter()
            .enumerate()
            .map(|(j, &k)| (k, b.fit.total.get(k, o) - a.fit.total.get(k, o), ci(p + j)))
            .collect(),
        pairs,
    }
}

/// The estimates at positions `pick` of a PLS bootstrap, in the shape of the driver
/// methods' [`Intervals`] (as importances; no R²), so their change intervals apply.
fn as_intervals(iv: &PlsIntervals, pick: &[usize]) -> Intervals {
    let select = |v: &[f64]| {
        pick.iter()
            .map(|&j| v.get(j).copied().unwrap_or(f64::NAN))
            .collect()
    };
    Intervals {
        replicates: iv.replicates,
        failed: iv.failed,
        kind: iv.kind,
        drivers: Vec::new(),
        r2: (f64::NAN, f64::NAN),
        estimate: (f64::NAN, select(&iv.estimate)),
        samples: iv
            .samples
            .iter()
            .map(|s| s.as_ref().map(|v| (f64::NAN, select(v))))
            .collect(),
        jackknife: iv.jackknife.iter().map(|v| (f64::NAN, select(v))).collect(),
    }
}
