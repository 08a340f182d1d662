//! `sattrace importance`: how much each driver matters for an outcome, per method,
//! optionally per segment or wave and with bootstrap intervals. Flags, the survey
//! read, a call to [`sattrace::importance::by_group`], and rendering.

use std::path::PathBuf;
use std::sync::Mutex;

use clap::builder::PossibleValue;
use clap::{Args, ValueEnum};
use indicatif::ProgressBar;

use super::output::write_output;
use super::progress;
use super::project::{Needs, Project, ProjectArgs};
use super::Exit;
use sattrace::data::Survey;
use sattrace::importance::by_group::{self, pls, Options, Progress, Spec};
use sattrace::importance::{self as lib, pls::Scheme as LibScheme, IntervalKind};
use sattrace::model::{Lang, Model};
use sattrace::report::importance as render;

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
    pub ci: Ci,
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
    /// Consistent PLS (PLSc, Dijkstra & Henseler 2015; `--method pls`): paths, R² and
    /// loadings of reflective constructs corrected for measurement error by each
    /// construct's ρA, as seminr's `PLSc()`.
    #[arg(long)]
    pub consistent: bool,
    /// PLS constructs estimated in mode B (formative), comma-separated (`--method pls`).
    #[arg(long, value_delimiter = ',')]
    pub formative: Vec<String>,
    /// Language of the node labels in the table.
    #[arg(long, value_parser = super::values::parser::<Lang>(), default_value = "zh")]
    pub lang: Lang,
}

/// An importance method: the library's [`lib::Method`], its names and help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Method(pub lib::Method);

impl ValueEnum for Method {
    fn value_variants<'a>() -> &'a [Self] {
        const ALL: [Method; 6] = [
            Method(lib::Method::ALL[0]),
            Method(lib::Method::ALL[1]),
            Method(lib::Method::ALL[2]),
            Method(lib::Method::ALL[3]),
            Method(lib::Method::ALL[4]),
            Method(lib::Method::ALL[5]),
        ];
        &ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()).help(self.0.about()))
    }
}

/// Which bootstrap interval to report (the library's [`IntervalKind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Ci {
    /// Quantiles `α/2` and `1 − α/2` of the replicates.
    Percentile,
    /// Bias-corrected and accelerated percentiles (needs a jackknife).
    Bca,
}

impl From<Ci> for IntervalKind {
    fn from(c: Ci) -> Self {
        match c {
            Ci::Percentile => IntervalKind::Percentile,
            Ci::Bca => IntervalKind::Bca,
        }
    }
}

/// The inner weighting scheme (the library's [`LibScheme`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scheme {
    /// Lohmöller's path weighting: regression weights for predecessors, correlations
    /// for successors (SmartPLS's and seminr's default).
    Path,
    /// Sign of the correlation with every adjacent construct.
    Centroid,
    /// Correlation with every adjacent construct (seminr's `path_factorial`).
    Factor,
}

impl From<Scheme> for LibScheme {
    fn from(s: Scheme) -> Self {
        match s {
            Scheme::Path => LibScheme::Path,
            Scheme::Centroid => LibScheme::Centroid,
            Scheme::Factor => LibScheme::Factor,
        }
    }
}

/// How rows with missing values enter the correlations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Missing {
    Listwise,
    Pairwise,
}

impl From<Missing> for by_group::Missing {
    fn from(m: Missing) -> Self {
        match m {
            Missing::Listwise => by_group::Missing::Listwise,
            Missing::Pairwise => by_group::Missing::Pairwise,
        }
    }
}

/// Bootstrap progress as a bar on stderr (hidden off a terminal).
#[derive(Default)]
struct Bar(Mutex<Option<ProgressBar>>);

impl Progress for Bar {
    fn start(&self, label: &str, total: u64) {
        if let Ok(mut bar) = self.0.lock() {
            *bar = Some(progress::replicates(total, label));
        }
    }

    fn tick(&self, k: u64) {
        if let Ok(bar) = self.0.lock() {
            if let Some(bar) = bar.as_ref() {
                bar.inc(k);
            }
        }
    }

