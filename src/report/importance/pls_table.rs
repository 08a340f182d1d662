//! The text table of a PLS importance run: per group its paths, constructs (R²,
//! reliability), HTMT, outer weights and IPMA; then the change of each path between
//! consecutive waves.

use std::fmt::Write as _;

use super::{ci_text, ci_title};
use crate::importance::by_group::pls::{PlsGroup, PlsImportance};
use crate::importance::by_group::ALL;
use crate::model::Lang;

/// The whole survey, each group (or its error), then the changes between waves.
/// `lang` is the language of the notes (the column heads are symbols).
pub fn pls(r: &PlsImportance, lang: Lang) -> String {
    let mut out = String::new();
    if r.options.consistent {
        let _ = writeln!(out, "{}", consistent_note(lang));
    }
    group(&mut out, r, &r.whole);
    let by = r.by.as_deref().unwrap_or("");
    for g in &r.groups {
        out.push('\n');
        group(&mut out, r, g);
        if let Err(e) = &g.result {
            let _ = writeln!(out, "{by} = {}: {e}", g.name);
        }
    }
    if r.by_wave {
        let w = name_width(r);
        for c in r.changes() {
            let _ = writeln!(
                out,
                "\nchange of pls path coefficients, wave {} → {}\n{:<w$}  {:<w$}  {:>8}  {:>21}",
                c.from, c.to, "from", "to", "change", "95% CI of change"
            );
            for &(i, d, ci) in &c.paths {
                let (from, to) = r.pm.paths[i];
                let ci = ci_text(ci, 4, true);
                let _ = writeln!(
                    out,
                    "{:<w$}  {:<w$}  {d:>+8.4}  {ci:>21}",
                    r.pm.constructs[from].id, r.pm.constructs[to].id
                );
            }
            if c.pairs.is_some() {
                let _ = writeln!(out, "* the interval includes zero: no clear change");
            }
        }
    }
    out
}

/// What `--consistent` changes, in `lang`.
fn consistent_note(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "一致性 PLS（PLSc）：路径、R² 与反映型构念的载荷已按各构念的 ρA 校正测量误差；权重、HTMT 与 IPMA 仍基于 PLS 构念得分",
        Lang::En => "consistent PLS (PLSc): paths, R² and the loadings of reflective constructs are corrected for measurement error by each construct's rho_A; weights, HTMT and IPMA stay on the PLS construct scores",
    }
}

fn name_width(r: &PlsImportance) -> usize {
    r.pm.constructs
        .iter()
        .map(|c| c.id.chars().count())
        .chain(r.pm.item_names.iter().map(|n| n.chars().count()))
        .max()
        .unwrap_or(6)
        .max(9)
}

