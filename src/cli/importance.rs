//! `sattrace importance`: how much each driver matters for an outcome, per method,
//! optionally per segment or wave and with bootstrap intervals.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use serde_json::{json, Value};

use super::importance_change::{wave_changes, WaveChange};
use super::output::write_output;
use super::progress;
use super::project::ProjectArgs;
use super::Exit;
use sattrace::data::{Moments, Survey};
use sattrace::diag::did_you_mean;
use sattrace::importance::pairwise::pairwise_correlations;
use sattrace::importance::pls::Scheme;
use sattrace::importance::{
    bootstrap_with, estimate, group_seed, BootstrapExtras, BootstrapOptions, Correlations,
    EstimateOptions, Importance, ImportanceError, IntervalKind, Intervals, Method, RowData,
};
use sattrace::model::Model;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportanceFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ImportanceArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The outcome node (default: the model's primary outcome).
    #[arg(long)]
    pub outcome: Option<String>,
    /// Importance method.
    #[arg(long, value_enum, default_value = "lmg")]
    pub method: Method,
    /// Driver nodes, comma-separated (default: the outcome's inputs in the model).
    #[arg(long, value_delimiter = ',')]
    pub drivers: Vec<String>,
    /// Estimate per value of this segment column, or per wave (`wave`).
    #[arg(long)]
    pub by: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ImportanceFormat,
    /// Bootstrap resamples for 95% intervals (0: none).
    #[arg(long, default_value_t = 0)]
    pub bootstrap: usize,
    /// Kind of bootstrap interval: percentile, or BCa (bias-corrected and accelerated).
    #[arg(long, value_enum, default_value = "percentile")]
    pub ci: IntervalKind,
    /// Seed of the bootstrap and of LMG sampling above 25 drivers.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Random orders for LMG above 25 drivers.
    #[arg(long, default_value_t = 20_000)]
    pub permutations: usize,
    /// Complete rows per driver below which an estimate is flagged unreliable.
    #[arg(long, default_value_t = 10)]
    pub min_n_per_driver: u64,
    /// Worker threads of the bootstrap (default: all cores; never changes results).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Missing values: listwise (rows complete on the outcome and every driver), or
    /// pairwise (each correlation over the rows that answered both; not for `pls`).
    #[arg(long, value_enum, default_value = "listwise")]
    pub missing: Missing,
    /// PLS inner weighting scheme (`--method pls`).
    #[arg(long, value_enum, default_value = "path")]
    pub scheme: Scheme,
    /// PLS constructs estimated in mode B (formative), comma-separated (`--method pls`).
    #[arg(long, value_delimiter = ',')]
    pub formative: Vec<String>,
}

/// How rows with missing values enter the correlations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Missing {
    Listwise,
    Pairwise,
}

/// One group's estimate.
pub(super) struct Group {
    pub name: String,
    pub n: u64,
    pub result: Result<(Importance, Option<Intervals>), String>,
}

