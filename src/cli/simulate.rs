//! `sattrace simulate`: synthetic responses from a model with known true effects.

use std::path::PathBuf;

use clap::Args;

use super::output::write_output;
use super::project::read_text;
use super::Exit;
use sattrace::model::load_model;
use sattrace::simulate::{load_spec, simulate};

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
    /// Write the CSV to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: &SimulateArgs) -> anyhow::Result<Exit> {
    let model_name = args.model.display().to_string();
    let model = load_model(&model_name, &read_text(&args.model)?).map_err(anyhow::Error::msg)?;
    let spec_path = args.spec.clone().unwrap_or_else(|| {
        args.model
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join("simulate.yaml")
    });
    let spec_name = spec_path.display().to_string();
    let spec =
        load_spec(&spec_name, &read_text(&spec_path)?, &model).map_err(anyhow::Error::msg)?;
    let mut bytes = Vec::new();
    simulate(&model, &spec, args.n, args.seed, &mut bytes).map_err(anyhow::Error::msg)?;
    write_output(
        args.output.as_deref(),
        &bytes,
        &[args.model.clone(), spec_path],
    )?;
    Ok(Exit::Ok)
}
