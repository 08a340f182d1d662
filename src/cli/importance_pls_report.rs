//! The JSON and table reports of `sattrace importance --method pls`: the whole
//! survey's path model, then (with `--by`) one block per group, then (with
//! `--by wave`) the change of each path between consecutive waves.

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::importance_pls::{Estimate, Group, Shared};
use sattrace::importance::pls::PlsIntervals;
use sattrace::importance::{change_intervals, group_seed, Intervals};

pub(super) fn json_report(
    ctx: &Shared<'_>,
    whole: &Group,
    groups: &[Group],
    by_wave: bool,
) -> Value {
    let args = ctx.args;
    let mut v = json!({
        "schema": "sattrace.importance/1",
        "outcome": ctx.pm.constructs[ctx.outcome].id,
        "method": "pls",
        "scheme": args.scheme,
    });
    if let (Value::Object(map), Value::Object(extra)) = (&mut v, group_json(ctx, whole)) {
        map.extend(extra);
    }
    if let Some(by) = &args.by {
        v["by"] = json!(by);
        v["groups"] = groups
            .iter()
            .map(|g| {
                let mut gv = json!({"group": g.name});
                if let (Value::Object(map), Value::Object(extra)) = (&mut gv, group_json(ctx, g)) {
                    map.extend(extra);
                }
                gv
            })
            .collect();
    }
    if by_wave {
        v["changes"] = changes(ctx, groups)
            .iter()
            .map(|c| {
                let mut v = json!({
                    "from": c.from,
                    "to": c.to,
                    "paths": c.paths.iter().map(|&(i, d, ci)| {
                        let p = &ctx.pm.paths[i];
                        let (lo, hi, zero) = change_ci(ci);
                        json!({
                            "from": ctx.pm.constructs[p.0].id,
                            "to": ctx.pm.constructs[p.1].id,
                            "change": d,
                            "ci_low": lo,
                            "ci_high": hi,
                            "ci_includes_zero": zero,
                        })
                    }).collect::<Vec<_>>(),
                    "drivers": c.drivers.iter().map(|&(k, d, ci)| {
                        let (lo, hi, zero) = change_ci(ci);
                        json!({
                            "id": ctx.pm.constructs[k].id,
                            "change": d,
                            "ci_low": lo,
                            "ci_high": hi,
                            "ci_includes_zero": zero,
                        })
                    }).collect::<Vec<_>>(),
                });
                if let Some(pairs) = c.pairs {
                    v["replicate_pairs"] = json!(pairs);
                }
                v
            })
            .collect();
    }
    v
}

