//! Why a model could not be loaded: one kind per mistake, each with its fields, its
//! `check` code and its text in English and Chinese. Codes come from kinds, never
//! from matching message text.

use super::Lang;
use crate::diag::{did_you_mean_in, help_line, human_number, Code, Loc, Localized};
use crate::yaml::YamlError;

/// Why a model could not be loaded. Every variant carries where it happened.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error("{loc}: {}{}", .kind.message(Lang::En), help_line(Lang::En, &.kind.help(Lang::En)))]
    /// Boxed: every `Result` carrying a model error stays small.
    Invalid { loc: Loc, kind: Box<ModelErrorKind> },
}

impl ModelError {
    pub(crate) fn invalid(loc: Loc, kind: ModelErrorKind) -> Self {
        ModelError::Invalid {
            loc,
            kind: Box::new(kind),
        }
    }

    /// Where the error is.
    pub fn loc(&self) -> &Loc {
        match self {
            ModelError::Yaml(e) => e.loc(),
            ModelError::Invalid { loc, .. } => loc,
        }
    }
}

impl Localized for ModelError {
    fn message(&self, lang: Lang) -> String {
        match self {
            ModelError::Yaml(e) => e.message(lang),
            ModelError::Invalid { loc, kind } => {
                format!(
                    "{loc}: {}{}",
                    kind.message(lang),
                    help_line(lang, &kind.help(lang))
                )
            }
        }
    }
}

/// What the unit of a target is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetUnit {
    /// A mean: the driver's own scale.
    Scale,
    /// NPS points, −100 to 100.
    Nps,
    /// A rate or top-2-box share in %.
    Percent,
}

/// What is wrong in a model, with what the message needs to name it.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelErrorKind {
    NoDrivers,
    NoOutcome,
    DuplicateId {
        id: String,
        first: Loc,
    },
    NotIdentifier {
        id: String,
    },
    UnknownInput {
        node: String,
        input: String,
        suggestion: Option<String>,
    },
    SelfInput {
        node: String,
    },
    ItemTwice {
        node: String,
        item: String,
    },
    ItemShared {
        item: String,
        owner: String,
        node: String,
    },
    UnknownReverse {
        node: String,
        item: String,
        suggestion: Option<String>,
    },
    NoItemsNorInputs {
        node: String,
    },
    NoItemsUndeclared {
        node: String,
    },
    ReliabilityRange {
        node: String,
        value: f64,
    },
    ReliabilityWithoutItems {
        node: String,
    },
    PrimaryNotOutcome {
        name: String,
        suggestion: Option<String>,
    },
    ColumnIsItem {
        column: String,
        owner: String,
    },
    CrossedTooSmall {
        found: usize,
    },
    CrossedSelf {
        column: String,
    },
    CrossedUnknown {
        column: String,
        suggestion: Option<String>,
        segments: Vec<String>,
    },
    HeaderRowZero,
    ScaleEmpty {
        min: f64,
        max: f64,
    },
    ScaleTooWide {
        min: f64,
        max: f64,
    },
    MetricItems {
        node: String,
        metric: &'static str,
        items: usize,
    },
    NpsScale {
        node: String,
        min: f64,
        max: f64,
    },
    UnknownMethod {
        method: String,
        suggestion: Option<String>,
        methods: Vec<&'static str>,
    },
    WeightNotInput {
        node: String,
        input: String,
        suggestion: Option<String>,
        is_node: bool,
    },
    WeightNotNumber {
        input: String,
    },
    WeightsMissInput {
        node: String,
        input: String,
    },
    TargetOutside {
        node: String,
        value: f64,
        low: f64,
        high: f64,
        unit: TargetUnit,
    },
    NotADate {
        text: String,
    },
}