pub fn run(args: &ImportanceArgs) -> anyhow::Result<Exit> {
    if args.method == Method::Pls {
        if args.missing == Missing::Pairwise {
            bail!("--missing pairwise does not apply to --method pls: the path model is estimated on complete item rows");
        }
        return super::importance_pls::run(args);
    }
    let project = args.project.load()?;
    let model = &project.model;
    let outcome_id = args.outcome.as_deref().unwrap_or(&model.primary_outcome);
    let y = node(model, outcome_id, "outcome")?;
    let driver_ids: Vec<String> = if args.drivers.is_empty() {
        model.nodes[y].inputs.clone()
    } else {
        args.drivers.iter().map(|d| d.trim().to_string()).collect()
    };
    if driver_ids.is_empty() {
        bail!("`{outcome_id}` has no inputs in the model\n  help: name its drivers with --drivers a,b,c");
    }
    let mut x = Vec::with_capacity(driver_ids.len());
    for id in &driver_ids {
        let j = node(model, id, "driver")?;
        if j == y {
            bail!("`{id}` is the outcome and cannot also be a driver");
        }
        if x.contains(&j) {
            bail!("driver `{id}` is named twice in --drivers");
        }
        x.push(j);
    }

    // Rows are needed for the bootstrap and for listwise deletion over the chosen
    // variables only when some rows are incomplete. A moments table has no rows:
    // its complete-case block is listwise over every model node.
    let from_table = args.project.moments.is_some();
    if args.missing == Missing::Pairwise {
        if from_table {
            return Err(super::moments::needs_rows("--missing pairwise"));
        }
        if args.bootstrap > 0 {
            bail!("--missing pairwise has no bootstrap intervals: a resample's pairwise matrix mixes subsamples\n  help: use --missing listwise (the default) with --bootstrap");
        }
    }
    let survey = project.ingest(&args.project, !from_table || args.bootstrap > 0, false)?;
    if from_table
        && survey
            .cells
            .iter()
            .any(|c| c.moments.complete.n < c.moments.rows)
    {
        tracing::warn!(
            "from a moments table, rows missing any model node are left out (listwise over all nodes, not only the chosen drivers)"
        );
    }

    let estimate_options = EstimateOptions {
        permutations: args.permutations,
        seed: args.seed,
        threads: args.threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        }),
    };
    let whole = run_group(
        args,
        &survey,
        "all",
        &all_cells(&survey),
        (y, &x),
        (&driver_ids, outcome_id),
        &estimate_options,
    );
    let whole = match whole.result {
        Ok(r) => (whole.n, r),
        Err(e) => bail!("{e}"),
    };
    let groups: Vec<Group> = match &args.by {
        None => Vec::new(),
        Some(by) => grouping(&survey, by)?
            .into_iter()
            .map(|(name, cells)| {
                run_group(
                    args,
                    &survey,
                    &name,
                    &cells,
                    (y, &x),
                    (&driver_ids, outcome_id),
                    &estimate_options,
                )
            })
            .collect(),
    };
    let changes = if by_wave(&survey, args.by.as_deref()) {
        wave_changes(&groups, 0.95)
    } else {
        Vec::new()
    };

    let report = Report {
        outcome: outcome_id,
        drivers: &driver_ids,
        method: args.method,
        min_n: args.min_n_per_driver * driver_ids.len() as u64,
        by: args.by.as_deref(),
        bootstrap: args.bootstrap,
        seed: args.seed,
        ci: args.ci,
        changes: &changes,
        missing: args.missing,
    };
    let bytes = match args.format {
        ImportanceFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report.json(&whole, &groups))?;
            text.push('\n');
            text.into_bytes()
        }
        ImportanceFormat::Table => report.table(&whole, &groups).into_bytes(),
    };
    write_output(args.output.as_deref(), &bytes, &project.inputs)?;
    Ok(Exit::Ok)
}

fn node(model: &Model, id: &str, what: &str) -> anyhow::Result<usize> {
    model.node_index(id).with_context(|| {
        let hint = did_you_mean(id, model.node_ids());
        let hint = if hint.is_empty() {
            format!(
                "the model's nodes are {}",
                model.node_ids().collect::<Vec<_>>().join(", ")
            )
        } else {
            hint
        };
        format!("unknown {what} `{id}`\n  help: {hint}")
    })
}

fn all_cells(survey: &Survey) -> Vec<usize> {
    (0..survey.cells.len()).collect()
}

/// Whether `--by` names the wave.
pub(super) fn by_wave(survey: &Survey, by: Option<&str>) -> bool {
    by.is_some_and(|by| by == "wave" || survey.wave_column.as_deref() == Some(by))
}

/// Cells per group value: waves in survey order (so consecutive groups are
/// consecutive waves), segment values sorted.
pub(super) fn grouping(survey: &Survey, by: &str) -> anyhow::Result<Vec<(String, Vec<usize>)>> {
    let wave = by_wave(survey, Some(by));
    let segment = survey.segment_columns.iter().position(|c| c == by);
    if wave && survey.wave_column.is_none() {
        bail!("--by wave: the model names no wave column\n  help: add `wave: COLUMN` to the model");
    }
    if !wave && segment.is_none() {
        let mut known: Vec<&str> = survey.segment_columns.iter().map(String::as_str).collect();
        known.push("wave");
        let hint = did_you_mean(by, known.iter().copied());
        bail!(
            "--by `{by}` is not a segment column of the model\n  help: {}",
            if hint.is_empty() {
                format!("use one of {}", known.join(", "))
            } else {
                hint
            }
        );
    }
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, cell) in survey.cells.iter().enumerate() {
        let key = if wave {
            cell.key.wave.clone()
        } else {
            segment.and_then(|s| cell.key.segments.get(s).cloned())
        };
        if let Some(key) = key {
            groups.entry(key).or_default().push(i);
        }
    }
    if !wave {
        return Ok(groups.into_iter().collect());
    }
    Ok(sattrace::analysis::waves(survey)
        .into_iter()
        .flatten()
        .filter_map(|w| groups.remove_entry(&w))
        .collect())
}

