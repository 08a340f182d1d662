//! The analysis as plain tables (one per section), shared by the `.xlsx` and CSV
//! writers so both show exactly the values of the JSON document: every number is
//! taken from `analysis_json`, already rounded to its 4 decimals.

use super::json::{AnalysisJson, DriverJson};
use crate::model::Lang;

/// A table of the analysis, chosen with `--table` for `--format csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableId {
    /// Run facts: model, data, rows, skipped values, waves, notes.
    Summary,
    /// Every driver's score by segment × wave.
    #[default]
    Scores,
    /// Root causes of the primary outcome's gap.
    Roots,
    /// Ranked actions with their why and evidence.
    Actions,
    /// Importance and effect of each driver on the primary outcome.
    Importance,
    /// Wave-on-wave changes with their tests.
    Changes,
}

impl TableId {
    /// Every table in workbook order.
    pub const ALL: [TableId; 6] = [
        TableId::Summary,
        TableId::Scores,
        TableId::Roots,
        TableId::Actions,
        TableId::Importance,
        TableId::Changes,
    ];

    /// The sheet name in `lang` (at most 31 characters, none of `[]:*?/\`).
    pub fn sheet_name(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            TableId::Summary => ("概览", "Summary"),
            TableId::Scores => ("得分", "Scores"),
            TableId::Roots => ("根因", "Root causes"),
            TableId::Actions => ("行动", "Actions"),
            TableId::Importance => ("重要性", "Importance"),
            TableId::Changes => ("波次变化", "Wave changes"),
        };
        pick(lang, zh, en)
    }
}

/// How a number is shown; the stored value is never rounded further.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// Scores, indices and their intervals: two decimals.
    Score,
    /// Shares of a sample or a gap, 0–1: a percentage.
    Share,
    /// Importance, effects, R², contributions: three decimals.
    Coefficient,
    /// p-values and test statistics: four decimals.
    Precise,
    /// Counts.
    Count,
    /// Costs and other plain amounts.
    Amount,
    /// Anything else: the spreadsheet's general format.
    General,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64, NumberKind),
    Bool(bool),
    Empty,
}

/// A column: a stable key (the JSON field name, CSV header) and headers per language.
#[derive(Debug, Clone)]
pub struct Column {
    pub key: String,
    pub zh: String,
    pub en: String,
    /// Long free text (why, evidence): wrapped in a capped column.
    pub long: bool,
}

impl Column {
    /// The header in `lang`.
    pub fn header(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// One section as a table, named per language (a sheet name has at most 31
/// characters and none of `[]:*?/\`).
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name_zh: String,
    pub name_en: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// An empty sheet of the analysis table `id`.
    fn of(id: TableId, columns: Vec<Column>, rows: Vec<Vec<Cell>>) -> Sheet {
        Sheet {
            name_zh: id.sheet_name(Lang::Zh).to_string(),
            name_en: id.sheet_name(Lang::En).to_string(),
            columns,
            rows,
        }
    }

    /// The sheet's name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.name_zh,
            Lang::En => &self.name_en,
        }
    }
}

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn col(key: &str, zh: &str, en: &str) -> Column {
    Column {
        key: key.to_string(),
        zh: zh.to_string(),
        en: en.to_string(),
        long: false,
    }
}

fn long(key: &str, zh: &str, en: &str) -> Column {
    Column {
        long: true,
        ..col(key, zh, en)
    }
}

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

fn opt_text(value: Option<&str>) -> Cell {
    value.map_or(Cell::Empty, text)
}

fn num(value: f64, kind: NumberKind) -> Cell {
    // Non-finite numbers are not numbers in a spreadsheet: leave the cell empty.
    if value.is_finite() {
        Cell::Number(value, kind)
    } else {
        Cell::Empty
    }
}

fn opt_num(value: Option<f64>, kind: NumberKind) -> Cell {
    value.map_or(Cell::Empty, |v| num(v, kind))
}

