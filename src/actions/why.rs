//! The "why" of an action in words, with the numbers that made it fire and the
//! path it acts through.

use super::Action;
use crate::model::{Lang, Model};

/// Why an action helps: the rule's own `why:` (in words a manager understands),
/// then the evidence that made it fire ([`evidence_text`]).
pub fn why_text(model: &Model, primary: usize, action: &Action, lang: Lang) -> String {
    let evidence = evidence_text(model, primary, action, lang);
    match rule_why(action, lang) {
        None => evidence,
        Some(why) => match lang {
            Lang::Zh => format!("{why}。依据：{evidence}"),
            Lang::En => format!("{why}. Evidence: {evidence}"),
        },
    }
}

/// The rule's `why:` in `lang`, without closing punctuation; `None` without one.
pub fn rule_why(action: &Action, lang: Lang) -> Option<String> {
    let text = action.why.as_ref()?.text(lang, "");
    let text = text.trim().trim_end_matches(['.', '。', '；', ';']).trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// The slices an action is for, as a reader sees them: `all` (全部), or the
/// slices' names joined.
pub fn segments_label(action: &Action, lang: Lang) -> String {
    if action.segment.is_all() || action.segments.iter().any(|k| k.is_all()) {
        return match lang {
            Lang::Zh => "全部".to_string(),
            Lang::En => "all".to_string(),
        };
    }
    if action.segments.is_empty() {
        return action.segment.name();
    }
    let names: Vec<String> = action.segments.iter().map(|k| k.name()).collect();
    names.join(", ")
}

/// One sentence (two in Chinese style) with the numbers that made an action fire.
pub fn evidence_text(model: &Model, primary: usize, action: &Action, lang: Lang) -> String {
    let driver = &model.nodes[action.driver];
    let outcome = &model.nodes[primary];
    let name = driver.label.text(lang, &driver.id);
    let outcome_name = outcome.label.text(lang, &outcome.id);
    let e = &action.evidence;
    let path: Vec<&str> = e
        .path
        .iter()
        .map(|&i| model.nodes[i].label.text(lang, &model.nodes[i].id))
        .collect();
    let path = path.join(" → ");
    let segment = if action.segment.is_all() {
        String::new()
    } else {
        let names: Vec<String> = action.segments.iter().map(|k| k.name()).collect();
        let names = if names.is_empty() {
            action.segment.name()
        } else {
            names.join(", ")
        };
        match lang {
            Lang::Zh => format!("（仅限 {names}，占样本 {:.0}%）", action.share * 100.0),
            Lang::En => format!(
                " (only {names}, {:.0}% of the sample)",
                action.share * 100.0
            ),
        }
    };
    match lang {
        Lang::Zh => {
            let standing = match e.target {
                Some(t) if e.gap > 0.0 => format!(
                    "{name}得分 {:.2}，低于目标 {t:.2}（差距 {:.2}）",
                    e.score, e.gap
                ),
                Some(t) => format!("{name}得分 {:.2}，已达到目标 {t:.2}", e.score),
                None => format!("{name}得分 {:.2}", e.score),
            };
            format!(
                "{standing}；对{outcome_name}的总效应 {:.3}（标准化 {:.2}），路径 {path}；条件 `{}` 成立。预计{outcome_name}提升 {:.2} 个指数点，成本 {}{segment}。",
                e.effect,
                e.importance,
                e.when,
                action.uplift,
                format_number(action.cost)
            )
        }
        Lang::En => {
            let standing = match e.target {
                Some(t) if e.gap > 0.0 => format!(
                    "{name} scores {:.2}, {:.2} below its target {t:.2}",
                    e.score, e.gap
                ),
                Some(t) => format!(
                    "{name} scores {:.2}, at or above its target {t:.2}",
                    e.score
                ),
                None => format!("{name} scores {:.2}", e.score),
            };
            format!(
                "{standing}; total effect on {outcome_name} {:.3} per index point (standardized {:.2}) via {path}; `{}` holds. Expected +{:.2} index points of {outcome_name} for a cost of {}{segment}.",
                e.effect,
                e.importance,
                e.when,
                action.uplift,
                format_number(action.cost)
            )
        }
    }
}

/// `3` rather than `3.0`; other numbers with up to two decimals.
pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}
