//! The whole PLS path model on items, with reliability, HTMT and IPMA for the
//! outcome; for the whole survey and per segment value or wave.
//!
//! Point estimates come from the weighted item means and covariances of each cell
//! (the moments table's `ic` block), merged per group: the same code whether the
//! cells were read from the survey or from a moments table, so both give the same
//! numbers. Only the bootstrap reads item rows.

use super::{all_cells, by_wave, grouping, Options, PlsGroupError, PlsRowsError, RunError, ALL};
use crate::data::{ItemMoments, ItemShape, Survey};
use crate::importance::pls::{
    bootstrap_weighted, estimate_on_moments, htmt_on_moments, ipma_on_moments, item_layout,
    reliability_on_moments, Htmt, IpmaPoint, IpmaTarget, ItemCovariance, Matrix, PathModel, PlsFit,
    PlsIntervals, PlsOptions, Reliability,
};
use crate::importance::{BootstrapExtras, BootstrapOptions};
use crate::model::Model;

/// The result of a PLS importance run; its JSON is [`super::pls_json`].
#[derive(Debug)]
pub struct PlsImportance {
    pub pm: PathModel,
    /// The outcome construct.
    pub outcome: usize,
    pub options: PlsOptions,
    /// The run's seed (each group's own seed derives from it).
    pub seed: u64,
    pub by: Option<String>,
    /// Whether `by` is the wave (then `changes` between consecutive waves are shown).
    pub by_wave: bool,
    pub whole: PlsGroup,
    pub groups: Vec<PlsGroup>,
}

/// The whole survey ([`ALL`]) or one `by` group.
#[derive(Debug)]
pub struct PlsGroup {
    pub name: String,
    /// Rows of the group, complete or not.
    pub rows: u64,
    pub result: Result<PlsEstimate, PlsGroupError>,
}

/// One group's estimates: everything the report shows.
#[derive(Debug)]
pub struct PlsEstimate {
    pub fit: PlsFit,
    pub reliability: Vec<Reliability>,
    pub htmt: Vec<Htmt>,
    pub ipma: Vec<IpmaPoint>,
    pub outcome_performance: f64,
    pub intervals: Option<PlsIntervals>,
    /// Fewer complete rows than the minimum per predecessor × the most predecessors.
    pub unreliable: bool,
    pub warnings: Vec<PlsWarning>,
}

/// A warning about one group's fit, in English (JSON, `Display`) and Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlsWarning {
    pub en: String,
    pub zh: String,
}

impl PlsWarning {
    fn new(en: String, zh: String) -> Self {
        Self { en, zh }
    }

    /// The warning in `lang`.
    pub fn text(&self, lang: crate::model::Lang) -> &str {
        match lang {
            crate::model::Lang::Zh => &self.zh,
            crate::model::Lang::En => &self.en,
        }
    }
}

impl std::fmt::Display for PlsWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// What every group shares.
struct Shared<'a> {
    options: &'a Options<'a>,
    pm: PathModel,
    outcome: usize,
    pls: PlsOptions,
    /// `(min, max)` of each item column's scale.
    scales: Vec<(f64, f64)>,
    /// Each item column's shape in the item moments (its shift: the scale's midpoint).
    shapes: Vec<ItemShape>,
    centers: Vec<f64>,
    /// Complete rows under which an estimate is flagged unreliable.
    min_n: u64,
}

/// Checks that need only the model: `formative` constructs exist.
pub fn check(model: &Model, formative: &[String]) -> Result<(), RunError> {
    for id in formative {
        if model.node_index(id).is_none() {
            return Err(RunError::UnknownFormative { id: id.clone() });
        }
    }
    Ok(())
}

