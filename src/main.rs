//! The `sattrace` command: parse arguments, start logging, run, map to an exit code.

use clap::Parser;

mod cli;

fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    cli::init_tracing(args.verbose);
    cli::run(args).into()
}