fn count(value: u64) -> Cell {
    // Counts of rows stay far below 2^53, where f64 is exact.
    Cell::Number(value as f64, NumberKind::Count)
}

/// The table `id` of the analysis document.
pub fn sheet(doc: &AnalysisJson, id: TableId, lang: Lang) -> Sheet {
    match id {
        TableId::Summary => summary(doc, lang),
        TableId::Scores => scores(doc),
        TableId::Roots => roots(doc),
        TableId::Actions => actions(doc),
        TableId::Importance => importance(doc),
        TableId::Changes => changes(doc),
    }
}

/// Every table, in workbook order.
pub fn sheets(doc: &AnalysisJson, lang: Lang) -> Vec<Sheet> {
    TableId::ALL
        .iter()
        .map(|&id| sheet(doc, id, lang))
        .collect()
}

fn summary(doc: &AnalysisJson, lang: Lang) -> Sheet {
    let mut rows = vec![
        ("model", pick(lang, "模型", "model"), text(&doc.model)),
        ("data", pick(lang, "数据", "data"), text(&doc.data)),
        ("lang", pick(lang, "语言", "language"), text(doc.lang)),
        ("rows", pick(lang, "行数", "rows"), count(doc.rows)),
        (
            "skipped_values",
            pick(lang, "跳过的值", "skipped values"),
            count(doc.skipped_values),
        ),
        (
            "skipped_rows",
            pick(lang, "跳过的行", "skipped rows"),
            count(doc.skipped_rows),
        ),
        (
            "primary_outcome",
            pick(lang, "主结果", "primary outcome"),
            text(&doc.primary_outcome),
        ),
        (
            "importance_method",
            pick(lang, "重要性方法", "importance method"),
            text(doc.importance_method),
        ),
        (
            "waves",
            pick(lang, "波次", "waves"),
            text(doc.waves.join(", ")),
        ),
        (
            "latest_wave",
            pick(lang, "最新波次", "latest wave"),
            opt_text(doc.latest_wave.as_deref()),
        ),
        (
            "uncovered_root_cause",
            pick(lang, "未覆盖的根因", "uncovered root cause"),
            opt_text(doc.uncovered_root_cause.as_deref()),
        ),
    ];
    for (column, skipped) in &doc.skipped_by_column {
        rows.push((
            "skipped_by_column",
            pick(lang, "该列跳过的值", "skipped values in column"),
            text(format!("{column}: {skipped}")),
        ));
    }
    for rule in &doc.silent_rules {
        rows.push((
            "silent_rule",
            pick(lang, "未触发的规则", "silent rule"),
            text(&rule.text),
        ));
    }
    for note in &doc.notes {
        rows.push(("note", pick(lang, "说明", "note"), text(note)));
    }
    Sheet::of(
        TableId::Summary,
        vec![
            col("field", "字段", "field"),
            col("name", "名称", "name"),
            long("value", "值", "value"),
        ],
        rows.into_iter()
            .map(|(key, name, value)| vec![text(key), text(name), value])
            .collect(),
    )
}

/// Each slice's drivers with the slice's segment and wave in front.
fn slice_rows(
    doc: &AnalysisJson,
) -> impl Iterator<Item = (&super::json::SegmentJson, &DriverJson)> {
    doc.segments
        .iter()
        .flat_map(|s| s.drivers.iter().map(move |d| (s, d)))
}

