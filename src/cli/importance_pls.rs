//! `sattrace importance --method pls`: the whole PLS path model on items, with
//! reliability, HTMT and IPMA for the outcome.

use std::fmt::Write as _;

use anyhow::{bail, Context};
use serde_json::{json, Value};

use super::importance::{ImportanceArgs, ImportanceFormat};
use super::output::write_output;
use super::progress;
use super::Exit;
use sattrace::importance::pls::{
    bootstrap_with, complete_rows, estimate, htmt, ipma, reliability, Htmt, IpmaPoint, PathModel,
    PlsFit, PlsIntervals, PlsOptions, Reliability,
};
use sattrace::importance::{BootstrapExtras, BootstrapOptions};

/// Everything the report shows.
struct Estimate {
    pm: PathModel,
    fit: PlsFit,
    outcome: usize,
    rows: usize,
    reliability: Vec<Reliability>,
    htmt: Vec<Htmt>,
    ipma: Vec<IpmaPoint>,
    outcome_performance: f64,
    intervals: Option<PlsIntervals>,
    warnings: Vec<String>,
}

pub fn run(args: &ImportanceArgs) -> anyhow::Result<Exit> {
    if args.by.is_some() {
        bail!("--by is not available for --method pls yet");
    }
    if !args.drivers.is_empty() {
        bail!("--drivers does not apply to --method pls\n  help: the path model is the model's `inputs`; edit model.yaml to change it");
    }
    let project = args.project.load()?;
    let model = &project.model;
    for id in &args.formative {
        if model.node_index(id).is_none() {
            bail!("--formative: unknown construct `{id}`");
        }
    }
    let outcome_id = args.outcome.as_deref().unwrap_or(&model.primary_outcome);
    let survey = project.ingest(&args.project, false, true)?;
    let items = survey.items.context("item rows were not kept")?;
    let pm = PathModel::from_model(model, &items, &args.formative).map_err(anyhow::Error::msg)?;
    let Some(outcome) = pm.constructs.iter().position(|c| c.id == outcome_id) else {
        bail!("`{outcome_id}` is not a construct of the path model (it takes part in no path)");
    };
    let data = complete_rows(&items);
    let pls_options = PlsOptions {
        scheme: args.scheme,
        ..PlsOptions::default()
    };
    let fit = estimate(&pm, &data, &pls_options).map_err(anyhow::Error::msg)?;
    let scales: Vec<(f64, f64)> = items
        .node_of
        .iter()
        .map(|&i| {
            model
                .nodes
                .get(i)
                .map_or((0.0, 100.0), |n| (n.scale.min, n.scale.max))
        })
        .collect();
    let (points, outcome_performance) =
        ipma(&pm, &data, &scales, &fit, outcome).map_err(anyhow::Error::msg)?;
    let mut warnings = Vec::new();
    if !fit.converged {
        warnings.push(format!(
            "the PLS iteration did not converge in {} iterations",
            pls_options.max_iter
        ));
    }
    if model.weight.is_some() {
        warnings.push("survey weights are not used by --method pls yet".to_string());
    }
    let most = pm.predecessors().iter().map(Vec::len).max().unwrap_or(1) as u64;
    let min_n = args.min_n_per_driver * most;
    if (data.rows as u64) < min_n {
        warnings.push(format!(
            "{} complete rows for up to {most} predecessors (under {min_n}): unreliable",
            data.rows
        ));
    }
    for p in &fit.paths {
        if p.coef < 0.0 {
            warnings.push(format!(
                "path `{}` → `{}` is negative ({:.3})",
                pm.constructs[p.from].id, pm.constructs[p.to].id, p.coef
            ));
        }
    }
    for o in &fit.outer {
        if o.weight < 0.0 {
            warnings.push(format!(
                "item `{}` has a negative outer weight ({:.3}); IPMA assumes positive weights",
                pm.item_names[o.item], o.weight
            ));
        }
    }
    let intervals = if args.bootstrap > 0 {
        let threads = args.threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        let boot = BootstrapOptions {
            replicates: args.bootstrap,
            seed: args.seed,
            threads,
            level_percent: 95,
        };
        let bar = progress::replicates(args.bootstrap as u64, "bootstrap");
        let tick = |k: u64| bar.inc(k);
        let extras = BootstrapExtras {
            kind: args.ci,
            progress: Some(&tick),
        };
        let iv = bootstrap_with(&pm, &data, &pls_options, &boot, &extras);
        bar.finish_and_clear();
        let iv = iv.map_err(anyhow::Error::msg)?;
        if iv.failed > 0 {
            warnings.push(format!(
                "{} bootstrap replicates failed and are left out",
                iv.failed
            ));
        }
        Some(iv)
    } else {
        None
    };
    let est = Estimate {
        intervals,
        reliability: reliability(&pm, &data, &fit),
        htmt: htmt(&pm, &data),
        ipma: points,
        outcome_performance,
        rows: items.len(),
        pm,
        fit,
        outcome,
        warnings,
    };
    let bytes = match args.format {
        ImportanceFormat::Json => {
            let mut text = serde_json::to_string_pretty(&json_report(&est, args))?;
            text.push('\n');
            text.into_bytes()
        }
        ImportanceFormat::Table => table(&est).into_bytes(),
    };
    write_output(args.output.as_deref(), &bytes, &project.inputs)?;
    Ok(Exit::Ok)
}