/// One group's sections; `{rows, error}` when it could not be estimated.
fn group_json(ctx: &Shared<'_>, g: &Group) -> Value {
    let e = match &g.result {
        Ok(e) => e,
        Err(error) => return json!({"rows": g.rows, "error": error}),
    };
    let id = |k: usize| ctx.pm.constructs[k].id.as_str();
    let o = ctx.outcome;
    let c = ctx.pm.constructs.len();
    let drivers: Vec<Value> = (0..c)
        .filter(|&k| k != o && e.fit.total.get(k, o) != 0.0)
        .map(|k| {
            let (lo, hi) = ci(e, |iv| iv.total.get(k * c + o));
            let mut d = json!({
                "id": id(k),
                "importance": e.fit.total.get(k, o),
                "direct": e.fit.coefficients.get(k, o),
                "share": Value::Null,
                "ci_low": lo,
                "ci_high": hi,
            });
            if let (Some(lo), Some(hi)) = (lo.as_f64(), hi.as_f64()) {
                d["ci_includes_zero"] = json!(lo <= 0.0 && hi >= 0.0);
            }
            d
        })
        .collect();
    let seed = if g.name == "all" {
        ctx.args.seed
    } else {
        group_seed(ctx.args.seed, &g.name)
    };
    json!({
        "n": e.fit.n,
        "rows_dropped": g.rows.saturating_sub(e.fit.n as u64),
        "unreliable": e.unreliable,
        "iterations": e.fit.iterations,
        "converged": e.fit.converged,
        "r2": e.fit.r2[o].map(|r| r.0),
        "r2_ci": ci_pair(e, |iv| iv.r2.get(o).and_then(Option::as_ref)),
        "drivers": drivers,
        "constructs": ctx.pm.constructs.iter().enumerate().map(|(k, c)| json!({
            "id": c.id,
            "mode": c.mode,
            "r2": e.fit.r2[k].map(|r| r.0),
            "adj_r2": e.fit.r2[k].map(|r| r.1),
            "r2_ci": ci_pair(e, |iv| iv.r2.get(k).and_then(Option::as_ref)),
            "adj_r2_ci": ci_pair(e, |iv| iv.adj_r2.get(k).and_then(Option::as_ref)),
        })).collect::<Vec<_>>(),
        "paths": e.fit.paths.iter().enumerate().map(|(i, p)| {
            let (lo, hi) = ci(e, |iv| iv.paths.get(i));
            json!({"from": id(p.from), "to": id(p.to), "coef": p.coef, "ci_low": lo, "ci_high": hi})
        }).collect::<Vec<_>>(),
        "outer": e.fit.outer.iter().enumerate().map(|(i, x)| json!({
            "construct": id(x.construct),
            "item": ctx.pm.item_names[x.item],
            "weight": x.weight,
            "loading": x.loading,
            "weight_ci": ci_pair(e, |iv| iv.weights.get(i)),
            "loading_ci": ci_pair(e, |iv| iv.loadings.get(i)),
        })).collect::<Vec<_>>(),
        "total_effects": total_effects(ctx, e),
        "ipma": e.ipma.iter().map(|p| {
            let k = p.construct;
            let mut v = json!({
                "id": id(k), "importance": p.importance, "performance": p.performance,
                "importance_ci": ci_pair(e, |iv| iv.ipma_importance.get(k)),
                "performance_ci": ci_pair(e, |iv| iv.ipma_performance.get(k)),
            });
            if let Some(&(lo, hi)) = e.intervals.as_ref().and_then(|iv| iv.ipma_importance.get(k)) {
                v["importance_ci_includes_zero"] = json!(includes_zero(lo, hi));
            }
            v
        }).collect::<Vec<_>>(),
        "ipma_outcome_performance": e.outcome_performance,
        "ipma_outcome_performance_ci": ci_pair(e, |iv| iv.ipma_performance.get(o)),
        "reliability": e.reliability.iter().map(|r| {
            let k = r.construct;
            json!({
                "construct": id(k), "alpha": r.alpha, "rho_c": r.rho_c, "ave": r.ave,
                "alpha_ci": ci_pair(e, |iv| iv.alpha.get(k)),
                "rho_c_ci": ci_pair(e, |iv| iv.rho_c.get(k)),
                "ave_ci": ci_pair(e, |iv| iv.ave.get(k)),
            })
        }).collect::<Vec<_>>(),
        "htmt": e.htmt.iter().enumerate().map(|(i, h)| json!({
            "a": id(h.a), "b": id(h.b), "value": h.value,
            "ci": ci_pair(e, |iv| iv.htmt.get(i)),
        })).collect::<Vec<_>>(),
        "warnings": e.warnings,
        "bootstrap": e.intervals.as_ref().map(|iv| json!({
            "replicates": iv.replicates, "failed": iv.failed, "seed": seed,
            "level": 0.95, "kind": iv.kind.name(),
        })),
    })
}

/// The interval picked by `pick`, as two JSON values (null without a bootstrap).
fn ci(e: &Estimate, pick: impl Fn(&PlsIntervals) -> Option<&(f64, f64)>) -> (Value, Value) {
    match e.intervals.as_ref().and_then(pick) {
        Some(&(lo, hi)) => (json!(lo), json!(hi)),
        None => (Value::Null, Value::Null),
    }
}