fn scores(doc: &AnalysisJson) -> Sheet {
    use NumberKind::{Coefficient, Count, Score, Share};
    let rows = slice_rows(doc)
        .map(|(s, d)| {
            vec![
                text(&s.segment),
                opt_text(s.wave.as_deref()),
                num(s.share, Share),
                text(&d.id),
                text(&d.label),
                text(d.metric),
                Cell::Bool(d.outcome),
                num(d.score, Score),
                num(d.index, Score),
                count(d.n),
                num(d.n_eff, Count),
                num(d.ci_low, Score),
                num(d.ci_high, Score),
                opt_num(d.target, Score),
                num(d.gap, Score),
                opt_num(d.trend, Coefficient),
            ]
        })
        .collect();
    Sheet::of(
        TableId::Scores,
        vec![
            col("segment", "细分", "segment"),
            col("wave", "波次", "wave"),
            col("segment_share", "样本占比", "sample share"),
            col("id", "指标", "id"),
            col("label", "名称", "label"),
            col("metric", "度量", "metric"),
            col("outcome", "结果变量", "outcome"),
            col("score", "得分", "score"),
            col("index", "指数", "index"),
            col("n", "样本量", "n"),
            col("n_eff", "有效样本量", "effective n"),
            col("ci_low", "置信下限", "CI low"),
            col("ci_high", "置信上限", "CI high"),
            col("target", "目标", "target"),
            col("gap", "差距", "gap"),
            col("trend", "趋势", "trend"),
        ],
        rows,
    )
}

fn importance(doc: &AnalysisJson) -> Sheet {
    use NumberKind::Coefficient;
    let rows = slice_rows(doc)
        .filter(|(_, d)| d.id != doc.primary_outcome)
        .map(|(s, d)| {
            vec![
                text(&s.segment),
                opt_text(s.wave.as_deref()),
                text(&d.id),
                text(&d.label),
                num(d.importance, Coefficient),
                num(d.effect, Coefficient),
                opt_num(d.r2, Coefficient),
                opt_text(d.quadrant),
            ]
        })
        .collect();
    Sheet::of(
        TableId::Importance,
        vec![
            col("segment", "细分", "segment"),
            col("wave", "波次", "wave"),
            col("id", "指标", "id"),
            col("label", "名称", "label"),
            col("importance", "重要性", "importance"),
            col("effect", "效应", "effect"),
            col("r2", "R²", "R²"),
            col("quadrant", "象限", "quadrant"),
        ],
        rows,
    )
}

fn roots(doc: &AnalysisJson) -> Sheet {
    use NumberKind::{Coefficient, Share};
    let rows = doc
        .root_causes
        .iter()
        .map(|r| {
            vec![
                text(&r.segment),
                opt_text(r.wave.as_deref()),
                text(&r.outcome),
                text(&r.driver),
                num(r.contribution, Coefficient),
                num(r.share, Share),
                Cell::Bool(r.meets_target),
                text(r.path.join(" → ")),
            ]
        })
        .collect();
    Sheet::of(
        TableId::Roots,
        vec![
            col("segment", "细分", "segment"),
            col("wave", "波次", "wave"),
            col("outcome", "结果", "outcome"),
            col("driver", "驱动因素", "driver"),
            col(
                "contribution",
                "贡献(指数点)",
                "contribution (index points)",
            ),
            col("share", "占差距比例", "share of gap"),
            col("meets_target", "单独可达标", "meets target alone"),
            col("path", "路径", "path"),
        ],
        rows,
    )
}

fn actions(doc: &AnalysisJson) -> Sheet {
    use NumberKind::{Amount, Coefficient, Count, Score, Share};
    let rows = doc
        .actions
        .iter()
        .map(|a| {
            let rank = a.rank as f64;
            vec![
                num(rank, Count),
                text(&a.title),
                text(&a.action),
                text(&a.driver),
                text(&a.segment),
                text(a.segments.join("; ")),
                num(a.share, Share),
                num(a.uplift, Score),
                num(a.cost, Amount),
                num(a.priority, Coefficient),
                num(a.delta, Score),
                opt_num(a.duration, Amount),
                text(&a.rule),
                text(&a.why),
                opt_text(a.rule_why.as_deref()),
                text(&a.evidence),
            ]
        })
        .collect();
    Sheet::of(
        TableId::Actions,
        vec![
            col("rank", "排名", "rank"),
            col("title", "行动", "title"),
            long("action", "做法", "action"),
            col("driver", "驱动因素", "driver"),
            col("segment", "细分", "segment"),
            col("segments", "适用细分", "segments"),
            col("share", "覆盖样本", "share"),
            col("uplift", "预计提升", "uplift"),
            col("cost", "成本", "cost"),
            col("priority", "优先级", "priority"),
            col("delta", "改善幅度", "delta"),
            col("duration", "周期", "duration"),
            col("rule", "规则", "rule"),
            long("why", "原因", "why"),
            long("rule_why", "规则说明", "rule's why"),
            long("evidence", "依据", "evidence"),
        ],
        rows,
    )
}

