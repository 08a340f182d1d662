//! Text tables of `sattrace importance`: the driver methods' estimates per group and
//! their change between waves ([`drivers`]), and the PLS path model ([`pls`]). The
//! JSON is the results' own `Serialize`.

mod pls_table;

use std::fmt::Write as _;

pub use pls_table::pls;

use crate::importance::by_group::drivers::{DriverImportance, GroupEstimate, GroupResult};
use crate::importance::by_group::{includes_zero, Missing, ALL};
use crate::importance::IntervalKind;

/// The interval column's title.
pub fn ci_title(kind: IntervalKind) -> &'static str {
    match kind {
        IntervalKind::Percentile => "95% CI",
        IntervalKind::Bca => "95% CI (BCa)",
    }
}

/// An interval as `low – high` with `*` when it includes zero; empty without one.
fn ci_text(ci: Option<(f64, f64)>, decimals: usize, signed: bool) -> String {
    ci.map(|(lo, hi)| {
        let zero = if includes_zero(lo, hi) { " *" } else { "" };
        if signed {
            format!("{lo:+.decimals$} – {hi:+.decimals$}{zero}")
        } else {
            format!("{lo:.decimals$} – {hi:.decimals$}{zero}")
        }
    })
    .unwrap_or_default()
}

/// The width of the driver column.
fn id_width(ids: &[String]) -> usize {
    ids.iter()
        .map(|d| d.chars().count())
        .max()
        .unwrap_or(6)
        .max(6)
}

/// The whole sample, each group (or its error), then the changes between waves.
pub fn drivers(r: &DriverImportance) -> String {
    let mut out = String::new();
    group(&mut out, r, ALL, r.n, &r.all);
    for g in r.groups.iter().flatten() {
        match &g.result {
            GroupResult::Estimated(est) => group(&mut out, r, &g.group, g.n, est),
            GroupResult::Failed { error } => {
                let _ = writeln!(
                    out,
                    "\n{} = {}: {error}",
                    r.by.as_deref().unwrap_or(""),
                    g.group
                );
            }
        }
    }
    let width = id_width(&r.drivers);
    for c in &r.changes {
        let _ = writeln!(
            out,
            "change of {} importance, wave {} → {}",
            r.method.name(),
            c.from,
            c.to
        );
        let _ = writeln!(
            out,
            "{:<width$}  {:>10}  {:>21}",
            "driver", "change", "95% CI of change"
        );
        for d in &c.drivers {
            let ci = ci_text(d.ci_low.zip(d.ci_high), 4, true);
            let change = d.change.unwrap_or(f64::NAN);
            let _ = writeln!(out, "{:<width$}  {change:>+10.4}  {ci:>21}", d.id);
        }
        if c.pairs.is_some() {
            let _ = writeln!(out, "* the interval includes zero: no clear change");
        }
        out.push('\n');
    }
    out
}

fn group(out: &mut String, r: &DriverImportance, name: &str, n: u64, est: &GroupEstimate) {
    let title = match r.by.as_deref() {
        Some(by) if name != ALL => format!("{by} = {name}"),
        _ => ALL.to_string(),
    };
    let deletion = match r.missing {
        Missing::Listwise => "",
        Missing::Pairwise => " (pairwise: the fewest rows of any pair)",
    };
    let _ = writeln!(
        out,
        "{} on {} ({title}): n = {n}{deletion}, R² = {:.4}",
        r.method.name(),
        r.outcome,
        est.r2
    );
    let width = id_width(&r.drivers);
    let _ = writeln!(
        out,
        "{:<width$}  {:>10}  {:>7}  {:>21}",
        "driver",
        "importance",
        "share",
        ci_title(r.ci)
    );
    for d in &est.drivers {
        let imp = d.importance;
        let share = if r.method.decomposes_r2() && est.r2 > 0.0 {
            format!("{:.1}%", 100.0 * imp / est.r2)
        } else {
            String::new()
        };
        let ci = ci_text(d.ci_low.zip(d.ci_high), 4, false);
        let _ = writeln!(out, "{:<width$}  {imp:>10.4}  {share:>7}  {ci:>21}", d.id);
    }
    for w in &est.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out.push('\n');
}