    fn finish(&self) {
        if let Ok(mut bar) = self.0.lock() {
            if let Some(bar) = bar.take() {
                bar.finish_and_clear();
            }
        }
    }
}

pub fn run(args: &ImportanceArgs) -> anyhow::Result<Exit> {
    let bar = Bar::default();
    let options = Options {
        method: args.method.0,
        missing: args.missing.into(),
        bootstrap: args.bootstrap,
        ci: args.ci.into(),
        seed: args.seed,
        permutations: args.permutations,
        min_n_per_driver: args.min_n_per_driver,
        threads: args.threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        }),
        scheme: args.scheme.into(),
        consistent: args.consistent,
        progress: Some(&bar),
    };
    if args.method.0 == lib::Method::Pls {
        options.check()?;
        return run_pls(args, &options);
    }
    let project = args.project.load()?;
    let spec = Spec::resolve(&project.model, args.outcome.as_deref(), &args.drivers)?;

    // Rows are needed for the bootstrap and for listwise deletion over the chosen
    // variables only when some rows are incomplete. A moments table has no rows:
    // its complete-case block is listwise over every model node.
    let from_table = project.is_table();
    if args.missing == Missing::Pairwise && from_table {
        return Err(super::project::needs_rows("--missing pairwise"));
    }
    options.check()?;
    let survey = project.read_survey(Needs {
        respondents: !from_table || args.bootstrap > 0,
        rows_required: true,
        ..Needs::default()
    })?;
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
    let result = by_group::drivers::run(&survey, &spec, args.by.as_deref(), &options)?;
    let bytes = match args.format {
        ImportanceFormat::Json => json(&result)?,
        ImportanceFormat::Table => sattrace::diag::neutralise(&render::drivers(
            &result,
            &names(&project.model, args.lang),
            args.lang,
        ))
        .into_bytes(),
    };
    write_output(args.output.as_deref(), &bytes, &project.inputs)?;
    Ok(Exit::Ok)
}

/// `--method pls`: the whole path model on items.
fn run_pls(args: &ImportanceArgs, options: &Options<'_>) -> anyhow::Result<Exit> {
    if !args.drivers.is_empty() {
        return Err(by_group::RunError::PlsDrivers.into());
    }
    let project = args.project.load()?;
    pls::check(&project.model, &args.formative)?;
    let survey = read_survey(&project, args)?;
    let result = pls::run(
        &project.model,
        &survey,
        args.outcome.as_deref(),
        &args.formative,
        args.by.as_deref(),
        options,
    )?;
    let bytes = match args.format {
        ImportanceFormat::Json => json(&result)?,
        ImportanceFormat::Table => sattrace::diag::neutralise(&render::pls(
            &result,
            &names(&project.model, args.lang),
            args.lang,
        ))
        .into_bytes(),
    };
    write_output(args.output.as_deref(), &bytes, &project.inputs)?;
    Ok(Exit::Ok)
}

/// Every node's label in `lang`, by id.
fn names(model: &Model, lang: Lang) -> render::Names {
    model
        .nodes
        .iter()
        .map(|n| (n.id.clone(), n.label.text(lang, &n.id).to_string()))
        .collect()
}

/// Pretty JSON with sorted keys (through a `Value`, whose maps are sorted).
fn json(result: &impl serde::Serialize) -> anyhow::Result<Vec<u8>> {
    let mut text = serde_json::to_string_pretty(&serde_json::to_value(result)?)?;
    text.push('\n');
    Ok(text.into_bytes())
}

/// The survey's cells with item moments; with `--bootstrap`, also its item rows and
/// (for each row's cell) its respondent rows. From `--moments FILE` when given.
fn read_survey(project: &Project, args: &ImportanceArgs) -> anyhow::Result<Survey> {
    let rows = args.bootstrap > 0;
    if project.is_table() && rows {
        return Err(super::project::needs_rows("--bootstrap"));
    }
    project.read_survey(Needs {
        respondents: rows,
        items: rows,
        item_moments: true,
        rows_required: true,
        progress: false,
    })
}
