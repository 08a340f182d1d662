//! `--lang zh` all the way: plan, what-if and importance print no English heading or
//! message. Every run's stdout and stderr is searched for the words of the English
//! versions (ids, column names and units such as `R²`, `NPS`, `what-if` stay as
//! written, so only English prose words are looked for).

use crate::support::run;

/// Words of the English headings, column titles and messages of plan, what-if and
/// importance. None of them is a node id, column or value of the example projects.
const ENGLISH: &[&str] = &[
    "target",
    "targets",
    "outcome",
    "plan",
    "action",
    "actions",
    "driver",
    "segment",
    "cost",
    "days",
    "start",
    "projected",
    "slack",
    "runner",
    "difference",
    "candidate",
    "today",
    "where",
    "shift",
    "set",
    "score",
    "changes",
    "unchanged",
    "status",
    "rank",
    "uplift",
    "before",
    "after",
    "index",
    "respondents",
    "moved",
    "effects",
    "from",
    "scenario",
    "importance",
    "share",
    "change",
    "warning",
    "all",
    "aggregate",
    "help",
    "not",
    "achievable",
    "short",
    "the",
    "and",
    "of",
    "only",
    "due",
    "needed",
    "interval",
    "includes",
    "zero",
    "clear",
    "time",
    "bound",
    "specific",
    "unknown",
    "mean",
    "means",
    "pooled",
    "waves",
    "lower",
    "fired",
    "rules",
    "none",
    "quickest",
    "points",
    "percentage",
    "paths",
    "constructs",
    "construct",
    "coef",
    "outer",
    "item",
    "weight",
    "loading",
    "performance",
    "iterations",
    "converged",
    "for",
    "on",
    "to",
    "negative",
    "inadmissible",
    "replicates",
    "failed",
    "unreliable",
];

/// The English words of `text` (ASCII words, lower-cased, matched whole).
fn english_words(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map(str::to_ascii_lowercase)
        .filter(|w| ENGLISH.contains(&w.as_str()))
        .collect();
    found.sort();
    found.dedup();
    found
}

fn assert_chinese(args: &[&str]) {
    let mut args = args.to_vec();
    args.extend(["--lang", "zh"]);
    let (code, stdout, stderr) = run(&args);
    assert!(code <= 2, "{args:?}: exit {code}\n{stderr}");
    assert!(
        !stdout.is_empty() || !stderr.is_empty(),
        "{args:?}: no output"
    );
    let leaked = english_words(&format!("{stdout}\n{stderr}"));
    assert!(
        leaked.is_empty(),
        "{args:?} leaks English {leaked:?}:\n{stdout}\n{stderr}"
    );
}

#[test]
fn the_word_list_finds_english() {
    assert_eq!(
        english_words("Plan (cost 7): target `nps=30` is not achievable"),
        ["achievable", "cost", "not", "plan", "target"]
    );
    assert!(english_words("方案 (成本 7) satisfaction=4.0 NPS R² what-if").is_empty());
}

const PLAN: &[&str] = &["plan", "fixtures/telecom", "--today", "2026-07-01"];

#[test]
fn plan_speaks_chinese() {
    for format in ["table", "md", "json"] {
        let mut args = PLAN.to_vec();
        args.extend(["--target", "satisfaction=4.0", "--target", "nps=30"]);
        args.extend(["--due", "2027-06-30", "--format", format]);
        if format == "json" {
            // JSON keeps English keys and messages for machines; it must still run.
            let (code, _, stderr) = run(&args);
            assert_eq!(code, 0, "{stderr}");
            continue;
        }
        assert_chinese(&args);
    }
    // Out of reach, out of time, over budget, already met, and a misspelt outcome.
    for extra in [
        &["--target", "satisfaction=4.9", "--due", "2027-06-30"][..],
        &[
            "--target",
            "churn=8",
            "--target",
            "nps=90",
            "--due",
            "2027-06-30",
        ],
        &["--target", "satisfaction=4.0", "--due", "2026-07-02"],
        &[
            "--target",
            "satisfaction=4.0",
            "--due",
            "2027-06-30",
            "--budget",
            "1",
        ],
        &["--target", "satisfaction=3.0", "--due", "2027-06-30"],
        &["--target", "satisfactoin=4.0", "--due", "2027-06-30"],
        &["--target", "satisfaction=4.0", "--due", "2026-01-01"],
    ] {
        let mut args = PLAN.to_vec();
        args.extend(extra);
        assert_chinese(&args);
    }
}

#[test]
fn whatif_speaks_chinese() {
    for format in ["table", "md"] {
        assert_chinese(&[
            "whatif",
            "fixtures/telecom",
            "--shift",
            "network=0.3",
            "--set",
            "response_time=4.2",
            "--where",
            "region=华东",
            "--format",
            format,
        ]);
    }
}

#[test]
fn importance_speaks_chinese() {
    assert_chinese(&["importance", "fixtures/ecsi", "--method", "lmg"]);
    assert_chinese(&[
        "importance",
        "fixtures/telecom",
        "--by",
        "wave",
        "--bootstrap",
        "50",
        "--threads",
        "1",
    ]);
}

#[test]
fn pls_importance_speaks_chinese() {
    assert_chinese(&["importance", "fixtures/ecsi", "--method", "pls"]);
    // PLSc on ECSI has negative paths: its warnings are in Chinese too.
    assert_chinese(&[
        "importance",
        "fixtures/ecsi",
        "--method",
        "pls",
        "--consistent",
    ]);
    assert_chinese(&[
        "importance",
        "fixtures/ecsi",
        "--method",
        "pls",
        "--bootstrap",
        "30",
        "--seed",
        "7",
        "--threads",
        "1",
    ]);
}
