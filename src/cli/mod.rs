//! The command line: one file per subcommand, typed exit codes, and the only code
//! that touches stdout, stderr and the filesystem.

mod analyze;
mod check;
mod exit;
mod graph;
mod importance;
mod lang;
mod moments;
mod output;
mod pipeline;
mod plan;
mod progress;
mod project;
mod report;
mod schema;
mod serve;
mod simulate;
mod sql;
mod test;
mod uncertainty;
mod values;
mod whatif;
mod writer;

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
    /// How much each driver matters for an outcome (correlation, beta, relative weights, LMG, dominance).
    Importance(importance::ImportanceArgs),
    /// Lint models, rule files and scenarios (exit 0 clean, 1 findings, 2 could not run).
    Check(check::CheckArgs),
    /// Synthetic survey responses with known true effects.
    Simulate(simulate::SimulateArgs),
    /// Run rule tests and scenario files, with coverage (exit 1 on any failure).
    Test(test::TestArgs),
    /// The driver graph with each edge's effect, as DOT or Mermaid.
    Graph(graph::GraphArgs),
    /// A self-contained HTML report with charts (or Markdown).
    Report(report::ReportArgs),
    /// The cheapest set of actions that reaches SMART targets by their due dates.
    Plan(plan::PlanArgs),
    /// What happens to scores and actions if drivers move (a scenario).
    Whatif(whatif::WhatIfArgs),
    /// Print the JSON Schema of model, rule or scenario files.
    Schema(schema::SchemaArgs),
    /// The survey's moments table (`sattrace.moments/1`), or `merge` to add tables.
    Moments(moments::MomentsArgs),
    /// The query computing the moments table inside DuckDB, Spark SQL or PostgreSQL.
    Sql(sql::SqlArgs),
    /// A local what-if workbench in the browser (what-if sliders, plan form, exports).
    Serve(serve::ServeArgs),
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
        // A file or pipe gets plain lines: no colour codes, no module path.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(verbose > 1)
        .without_time()
        .try_init();
}

/// Run a command; errors are printed here, once, and become exit code 2.
pub fn run(cli: Cli) -> Exit {
    let lang = lang::of_command(&cli.command);
    let result = match cli.command {
        Command::Analyze(args) => analyze::run(&args),
        Command::Importance(args) => importance::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Whatif(args) => whatif::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Moments(args) => moments::run(&args),
        Command::Sql(args) => sql::run(&args),
        Command::Serve(args) => serve::run(&args),
    };
    match result {
        Ok(exit) => exit,
        Err(error) => {
            // Messages quote users' files: no control characters, no 50 MB names.
            let message = sattrace::diag::for_terminal(&lang::render(&error, lang));
            match lang {
                sattrace::model::Lang::En => eprintln!("error: {message}"),
                sattrace::model::Lang::Zh => eprintln!("错误：{message}"),
            }
            Exit::Unusable
        }
    }
}