impl ModelErrorKind {
    /// The stable `check` code of this kind of mistake.
    pub fn code(&self) -> Code {
        use ModelErrorKind as K;
        match self {
            K::DuplicateId { .. } => Code::DuplicateId,
            K::UnknownInput { .. }
            | K::UnknownReverse { .. }
            | K::PrimaryNotOutcome { .. }
            | K::UnknownMethod { .. } => Code::UnknownReference,
            K::SelfInput { .. } => Code::Cycle,
            K::ItemTwice { .. } | K::ItemShared { .. } => Code::ItemTwice,
            K::TargetOutside { .. } => Code::TargetOutsideScale,
            K::NoDrivers
            | K::NoOutcome
            | K::NotIdentifier { .. }
            | K::NoItemsNorInputs { .. }
            | K::NoItemsUndeclared { .. }
            | K::ReliabilityRange { .. }
            | K::ReliabilityWithoutItems { .. }
            | K::ColumnIsItem { .. }
            | K::CrossedTooSmall { .. }
            | K::CrossedSelf { .. }
            | K::CrossedUnknown { .. }
            | K::HeaderRowZero
            | K::ScaleEmpty { .. }
            | K::ScaleTooWide { .. }
            | K::MetricItems { .. }
            | K::NpsScale { .. }
            | K::WeightNotInput { .. }
            | K::WeightNotNumber { .. }
            | K::WeightsMissInput { .. }
            | K::NotADate { .. } => Code::InvalidValue,
        }
    }

