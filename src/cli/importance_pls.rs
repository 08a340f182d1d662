//! `sattrace importance --method pls`: the whole PLS path model on items, with
//! reliability, HTMT and IPMA for the outcome; for the whole survey and, with
//! `--by`, per segment value or wave.
//!
//! Point estimates come from the weighted item means and covariances of each cell
//! (the moments table's `ic` block), merged per group: the same code whether the
//! cells were read from the survey or from `--moments FILE`, so both give the same
//! numbers. Only the bootstrap reads item rows.

use anyhow::bail;

use super::importance::ImportanceArgs;
use super::importance_pls_report::{json_report, table};
use super::output::write_output;
use super::progress;
use super::project::Project;
use super::Exit;
use sattrace::data::{IngestOptions, ItemMoments, ItemRows, ItemShape, Survey};
use sattrace::importance::pls::{
    bootstrap_weighted, estimate_on_moments, htmt_on_moments, ipma_on_moments,
    reliability_on_moments, Htmt, IpmaPoint, IpmaTarget, ItemCovariance, Matrix, PathModel, PlsFit,
    PlsIntervals, PlsOptions, Reliability,
};
use sattrace::importance::{group_seed, BootstrapExtras, BootstrapOptions};

/// One group's estimates: everything the report shows.
pub(super) struct Estimate {
    pub fit: PlsFit,
    pub reliability: Vec<Reliability>,
    pub htmt: Vec<Htmt>,
    pub ipma: Vec<IpmaPoint>,
    pub outcome_performance: f64,
    pub intervals: Option<PlsIntervals>,
    /// Fewer complete rows than `--min-n-per-driver` × the most predecessors.
    pub unreliable: bool,
    pub warnings: Vec<String>,
}

/// The whole survey (`"all"`) or one `--by` group.
pub(super) struct Group {
    pub name: String,
    /// Rows of the group, complete or not.
    pub rows: u64,
    pub result: Result<Estimate, String>,
}

/// What every group shares.
pub(super) struct Shared<'a> {
    pub args: &'a ImportanceArgs,
    pub pm: PathModel,
    pub outcome: usize,
    pub options: PlsOptions,
    /// `(min, max)` of each item column's scale.
    pub scales: Vec<(f64, f64)>,
    /// Each item column's shape in the item moments (its shift: the scale's midpoint).
    pub shapes: Vec<ItemShape>,
    pub centers: Vec<f64>,
    /// Complete rows under which an estimate is flagged unreliable.
    pub min_n: u64,
}

pub fn run(args: &ImportanceArgs) -> anyhow::Result<Exit> {
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
    let survey = read_survey(&project, args)?;
    let shell = item_columns(model);
    let pm = PathModel::from_model(model, &shell, &args.formative).map_err(anyhow::Error::msg)?;
    let Some(outcome) = pm.constructs.iter().position(|c| c.id == outcome_id) else {
        bail!("`{outcome_id}` is not a construct of the path model (it takes part in no path)");
    };
    let scales: Vec<(f64, f64)> = shell
        .node_of
        .iter()
        .map(|&i| {
            model
                .nodes
                .get(i)
                .map_or((0.0, 100.0), |n| (n.scale.min, n.scale.max))
        })
        .collect();
    let shapes = ItemShape::of_model(model);
    let centers = shapes.iter().map(|s| s.center).collect();
    let most = pm.predecessors().iter().map(Vec::len).max().unwrap_or(1) as u64;
    let ctx = Shared {
        args,
        options: PlsOptions {
            scheme: args.scheme,
            ..PlsOptions::default()
        },
        scales,
        shapes,
        centers,
        min_n: args.min_n_per_driver * most,
        pm,
        outcome,
    };
    let all: Vec<usize> = (0..survey.cells.len()).collect();
    let whole = estimate_group(&ctx, &survey, "all", &all);
    if let Err(e) = &whole.result {
        bail!("{e}");
    }
    let groups: Vec<Group> = match &args.by {
        None => Vec::new(),
        Some(by) => super::importance::grouping(&survey, by)?
            .into_iter()
            .map(|(name, cells)| estimate_group(&ctx, &survey, &name, &cells))
            .collect(),
    };
    let by_wave = super::importance::by_wave(&survey, args.by.as_deref());
    let bytes = match args.format {
        super::importance::ImportanceFormat::Json => {
            let report = json_report(&ctx, &whole, &groups, by_wave);
            let mut text = serde_json::to_string_pretty(&report)?;
            text.push('\n');
            text.into_bytes()
        }
        super::importance::ImportanceFormat::Table => {
            table(&ctx, &whole, &groups, by_wave).into_bytes()
        }
    };
    write_output(args.output.as_deref(), &bytes, &project.inputs)?;
    Ok(Exit::Ok)
}

/// The survey's cells with item moments; with `--bootstrap`, also its item rows and
/// (for each row's cell) its respondent rows. From `--moments FILE` when given.
fn read_survey(project: &Project, args: &ImportanceArgs) -> anyhow::Result<Survey> {
    let rows = args.bootstrap > 0;
    if args.project.moments.is_some() {
        if rows {
            return Err(super::moments::needs_rows("--bootstrap"));
        }
        return project.ingest(&args.project, false, false);
    }
    let options = IngestOptions {
        encoding: args.project.encoding,
        on_invalid: args.project.on_invalid,
        keep_respondents: rows,
        keep_items: rows,
        item_moments: true,
    };
    super::project::ingest_file(project, &options, false)
}

