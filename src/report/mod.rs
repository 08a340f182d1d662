//! Pure renderers of an analysis to any `impl Write`: table, JSON, Markdown.
//! One format enum picks the renderer; nothing here touches the filesystem.
//! The same analysis as tables (`sheets`) feeds the `.xlsx` and CSV writers.

mod by_segment;
mod coverage;
pub mod csv_table;
pub mod extra_sheets;
pub mod graph_export;
pub mod grid;
pub mod html;
pub mod importance;
mod json;
mod markdown;
mod notes;
pub mod plan;
pub mod sheets;
mod table;
mod text;
mod waves;
pub mod whatif;
mod words;
pub mod xlsx;

pub use json::{analysis_json, AnalysisJson};
pub use markdown::md_escape;
pub use text::{display_width, pad, table};

use std::io::Write;

use crate::actions::Recommendations;
use crate::analysis::Analysis;
use crate::data::Survey;
use crate::graph::DriverGraph;
use crate::model::{Lang, Model};

/// Output formats of `analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
    Md,
}

/// Everything a report shows.
pub struct Report<'a> {
    pub model: &'a Model,
    pub graph: &'a DriverGraph,
    pub survey: &'a Survey,
    pub analysis: &'a Analysis,
    pub recommendations: &'a Recommendations,
    /// The survey file as the user named it.
    pub data_name: &'a str,
    pub lang: Lang,
}

/// Render `report` in `format`.
pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    let mut text = Vec::new();
    match format {
        Format::Table => table::render(report, &mut text)?,
        Format::Json => {
            // JSON escapes control characters itself; it is for programs, not terminals.
            let value = analysis_json(report);
            serde_json::to_writer_pretty(&mut *out, &value)?;
            return writeln!(out);
        }
        Format::Md => markdown::render(report, &mut text)?,
    }
    // A label or segment value from the survey may hold a terminal escape or a bidi
    // override: shown as `\u{1b}`, never obeyed by the reader's terminal.
    out.write_all(crate::diag::neutralise(&String::from_utf8_lossy(&text)).as_bytes())
}

/// The text of `lang` among a message's two versions: every word a reader sees
/// exists in Chinese and English.
pub(crate) fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A slice's name as a segment cell: "all" in the reader's language, else `column=value`.
pub(crate) fn segment_label(key: &crate::analysis::SliceKey, lang: Lang) -> String {
    if key.is_all() {
        t(lang, "全部", "all").to_string()
    } else {
        key.name()
    }
}

/// The analysis's named waves, in wave order.
pub(crate) fn wave_names(analysis: &Analysis) -> Vec<&str> {
    analysis
        .waves
        .iter()
        .flatten()
        .map(String::as_str)
        .collect()
}

/// Round for output, so tiny floating-point differences never change a byte.
pub(crate) fn round(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    let rounded = (value * factor).round() / factor;
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}
