//! End-to-end tests of the command line, in one test binary (one link instead of one
//! per file): each module is one command or capability; `cases` runs the
//! command-and-expected-output cases under `tests/cli/cases/`.

#[path = "../support/mod.rs"]
mod support;

mod analyze_importance;
mod cases;
mod errors_zh;
mod graph;
mod importance;
mod importance_pls;
mod importance_plsc;
mod importance_waves;
mod moments;
mod pls_data;
mod pls_mode;
mod zh;