    /// What is wrong, without location or help. No wildcard arm: a new kind does
    /// not compile until it has both texts.
    pub fn message(&self, lang: Lang) -> String {
        use ModelErrorKind as K;
        let en = lang == Lang::En;
        match self {
            K::NoDrivers if en => "the model has no drivers".into(),
            K::NoDrivers => "模型中没有任何驱动因素".into(),
            K::NoOutcome if en => "the model has no outcome".into(),
            K::NoOutcome => "模型中没有结果指标".into(),
            K::DuplicateId { id, .. } if en => format!("duplicate driver id `{id}`"),
            K::DuplicateId { id, .. } => format!("驱动因素 id `{id}` 重复"),
            K::NotIdentifier { id } if en => format!("driver id `{id}` is not an identifier"),
            K::NotIdentifier { id } => format!("驱动因素 id `{id}` 不是合法的标识符"),
            K::UnknownInput { node, input, .. } if en => {
                format!("`{node}` names unknown input `{input}`")
            }
            K::UnknownInput { node, input, .. } => {
                format!("`{node}` 的输入 `{input}` 不存在")
            }
            K::SelfInput { node } if en => format!("`{node}` lists itself as an input"),
            K::SelfInput { node } => format!("`{node}` 把自己列为输入"),
            K::ItemTwice { node, item } if en => {
                format!("item `{item}` is listed twice under `{node}`")
            }
            K::ItemTwice { node, item } => format!("题目 `{item}` 在 `{node}` 下列出了两次"),
            K::ItemShared { item, owner, node } if en => {
                format!("item `{item}` is used by both `{owner}` and `{node}`")
            }
            K::ItemShared { item, owner, node } => {
                format!("题目 `{item}` 同时属于 `{owner}` 和 `{node}`")
            }
            K::UnknownReverse { node, item, .. } if en => {
                format!("reverse item `{item}` is not one of `{node}`'s items")
            }
            K::UnknownReverse { node, item, .. } => {
                format!("反向计分题 `{item}` 不在 `{node}` 的题目之中")
            }
            K::NoItemsNorInputs { node } if en => {
                format!("`{node}` has neither `items` nor `inputs`")
            }
            K::NoItemsNorInputs { node } => format!("`{node}` 既没有 `items` 也没有 `inputs`"),
            K::NoItemsUndeclared { node } if en => {
                format!("`{node}` has no items, so its effects cannot be estimated from data")
            }
            K::NoItemsUndeclared { node } => {
                format!("`{node}` 没有题目，无法从数据中估计它的效应")
            }
            K::ReliabilityRange { node, value } if en => {
                format!("`{node}` has reliability {value}, outside 0 < r ≤ 1")
            }
            K::ReliabilityRange { node, value } => {
                format!("`{node}` 的信度为 {value}，不在 0 < r ≤ 1 之内")
            }
            K::ReliabilityWithoutItems { node } if en => {
                format!("`{node}` declares a reliability but has no items")
            }
            K::ReliabilityWithoutItems { node } => {
                format!("`{node}` 声明了信度，却没有题目")
            }
            K::PrimaryNotOutcome { name, .. } if en => {
                format!("`primary_outcome` names `{name}`, which is not an outcome")
            }
            K::PrimaryNotOutcome { name, .. } => {
                format!("`primary_outcome` 指定的 `{name}` 不是结果指标")
            }
            K::ColumnIsItem { column, owner } if en => {
                format!("column `{column}` is an item of `{owner}`")
            }
            K::ColumnIsItem { column, owner } => format!("列 `{column}` 已是 `{owner}` 的题目"),
            K::CrossedTooSmall { found } if en => {
                format!("a crossed group needs two or more segment columns, found {found}")
            }
            K::CrossedTooSmall { found } => {
                format!("交叉分组至少需要两个细分列，这里只有 {found} 个")
            }
            K::CrossedSelf { column } if en => format!("column `{column}` is crossed with itself"),
            K::CrossedSelf { column } => format!("列 `{column}` 与自身交叉"),
            K::CrossedUnknown { column, .. } if en => {
                format!("crossed column `{column}` is not a segment column")
            }
            K::CrossedUnknown { column, .. } => format!("交叉列 `{column}` 不是细分列"),
            K::HeaderRowZero if en => "`header_row: 0` names no row".into(),
            K::HeaderRowZero => "`header_row: 0` 不对应任何行".into(),
            K::ScaleEmpty { min, max } if en => format!(
                "scale {{min: {}, max: {}}} is empty",
                human_number(*min),
                human_number(*max)
            ),
            K::ScaleEmpty { min, max } => format!(
                "量表 {{min: {}, max: {}}} 为空",
                human_number(*min),
                human_number(*max)
            ),
            K::ScaleTooWide { min, max } if en => format!(
                "scale {{min: {}, max: {}}} is too wide",
                human_number(*min),
                human_number(*max)
            ),
            K::ScaleTooWide { min, max } => format!(
                "量表 {{min: {}, max: {}}} 范围过大",
                human_number(*min),
                human_number(*max)
            ),
            K::MetricItems {
                node,
                metric,
                items,
            } if en => {
                format!("`{node}` uses metric `{metric}` but has {items} items")
            }
            K::MetricItems {
                node,
                metric,
                items,
            } => {
                format!("`{node}` 使用指标 `{metric}`，却有 {items} 个题目")
            }
            K::NpsScale { node, min, max } if en => {
                format!("`{node}` uses metric `nps` on a {min}–{max} scale")
            }
            K::NpsScale { node, min, max } => {
                format!("`{node}` 在 {min}–{max} 的量表上使用指标 `nps`")
            }
            K::UnknownMethod { method, .. } if en => format!("unknown method `{method}`"),
            K::UnknownMethod { method, .. } => format!("未知的方法 `{method}`"),
            K::WeightNotInput { node, input, .. } if en => {
                format!("weight for `{input}`, which is not an input of `{node}`")
            }
            K::WeightNotInput { node, input, .. } => {
                format!("为 `{input}` 声明了权重，但它不是 `{node}` 的输入")
            }
            K::WeightNotNumber { input } if en => format!("weight for `{input}` is not a number"),
            K::WeightNotNumber { input } => format!("`{input}` 的权重不是数字"),
            K::WeightsMissInput { node, input } if en => {
                format!("declared weights of `{node}` miss input `{input}`")
            }
            K::WeightsMissInput { node, input } => {
                format!("`{node}` 声明的权重缺少输入 `{input}`")
            }
            K::TargetOutside {
                node,
                value,
                low,
                high,
                unit,
            } if en => {
                let unit = match unit {
                    TargetUnit::Scale => "the driver's scale",
                    TargetUnit::Nps => "the NPS range",
                    TargetUnit::Percent => "a percentage",
                };
                format!("target {value} of `{node}` is outside {unit} ({low}–{high})")
            }
            K::TargetOutside {
                node,
                value,
                low,
                high,
                unit,
            } => {
                let unit = match unit {
                    TargetUnit::Scale => "该驱动因素的量表",
                    TargetUnit::Nps => "NPS 的取值范围",
                    TargetUnit::Percent => "百分比的范围",
                };
                format!("`{node}` 的目标 {value} 超出了{unit}（{low}–{high}）")
            }
            K::NotADate { text } if en => format!("`{text}` is not a date"),
            K::NotADate { text } => format!("`{text}` 不是日期"),
        }
    }