fn run_group(
    args: &ImportanceArgs,
    survey: &Survey,
    name: &str,
    cells: &[usize],
    (y, x): (usize, &[usize]),
    (ids, outcome): (&[String], &str),
    options: &EstimateOptions,
) -> Group {
    let mut moments = Moments::new(survey.nodes);
    for &i in cells {
        if let Some(cell) = survey.cells.get(i) {
            moments.merge(&cell.moments);
        }
    }
    // Listwise over the outcome and these drivers only, not over every model node:
    // from the exact moments when every row is complete, else from the rows.
    let mut n = moments.complete.n;
    let named = |e: ImportanceError| format!("{name}: {}", name_error(&e, ids, outcome));
    let result = (|| {
        let c = match survey.respondents.as_ref() {
            Some(r) if args.missing == Missing::Pairwise => {
                pairwise_from_rows(r, cells, y, x).map(|(c, fewest)| {
                    n = fewest;
                    c
                })
            }
            Some(r) if moments.complete.n < moments.rows => correlations_from_rows(r, cells, y, x)
                .map(|(c, used)| {
                    n = used;
                    c
                }),
            _ => Correlations::from_moments(&moments.complete, y, x),
        };
        let c = c.map_err(named)?;
        let est = estimate(args.method, &c, options).map_err(named)?;
        let intervals = if args.bootstrap > 0 {
            let r = survey
                .respondents
                .as_ref()
                .ok_or_else(|| "respondent rows were not kept".to_string())?;
            let rows = group_rows(r, cells);
            let data = row_data(r);
            let threads = args.threads.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
            });
            // The whole sample keeps the run's seed; each group draws its own stream.
            let seed = if name == "all" {
                args.seed
            } else {
                group_seed(args.seed, name)
            };
            let b = BootstrapOptions {
                replicates: args.bootstrap,
                seed,
                threads,
                level_percent: 95,
            };
            let bar = progress::replicates(args.bootstrap as u64, &format!("bootstrap {name}"));
            let tick = |k: u64| bar.inc(k);
            let extras = BootstrapExtras {
                kind: args.ci,
                progress: Some(&tick),
            };
            let iv = bootstrap_with(data, &rows, y, x, args.method, &b, &extras);
            bar.finish_and_clear();
            Some(iv.map_err(named)?)
        } else {
            None
        };
        Ok((est, intervals))
    })();
    Group {
        name: name.to_string(),
        n,
        result,
    }
}

/// The respondent rows that fall in `cells` (a group's cells), in file order.
fn group_rows(r: &sattrace::data::Respondents, cells: &[usize]) -> Vec<usize> {
    (0..r.len())
        .filter(|&i| {
            r.cells
                .get(i)
                .is_some_and(|&c| cells.contains(&(c as usize)))
        })
        .collect()
}

/// The respondent rows as the estimators read them.
fn row_data(r: &sattrace::data::Respondents) -> RowData<'_> {
    RowData {
        values: &r.values,
        weights: &r.weights,
        stride: r.nodes,
    }
}

/// Pairwise-complete correlations of `x` and `y` over the rows of `cells`, and the
/// fewest rows any pair rests on (reported as the group's `n`).
fn pairwise_from_rows(
    r: &sattrace::data::Respondents,
    cells: &[usize],
    y: usize,
    x: &[usize],
) -> Result<(Correlations, u64), ImportanceError> {
    let rows = group_rows(r, cells);
    let data = row_data(r);
    let vars: Vec<usize> = x.iter().copied().chain(std::iter::once(y)).collect();
    let (corr, fewest) = pairwise_correlations(&data, &rows, &vars);
    if fewest < 2 {
        return Err(ImportanceError::TooFewRows {
            n: fewest,
            needed: 2,
        });
    }
    let k = vars.len();
    let idx: Vec<usize> = (0..x.len()).collect();
    Correlations::from_covariance(|a, b| corr[a * k + b], k - 1, &idx).map(|c| (c, fewest))
}

