//! Driver importance (corr, beta, relweights, LMG, dominance) for the whole sample
//! and per group, with bootstrap intervals and, per wave, the change between waves.

use std::fmt;

use serde::Serialize;

use super::change::{wave_changes, WaveChange, WaveEstimate};
use super::rows::{correlations_from_rows, group_rows, pairwise_from_rows, row_data};
use super::{all_cells, as_text, by_wave, grouping, includes_zero, Missing, Options, Spec, ALL};
use super::{EstimateError, GroupError, RunError};
use crate::data::{Moments, Survey};
use crate::importance::dominance::Dominance;
use crate::importance::{
    bootstrap_with, estimate, BootstrapExtras, BootstrapOptions, Correlations, EstimateOptions,
    Importance, IntervalKind, Intervals, Method,
};

/// The result of a driver-importance run (`sattrace.importance/1`).
#[derive(Debug, Serialize)]
pub struct DriverImportance {
    pub schema: &'static str,
    pub outcome: String,
    pub method: Method,
    /// Driver ids, in the order of every group's rows.
    #[serde(skip)]
    pub drivers: Vec<String>,
    #[serde(skip_serializing_if = "Missing::is_listwise")]
    pub missing: Missing,
    /// The interval kind asked for (titles the tables even without a bootstrap).
    #[serde(skip)]
    pub ci: IntervalKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootstrap: Option<BootstrapInfo>,
    /// Complete rows of the whole sample.
    pub n: u64,
    /// The whole sample's estimate.
    #[serde(flatten)]
    pub all: GroupEstimate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Group>>,
    /// Between consecutive waves (`by` the wave).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<WaveChange>,
}

/// How the intervals were drawn.
#[derive(Debug, Serialize)]
pub struct BootstrapInfo {
    pub replicates: usize,
    pub seed: u64,
    pub level: f64,
    pub kind: IntervalKind,
}

/// One `by` group: its estimate or why there is none.
#[derive(Debug, Serialize)]
pub struct Group {
    pub group: String,
    pub n: u64,
    #[serde(flatten)]
    pub result: GroupResult,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum GroupResult {
    Estimated(Box<GroupEstimate>),
    Failed {
        #[serde(serialize_with = "as_text")]
        error: GroupError,
    },
}

/// One group's estimate.
#[derive(Debug, Serialize)]
pub struct GroupEstimate {
    pub r2: f64,
    pub drivers: Vec<DriverRow>,
    pub warnings: Vec<Warning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r2_ci: Option<(f64, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootstrap_failed: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dominance: Option<Dominance>,
}

/// One driver's importance in one group.
#[derive(Debug, Serialize)]
pub struct DriverRow {
    pub id: String,
    pub importance: f64,
    /// Share of R² (methods that decompose it).
    pub share: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vif: Option<f64>,
    /// Standard error of a sampled LMG.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub se: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_includes_zero: Option<bool>,
}

/// Something a reader of one group's estimate should know.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    FewRows {
        n: u64,
        drivers: usize,
        min_n: u64,
    },
    Negative {
        id: String,
        value: f64,
    },
    Sampled {
        permutations: usize,
        requested: usize,
        drivers: usize,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::FewRows { n, drivers, min_n } => {
                write!(
                    f,
                    "{n} complete rows for {drivers} drivers (under {min_n}): unreliable"
                )
            }
            Warning::Negative { id, value } => {
                write!(f, "`{id}` has a negative effect ({value:.3})")
            }
            Warning::Sampled {
                permutations,
                requested,
                drivers,
            } if permutations < requested => write!(
                f,
                "LMG sampled from {permutations} random orders, not the {requested} asked for: {drivers} drivers cost too much per order (work budget); see `se` for the precision"
            ),
            Warning::Sampled { permutations, .. } => write!(
                f,
                "LMG sampled from {permutations} random orders (more than 25 drivers); see `se`"
            ),
        }
    }
}

impl Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        as_text(self, s)
    }
}

/// A group's raw estimate, before it is shaped for output.
struct Raw {
    name: String,
    n: u64,
    result: Result<(Importance, Option<Intervals>), GroupError>,
}

/// Importance of `spec`'s drivers for its outcome over the whole `survey` and, with
/// `by`, per segment value or wave. A moments table (no respondent rows) is read
/// listwise over every model node; rows, when kept, give listwise deletion over the
/// chosen variables only, pairwise correlations and the bootstrap.
pub fn run(
    survey: &Survey,
    spec: &Spec,
    by: Option<&str>,
    options: &Options<'_>,
) -> Result<DriverImportance, RunError> {
    options.check()?;
    let estimate_options = EstimateOptions {
        permutations: options.permutations,
        seed: options.seed,
        threads: options.threads,
    };
    let whole = run_group(
        survey,
        ALL,
        &all_cells(survey),
        spec,
        options,
        &estimate_options,
    );
    let (n, (est, iv)) = match whole.result {
        Ok(r) => (whole.n, r),
        Err(e) => return Err(RunError::Whole(e)),
    };
    let groups: Vec<Raw> = match by {
        None => Vec::new(),
        Some(by) => grouping(survey, by)?
            .into_iter()
            .map(|(name, cells)| run_group(survey, &name, &cells, spec, options, &estimate_options))
            .collect(),
    };
    let changes = if by_wave(survey, by) {
        let estimated: Vec<WaveEstimate<'_>> = groups
            .iter()
            .map(|g| (g.name.as_str(), g.result.as_ref().ok().map(|(e, i)| (e, i))))
            .collect();
        wave_changes(&estimated, &spec.drivers, 0.95)
    } else {
        Vec::new()
    };
    let min_n = options.min_n_per_driver * spec.drivers.len() as u64;
    let shape = |n: u64, est: &Importance, iv: Option<&Intervals>| {
        group_estimate(spec, options.method, min_n, n, est, iv)
    };
    Ok(DriverImportance {
        schema: "sattrace.importance/1",
        outcome: spec.outcome.clone(),
        method: options.method,
        drivers: spec.drivers.clone(),
        missing: options.missing,
        ci: options.ci,
        bootstrap: (options.bootstrap > 0).then_some(BootstrapInfo {
            replicates: options.bootstrap,
            seed: options.seed,
            level: 0.95,
            kind: options.ci,
        }),
        n,
        all: shape(n, &est, iv.as_ref()),
        by: by.map(str::to_string),
        groups: by.map(|_| {
            groups
                .into_iter()
                .map(|g| Group {
                    result: match g.result {
                        Ok((est, iv)) => {
                            GroupResult::Estimated(Box::new(shape(g.n, &est, iv.as_ref())))
                        }
                        Err(error) => GroupResult::Failed { error },
                    },
                    group: g.name,
                    n: g.n,
                })
                .collect()
        }),
        changes,
    })
}

