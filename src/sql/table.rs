//! The `--table` name: dotted parts (`catalog.schema.table`), each quoted, so no
//! name can change the query around it.

use super::{Dialect, SqlError, TableNameProblem};

/// The quoted table reference for `name`, split at every `.`.
pub fn table_reference(dialect: Dialect, name: &str) -> Result<String, SqlError> {
    let parts: Vec<&str> = name.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(SqlError::TableName {
            name: name.to_string(),
            reason: TableNameProblem::EmptyPart,
        });
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(SqlError::TableName {
            name: name.escape_debug().to_string(),
            reason: TableNameProblem::Control(c),
        });
    }
    Ok(parts
        .iter()
        .map(|p| dialect.ident(p))
        .collect::<Vec<_>>()
        .join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_names_quote_each_part() {
        assert_eq!(
            table_reference(Dialect::Spark, "cx.responses").ok(),
            Some("`cx`.`responses`".to_string())
        );
        assert_eq!(
            table_reference(Dialect::Duckdb, "lake.cx.区域").ok(),
            Some("\"lake\".\"cx\".\"区域\"".to_string())
        );
    }

    #[test]
    fn hostile_names_stay_inside_their_quotes() {
        let hostile = "t\"; DROP TABLE x; --";
        assert_eq!(
            table_reference(Dialect::Postgres, hostile).ok(),
            Some("\"t\"\"; DROP TABLE x; --\"".to_string())
        );
        assert_eq!(
            table_reference(Dialect::Spark, "t`; DROP TABLE x; --").ok(),
            Some("`t``; DROP TABLE x; --`".to_string())
        );
    }

    #[test]
    fn empty_parts_and_control_characters_are_refused() {
        assert!(table_reference(Dialect::Duckdb, "a..b").is_err());
        assert!(table_reference(Dialect::Duckdb, "").is_err());
        assert!(table_reference(Dialect::Duckdb, "a\0b").is_err());
        assert!(table_reference(Dialect::Duckdb, "a\nb").is_err());
    }
}
