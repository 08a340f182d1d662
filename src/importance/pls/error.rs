//! Why a PLS path model cannot be estimated.

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlsError {
    #[error("the structural model has no paths")]
    NoPaths,
    #[error("construct `{0}` has no items (PLS needs items for every construct)")]
    NoItems(String),
    #[error("construct `{0}` is not connected to any other construct")]
    Unconnected(String),
    #[error("path `{from}` → `{to}` names an unknown construct")]
    UnknownConstruct { from: String, to: String },
    #[error("the structural model has a cycle through `{0}`")]
    Cycle(String),
    #[error("item `{0}` is not in the data")]
    MissingItem(String),
    #[error("item `{0}` has no variance")]
    ZeroVariance(String),
    #[error("the predecessors of `{0}` are perfectly collinear")]
    Collinear(String),
    #[error("the items of formative construct `{0}` are perfectly collinear")]
    CollinearItems(String),
    #[error("{n} complete rows: need at least {needed}")]
    TooFewRows { n: usize, needed: usize },
    #[error("did not converge in {0} iterations")]
    NotConverged(usize),
    #[error("consistent PLS: ρA of construct `{0}` is not positive (its items do not measure one common factor; estimate it in mode B or without --consistent)")]
    RhoA(String),
    #[error("consistent PLS: the corrected correlations of the predecessors of `{0}` are singular (a corrected correlation of 1)")]
    Inadmissible(String),
    #[error("the estimates are not finite")]
    NotFinite,
}

impl crate::diag::Localized for PlsError {
    fn message(&self, lang: crate::model::Lang) -> String {
        use crate::model::Lang;
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            PlsError::NoPaths => "结构模型中没有路径".to_string(),
            PlsError::NoItems(c) => format!("构念 `{c}` 没有题目（PLS 要求每个构念都有题目）"),
            PlsError::Unconnected(c) => format!("构念 `{c}` 与其他构念都不相连"),
            PlsError::UnknownConstruct { from, to } => {
                format!("路径 `{from}` → `{to}` 引用了未知的构念")
            }
            PlsError::Cycle(c) => format!("结构模型中存在经过 `{c}` 的循环"),
            PlsError::MissingItem(i) => format!("数据中没有题目 `{i}`"),
            PlsError::ZeroVariance(i) => format!("题目 `{i}` 没有变异"),
            PlsError::Collinear(c) => format!("`{c}` 的前因构念完全共线"),
            PlsError::CollinearItems(c) => format!("形成性构念 `{c}` 的题目完全共线"),
            PlsError::TooFewRows { n, needed } => {
                format!("只有 {n} 行完整数据：至少需要 {needed} 行")
            }
            PlsError::NotConverged(n) => format!("迭代 {n} 次仍未收敛"),
            PlsError::RhoA(c) => format!(
                "一致性 PLS：构念 `{c}` 的 ρA 不为正（它的题目不测量同一个共同因子；请用 mode B 估计，或去掉 --consistent）"
            ),
            PlsError::Inadmissible(c) => format!(
                "一致性 PLS：`{c}` 的前因构念校正后的相关矩阵奇异（存在为 1 的校正相关）"
            ),
            PlsError::NotFinite => "估计值不是有限值".to_string(),
        }
    }
}
