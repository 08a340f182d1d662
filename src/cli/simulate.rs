//! `sattrace simulate`: synthetic responses from a model with known true effects,
//! and (with `--shift`) the true counterfactual of the same respondents.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;

use super::output::write_output;
use super::project::read_text;
use super::Exit;
use sattrace::diag::did_you_mean;
use sattrace::model::{load_model, Model};
use sattrace::simulate::{load_spec, simulate_shifted, LatentShift};
use sattrace::whatif::delta_to_index;

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The model whose structure (drivers, items, scales, segments) the data follows.
    #[arg(long)]
    pub model: PathBuf,
    /// True effects, means and noise (default: simulate.yaml beside the model).
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// Number of responses.
    #[arg(long, default_value_t = 1000)]
    pub n: usize,
    /// Random seed: the same seed gives byte-identical output.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Counterfactual: the same respondents with a driver's latent value moved by
    /// score points, `--shift response_time=+0.4` (repeatable).
    #[arg(long, value_name = "DRIVER=DELTA", allow_hyphen_values = true)]
    pub shift: Vec<String>,
    /// Only shift respondents with this segment or wave value: `--where region=华东`.
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    pub filter: Vec<String>,
    /// Write the CSV to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// `--shift` and `--where` flags as latent shifts (score points → index points).
fn shifts(model: &Model, shift: &[String], filter: &[String]) -> anyhow::Result<Vec<LatentShift>> {
    let mut conditions = Vec::new();
    for text in filter {
        let Some((column, value)) = text.split_once('=') else {
            bail!("--where: expected `column=value`, found `{text}`\n  help: for example `--where region=华东`");
        };
        conditions.push((column.trim().to_string(), value.trim().to_string()));
    }
    let mut out = Vec::new();
    for text in shift {
        let Some((id, value)) = text.split_once('=') else {
            bail!("--shift: expected `driver=delta`, found `{text}`\n  help: for example `--shift response_time=+0.4`");
        };
        let id = id.trim();
        let Some(node) = model.node_index(id) else {
            let hint = did_you_mean(id, model.node_ids());
            bail!(
                "--shift: unknown driver `{id}`{}",
                if hint.is_empty() {
                    String::new()
                } else {
                    format!("\n  help: {hint}")
                }
            );
        };
        let delta = match value.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => bail!("--shift: `{}` is not a number in `{text}`", value.trim()),
        };
        out.push(LatentShift {
            node,
            delta: delta_to_index(&model.nodes[node], delta),
            filter: conditions.clone(),
        });
    }
    if out.is_empty() && !conditions.is_empty() {
        bail!("--where needs a --shift\n  help: e.g. `--shift response_time=+0.4 --where region=华东`");
    }
    Ok(out)
}

pub fn run(args: &SimulateArgs) -> anyhow::Result<Exit> {
    let model_name = args.model.display().to_string();
    let model = load_model(&model_name, &read_text(&args.model)?)?;
    let spec_path = args.spec.clone().unwrap_or_else(|| {
        args.model
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join("simulate.yaml")
    });
    let spec_name = spec_path.display().to_string();
    let spec = load_spec(&spec_name, &read_text(&spec_path)?, &model)?;
    let shifts = shifts(&model, &args.shift, &args.filter)?;
    let mut bytes = Vec::new();
    simulate_shifted(&model, &spec, args.n, args.seed, &shifts, &mut bytes)?;
    write_output(
        args.output.as_deref(),
        &bytes,
        &[args.model.clone(), spec_path],
    )?;
    Ok(Exit::Ok)
}
