//! Every diagnostic code has a section with an example in `docs/diagnostics.md`.

use sattrace::diag::Code;

#[test]
fn every_code_is_documented_with_an_example() {
    let doc = std::fs::read_to_string("docs/diagnostics.md").expect("docs/diagnostics.md");
    for code in Code::ALL {
        let heading = format!("\n### {}\n", code.id());
        let start = doc
            .find(&heading)
            .unwrap_or_else(|| panic!("no section for {}", code.id()));
        let section = &doc[start + heading.len()..];
        let section = &section[..section.find("\n### ").unwrap_or(section.len())];
        assert!(
            section.contains(code.name()),
            "{}: section does not name `{}`",
            code.id(),
            code.name()
        );
        assert!(
            section.contains("```"),
            "{}: section has no example",
            code.id()
        );
        assert!(
            section.contains(code.id()) || code == Code::YamlSyntax,
            "{}: example does not show the code",
            code.id()
        );
    }
}
