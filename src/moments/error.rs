//! Errors of the moments table: building its layout from a model, reading,
//! checking and merging tables. `Display` is a lowercase message naming the file
//! (and row and column when there is one) and a help line.

/// What went wrong with a moments table.
#[derive(Debug, thiserror::Error)]
pub enum MomentsError {
    /// Two columns of the layout got the same name (an item name containing `:`).
    #[error("the moments table would have two columns named `{name}` ({first} and {second})\n  help: rename the item in the survey and the model so it has no `:`")]
    ColumnCollision {
        name: String,
        first: String,
        second: String,
    },

    /// The survey was read without item-level moments.
    #[error("the survey was read without item moments\n  help: ingest with `IngestOptions::item_moments` set")]
    NoItemMoments,

    /// Reading the CSV failed.
    #[error("{file}: cannot read the moments table: {message}\n  help: the file must be a CSV written by `sattrace moments` or the query of `sattrace sql`")]
    Read { file: String, message: String },

    /// No header row, or no data rows.
    #[error("{file}: the moments table has no {what}\n  help: a moments table has a header row and one row per segment × wave cell")]
    Empty { file: String, what: &'static str },

    /// A header column the layout does not have.
    #[error(
        "{file}:1:{column_number}: unknown column `{column}` in the moments table\n  help: {help}"
    )]
    UnknownColumn {
        file: String,
        column: String,
        column_number: u64,
        help: String,
    },

    /// A column of the layout is not in the header.
    #[error("{file}:1: the moments table has no column `{column}`{}\n  help: {help}", others_suffix(*.others))]
    MissingColumn {
        file: String,
        column: String,
        /// How many more are missing.
        others: usize,
        help: String,
    },

    /// A column twice in the header.
    #[error("{file}:1:{second}: column `{column}` appears twice in the header (columns {first} and {second})\n  help: remove one of them")]
    DuplicateColumn {
        file: String,
        column: String,
        first: u64,
        second: u64,
    },

    /// A row with another number of fields than the header.
    #[error("{file}:{row}: row has {found} fields, expected {expected} (as in the header)\n  help: check that the engine wrote every column and quoted text with commas")]
    Ragged {
        file: String,
        row: u64,
        expected: u64,
        found: u64,
    },

    /// A field that does not hold what its column needs.
    #[error("{file}:{row}:{column_number}: column `{column}` has `{value}`, expected {expected}\n  help: {help}")]
    Value {
        file: String,
        row: u64,
        column: String,
        column_number: u64,
        value: String,
        expected: &'static str,
        help: &'static str,
    },

    /// The table was made for another model.
    #[error("{file}:{row}: the moments table was made for model fingerprint `{found}`, but this model's is `{expected}`\n  help: regenerate the table (or the query) from the current model.yaml; any change to items, scales, reverse coding, metrics, inputs, missing tokens, segment, wave or weight columns changes the fingerprint")]
    Fingerprint {
        file: String,
        row: u64,
        found: String,
        expected: String,
    },

    /// Two tables to merge come from different models.
    #[error("cannot merge `{first}` (fingerprint `{first_fingerprint}`) with `{second}` (fingerprint `{second_fingerprint}`): they were made for different models\n  help: regenerate both from the same model.yaml")]
    MergeMismatch {
        first: String,
        first_fingerprint: String,
        second: String,
        second_fingerprint: String,
    },

    /// Invalid values were counted, and the user did not ask to skip them.
    #[error("{file}: column `{column}` counts {count} invalid values (not numbers, or outside the scale)\n  help: fix the data, or pass `--on-invalid skip` to analyze without them (they are already left out of every sum)")]
    InvalidValues {
        file: String,
        column: String,
        count: u64,
    },
}

fn others_suffix(others: usize) -> String {
    match others {
        0 => String::new(),
        1 => " (and 1 more)".to_string(),
        n => format!(" (and {n} more)"),
    }
}

