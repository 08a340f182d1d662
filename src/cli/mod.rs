//! The command line: one file per subcommand, typed exit codes, and the only code
//! that touches stdout, stderr and the filesystem.

mod analyze;
mod exit;
mod output;
mod pipeline;
mod plan;
mod project;
mod simulate;
mod whatif;

pub use exit::Exit;

use clap::{Parser, Subcommand};

/// Trace low customer-satisfaction scores to their drivers and recommend ranked actions.
#[derive(Debug, Parser)]
#[command(name = "sattrace", version, about)]
pub struct Cli {
    /// More logging on stderr (`-v` info, `-vv` debug); `RUST_LOG` also works.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scores, root causes and ranked actions for a project directory.
    Analyze(analyze::AnalyzeArgs),
    /// Synthetic survey responses with known true effects.
    Simulate(simulate::SimulateArgs),
    /// The cheapest set of actions that reaches SMART targets by their due dates.
    Plan(plan::PlanArgs),
    /// What happens to scores and actions if drivers move (a scenario).
    Whatif(whatif::WhatIfArgs),
}

pub fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .try_init();
}

/// Run a command; errors are printed here, once, and become exit code 2.
pub fn run(cli: Cli) -> Exit {
    let result = match cli.command {
        Command::Analyze(args) => analyze::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Whatif(args) => whatif::run(&args),
        Command::Plan(args) => plan::run(&args),
    };
    match result {
        Ok(exit) => exit,
        Err(error) => {
            eprintln!("error: {error:#}");
            Exit::Unusable
        }
    }
}