/// The model's item columns (every item of every node, nodes in model order) without
/// rows: the column layout of both the item moments and the item rows.
fn item_columns(model: &sattrace::model::Model) -> ItemRows {
    let mut shell = ItemRows::default();
    for (i, node) in model.nodes.iter().enumerate() {
        for item in &node.items {
            shell.names.push(item.clone());
            shell.node_of.push(i);
        }
    }
    shell
}

/// Estimate the path model on the cells `cells` (and, with `--bootstrap`, their
/// rows). Errors are kept per group, prefixed with the group's name.
fn estimate_group(ctx: &Shared<'_>, survey: &Survey, name: &str, cells: &[usize]) -> Group {
    let mut items = ItemMoments::new(&ctx.shapes);
    let mut rows = 0;
    for cell in cells.iter().filter_map(|&i| survey.cells.get(i)) {
        rows += cell.moments.rows;
        if let Some(m) = &cell.moments.items {
            items.merge(m);
        }
    }
    let result = (|| {
        let cov = ItemCovariance::from_moments(&items.complete, &ctx.centers);
        let mut est = fit(ctx, &cov).map_err(|e| named(name, &e))?;
        if ctx.args.bootstrap > 0 {
            let (data, weights) = group_rows(survey, cells).map_err(|e| named(name, &e))?;
            let seed = if name == "all" {
                ctx.args.seed
            } else {
                group_seed(ctx.args.seed, name)
            };
            let iv = bootstrap(ctx, name, &data, &weights, seed)?;
            if iv.failed > 0 {
                est.warnings.push(format!(
                    "{} bootstrap replicates failed and are left out",
                    iv.failed
                ));
            }
            est.intervals = Some(iv);
        }
        Ok(est)
    })();
    Group {
        name: name.to_string(),
        rows,
        result,
    }
}

/// The point estimates and their warnings from item moments.
fn fit(ctx: &Shared<'_>, cov: &ItemCovariance) -> Result<Estimate, String> {
    let pm = &ctx.pm;
    let fit = estimate_on_moments(pm, cov, &ctx.options).map_err(|e| e.to_string())?;
    let (ipma, outcome_performance) =
        ipma_on_moments(pm, cov, &ctx.scales, &fit, ctx.outcome).map_err(|e| e.to_string())?;
    let mut warnings = Vec::new();
    if !fit.converged {
        warnings.push(format!(
            "the PLS iteration did not converge in {} iterations",
            ctx.options.max_iter
        ));
    }
    let unreliable = (fit.n as u64) < ctx.min_n;
    if unreliable {
        let most = pm.predecessors().iter().map(Vec::len).max().unwrap_or(1);
        warnings.push(format!(
            "{} complete rows for up to {most} predecessors (under {}): unreliable",
            fit.n, ctx.min_n
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
    Ok(Estimate {
        reliability: reliability_on_moments(pm, cov, &fit),
        htmt: htmt_on_moments(pm, cov),
        ipma,
        outcome_performance,
        intervals: None,
        unreliable,
        warnings,
        fit,
    })
}

/// The complete item rows of `cells` and their survey weights. Item rows and
/// respondent rows are pushed together by the ingest, so row `i` of one is row `i`
/// of the other, and the respondent row knows its cell.
fn group_rows(survey: &Survey, cells: &[usize]) -> Result<(Matrix, Vec<f64>), String> {
    let items = survey.items.as_ref().ok_or("item rows were not kept")?;
    let respondents = survey
        .respondents
        .as_ref()
        .ok_or("respondent rows were not kept")?;
    if respondents.len() != items.len() {
        return Err("item rows and respondent rows disagree".to_string());
    }
    let mut in_group = vec![false; survey.cells.len()];
    for &c in cells {
        if let Some(slot) = in_group.get_mut(c) {
            *slot = true;
        }
    }
    let width = items.width();
    let mut data = Matrix {
        rows: 0,
        cols: width,
        data: Vec::new(),
    };
    let mut weights = Vec::new();
    for (i, &cell) in respondents.cells.iter().enumerate() {
        if !in_group.get(cell as usize).copied().unwrap_or(false) {
            continue;
        }
        let row = items.row(i);
        if row.len() == width && row.iter().all(|v| !v.is_nan()) {
            data.data.extend(row.iter().map(|&v| f64::from(v)));
            data.rows += 1;
            weights.push(items.weights.get(i).map_or(1.0, |&w| f64::from(w)));
        }
    }
    Ok((data, weights))
}

/// Bootstrap intervals of one group, seeded with `seed`.
fn bootstrap(
    ctx: &Shared<'_>,
    name: &str,
    data: &Matrix,
    weights: &[f64],
    seed: u64,
) -> Result<PlsIntervals, String> {
    let args = ctx.args;
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let boot = BootstrapOptions {
        replicates: args.bootstrap,
        seed,
        threads,
        level_percent: 95,
    };
    let label = if name == "all" {
        "bootstrap".to_string()
    } else {
        format!("bootstrap {name}")
    };
    let bar = progress::replicates(args.bootstrap as u64, &label);
    let tick = |k: u64| bar.inc(k);
    let extras = BootstrapExtras {
        kind: args.ci,
        progress: Some(&tick),
    };
    let ipma = IpmaTarget {
        scales: &ctx.scales,
        target: ctx.outcome,
    };
    let iv = bootstrap_weighted(
        &ctx.pm,
        data,
        Some(weights),
        Some(ipma),
        &ctx.options,
        &boot,
        &extras,
    );
    bar.finish_and_clear();
    iv.map_err(|e| named(name, &e))
}

/// An error of group `name` (the whole survey's errors need no prefix).
fn named(name: &str, e: &dyn std::fmt::Display) -> String {
    if name == "all" {
        e.to_string()
    } else {
        format!("{name}: {e}")
    }
}