fn run_group(
    survey: &Survey,
    name: &str,
    cells: &[usize],
    spec: &Spec,
    options: &Options<'_>,
    estimate_options: &EstimateOptions,
) -> Raw {
    let (y, x) = (spec.y, spec.x.as_slice());
    let mut moments = Moments::new(survey.nodes);
    for &i in cells {
        if let Some(cell) = survey.cells.get(i) {
            moments.merge(&cell.moments);
        }
    }
    // Listwise over the outcome and these drivers only, not over every model node:
    // from the exact moments when every row is complete, else from the rows.
    let mut n = moments.complete.n;
    let named = |e| GroupError {
        group: name.to_string(),
        error: EstimateError::named(e, &spec.drivers, &spec.outcome),
    };
    let result = (|| {
        let c: Result<Correlations, _> = match survey.respondents.as_ref() {
            Some(r) if options.missing == Missing::Pairwise => pairwise_from_rows(r, cells, y, x)
                .map(|(c, fewest)| {
                    n = fewest;
                    c
                }),
            Some(r) if moments.complete.n < moments.rows => correlations_from_rows(r, cells, y, x)
                .map(|(c, used)| {
                    n = used;
                    c
                }),
            _ => Correlations::from_moments(&moments.complete, y, x),
        };
        let c = c.map_err(named)?;
        let est = estimate(options.method, &c, estimate_options).map_err(named)?;
        if options.bootstrap == 0 {
            return Ok((est, None));
        }
        let r = survey.respondents.as_ref().ok_or_else(|| GroupError {
            group: name.to_string(),
            error: EstimateError::NoRows,
        })?;
        let rows = group_rows(r, cells);
        let b = BootstrapOptions {
            replicates: options.bootstrap,
            seed: options.seed_of(name),
            threads: options.threads,
            level_percent: 95,
        };
        let iv = options.with_progress(&format!("bootstrap {name}"), |progress| {
            let extras = BootstrapExtras {
                kind: options.ci,
                progress,
            };
            bootstrap_with(row_data(r), &rows, y, x, options.method, &b, &extras)
        });
        Ok((est, Some(iv.map_err(named)?)))
    })();
    Raw {
        name: name.to_string(),
        n,
        result,
    }
}

/// One group's estimate shaped for output: shares, intervals and warnings.
fn group_estimate(
    spec: &Spec,
    method: Method,
    min_n: u64,
    n: u64,
    est: &Importance,
    iv: Option<&Intervals>,
) -> GroupEstimate {
    let drivers = spec
        .drivers
        .iter()
        .enumerate()
        .map(|(j, id)| {
            let imp = est.importance[j];
            let ci = iv.and_then(|iv| iv.drivers.get(j)).copied();
            DriverRow {
                id: id.clone(),
                importance: imp,
                share: (method.decomposes_r2() && est.r2 > 0.0).then_some(imp / est.r2),
                ci_low: ci.map(|c| c.0),
                ci_high: ci.map(|c| c.1),
                vif: est.vif.as_ref().and_then(|v| v.get(j)).copied(),
                se: est.sampling.as_ref().map(|s| s.se.get(j).copied()),
                ci_includes_zero: ci.map(|(lo, hi)| includes_zero(lo, hi)),
            }
        })
        .collect();
    let mut warnings = Vec::new();
    if n < min_n {
        warnings.push(Warning::FewRows {
            n,
            drivers: spec.drivers.len(),
            min_n,
        });
    }
    if matches!(method, Method::Corr | Method::Beta) {
        for (id, imp) in spec.drivers.iter().zip(&est.importance) {
            if *imp < 0.0 {
                warnings.push(Warning::Negative {
                    id: id.clone(),
                    value: *imp,
                });
            }
        }
    }
    if let Some(s) = &est.sampling {
        warnings.push(Warning::Sampled {
            permutations: s.permutations,
            requested: s.requested,
            drivers: spec.drivers.len(),
        });
    }
    GroupEstimate {
        r2: est.r2,
        drivers,
        warnings,
        r2_ci: iv.map(|iv| iv.r2),
        bootstrap_failed: iv.map(|iv| iv.failed),
        dominance: est.dominance.clone(),
    }
}