/// Correlations over the rows of `cells` complete on `y` and `x` (listwise on these
/// variables only), from respondent rows in f64.
fn correlations_from_rows(
    r: &sattrace::data::Respondents,
    cells: &[usize],
    y: usize,
    x: &[usize],
) -> Result<(Correlations, u64), ImportanceError> {
    let mut m = sattrace::stats::CrossMoments::new(x.len() + 1);
    let mut row = vec![0.0; x.len() + 1];
    for i in group_rows(r, cells) {
        let values = r.row(i);
        for (slot, &col) in row.iter_mut().zip(x.iter().chain(std::iter::once(&y))) {
            *slot = values.get(col).map_or(f64::NAN, |&v| f64::from(v));
        }
        m.push(&row, r.weights.get(i).map_or(0.0, |&w| f64::from(w)));
    }
    let k = x.len() + 1;
    if m.n < 2 {
        return Err(ImportanceError::TooFewRows {
            n: m.n as u64,
            needed: 2,
        });
    }
    let cov = |a: usize, b: usize| m.cross(a, b) / m.sw - m.sum[a] * m.sum[b] / (m.sw * m.sw);
    let idx: Vec<usize> = (0..x.len()).collect();
    Correlations::from_covariance(cov, k - 1, &idx).map(|c| (c, m.n as u64))
}

fn name_error(e: &ImportanceError, drivers: &[String], outcome: &str) -> String {
    let name = |j: usize| drivers.get(j).map_or("?", String::as_str).to_string();
    match e {
        ImportanceError::ZeroVariance { driver } => {
            format!("driver `{}` has no variance\n  help: drop it with --drivers", name(*driver))
        }
        ImportanceError::Collinear { driver } => format!(
            "driver `{}` is a linear combination of the drivers before it\n  help: drop it or merge it with the drivers it duplicates",
            name(*driver)
        ),
        ImportanceError::ZeroVarianceOutcome => format!("the outcome `{outcome}` has no variance"),
        other => other.to_string(),
    }
}

struct Report<'a> {
    outcome: &'a str,
    drivers: &'a [String],
    method: Method,
    min_n: u64,
    by: Option<&'a str>,
    bootstrap: usize,
    seed: u64,
    ci: IntervalKind,
    changes: &'a [WaveChange],
    missing: Missing,
}

