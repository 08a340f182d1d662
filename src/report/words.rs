//! Words and numbers every renderer shares: a score in its unit, a slice's title,
//! the quadrant names. Kept apart from the table renderer so the other renderers
//! (waves, segments, coverage, Markdown, HTML) depend on these, not on the table.

use crate::analysis::{Quadrant, SliceResult};
use crate::model::{Lang, Metric, Model};

pub(crate) use super::{segment_label, t};

/// A score in its unit: two decimals on an item scale, one for NPS and %.
pub(crate) fn format_score(model: &Model, node: usize, value: f64) -> String {
    match model.nodes[node].metric {
        Metric::Mean => format!("{value:.2}"),
        Metric::Nps => format!("{value:+.1}"),
        Metric::Rate | Metric::Top2box => format!("{value:.1}%"),
    }
}

pub(crate) fn wave_title(slice: &SliceResult, lang: Lang) -> String {
    let name = segment_label(&slice.key, lang);
    match &slice.wave {
        Some(w) => format!("{name}, {w}"),
        None => name,
    }
}

/// Martilla & James quadrant names as a quality manager reads them.
pub(crate) fn quadrant_label(quadrant: Option<Quadrant>, lang: Lang) -> String {
    let Some(quadrant) = quadrant else {
        return String::new();
    };
    match lang {
        Lang::Zh => match quadrant {
            Quadrant::Concentrate => "重点改进",
            Quadrant::KeepUp => "继续保持",
            Quadrant::LowPriority => "低优先",
            Quadrant::Overkill => "可能过度",
        }
        .to_string(),
        Lang::En => quadrant.as_str().replace('_', " "),
    }
}