/// The Chinese text of each error; English is `Display`.
impl crate::diag::Localized for MomentsError {
    fn message(&self, lang: crate::model::Lang) -> String {
        use crate::model::Lang;
        if lang == Lang::En {
            return self.to_string();
        }
        let (head, help): (String, String) = match self {
            MomentsError::ColumnCollision { name, first, second } => (
                format!("矩表会有两列同名 `{name}`（{first} 和 {second}）"),
                "在问卷和模型中重命名该题，使其不含 `:`".into(),
            ),
            MomentsError::NoItemMoments => (
                "读取问卷时没有累计题目矩".into(),
                "读取时设置 `IngestOptions::item_moments`".into(),
            ),
            MomentsError::Read { file, message } => (
                format!("{file}: 无法读取矩表：{message}"),
                "该文件必须是 `sattrace moments` 写出的 CSV，或 `sattrace sql` 查询的结果".into(),
            ),
            MomentsError::Empty { file, what } => (
                format!(
                    "{file}: 矩表没有{}",
                    match *what {
                        "header row" => "表头行",
                        "data rows" => "数据行",
                        other => other,
                    }
                ),
                "矩表有一行表头，每个细分 × 波次单元各一行".into(),
            ),
            MomentsError::UnknownColumn {
                file,
                column,
                column_number,
                help,
            } => (
                format!("{file}:1:{column_number}: 矩表中有未知的列 `{column}`"),
                help.clone(),
            ),
            MomentsError::MissingColumn {
                file,
                column,
                others,
                help,
            } => (
                format!(
                    "{file}:1: 矩表缺少列 `{column}`{}",
                    if *others == 0 {
                        String::new()
                    } else {
                        format!("（另有 {others} 列缺失）")
                    }
                ),
                help.clone(),
            ),
            MomentsError::DuplicateColumn {
                file,
                column,
                first,
                second,
            } => (
                format!("{file}:1:{second}: 列 `{column}` 在表头中出现了两次（第 {first} 列和第 {second} 列）"),
                "删除其中一列".into(),
            ),
            MomentsError::Ragged {
                file,
                row,
                expected,
                found,
            } => (
                format!("{file}:{row}: 该行有 {found} 个字段，应为 {expected} 个（与表头一致）"),
                "检查数据引擎是否写出了每一列，并给含逗号的文本加了引号".into(),
            ),
            MomentsError::Value {
                file,
                row,
                column,
                column_number,
                value,
                expected,
                help,
            } => (
                format!(
                    "{file}:{row}:{column_number}: 列 `{column}` 的值是 `{value}`，应为 {}",
                    zh_of(expected)
                ),
                zh_of(help).to_string(),
            ),
            MomentsError::Fingerprint {
                file,
                row,
                found,
                expected,
            } => (
                format!("{file}:{row}: 矩表是为模型指纹 `{found}` 生成的，而当前模型的指纹是 `{expected}`"),
                "请用当前的 model.yaml 重新生成矩表（或查询）；题目、量表、反向计分、指标、输入、缺失值标记、细分列、波次列或权重列的任何改动都会改变指纹".into(),
            ),
            MomentsError::MergeMismatch {
                first,
                first_fingerprint,
                second,
                second_fingerprint,
            } => (
                format!("无法合并 `{first}`（指纹 `{first_fingerprint}`）和 `{second}`（指纹 `{second_fingerprint}`）：它们来自不同的模型"),
                "请用同一个 model.yaml 重新生成两者".into(),
            ),
            MomentsError::InvalidValues { file, column, count } => (
                format!("{file}: 列 `{column}` 中有 {count} 个无效值（不是数字，或超出量表）"),
                "修正数据，或使用 `--on-invalid skip` 在分析时排除它们（它们已不计入任何求和）".into(),
            ),
        };
        format!("{head}{}", crate::diag::help_line(lang, &help))
    }
}

/// The Chinese of the fixed texts a bad moments value is explained with (the
/// checks in `csv_format` pass `&'static str`s); an unlisted text stays English,
/// and the test below keeps the list complete.
fn zh_of(text: &'static str) -> &'static str {
    const ZH: [(&str, &str); 12] = [
        ("`sattrace.moments/1`", "`sattrace.moments/1`"),
        ("this sattrace reads moments tables of schema sattrace.moments/1 only", "此版本的 sattrace 只读取 sattrace.moments/1 格式的矩表"),
        ("a whole number of rows (0 or more)", "行数（不小于 0 的整数）"),
        ("count columns hold row counts; check that the engine did not round or scale them", "计数列存放的是行数；请检查数据引擎没有对它取整或缩放"),
        ("a finite number", "有限的数"),
        ("sum columns hold weighted sums; write them with full precision (no thousands separators)", "求和列存放加权和；请以完整精度写出（不要千位分隔符）"),
        ("a sum of 0 or more", "不小于 0 的和"),
        ("weight sums, sums of squares and category counts cannot be negative; the table was edited or the engine overflowed", "权重和、平方和与类别计数不能为负；矩表被改动过，或数据引擎发生了溢出"),
        ("a segment or wave value", "细分值或波次值"),
        ("rows with an empty segment or wave value belong to no cell; filter them out in the query", "细分值或波次值为空的行不属于任何单元；请在查询中过滤掉它们"),
        ("a sum of squares consistent with the sums (s1² ≤ sw·s2)", "与各项和一致的平方和（s1² ≤ sw·s2）"),
        ("the first and second moments of this node cannot come from real values; regenerate the table", "该节点的一阶矩和二阶矩不可能来自真实数值；请重新生成矩表"),
    ];
    ZH.iter()
        .find(|(en, _)| *en == text)
        .map_or(text, |(_, zh)| zh)
}