/// The PLS path model of `model` (constructs in `formative` in mode B) for
/// `outcome` (default: the primary outcome) over `survey`'s item moments and, with
/// `by`, per group.
pub fn run(
    model: &Model,
    survey: &Survey,
    outcome: Option<&str>,
    formative: &[String],
    by: Option<&str>,
    options: &Options<'_>,
) -> Result<PlsImportance, RunError> {
    options.check()?;
    check(model, formative)?;
    let outcome_id = outcome.unwrap_or(&model.primary_outcome);
    let shell = item_layout(model);
    let pm = PathModel::from_model(model, &shell, formative).map_err(RunError::PathModel)?;
    let Some(outcome) = pm.constructs.iter().position(|c| c.id == outcome_id) else {
        return Err(RunError::NotAConstruct {
            outcome: outcome_id.to_string(),
        });
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
        options,
        pls: PlsOptions {
            scheme: options.scheme,
            consistent: options.consistent,
            ..PlsOptions::default()
        },
        scales,
        shapes,
        centers,
        min_n: options.min_n_per_driver * most,
        pm,
        outcome,
    };
    let whole = estimate_group(&ctx, survey, ALL, &all_cells(survey));
    let whole = match whole.result {
        Err(e) => return Err(RunError::WholePls(e)),
        Ok(_) => whole,
    };
    let groups: Vec<PlsGroup> = match by {
        None => Vec::new(),
        Some(by) => grouping(survey, by)?
            .into_iter()
            .map(|(name, cells)| estimate_group(&ctx, survey, &name, &cells))
            .collect(),
    };
    Ok(PlsImportance {
        by_wave: by_wave(survey, by),
        by: by.map(str::to_string),
        seed: options.seed,
        options: ctx.pls,
        pm: ctx.pm,
        outcome: ctx.outcome,
        whole,
        groups,
    })
}

/// Estimate the path model on the cells `cells` (and, with a bootstrap, their
/// rows). Errors are kept per group, prefixed with the group's name.
fn estimate_group(ctx: &Shared<'_>, survey: &Survey, name: &str, cells: &[usize]) -> PlsGroup {
    let mut items = ItemMoments::new(&ctx.shapes);
    let mut rows = 0;
    for cell in cells.iter().filter_map(|&i| survey.cells.get(i)) {
        rows += cell.moments.rows;
        if let Some(m) = &cell.moments.items {
            items.merge(m);
        }
    }
    let named = |error: PlsRowsError| PlsGroupError {
        group: name.to_string(),
        error,
    };
    let result = (|| {
        let cov = ItemCovariance::from_moments(&items.complete, &ctx.centers);
        let mut est = fit(ctx, &cov).map_err(named)?;
        if ctx.options.bootstrap > 0 {
            let (data, weights) = group_rows(survey, cells).map_err(named)?;
            let iv = bootstrap(ctx, name, &data, &weights).map_err(|e| named(e.into()))?;
            if iv.failed > 0 {
                est.warnings.push(PlsWarning::new(
                    format!("{} bootstrap replicates failed and are left out", iv.failed),
                    format!("{} 次自助重抽样失败，已剔除", iv.failed),
                ));
            }
            est.intervals = Some(iv);
        }
        Ok(est)
    })();
    PlsGroup {
        name: name.to_string(),
        rows,
        result,
    }
}

