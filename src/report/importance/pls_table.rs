//! The text table of a PLS importance run: per group its paths, constructs (R²,
//! reliability), HTMT, outer weights and IPMA; then the change of each path between
//! consecutive waves. Headings, column titles and notes follow `--lang`; ids,
//! numbers and symbols (R², rho_A, HTMT, IPMA) stay as written.

use std::fmt::Write as _;

use super::{ci_text, ci_title_in, name, Names};
use crate::importance::by_group::pls::{PlsGroup, PlsImportance};
use crate::importance::by_group::ALL;
use crate::model::Lang;
use crate::report::t;
use crate::report::text::{display_width, pad};

/// `text` padded to `width` display columns (CJK titles take two each).
fn left(text: &str, width: usize) -> String {
    pad(text, width, false)
}

fn right(text: &str, width: usize) -> String {
    pad(text, width, true)
}

/// The whole survey, each group (or its error), then the changes between waves.
/// Constructs are shown by their label in `names` (ids not in it as they are).
pub fn pls(r: &PlsImportance, names: &Names, lang: Lang) -> String {
    let mut out = String::new();
    if r.options.consistent {
        let _ = writeln!(out, "{}", consistent_note(lang));
    }
    group(&mut out, r, &r.whole, names, lang);
    let by = r.by.as_deref().unwrap_or("");
    for g in &r.groups {
        out.push('\n');
        group(&mut out, r, g, names, lang);
        if let Err(e) = &g.result {
            let _ = writeln!(out, "{by} = {}: {e}", g.name);
        }
    }
    if r.by_wave {
        let w = name_width(r, names);
        for c in r.changes() {
            let heading = match lang {
                Lang::En => format!(
                    "change of pls path coefficients, wave {} → {}",
                    c.from, c.to
                ),
                Lang::Zh => format!("PLS 路径系数的变化，轮次 {} → {}", c.from, c.to),
            };
            let _ = writeln!(
                out,
                "\n{heading}\n{}  {}  {}  {}",
                left(t(lang, "自", "from"), w),
                left(t(lang, "至", "to"), w),
                right(t(lang, "变化", "change"), 8),
                right(t(lang, "变化的 95% 置信区间", "95% CI of change"), 21)
            );
            for &(i, d, ci) in &c.paths {
                let (from, to) = r.pm.paths[i];
                let ci = ci_text(ci, 4, true);
                let _ = writeln!(
                    out,
                    "{}  {}  {d:>+8.4}  {ci:>21}",
                    left(name(names, &r.pm.constructs[from].id), w),
                    left(name(names, &r.pm.constructs[to].id), w)
                );
            }
            if c.pairs.is_some() {
                let _ = writeln!(
                    out,
                    "{}",
                    t(
                        lang,
                        "* 区间包含零：没有明确的变化",
                        "* the interval includes zero: no clear change"
                    )
                );
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

fn name_width(r: &PlsImportance, names: &Names) -> usize {
    r.pm.constructs
        .iter()
        .map(|c| display_width(name(names, &c.id)))
        .chain(r.pm.item_names.iter().map(|n| display_width(n)))
        .max()
        .unwrap_or(6)
        .max(9)
}

fn group(out: &mut String, r: &PlsImportance, g: &PlsGroup, names: &Names, lang: Lang) {
    let Ok(e) = &g.result else {
        return;
    };
    let id = |k: usize| name(names, &r.pm.constructs[k].id);
    let w = name_width(r, names);
    let o = r.outcome;
    let r2 = e.fit.r2[o].map_or(f64::NAN, |r| r.0);
    let heading = match (lang, r.by.as_deref()) {
        (Lang::En, by) => {
            let title = match by {
                Some(by) if g.name != ALL => format!(" ({by} = {})", g.name),
                _ => String::new(),
            };
            format!(
                "pls on {}{title} : n = {}, R² = {r2:.4}, {} iterations{}",
                id(o),
                e.fit.n,
                e.fit.iterations,
                if e.fit.converged {
                    ""
                } else {
                    " (not converged)"
                }
            )
        }
        (Lang::Zh, by) => {
            let title = match by {
                Some(by) if g.name != ALL => format!("（{by} = {}）", g.name),
                _ => String::new(),
            };
            format!(
                "PLS：{}{title}：n = {}，R² = {r2:.4}，迭代 {} 次{}",
                id(o),
                e.fit.n,
                e.fit.iterations,
                if e.fit.converged {
                    ""
                } else {
                    "（未收敛）"
                }
            )
        }
    };
    let _ = writeln!(out, "{heading}");
    let kind = e.intervals.as_ref().map(|iv| iv.kind);
    // The interval column only when a bootstrap made intervals (no empty "95% CI").
    let ci_column = |text: &str| match kind {
        Some(_) => format!("  {}", right(text, 21)),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "\n{}\n{}  {}  {}{}",
        t(lang, "路径", "paths"),
        left(t(lang, "自", "from"), w),
        left(t(lang, "至", "to"), w),
        right(t(lang, "系数", "coef"), 8),
        ci_column(kind.map(|k| ci_title_in(k, lang)).unwrap_or_default())
    );
    for (i, p) in e.fit.paths.iter().enumerate() {
        let interval = ci_text(
            e.intervals.as_ref().and_then(|iv| iv.paths.get(i)).copied(),
            4,
            false,
        );
        let _ = writeln!(
            out,
            "{}  {}  {:>8.4}{}",
            left(id(p.from), w),
            left(id(p.to), w),
            p.coef,
            ci_column(&interval)
        );
    }
    let construct = t(lang, "构念", "construct");
    let adj = t(lang, "调整 R²", "adj R²");
    let _ = writeln!(
        out,
        "\n{}\n{}  {:>7}  {}  {:>6}  {:>6}  {:>6}  {:>6}",
        t(lang, "构念", "constructs"),
        left(construct, w),
        "R²",
        right(adj, 7),
        "alpha",
        "rho_c",
        "rho_A",
        "AVE"
    );
    for rel in &e.reliability {
        let (r2, adj) = e.fit.r2[rel.construct].map_or((String::new(), String::new()), |(a, b)| {
            (format!("{a:.4}"), format!("{b:.4}"))
        });
        let _ = writeln!(
            out,
            "{}  {r2:>7}  {adj:>7}  {:>6.3}  {:>6.3}  {:>6.3}  {:>6.3}",
            left(id(rel.construct), w),
            rel.alpha,
            rel.rho_c,
            rel.rho_a,
            rel.ave
        );
    }
    if let Some(iv) = &e.intervals {
        let heading = match lang {
            Lang::En => format!("constructs, {}", ci_title_in(iv.kind, lang)),
            Lang::Zh => format!("构念，{}", ci_title_in(iv.kind, lang)),
        };
        let _ = writeln!(
            out,
            "\n{heading}\n{}  {:>17}  {}  {:>17}  {:>17}  {:>17}  {:>17}",
            left(construct, w),
            "R²",
            right(adj, 17),
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
                "{}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}",
                left(id(k), w),
                r2(&iv.r2),
                r2(&iv.adj_r2),
                ci_text(iv.alpha.get(k).copied(), 3, false),
                ci_text(iv.rho_c.get(k).copied(), 3, false),
                ci_text(iv.rho_a.get(k).copied(), 3, false),
                ci_text(iv.ave.get(k).copied(), 3, false),
            );
        }
    }
    let htmt_title = kind.map(|k| ci_title_in(k, lang)).unwrap_or_default();
    let _ = writeln!(
        out,
        "\nHTMT\n{}  {}  {}{}",
        left("a", w),
        left("b", w),
        right(t(lang, "值", "value"), 7),
        ci_column(htmt_title)
    );
    for (i, h) in e.htmt.iter().enumerate() {
        let ci = ci_text(
            e.intervals.as_ref().and_then(|iv| iv.htmt.get(i)).copied(),
            3,
            false,
        );
        let _ = writeln!(
            out,
            "{}  {}  {:>7.3}{}",
            left(id(h.a), w),
            left(id(h.b), w),
            h.value,
            ci_column(&ci)
        );
    }
    let _ = writeln!(
        out,
        "\n{}\n{}  {}  {}  {}",
        t(lang, "外部模型", "outer"),
        left(construct, w),
        left(t(lang, "题项", "item"), w),
        right(t(lang, "权重", "weight"), 7),
        right(t(lang, "载荷", "loading"), 7)
    );
    for x in &e.fit.outer {
        let _ = writeln!(
            out,
            "{}  {}  {:>7.4}  {:>7.4}",
            left(id(x.construct), w),
            left(&r.pm.item_names[x.item], w),
            x.weight,
            x.loading
        );
    }
    let iv = e.intervals.as_ref();
    let own = iv
        .and_then(|iv| iv.ipma_performance.get(o))
        .map(|&(lo, hi)| format!(", {lo:.2} – {hi:.2}"))
        .unwrap_or_default();
    let heading = match lang {
        Lang::En => format!(
            "IPMA for {} (performance {:.2}{own})",
            id(o),
            e.outcome_performance
        ),
        Lang::Zh => format!(
            "IPMA：{}（表现 {:.2}{}）",
            id(o),
            e.outcome_performance,
            own.replace(", ", "，")
        ),
    };
    let _ = write!(
        out,
        "\n{heading}\n{}  {}  {}",
        left(construct, w),
        right(t(lang, "重要性", "importance"), 10),
        right(t(lang, "表现", "performance"), 11)
    );
    if let Some(iv) = iv {
        let title = ci_title_in(iv.kind, lang);
        let (importance, performance) = match lang {
            Lang::En => (format!("importance {title}"), "performance CI".to_string()),
            Lang::Zh => (format!("重要性 {title}"), "表现的置信区间".to_string()),
        };
        let _ = write!(
            out,
            "  {}  {}",
            right(&importance, 24),
            right(&performance, 15)
        );
    }
    out.push('\n');
    for p in &e.ipma {
        let k = p.construct;
        let _ = write!(
            out,
            "{}  {:>10.4}  {:>11.2}",
            left(id(k), w),
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
        let _ = writeln!(
            out,
            "{}{}",
            t(lang, "警告：", "warning: "),
            warning.text(lang)
        );
    }
}
