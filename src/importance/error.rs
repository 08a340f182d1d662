//! Why importance cannot be estimated. Drivers are named by their index in the
//! order given; the command line turns indices into ids.

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportanceError {
    #[error("no drivers")]
    NoDrivers,
    #[error("the outcome has no variance")]
    ZeroVarianceOutcome,
    #[error("driver {driver} has no variance")]
    ZeroVariance { driver: usize },
    #[error("driver {driver} is a linear combination of the drivers before it")]
    Collinear { driver: usize },
    #[error("{n} complete rows: need at least {needed}")]
    TooFewRows { n: u64, needed: u64 },
    #[error("{p} drivers: this method handles at most {max}")]
    TooManyDrivers { p: usize, max: usize },
    #[error("the data give a correlation that is not finite")]
    NotFinite,
    #[error("this method works on items, not on driver scores (see importance::pls)")]
    NeedsItems,
}

impl crate::diag::Localized for ImportanceError {
    fn message(&self, lang: crate::model::Lang) -> String {
        use crate::model::Lang;
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            ImportanceError::NoDrivers => "没有驱动因素".to_string(),
            ImportanceError::ZeroVarianceOutcome => "结果指标没有变异".to_string(),
            ImportanceError::ZeroVariance { driver } => format!("第 {driver} 个驱动因素没有变异"),
            ImportanceError::Collinear { driver } => {
                format!("第 {driver} 个驱动因素是它之前各驱动因素的线性组合")
            }
            ImportanceError::TooFewRows { n, needed } => {
                format!("只有 {n} 行完整数据：至少需要 {needed} 行")
            }
            ImportanceError::TooManyDrivers { p, max } => {
                format!("{p} 个驱动因素：此方法最多处理 {max} 个")
            }
            ImportanceError::NotFinite => "数据算出的相关系数不是有限值".to_string(),
            ImportanceError::NeedsItems => {
                "此方法基于题目，而不是驱动因素得分（见 importance::pls）".to_string()
            }
        }
    }
}
