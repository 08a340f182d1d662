//! `sattrace graph`: hostile labels stay inert (the example's DOT and Mermaid are
//! pinned in `cases/graph_telecom_*`).

use crate::support::{hostile_project, run, BREAKOUT, SCRIPT};

#[test]
fn hostile_labels_stay_inside_their_strings() {
    let dir = hostile_project();
    let project = dir.path().to_str().expect("path");
    let (code, dot, stderr) = run(&["graph", project, "--format", "dot"]);
    assert_eq!(code, 0, "{stderr}");
    // Every statement is one line; a label never adds an edge or a node.
    let edges = dot.lines().filter(|l| is_edge(l, "->")).count();
    assert_eq!(edges, 9, "{dot}");
    assert!(dot.contains(&format!("label=\"{SCRIPT}\"")));
    assert!(dot.contains(r#"x\"] n1 --> n2[\"&#35;` ```"#), "{dot}");

    let (code, mermaid, stderr) = run(&["graph", project, "--format", "mermaid"]);
    assert_eq!(code, 0, "{stderr}");
    let arrows = mermaid.lines().filter(|l| is_edge(l, "-->")).count();
    assert_eq!(arrows, 9, "{mermaid}");
    assert!(
        !mermaid.contains('<') && !mermaid.contains('`'),
        "{mermaid}"
    );
    assert!(!mermaid.contains(BREAKOUT));
    assert!(mermaid.contains("#lt;script#gt;alert(1)#lt;/script#gt;"));
}

/// A statement `  nI ARROW …`: the only way a line can add an edge.
fn is_edge(line: &str, arrow: &str) -> bool {
    let mut words = line.split_whitespace();
    let node = words.next().unwrap_or_default();
    node.starts_with('n')
        && node[1..].chars().all(|c| c.is_ascii_digit())
        && words.next().is_some_and(|w| w.starts_with(arrow))
}