impl Report<'_> {
    fn drivers_json(&self, est: &Importance, iv: Option<&Intervals>) -> Vec<Value> {
        self.drivers
            .iter()
            .enumerate()
            .map(|(j, id)| {
                let imp = est.importance[j];
                let share = if self.method.decomposes_r2() && est.r2 > 0.0 {
                    json!(imp / est.r2)
                } else {
                    Value::Null
                };
                let ci = iv.and_then(|iv| iv.drivers.get(j)).copied();
                let mut d = json!({
                    "id": id,
                    "importance": imp,
                    "share": share,
                    "ci_low": ci.map(|c| c.0),
                    "ci_high": ci.map(|c| c.1),
                });
                if let Some(vif) = est.vif.as_ref().and_then(|v| v.get(j)) {
                    d["vif"] = json!(vif);
                }
                if let Some(s) = &est.sampling {
                    d["se"] = json!(s.se.get(j));
                }
                if let Some((lo, hi)) = ci {
                    d["ci_includes_zero"] = json!(lo <= 0.0 && hi >= 0.0);
                }
                d
            })
            .collect()
    }

    fn warnings(&self, n: u64, est: &Importance) -> Vec<String> {
        let mut w = Vec::new();
        if n < self.min_n {
            w.push(format!(
                "{n} complete rows for {} drivers (under {}): unreliable",
                self.drivers.len(),
                self.min_n
            ));
        }
        let signed = matches!(self.method, Method::Corr | Method::Beta);
        for (id, imp) in self.drivers.iter().zip(&est.importance) {
            if signed && *imp < 0.0 {
                w.push(format!("`{id}` has a negative effect ({imp:.3})"));
            }
        }
        if let Some(s) = &est.sampling {
            if s.permutations < s.requested {
                w.push(format!(
                    "LMG sampled from {} random orders, not the {} asked for: {} drivers cost too much per order (work budget); see `se` for the precision",
                    s.permutations,
                    s.requested,
                    self.drivers.len()
                ));
            } else {
                w.push(format!(
                    "LMG sampled from {} random orders (more than 25 drivers); see `se`",
                    s.permutations
                ));
            }
        }
        w
    }

    fn group_json(&self, n: u64, est: &Importance, iv: Option<&Intervals>) -> Value {
        let mut v = json!({
            "n": n,
            "r2": est.r2,
            "drivers": self.drivers_json(est, iv),
            "warnings": self.warnings(n, est),
        });
        if let Some(iv) = iv {
            v["r2_ci"] = json!([iv.r2.0, iv.r2.1]);
            v["bootstrap_failed"] = json!(iv.failed);
        }
        if let Some(d) = &est.dominance {
            v["dominance"] = json!(d);
        }
        v
    }

    fn json(&self, whole: &(u64, (Importance, Option<Intervals>)), groups: &[Group]) -> Value {
        let (n, (est, iv)) = whole;
        let mut v = json!({
            "schema": "sattrace.importance/1",
            "outcome": self.outcome,
            "method": self.method.name(),
        });
        if let Value::Object(extra) = self.group_json(*n, est, iv.as_ref()) {
            if let Value::Object(map) = &mut v {
                map.extend(extra);
            }
        }
        if self.missing == Missing::Pairwise {
            // Absent means listwise, the default (and every earlier output).
            v["missing"] = json!("pairwise");
        }
        if self.bootstrap > 0 {
            v["bootstrap"] = json!({"replicates": self.bootstrap, "seed": self.seed, "level": 0.95, "kind": self.ci.name()});
        }
        if let Some(by) = self.by {
            v["by"] = json!(by);
            v["groups"] = groups
                .iter()
                .map(|g| match &g.result {
                    Ok((est, iv)) => {
                        let mut gv = self.group_json(g.n, est, iv.as_ref());
                        gv["group"] = json!(g.name);
                        gv
                    }
                    Err(e) => json!({"group": g.name, "n": g.n, "error": e}),
                })
                .collect();
        }
        if !self.changes.is_empty() {
            v["changes"] = super::importance_change::json(self.changes, self.drivers);
        }
        v
    }

    fn table(&self, whole: &(u64, (Importance, Option<Intervals>)), groups: &[Group]) -> String {
        let mut out = String::new();
        let (n, (est, iv)) = whole;
        self.table_group(&mut out, "all", *n, est, iv.as_ref());
        for g in groups {
            match &g.result {
                Ok((est, iv)) => self.table_group(&mut out, &g.name, g.n, est, iv.as_ref()),
                Err(e) => {
                    let _ = writeln!(out, "\n{} = {}: {e}", self.by.unwrap_or(""), g.name);
                }
            }
        }
        super::importance_change::table(&mut out, self.changes, self.drivers, self.method);
        out
    }

    fn table_group(
        &self,
        out: &mut String,
        name: &str,
        n: u64,
        est: &Importance,
        iv: Option<&Intervals>,
    ) {
        let title = match self.by {
            Some(by) if name != "all" => format!("{by} = {name}"),
            _ => "all".to_string(),
        };
        let deletion = match self.missing {
            Missing::Listwise => "",
            Missing::Pairwise => " (pairwise: the fewest rows of any pair)",
        };
        let _ = writeln!(
            out,
            "{} on {} ({title}): n = {n}{deletion}, R² = {:.4}",
            self.method.name(),
            self.outcome,
            est.r2
        );
        let width = self
            .drivers
            .iter()
            .map(|d| d.chars().count())
            .max()
            .unwrap_or(6)
            .max(6);
        let _ = writeln!(
            out,
            "{:<width$}  {:>10}  {:>7}  {:>21}",
            "driver",
            "importance",
            "share",
            ci_title(self.ci)
        );
        for (j, id) in self.drivers.iter().enumerate() {
            let imp = est.importance[j];
            let share = if self.method.decomposes_r2() && est.r2 > 0.0 {
                format!("{:.1}%", 100.0 * imp / est.r2)
            } else {
                String::new()
            };
            let ci = iv
                .and_then(|iv| iv.drivers.get(j))
                .map(|(lo, hi)| {
                    let zero = if *lo <= 0.0 && *hi >= 0.0 { " *" } else { "" };
                    format!("{lo:.4} – {hi:.4}{zero}")
                })
                .unwrap_or_default();
            let _ = writeln!(out, "{id:<width$}  {imp:>10.4}  {share:>7}  {ci:>21}");
        }
        for w in self.warnings(n, est) {
            let _ = writeln!(out, "warning: {w}");
        }
        out.push('\n');
    }
}

/// The interval column's title.
pub(super) fn ci_title(kind: IntervalKind) -> &'static str {
    match kind {
        IntervalKind::Percentile => "95% CI",
        IntervalKind::Bca => "95% CI (BCa)",
    }
}
