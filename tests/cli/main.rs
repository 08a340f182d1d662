//! End-to-end tests of the command line, in one test binary (one link instead of one
//! per file): each module is one command or capability; `cases` runs the
//! command-and-expected-output cases under `tests/cli/cases/`.

#[path = "../support/mod.rs"]
mod support;

mod analyze;
mod analyze_importance;
mod cases;
mod check;
mod default_rules;
mod errors_zh;
mod graph;
mod hygiene;
mod importance;
mod importance_pls;
mod importance_plsc;
mod importance_waves;
mod moments;
mod pls_data;
mod pls_mode;
mod rule_tests;
mod waves;
mod zh;