fn changes(doc: &AnalysisJson) -> Sheet {
    use NumberKind::{Precise, Score};
    let rows = doc
        .waves_change
        .iter()
        .map(|c| {
            vec![
                text(&c.segment),
                text(&c.previous_wave),
                text(&c.wave),
                text(&c.id),
                num(c.change, Score),
                num(c.index_change, Score),
                text(c.test),
                opt_num(c.statistic, Precise),
                opt_num(c.df, Precise),
                num(c.p_value, Precise),
                Cell::Bool(c.significant),
                opt_num(c.target, Score),
                opt_num(c.gap, Score),
                opt_text(c.due.as_deref()),
                opt_text(c.progress),
            ]
        })
        .collect();
    Sheet::of(
        TableId::Changes,
        vec![
            col("segment", "细分", "segment"),
            col("previous_wave", "上一波次", "previous wave"),
            col("wave", "波次", "wave"),
            col("id", "指标", "id"),
            col("change", "变化", "change"),
            col("index_change", "指数变化", "index change"),
            col("test", "检验", "test"),
            col("statistic", "统计量", "statistic"),
            col("df", "自由度", "df"),
            col("p_value", "p 值", "p-value"),
            col("significant", "显著", "significant"),
            col("target", "目标", "target"),
            col("gap", "差距", "gap"),
            col("due", "截止日期", "due"),
            col("progress", "进度", "progress"),
        ],
        rows,
    )
}

/// A sheet of flat JSON records (the what-if and plan sections, whose JSON
/// documents are their single source): the `first` keys, then every other key in
/// sorted order, each headed by the key in both languages; numbers stay numbers, a
/// nested value becomes its JSON text.
pub fn from_records(
    name_zh: &str,
    name_en: &str,
    first: &[&str],
    records: &[serde_json::Map<String, serde_json::Value>],
) -> Sheet {
    use serde_json::Value;
    let mut keys: Vec<&str> = first.to_vec();
    for record in records {
        for key in record.keys() {
            if !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
    }
    let rows = records
        .iter()
        .map(|record| {
            keys.iter()
                .map(|key| match record.get(*key) {
                    None | Some(Value::Null) => Cell::Empty,
                    Some(Value::Bool(b)) => Cell::Bool(*b),
                    Some(Value::Number(n)) => n.as_f64().map_or(Cell::Empty, |v| {
                        let kind = if n.is_f64() {
                            NumberKind::General
                        } else {
                            NumberKind::Count
                        };
                        num(v, kind)
                    }),
                    Some(Value::String(s)) => text(s),
                    Some(nested) => {
                        let shown = flat(nested);
                        if shown.is_empty() {
                            Cell::Empty
                        } else {
                            text(shown)
                        }
                    }
                })
                .collect()
        })
        .collect();
    Sheet {
        name_zh: name_zh.to_string(),
        name_en: name_en.to_string(),
        columns: keys.iter().map(|k| col(k, k, k)).collect(),
        rows,
    }
}

/// A nested JSON value in one cell: a list as `a; b`, an object as `k=v, k=v`
/// (the form of a `whatif` filter), empty when it has nothing.
fn flat(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(flat).collect::<Vec<_>>().join("; "),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{k}={}", flat(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