/// Whether `[lo, hi]` includes zero (marked `*` in the table).
fn includes_zero(lo: f64, hi: f64) -> bool {
    lo <= 0.0 && hi >= 0.0
}

/// An interval as `low – high` with `*` when it includes zero; empty without one.
fn ci_text(ci: Option<&(f64, f64)>, decimals: usize) -> String {
    ci.map(|&(lo, hi)| {
        let zero = if includes_zero(lo, hi) { " *" } else { "" };
        format!("{lo:.decimals$} – {hi:.decimals$}{zero}")
    })
    .unwrap_or_default()
}

fn ci_pair(e: &Estimate, pick: impl Fn(&PlsIntervals) -> Option<&(f64, f64)>) -> Value {
    match ci(e, pick) {
        (Value::Null, _) => Value::Null,
        (lo, hi) => json!([lo, hi]),
    }
}

fn total_effects(ctx: &Shared<'_>, e: &Estimate) -> Vec<Value> {
    let c = ctx.pm.constructs.len();
    let mut out = Vec::new();
    for from in 0..c {
        for to in 0..c {
            let v = e.fit.total.get(from, to);
            if v != 0.0 {
                let (lo, hi) = ci(e, |iv| iv.total.get(from * c + to));
                out.push(json!({
                    "from": ctx.pm.constructs[from].id,
                    "to": ctx.pm.constructs[to].id,
                    "effect": v,
                    "ci_low": lo,
                    "ci_high": hi,
                }));
            }
        }
    }
    out
}

/// `(index, change, interval of the change)`: a path index or a construct.
type Delta = (usize, f64, Option<(f64, f64)>);

/// The change from one wave to the next (both estimated).
struct Change {
    from: String,
    to: String,
    /// `(path index, coef(to) − coef(from), interval)`.
    paths: Vec<Delta>,
    /// `(construct, total effect on the outcome (to) − (from), interval)` for the
    /// outcome's drivers (those with a total effect in either wave).
    drivers: Vec<Delta>,
    /// Replicate pairs the intervals rest on (both waves' replicate `r` succeeded).
    pairs: Option<usize>,
}

/// Changes between consecutive waves that were both estimated; a wave that failed
/// breaks the chain rather than being skipped over (as for the other methods). With
/// a bootstrap, the interval of each change comes from the differences of the two
/// waves' replicates `r` (`importance::change_intervals`, as for the other methods).
fn changes(ctx: &Shared<'_>, groups: &[Group]) -> Vec<Change> {
    let o = ctx.outcome;
    let (p, c) = (ctx.pm.paths.len(), ctx.pm.constructs.len());
    groups
        .windows(2)
        .filter_map(|pair| {
            let (Ok(a), Ok(b)) = (&pair[0].result, &pair[1].result) else {
                return None;
            };
            let drivers: Vec<usize> = (0..c)
                .filter(|&k| {
                    k != o && (a.fit.total.get(k, o) != 0.0 || b.fit.total.get(k, o) != 0.0)
                })
                .collect();
            // Positions in the bootstrap's estimate vectors: paths, then the drivers'
            // total effects on the outcome.
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
                    let iv =
                        change_intervals(&as_intervals(ia, &pick), &as_intervals(ib, &pick), 0.95);
                    (Some(iv), Some(pairs))
                }
                _ => (None, None),
            };
            let ci = |j: usize| intervals.as_ref().and_then(|iv| iv.get(j).copied());
            let paths = (0..p)
                .map(|i| (i, b.fit.paths[i].coef - a.fit.paths[i].coef, ci(i)))
                .collect();
            let drivers = drivers
                .iter()
                .enumerate()
                .map(|(j, &k)| (k, b.fit.total.get(k, o) - a.fit.total.get(k, o), ci(p + j)))
                .collect();
            Some(Change {
                from: pair[0].name.clone(),
                to: pair[1].name.clone(),
                paths,
                drivers,
                pairs,
            })
        })
        .collect()
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