/// The point estimates and their warnings from item moments.
fn fit(ctx: &Shared<'_>, cov: &ItemCovariance) -> Result<PlsEstimate, PlsRowsError> {
    let pm = &ctx.pm;
    let fit = estimate_on_moments(pm, cov, &ctx.pls)?;
    let (ipma, outcome_performance) = ipma_on_moments(pm, cov, &ctx.scales, &fit, ctx.outcome)?;
    let mut warnings = Vec::new();
    if !fit.converged {
        warnings.push(PlsWarning::new(
            format!(
                "the PLS iteration did not converge in {} iterations",
                ctx.pls.max_iter
            ),
            format!("PLS 迭代在 {} 次内未收敛", ctx.pls.max_iter),
        ));
    }
    let unreliable = (fit.n as u64) < ctx.min_n;
    if unreliable {
        let most = pm.predecessors().iter().map(Vec::len).max().unwrap_or(1);
        warnings.push(PlsWarning::new(
            format!(
                "{} complete rows for up to {most} predecessors (under {}): unreliable",
                fit.n, ctx.min_n
            ),
            format!(
                "完整行仅 {} 行，而前因构念最多 {most} 个（少于 {}）：结果不可靠",
                fit.n, ctx.min_n
            ),
        ));
    }
    for p in &fit.paths {
        if p.coef < 0.0 {
            let (from, to) = (&pm.constructs[p.from].id, &pm.constructs[p.to].id);
            warnings.push(PlsWarning::new(
                format!("path `{from}` → `{to}` is negative ({:.3})", p.coef),
                format!("路径 `{from}` → `{to}` 为负（{:.3}）", p.coef),
            ));
        }
    }
    if ctx.pls.consistent {
        // PLSc divides by sqrt(ρA ρA): a low ρA can push a corrected correlation past
        // 1, and then paths beyond ±1 or an R² outside [0, 1] follow (seminr reports
        // them as they are; so does sattrace, with this warning).
        for p in fit.paths.iter().filter(|p| p.coef.abs() > 1.0) {
            let (from, to) = (&pm.constructs[p.from].id, &pm.constructs[p.to].id);
            warnings.push(PlsWarning::new(
                format!(
                    "consistent PLS: path `{from}` → `{to}` is {:.3}, beyond ±1: an inadmissible solution (check the constructs' rho_A)",
                    p.coef
                ),
                format!(
                    "一致性 PLS：路径 `{from}` → `{to}` 为 {:.3}，超出 ±1：不可接受的解（请检查各构念的 rho_A）",
                    p.coef
                ),
            ));
        }
        for (j, r2) in fit.r2.iter().enumerate() {
            if let Some((r2, _)) = r2.filter(|(r2, _)| !(0.0..=1.0).contains(r2)) {
                let id = &pm.constructs[j].id;
                warnings.push(PlsWarning::new(
                    format!(
                        "consistent PLS: R² of `{id}` is {r2:.3}, outside [0, 1]: an inadmissible solution (check the constructs' rho_A)"
                    ),
                    format!(
                        "一致性 PLS：`{id}` 的 R² 为 {r2:.3}，超出 [0, 1]：不可接受的解（请检查各构念的 rho_A）"
                    ),
                ));
            }
        }
    }
    for o in &fit.outer {
        if o.weight < 0.0 {
            let item = &pm.item_names[o.item];
            warnings.push(PlsWarning::new(
                format!(
                    "item `{item}` has a negative outer weight ({:.3}); IPMA assumes positive weights",
                    o.weight
                ),
                format!(
                    "题项 `{item}` 的外部权重为负（{:.3}）；IPMA 假定权重为正",
                    o.weight
                ),
            ));
        }
    }
    Ok(PlsEstimate {
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
fn group_rows(survey: &Survey, cells: &[usize]) -> Result<(Matrix, Vec<f64>), PlsRowsError> {
    let items = survey.items.as_ref().ok_or(PlsRowsError::NoItemRows)?;
    let respondents = survey
        .respondents
        .as_ref()
        .ok_or(PlsRowsError::NoRespondentRows)?;
    if respondents.len() != items.len() {
        return Err(PlsRowsError::RowsDisagree);
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

/// Bootstrap intervals of one group, seeded with the group's seed.
fn bootstrap(
    ctx: &Shared<'_>,
    name: &str,
    data: &Matrix,
    weights: &[f64],
) -> Result<PlsIntervals, crate::importance::pls::PlsError> {
    let options = ctx.options;
    let boot = BootstrapOptions {
        replicates: options.bootstrap,
        seed: options.seed_of(name),
        threads: options.threads,
        level_percent: 95,
    };
    let label = if name == ALL {
        "bootstrap".to_string()
    } else {
        format!("bootstrap {name}")
    };
    let ipma = IpmaTarget {
        scales: &ctx.scales,
        target: ctx.outcome,
    };
    options.with_progress(&label, |progress| {
        let extras = BootstrapExtras {
            kind: options.ci,
            progress,
        };
        bootstrap_weighted(
            &ctx.pm,
            data,
            Some(weights),
            Some(ipma),
            &ctx.pls,
            &boot,
            &extras,
        )
    })
}