fn group(out: &mut String, r: &PlsImportance, g: &PlsGroup) {
    let Ok(e) = &g.result else {
        return;
    };
    let id = |k: usize| r.pm.constructs[k].id.as_str();
    let w = name_width(r);
    let o = r.outcome;
    let title = match r.by.as_deref() {
        Some(by) if g.name != ALL => format!(" ({by} = {})", g.name),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "pls on {}{title} : n = {}, R² = {:.4}, {} iterations{}",
        id(o),
        e.fit.n,
        e.fit.r2[o].map_or(f64::NAN, |r| r.0),
        e.fit.iterations,
        if e.fit.converged {
            ""
        } else {
            " (not converged)"
        }
    );
    let _ = writeln!(
        out,
        "\npaths\n{:<w$}  {:<w$}  {:>8}  {:>21}",
        "from",
        "to",
        "coef",
        ci_title(
            e.intervals
                .as_ref()
                .map_or(Default::default(), |iv| iv.kind)
        )
    );
    for (i, p) in e.fit.paths.iter().enumerate() {
        let interval = ci_text(
            e.intervals.as_ref().and_then(|iv| iv.paths.get(i)).copied(),
            4,
            false,
        );
        let _ = writeln!(
            out,
            "{:<w$}  {:<w$}  {:>8.4}  {interval:>21}",
            id(p.from),
            id(p.to),
            p.coef
        );
    }
    let _ = writeln!(
        out,
        "\nconstructs\n{:<w$}  {:>7}  {:>7}  {:>6}  {:>6}  {:>6}  {:>6}",
        "construct", "R²", "adj R²", "alpha", "rho_c", "rho_A", "AVE"
    );
    for rel in &e.reliability {
        let (r2, adj) = e.fit.r2[rel.construct].map_or((String::new(), String::new()), |(a, b)| {
            (format!("{a:.4}"), format!("{b:.4}"))
        });
        let _ = writeln!(
            out,
            "{:<w$}  {r2:>7}  {adj:>7}  {:>6.3}  {:>6.3}  {:>6.3}  {:>6.3}",
            id(rel.construct),
            rel.alpha,
            rel.rho_c,
            rel.rho_a,
            rel.ave
        );
    }
    if let Some(iv) = &e.intervals {
        let _ = writeln!(
            out,
            "\nconstructs, {}\n{:<w$}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}",
            ci_title(iv.kind),
            "construct",
            "R²",
            "adj R²",
            "alpha",
            "rho_c",
            "rho_A",
            "AVE"
        );
        for rel in &e.reliability {
            let k = rel.construct;
            let r2 = |v: &[Option<(f64, f64)>]| ci_text(v.get(k).copied().flatten(), 4, false);
            let _ = writeln!(
                out,
                "{:<w$}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}",
                id(k),
                r2(&iv.r2),
                r2(&iv.adj_r2),
                ci_text(iv.alpha.get(k).copied(), 3, false),
                ci_text(iv.rho_c.get(k).copied(), 3, false),
                ci_text(iv.rho_a.get(k).copied(), 3, false),
                ci_text(iv.ave.get(k).copied(), 3, false),
            );
        }
    }
    let htmt_title = e
        .intervals
        .as_ref()
        .map(|iv| ci_title(iv.kind))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\nHTMT\n{:<w$}  {:<w$}  {:>7}  {htmt_title:>21}",
        "a", "b", "value"
    );
    for (i, h) in e.htmt.iter().enumerate() {
        let ci = ci_text(
            e.intervals.as_ref().and_then(|iv| iv.htmt.get(i)).copied(),
            3,
            false,
        );
        let _ = writeln!(
            out,
            "{:<w$}  {:<w$}  {:>7.3}  {ci:>21}",
            id(h.a),
            id(h.b),
            h.value
        );
    }
    let _ = writeln!(
        out,
        "\nouter\n{:<w$}  {:<w$}  {:>7}  {:>7}",
        "construct", "item", "weight", "loading"
    );
    for x in &e.fit.outer {
        let _ = writeln!(
            out,
            "{:<w$}  {:<w$}  {:>7.4}  {:>7.4}",
            id(x.construct),
            r.pm.item_names[x.item],
            x.weight,
            x.loading
        );
    }
    let iv = e.intervals.as_ref();
    let own = iv
        .and_then(|iv| iv.ipma_performance.get(o))
        .map(|&(lo, hi)| format!(", {lo:.2} – {hi:.2}"))
        .unwrap_or_default();
    let _ = write!(
        out,
        "\nIPMA for {} (performance {:.2}{own})\n{:<w$}  {:>10}  {:>11}",
        id(o),
        e.outcome_performance,
        "construct",
        "importance",
        "performance"
    );
    if let Some(iv) = iv {
        let title = ci_title(iv.kind);
        let _ = write!(
            out,
            "  {:>24}  {:>15}",
            format!("importance {title}"),
            "performance CI"
        );
    }
    out.push('\n');
    for p in &e.ipma {
        let k = p.construct;
        let _ = write!(
            out,
            "{:<w$}  {:>10.4}  {:>11.2}",
            id(k),
            p.importance,
            p.performance
        );
        if let Some(iv) = iv {
            let _ = write!(
                out,
                "  {:>24}  {:>15}",
                ci_text(iv.ipma_importance.get(k).copied(), 4, false),
                ci_text(iv.ipma_performance.get(k).copied(), 2, false)
            );
        }
        out.push('\n');
    }
    for warning in &e.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
}