/// `ci_low`, `ci_high` and `ci_includes_zero` of a change (nulls without one).
fn change_ci(ci: Option<(f64, f64)>) -> (Value, Value, Value) {
    match ci {
        Some((lo, hi)) => (json!(lo), json!(hi), json!(lo <= 0.0 && hi >= 0.0)),
        None => (Value::Null, Value::Null, Value::Null),
    }
}

pub(super) fn table(ctx: &Shared<'_>, whole: &Group, groups: &[Group], by_wave: bool) -> String {
    let mut out = String::new();
    table_group(&mut out, ctx, whole);
    let by = ctx.args.by.as_deref().unwrap_or("");
    for g in groups {
        out.push('\n');
        table_group(&mut out, ctx, g);
        if let Err(e) = &g.result {
            let _ = writeln!(out, "{by} = {}: {e}", g.name);
        }
    }
    if by_wave {
        let w = name_width(ctx);
        for c in changes(ctx, groups) {
            let _ = writeln!(
                out,
                "\nchange of pls path coefficients, wave {} → {}\n{:<w$}  {:<w$}  {:>8}  {:>21}",
                c.from, c.to, "from", "to", "change", "95% CI of change"
            );
            for &(i, d, ci) in &c.paths {
                let (from, to) = ctx.pm.paths[i];
                let ci = ci
                    .map(|(lo, hi)| {
                        let zero = if lo <= 0.0 && hi >= 0.0 { " *" } else { "" };
                        format!("{lo:+.4} – {hi:+.4}{zero}")
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{:<w$}  {:<w$}  {d:>+8.4}  {ci:>21}",
                    ctx.pm.constructs[from].id, ctx.pm.constructs[to].id
                );
            }
            if c.pairs.is_some() {
                let _ = writeln!(out, "* the interval includes zero: no clear change");
            }
        }
    }
    out
}

fn name_width(ctx: &Shared<'_>) -> usize {
    ctx.pm
        .constructs
        .iter()
        .map(|c| c.id.chars().count())
        .chain(ctx.pm.item_names.iter().map(|n| n.chars().count()))
        .max()
        .unwrap_or(6)
        .max(9)
}

fn table_group(out: &mut String, ctx: &Shared<'_>, g: &Group) {
    let Ok(e) = &g.result else {
        return;
    };
    let id = |k: usize| ctx.pm.constructs[k].id.as_str();
    let w = name_width(ctx);
    let o = ctx.outcome;
    let title = match ctx.args.by.as_deref() {
        Some(by) if g.name != "all" => format!(" ({by} = {})", g.name),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "pls on {}{title} : n = {}, R² = {:.4}, {} iterations{}",
        id(o),
        e.fit.n,
        e.fit.r2[o].map_or(f64::NAN, |r| r.0),
        e.fit.iterations,
        if e.fit.converged {
            ""
        } else {
            " (not converged)"
        }
    );
    let _ = writeln!(
        out,
        "\npaths\n{:<w$}  {:<w$}  {:>8}  {:>21}",
        "from",
        "to",
        "coef",
        super::importance::ci_title(
            e.intervals
                .as_ref()
                .map_or(Default::default(), |iv| iv.kind)
        )
    );
    for (i, p) in e.fit.paths.iter().enumerate() {
        let interval = e
            .intervals
            .as_ref()
            .and_then(|iv| iv.paths.get(i))
            .map(|(lo, hi)| {
                let zero = if *lo <= 0.0 && *hi >= 0.0 { " *" } else { "" };
                format!("{lo:.4} – {hi:.4}{zero}")
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<w$}  {:<w$}  {:>8.4}  {interval:>21}",
            id(p.from),
            id(p.to),
            p.coef
        );
    }
    let _ = writeln!(
        out,
        "\nconstructs\n{:<w$}  {:>7}  {:>7}  {:>6}  {:>6}  {:>6}",
        "construct", "R²", "adj R²", "alpha", "rho_c", "AVE"
    );
    for r in &e.reliability {
        let (r2, adj) = e.fit.r2[r.construct].map_or((String::new(), String::new()), |(a, b)| {
            (format!("{a:.4}"), format!("{b:.4}"))
        });
        let _ = writeln!(
            out,
            "{:<w$}  {r2:>7}  {adj:>7}  {:>6.3}  {:>6.3}  {:>6.3}",
            id(r.construct),
            r.alpha,
            r.rho_c,
            r.ave
        );
    }
    if let Some(iv) = &e.intervals {
        let _ = writeln!(
            out,
            "\nconstructs, {}\n{:<w$}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}",
            super::importance::ci_title(iv.kind),
            "construct",
            "R²",
            "adj R²",
            "alpha",
            "rho_c",
            "AVE"
        );
        for r in &e.reliability {
            let k = r.construct;
            let r2 = |v: &[Option<(f64, f64)>]| ci_text(v.get(k).and_then(Option::as_ref), 4);
            let _ = writeln!(
                out,
                "{:<w$}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}",
                id(k),
                r2(&iv.r2),
                r2(&iv.adj_r2),
                ci_text(iv.alpha.get(k), 3),
                ci_text(iv.rho_c.get(k), 3),
                ci_text(iv.ave.get(k), 3),
            );
        }
    }
    let htmt_title = e
        .intervals
        .as_ref()
        .map(|iv| super::importance::ci_title(iv.kind))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\nHTMT\n{:<w$}  {:<w$}  {:>7}  {htmt_title:>21}",
        "a", "b", "value"
    );
    for (i, h) in e.htmt.iter().enumerate() {
        let ci = ci_text(e.intervals.as_ref().and_then(|iv| iv.htmt.get(i)), 3);
        let _ = writeln!(
            out,
            "{:<w$}  {:<w$}  {:>7.3}  {ci:>21}",
            id(h.a),
            id(h.b),
            h.value
        );
    }
    let _ = writeln!(
        out,
        "\nouter\n{:<w$}  {:<w$}  {:>7}  {:>7}",
        "construct", "item", "weight", "loading"
    );
    for x in &e.fit.outer {
        let _ = writeln!(
            out,
            "{:<w$}  {:<w$}  {:>7.4}  {:>7.4}",
            id(x.construct),
            ctx.pm.item_names[x.item],
            x.weight,
            x.loading
        );
    }
    let iv = e.intervals.as_ref();
    let own = iv
        .and_then(|iv| iv.ipma_performance.get(o))
        .map(|&(lo, hi)| format!(", {lo:.2} – {hi:.2}"))
        .unwrap_or_default();
    let _ = write!(
        out,
        "\nIPMA for {} (performance {:.2}{own})\n{:<w$}  {:>10}  {:>11}",
        id(o),
        e.outcome_performance,
        "construct",
        "importance",
        "performance"
    );
    if let Some(iv) = iv {
        let title = super::importance::ci_title(iv.kind);
        let _ = write!(
            out,
            "  {:>24}  {:>15}",
            format!("importance {title}"),
            "performance CI"
        );
    }
    out.push('\n');
    for p in &e.ipma {
        let k = p.construct;
        let _ = write!(
            out,
            "{:<w$}  {:>10.4}  {:>11.2}",
            id(k),
            p.importance,
            p.performance
        );
        if let Some(iv) = iv {
            let _ = write!(
                out,
                "  {:>24}  {:>15}",
                ci_text(iv.ipma_importance.get(k), 4),
                ci_text(iv.ipma_performance.get(k), 2)
            );
        }
        out.push('\n');
    }
    for warning in &e.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
}
