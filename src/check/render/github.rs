//! GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`, which
//! the runner turns into annotations on the pull request.
//!
//! Escaping follows the Actions toolkit (`@actions/core` `command.ts`): in the
//! message `%`, CR and LF are percent-encoded; in properties also `:` and `,`.

use std::io::{self, Write};

use crate::diag::{Diagnostic, Severity};

pub(super) fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut properties = vec![format!("file={}", escape_property(&d.file))];
        if d.line > 0 {
            properties.push(format!("line={}", d.line));
            properties.push(format!("col={}", d.column));
            if d.end_line > 0 {
                properties.push(format!("endLine={}", d.end_line));
                properties.push(format!("endColumn={}", d.end_column));
            }
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!("{} {}", d.code, d.code.name()))
        ));
        let mut message = d.message.clone();
        if !d.help.is_empty() {
            message.push_str("\nhelp: ");
            message.push_str(&d.help);
        }
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message)
        )?;
    }
    Ok(())
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