    /// How to fix it, or an empty string.
    pub fn help(&self, lang: Lang) -> String {
        use ModelErrorKind as K;
        let en = lang == Lang::En;
        let pick = |e: &str, z: &str| if en { e.to_string() } else { z.to_string() };
        match self {
            K::NoDrivers => pick(
                "add a `drivers:` list with at least one driver and one outcome",
                "添加 `drivers:` 列表，至少包含一个驱动因素和一个结果指标",
            ),
            K::NoOutcome => pick(
                "mark at least one node with `outcome: true` (e.g. satisfaction)",
                "至少给一个节点加上 `outcome: true`（例如 satisfaction）",
            ),
            K::DuplicateId { id, first } if en => {
                format!("`{id}` is already defined at {first}; ids must be unique")
            }
            K::DuplicateId { id, first } => format!("`{id}` 已在 {first} 定义过；id 必须唯一"),
            K::NotIdentifier { .. } => pick(
                "use letters, digits and `_`, starting with a letter (rules refer to ids by name); put display text in `label`",
                "只用字母、数字和 `_`，并以字母开头（规则按 id 引用驱动因素）；显示用的文字请写在 `label` 里",
            ),
            K::UnknownInput { suggestion, .. }
            | K::UnknownReverse { suggestion, .. } => did_you_mean_in(lang, suggestion.as_deref()),
            K::SelfInput { .. } => pick(
                "a driver cannot feed itself; remove it from `inputs`",
                "驱动因素不能作为自己的输入；请把它从 `inputs` 中删除",
            ),
            K::ItemTwice { .. } => pick("list each survey column once", "每个问卷列只列一次"),
            K::ItemShared { .. } => pick(
                "each survey column belongs to one driver",
                "每个问卷列只能属于一个驱动因素",
            ),
            K::NoItemsNorInputs { .. } => pick(
                "give it the survey columns that measure it, or the drivers that feed it",
                "给出测量它的问卷列，或影响它的驱动因素",
            ),
            K::NoItemsUndeclared { .. } => pick(
                "declare its input weights (`weights: {input: 0.4, …}`) or give it items",
                "声明各输入的权重（`weights: {input: 0.4, …}`），或给它题目",
            ),
            K::ReliabilityRange { .. } => pick(
                "give the share of the node's variance that is true score, e.g. `reliability: 0.8`",
                "填写该节点方差中真分数所占的比例，例如 `reliability: 0.8`",
            ),
            K::ReliabilityWithoutItems { .. } => pick(
                "reliability belongs to measured nodes; remove it from a composite node",
                "信度只适用于有题目测量的节点；请从组合节点中删除它",
            ),
            K::PrimaryNotOutcome { suggestion: Some(s), .. } => did_you_mean_in(lang, Some(s)),
            K::PrimaryNotOutcome { suggestion: None, .. } => pick(
                "mark the node with `outcome: true`",
                "给该节点加上 `outcome: true`",
            ),
            K::ColumnIsItem { .. } => pick(
                "segment, wave, weight and respondent id columns cannot also be survey items",
                "细分列、波次列、权重列和受访者 id 列不能同时作为问卷题目",
            ),
            K::CrossedTooSmall { .. } => pick(
                "write e.g. `crossed: [[channel, region]]`",
                "例如写成 `crossed: [[channel, region]]`",
            ),
            K::CrossedSelf { .. } => pick(
                "name each segment column once per crossed group",
                "每个交叉分组中，每个细分列只写一次",
            ),
            K::CrossedUnknown { suggestion: Some(name), .. } if en => {
                format!("did you mean `{name}`? crossed columns must be listed under `segments:`")
            }
            K::CrossedUnknown { suggestion: Some(name), .. } => {
                format!("是不是 `{name}`？交叉列必须先列在 `segments:` 下")
            }
            K::CrossedUnknown { suggestion: None, segments, .. } => {
                let list = if segments.is_empty() {
                    if en { "none".to_string() } else { "无".to_string() }
                } else {
                    segments.join(", ")
                };
                if en {
                    format!("crossed columns must be listed under `segments:` (segments: {list})")
                } else {
                    format!("交叉列必须先列在 `segments:` 下（现有细分列：{list}）")
                }
            }
            K::HeaderRowZero => pick(
                "sheet rows count from 1, as in Excel; remove `header_row:` to detect it",
                "工作表的行号与 Excel 一样从 1 开始；删除 `header_row:` 可自动识别表头",
            ),
            K::ScaleEmpty { .. } => pick(
                "`min` must be below `max`, e.g. `{min: 1, max: 5}`",
                "`min` 必须小于 `max`，例如 `{min: 1, max: 5}`",
            ),
            K::ScaleTooWide { .. } => pick(
                "scale ends must lie within ±1e9 (answer codes, points or amounts); rescale the item",
                "量表两端必须在 ±1e9 之内（答案编码、分数或金额）；请调整该题的刻度",
            ),
            K::MetricItems { .. } => pick(
                "NPS and rates are computed from exactly one survey column",
                "NPS 和比率只能由恰好一个问卷列计算",
            ),
            K::NpsScale { .. } => pick(
                "NPS needs a 0–10 likelihood-to-recommend item: `scale: {min: 0, max: 10}`",
                "NPS 需要一道 0–10 分的推荐意愿题：`scale: {min: 0, max: 10}`",
            ),
            K::UnknownMethod { suggestion: Some(s), .. } => did_you_mean_in(lang, Some(s)),
            K::UnknownMethod { suggestion: None, methods, .. } if en => {
                format!("use one of {}", methods.join(", "))
            }
            K::UnknownMethod { suggestion: None, methods, .. } => {
                format!("可用的方法：{}", methods.join(", "))
            }
            K::WeightNotInput { suggestion: Some(s), .. } => did_you_mean_in(lang, Some(s)),
            K::WeightNotInput { input, is_node: true, .. } if en => {
                format!("add `{input}` to `inputs` first")
            }
            K::WeightNotInput { input, is_node: true, .. } => {
                format!("先把 `{input}` 加到 `inputs` 中")
            }
            K::WeightNotInput { .. } | K::WeightNotNumber { .. } => String::new(),
            K::WeightsMissInput { .. } => pick(
                "declare a weight for every input, or use `weights: {method: ols}`",
                "为每个输入都声明权重，或改用 `weights: {method: ols}`",
            ),
            K::TargetOutside { .. } => pick(
                "targets are in the node's own unit: scale points for means, points for NPS, % for rates",
                "目标使用节点自身的单位：均值用量表分，NPS 用分值，比率用 %",
            ),
            K::NotADate { .. } => pick(
                "write due dates as YYYY-MM-DD, e.g. 2027-06-30",
                "截止日期请写成 YYYY-MM-DD，例如 2027-06-30",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One example of every kind. `name` has no wildcard: a new kind does not
    /// compile until it is listed here, and then it must have Chinese text.
    fn examples() -> Vec<ModelErrorKind> {
        use ModelErrorKind as K;
        let s = |t: &str| t.to_string();
        vec![
            K::NoDrivers,
            K::NoOutcome,
            K::DuplicateId {
                id: s("a"),
                first: Loc::new("m.yaml", 2, 9),
            },
            K::NotIdentifier { id: s("a b") },
            K::UnknownInput {
                node: s("a"),
                input: s("b"),
                suggestion: Some(s("c")),
            },
            K::UnknownInput {
                node: s("a"),
                input: s("b"),
                suggestion: None,
            },
            K::SelfInput { node: s("a") },
            K::ItemTwice {
                node: s("a"),
                item: s("q1"),
            },
            K::ItemShared {
                item: s("q1"),
                owner: s("a"),
                node: s("b"),
            },
            K::UnknownReverse {
                node: s("a"),
                item: s("q9"),
                suggestion: Some(s("q1")),
            },
            K::NoItemsNorInputs { node: s("a") },
            K::NoItemsUndeclared { node: s("a") },
            K::ReliabilityRange {
                node: s("a"),
                value: 1.5,
            },
            K::ReliabilityWithoutItems { node: s("a") },
            K::PrimaryNotOutcome {
                name: s("sat"),
                suggestion: None,
            },
            K::PrimaryNotOutcome {
                name: s("sat"),
                suggestion: Some(s("sat1")),
            },
            K::ColumnIsItem {
                column: s("q1"),
                owner: s("a"),
            },
            K::CrossedTooSmall { found: 1 },
            K::CrossedSelf {
                column: s("region"),
            },
            K::CrossedUnknown {
                column: s("regin"),
                suggestion: Some(s("region")),
                segments: vec![],
            },
            K::CrossedUnknown {
                column: s("x"),
                suggestion: None,
                segments: vec![],
            },
            K::HeaderRowZero,
            K::ScaleEmpty { min: 5.0, max: 1.0 },
            K::ScaleTooWide {
                min: 1.0,
                max: 1e308,
            },
            K::MetricItems {
                node: s("nps"),
                metric: "nps",
                items: 2,
            },
            K::NpsScale {
                node: s("nps"),
                min: 1.0,
                max: 5.0,
            },
            K::UnknownMethod {
                method: s("olss"),
                suggestion: Some(s("ols")),
                methods: vec!["ols"],
            },
            K::UnknownMethod {
                method: s("x"),
                suggestion: None,
                methods: vec!["ols", "lmg"],
            },
            K::WeightNotInput {
                node: s("a"),
                input: s("b"),
                suggestion: None,
                is_node: true,
            },
            K::WeightNotNumber { input: s("b") },
            K::WeightsMissInput {
                node: s("a"),
                input: s("b"),
            },
            K::TargetOutside {
                node: s("a"),
                value: 9.0,
                low: 1.0,
                high: 5.0,
                unit: TargetUnit::Scale,
            },
            K::TargetOutside {
                node: s("n"),
                value: 200.0,
                low: -100.0,
                high: 100.0,
                unit: TargetUnit::Nps,
            },
            K::TargetOutside {
                node: s("r"),
                value: 120.0,
                low: 0.0,
                high: 100.0,
                unit: TargetUnit::Percent,
            },
            K::NotADate {
                text: s("2027-13-01"),
            },
        ]
    }

    fn name(kind: &ModelErrorKind) -> &'static str {
        use ModelErrorKind as K;
        match kind {
            K::NoDrivers => "NoDrivers",
            K::NoOutcome => "NoOutcome",
            K::DuplicateId { .. } => "DuplicateId",
            K::NotIdentifier { .. } => "NotIdentifier",
            K::UnknownInput { .. } => "UnknownInput",
            K::SelfInput { .. } => "SelfInput",
            K::ItemTwice { .. } => "ItemTwice",
            K::ItemShared { .. } => "ItemShared",
            K::UnknownReverse { .. } => "UnknownReverse",
            K::NoItemsNorInputs { .. } => "NoItemsNorInputs",
            K::NoItemsUndeclared { .. } => "NoItemsUndeclared",
            K::ReliabilityRange { .. } => "ReliabilityRange",
            K::ReliabilityWithoutItems { .. } => "ReliabilityWithoutItems",
            K::PrimaryNotOutcome { .. } => "PrimaryNotOutcome",
            K::ColumnIsItem { .. } => "ColumnIsItem",
            K::CrossedTooSmall { .. } => "CrossedTooSmall",
            K::CrossedSelf { .. } => "CrossedSelf",
            K::CrossedUnknown { .. } => "CrossedUnknown",
            K::HeaderRowZero => "HeaderRowZero",
            K::ScaleEmpty { .. } => "ScaleEmpty",
            K::ScaleTooWide { .. } => "ScaleTooWide",
            K::MetricItems { .. } => "MetricItems",
            K::NpsScale { .. } => "NpsScale",
            K::UnknownMethod { .. } => "UnknownMethod",
            K::WeightNotInput { .. } => "WeightNotInput",
            K::WeightNotNumber { .. } => "WeightNotNumber",
            K::WeightsMissInput { .. } => "WeightsMissInput",
            K::TargetOutside { .. } => "TargetOutside",
            K::NotADate { .. } => "NotADate",
        }
    }

    fn chinese(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_kind_is_said_in_chinese_and_english() {
        let examples = examples();
        let names: std::collections::BTreeSet<&str> = examples.iter().map(name).collect();
        assert_eq!(names.len(), 29, "one example per kind: {names:?}");
        for kind in &examples {
            let (en, zh) = (kind.message(Lang::En), kind.message(Lang::Zh));
            assert!(chinese(&zh), "{}: {zh}", name(kind));
            assert!(!chinese(&en), "{}: {en}", name(kind));
            let (en_help, zh_help) = (kind.help(Lang::En), kind.help(Lang::Zh));
            assert_eq!(en_help.is_empty(), zh_help.is_empty(), "{}", name(kind));
            if !zh_help.is_empty() && !zh_help.starts_with("是不是") {
                assert!(chinese(&zh_help), "{}: {zh_help}", name(kind));
            }
        }
    }

    #[test]
    fn english_is_display_and_location_stays() {
        let e = ModelError::invalid(
            Loc::new("m.yaml", 4, 14),
            ModelErrorKind::UnknownInput {
                node: "a".into(),
                input: "b".into(),
                suggestion: Some("c".into()),
            },
        );
        assert_eq!(e.message(Lang::En), e.to_string());
        assert_eq!(
            e.to_string(),
            "m.yaml:4:14: `a` names unknown input `b`\n  help: did you mean `c`?"
        );
        assert_eq!(
            e.message(Lang::Zh),
            "m.yaml:4:14: `a` 的输入 `b` 不存在\n  提示：是不是 `c`？"
        );
    }
}