fn json_report(e: &Estimate, args: &ImportanceArgs) -> Value {
    let id = |k: usize| e.pm.constructs[k].id.as_str();
    let o = e.outcome;
    let c = e.pm.constructs.len();
    let drivers: Vec<Value> = (0..e.pm.constructs.len())
        .filter(|&k| k != o && e.fit.total.get(k, o) != 0.0)
        .map(|k| {
            json!({
                "id": id(k),
                "importance": e.fit.total.get(k, o),
                "direct": e.fit.coefficients.get(k, o),
                "share": Value::Null,
                "ci_low": ci(e, |iv| iv.total.get(k * c + o)).0,
                "ci_high": ci(e, |iv| iv.total.get(k * c + o)).1,
            })
        })
        .collect();
    json!({
        "schema": "sattrace.importance/1",
        "outcome": id(o),
        "method": "pls",
        "scheme": args.scheme,
        "n": e.fit.n,
        "rows_dropped": e.rows - e.fit.n,
        "iterations": e.fit.iterations,
        "converged": e.fit.converged,
        "r2": e.fit.r2[o].map(|r| r.0),
        "drivers": drivers,
        "constructs": e.pm.constructs.iter().enumerate().map(|(k, c)| json!({
            "id": c.id,
            "mode": c.mode,
            "r2": e.fit.r2[k].map(|r| r.0),
            "adj_r2": e.fit.r2[k].map(|r| r.1),
        })).collect::<Vec<_>>(),
        "paths": e.fit.paths.iter().enumerate().map(|(i, p)| {
            let (lo, hi) = ci(e, |iv| iv.paths.get(i));
            json!({"from": id(p.from), "to": id(p.to), "coef": p.coef, "ci_low": lo, "ci_high": hi})
        }).collect::<Vec<_>>(),
        "outer": e.fit.outer.iter().enumerate().map(|(i, x)| json!({
            "construct": id(x.construct),
            "item": e.pm.item_names[x.item],
            "weight": x.weight,
            "loading": x.loading,
            "weight_ci": ci_pair(e, |iv| iv.weights.get(i)),
            "loading_ci": ci_pair(e, |iv| iv.loadings.get(i)),
        })).collect::<Vec<_>>(),
        "total_effects": total_effects(e),
        "ipma": e.ipma.iter().map(|p| json!({
            "id": id(p.construct), "importance": p.importance, "performance": p.performance,
        })).collect::<Vec<_>>(),
        "ipma_outcome_performance": e.outcome_performance,
        "reliability": e.reliability.iter().map(|r| json!({
            "construct": id(r.construct), "alpha": r.alpha, "rho_c": r.rho_c, "ave": r.ave,
        })).collect::<Vec<_>>(),
        "htmt": e.htmt.iter().map(|h| json!({
            "a": id(h.a), "b": id(h.b), "value": h.value,
        })).collect::<Vec<_>>(),
        "warnings": e.warnings,
        "bootstrap": e.intervals.as_ref().map(|iv| json!({
            "replicates": iv.replicates, "failed": iv.failed, "seed": args.seed,
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

fn ci_pair(e: &Estimate, pick: impl Fn(&PlsIntervals) -> Option<&(f64, f64)>) -> Value {
    match ci(e, pick) {
        (Value::Null, _) => Value::Null,
        (lo, hi) => json!([lo, hi]),
    }
}

fn total_effects(e: &Estimate) -> Vec<Value> {
    let c = e.pm.constructs.len();
    let mut out = Vec::new();
    for from in 0..c {
        for to in 0..c {
            let v = e.fit.total.get(from, to);
            if v != 0.0 {
                let (lo, hi) = ci(e, |iv| iv.total.get(from * c + to));
                out.push(json!({
                    "from": e.pm.constructs[from].id,
                    "to": e.pm.constructs[to].id,
                    "effect": v,
                    "ci_low": lo,
                    "ci_high": hi,
                }));
            }
        }
    }
    out
}

fn table(e: &Estimate) -> String {
    let id = |k: usize| e.pm.constructs[k].id.as_str();
    let w =
        e.pm.constructs
            .iter()
            .map(|c| c.id.chars().count())
            .chain(e.pm.item_names.iter().map(|n| n.chars().count()))
            .max()
            .unwrap_or(6)
            .max(9);
    let o = e.outcome;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "pls on {} : n = {}, R² = {:.4}, {} iterations{}",
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
            e.pm.item_names[x.item],
            x.weight,
            x.loading
        );
    }
    let _ = writeln!(
        out,
        "\nIPMA for {} (performance {:.2})\n{:<w$}  {:>10}  {:>11}",
        id(o),
        e.outcome_performance,
        "construct",
        "importance",
        "performance"
    );
    for p in &e.ipma {
        let _ = writeln!(
            out,
            "{:<w$}  {:>10.4}  {:>11.2}",
            id(p.construct),
            p.importance,
            p.performance
        );
    }
    for warning in &e.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
    out
}
