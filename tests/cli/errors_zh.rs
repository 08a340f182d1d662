//! Errors in the run's language: representative bad inputs (a misspelt model key,
//! a ragged CSV row, an unknown driver in a rule, a bad moments cell, a bad plan
//! target, a missing file…) with `--lang zh` print Chinese with the location kept
//! verbatim, and with `--lang en` the English of before.

use std::path::Path;

use crate::support::run;

/// English words the Chinese errors must not contain (file names, ids, columns,
/// flags and YAML keys stay as written, so only prose words are looked for).
const ENGLISH: &[&str] = &[
    "error",
    "help",
    "the",
    "not",
    "unknown",
    "did",
    "you",
    "mean",
    "expected",
    "has",
    "row",
    "column",
    "fields",
    "cannot",
    "read",
    "no",
    "is",
    "of",
    "driver",
    "found",
    "model",
    "file",
    "allowed",
    "keys",
    "here",
    "names",
    "input",
    "number",
    "value",
    "directory",
];

/// The prose words of `text` found in [`ENGLISH`]: code in backticks, flags
/// (`--model FILE`) and file names (`model.yaml`) are left out.
fn english_words(text: &str) -> Vec<String> {
    let prose: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    let prose: Vec<&str> = prose
        .split_whitespace()
        .flat_map(|t| t.split(['，', '：', '（', '）', '；']))
        .filter(|t| {
            !(t.contains("--") || t.contains('.') || t.chars().all(|c| c.is_ascii_uppercase()))
        })
        .collect();
    let mut found: Vec<String> = prose
        .join(" ")
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map(str::to_ascii_lowercase)
        .filter(|w| ENGLISH.contains(&w.as_str()))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// A copy of the telecom project, changed by `edit(file name, text) -> text`.
fn project(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("rules")).expect("rules dir");
    for name in ["model.yaml", "survey.csv", "rules/service.yaml"] {
        let text = std::fs::read_to_string(Path::new("fixtures/telecom").join(name)).expect("read");
        std::fs::write(dir.path().join(name), edit(name, text)).expect("write");
    }
    dir
}

fn path(dir: &tempfile::TempDir) -> String {
    dir.path().display().to_string()
}

/// Runs `args` in both languages: exit 2; Chinese with every `zh` part, the
/// location `at`, and no English prose; English with every `en` part.
fn both(args: &[&str], at: &str, zh: &[&str], en: &[&str]) {
    let mut zh_args = args.to_vec();
    zh_args.extend(["--lang", "zh"]);
    let (code, stdout, stderr) = run(&zh_args);
    assert_eq!(code, 2, "{zh_args:?}: {stdout}{stderr}");
    assert!(stderr.starts_with("错误："), "{zh_args:?}: {stderr}");
    assert!(
        stderr.contains(at),
        "{zh_args:?} lost the location {at}: {stderr}"
    );
    for part in zh {
        assert!(
            stderr.contains(part),
            "{zh_args:?} lacks {part:?}: {stderr}"
        );
    }
    // The location's path may hold anything; the words after it must be Chinese.
    let words = english_words(&stderr.replace(at, ""));
    assert!(
        words.is_empty(),
        "{zh_args:?} leaks English {words:?}: {stderr}"
    );

    let mut en_args = args.to_vec();
    en_args.extend(["--lang", "en"]);
    let (code, _, stderr) = run(&en_args);
    assert_eq!(code, 2, "{en_args:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{en_args:?}: {stderr}");
    assert!(stderr.contains(at), "{en_args:?}: {stderr}");
    for part in en {
        assert!(
            stderr.contains(part),
            "{en_args:?} lacks {part:?}: {stderr}"
        );
    }
}

#[test]
fn the_word_filter_finds_prose_only() {
    assert_eq!(english_words("the `the` --model FILE model.yaml"), ["the"]);
    assert!(english_words("错误：`x` 不是数字\n  提示：--target（例如 FILE）").is_empty());
}

#[test]
fn a_misspelt_model_key_is_chinese_with_did_you_mean() {
    let dir = project(|name, text| match name {
        "model.yaml" => text.replacen("    items:", "    itmes:", 1),
        _ => text,
    });
    let at = format!("{}/model.yaml:14:5", path(&dir));
    both(
        &["analyze", &path(&dir)],
        &at,
        &["未知的键 `itmes`", "提示：是不是 `items`？", "此处可用的键"],
        &["unknown field `itmes`", "help: did you mean `items`?"],
    );
}

#[test]
fn an_unknown_input_is_chinese_with_did_you_mean() {
    let dir = project(|name, text| match name {
        "model.yaml" => text.replacen("inputs: [", "inputs: [netwrk, ", 1),
        _ => text,
    });
    let model = std::fs::read_to_string(dir.path().join("model.yaml")).expect("model");
    let line = model
        .lines()
        .position(|l| l.contains("netwrk"))
        .expect("edited")
        + 1;
    let column = model
        .lines()
        .nth(line - 1)
        .and_then(|l| l.find("netwrk"))
        .expect("col")
        + 1;
    let at = format!("{}/model.yaml:{line}:{column}", path(&dir));
    both(
        &["importance", &path(&dir)],
        &at,
        &["的输入 `netwrk` 不存在", "是不是 `network`？"],
        &[
            "names unknown input `netwrk`",
            "help: did you mean `network`?",
        ],
    );
}

#[test]
fn a_ragged_csv_row_is_chinese_with_its_line() {
    let dir = project(|name, text| match name {
        // Line 3 of the file loses its last field.
        "survey.csv" => {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            let cut = lines[2].rfind(',').expect("fields");
            lines[2].truncate(cut);
            lines.join("\n") + "\n"
        }
        _ => text,
    });
    let at = format!("{}/survey.csv:3", path(&dir));
    both(
        &["analyze", &path(&dir)],
        &at,
        &[
            "第 3 行有 21 个字段，应为 22 个",
            "提示：检查是否有未加引号的逗号",
        ],
        &["row 3 has 21 fields, expected 22"],
    );
}

#[test]
fn an_unknown_driver_in_a_rule_is_chinese() {
    let dir = project(|name, text| match name {
        "rules/service.yaml" => {
            text.replacen("drivers: [response_time]", "drivers: [respons_time]", 1)
        }
        _ => text,
    });
    let at = format!("{}/rules/service.yaml:5:21", path(&dir));
    both(
        &["analyze", &path(&dir)],
        &at,
        &["未知的驱动因素 `respons_time`", "是不是 `response_time`？"],
        &[
            "unknown driver `respons_time`",
            "help: did you mean `response_time`?",
        ],
    );
}

#[test]
fn a_bad_moments_cell_is_chinese_with_row_and_column() {
    let dir = project(|_, text| text);
    let table = dir.path().join("moments.csv");
    let (code, _, stderr) = run(&["moments", &path(&dir), "-o", &table.display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    // The first count cell of the first data row becomes a word.
    let text = std::fs::read_to_string(&table).expect("table");
    let header: Vec<&str> = text.lines().next().expect("header").split(',').collect();
    let n = header
        .iter()
        .position(|c| c.ends_with(":n"))
        .expect("a count column");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[n] = "many".to_string();
    lines[1] = cells.join(",");
    std::fs::write(&table, lines.join("\n") + "\n").expect("write");
    let at = format!("{}:2:{}", table.display(), n + 1);
    both(
        &[
            "analyze",
            &path(&dir),
            "--moments",
            &table.display().to_string(),
        ],
        &at,
        &[
            "的值是 `many`，应为 行数（不小于 0 的整数）",
            "提示：计数列存放的是行数",
        ],
        &["has `many`, expected a whole number of rows"],
    );
}

#[test]
fn a_bad_plan_target_is_chinese() {
    both(
        &["plan", "fixtures/telecom", "--target", "satisfaction"],
        "--target",
        &[
            "应写成 `outcome=value`，实际是 `satisfaction`",
            "提示：例如",
        ],
        &["--target: expected `outcome=value`, found `satisfaction`"],
    );
    both(
        &["plan", "fixtures/telecom", "--target", "satisfaction=high"],
        "--target",
        &["中的 `high` 不是数字"],
        &["is not a number in `satisfaction=high`"],
    );
}

#[test]
fn a_missing_project_or_file_is_chinese() {
    both(
        &["analyze", "fixtures/no-such-project"],
        "fixtures/no-such-project/model.yaml",
        &["处没有模型文件", "提示：请指定包含 model.yaml 的项目目录"],
        &["no model at `fixtures/no-such-project/model.yaml`"],
    );
    let dir = project(|_, text| text);
    std::fs::remove_file(dir.path().join("survey.csv")).expect("remove");
    let at = format!("{}/survey.csv", path(&dir));
    both(
        &["analyze", &path(&dir)],
        &at,
        &["无法读取", "文件或目录不存在"],
        &["cannot read", "No such file or directory"],
    );
}

#[test]
fn an_unknown_importance_driver_is_chinese() {
    both(
        &["importance", "fixtures/ecsi", "--drivers", "image,qualty"],
        "qualty",
        &["未知的驱动因素 `qualty`", "提示：是不是 `quality`？"],
        &["unknown driver `qualty`\n  help: did you mean `quality`?"],
    );
}

#[test]
fn commands_without_lang_follow_sattrace_lang() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sattrace"))
        .args(["test", "fixtures/no-such-rules"])
        .env("SATTRACE_LANG", "zh")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("错误：`fixtures/no-such-rules` 处没有规则文件或目录"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["test", "fixtures/no-such-rules"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: no rule file or directory at"),
        "{stderr}"
    );
}

#[test]
fn a_what_if_filter_nobody_matches_is_chinese() {
    both(
        &[
            "whatif",
            "fixtures/telecom",
            "--shift",
            "network=0.3",
            "--where",
            "region=华冬",
        ],
        "`region`",
        &[
            "最新一期中没有受访者的 `region` 为 `华冬`",
            "提示：是不是 `华东`？",
        ],
        &["no respondent in the latest wave has `region` = `华冬`\n  help: did you mean `华东`?"],
    );
}

#[test]
fn bad_what_if_flags_are_chinese() {
    both(
        &[
            "whatif",
            "fixtures/telecom",
            "--shift",
            "network=0.3",
            "--where",
            "regio=华东",
        ],
        "--where",
        &["`regio` 不是模型的细分列", "提示：是不是 `region`？"],
        &["--where: `regio` is not a segment column of the model\n  help: did you mean `region`?"],
    );
    both(
        &["whatif", "fixtures/telecom", "--shift", "network=abc"],
        "--shift",
        &["`network=abc` 中的 `abc` 不是数字"],
        &["--shift: `abc` is not a number in `network=abc`"],
    );
    both(
        &["whatif", "fixtures/telecom", "--shift", "netwrk=0.3"],
        "--shift",
        &["未知的驱动因素 `netwrk`", "提示：是不是 `network`？"],
        &["--shift: unknown driver `netwrk`\n  help: did you mean `network`?"],
    );
    both(
        &["whatif", "fixtures/telecom", "--set", "network=9"],
        "--set",
        &["9 超出了 `network` 的量表范围（1–5）", "提示：请按"],
        &["--set: 9 is outside the scale of `network` (1–5)"],
    );
}

#[test]
fn a_bad_scenario_file_is_chinese_with_its_line() {
    let dir = project(|_, text| text);
    let file = dir.path().join("scenario.yaml");
    std::fs::write(&file, "shift:\n  network: 0.3\n  netwrk: 1\n").expect("write");
    let scenario = file.display().to_string();
    both(
        &["whatif", &path(&dir), "--scenario", &scenario],
        &format!("{scenario}:3:11"),
        &["未知的驱动因素 `netwrk`", "提示：是不是 `network`？"],
        &["unknown driver `netwrk`\n  help: did you mean `network`?"],
    );
    std::fs::write(&file, "shft:\n  network: 0.3\n").expect("write");
    both(
        &["whatif", &path(&dir), "--scenario", &scenario],
        &format!("{scenario}:1:1"),
        &["未知的键 `shft`", "提示：是不是 `shift`？"],
        &["unknown field `shft`\n  help: did you mean `shift`?"],
    );
}

/// Runs a command without `--lang` under `SATTRACE_LANG=zh`: exit 2, Chinese with
/// every `zh` part and no English prose; then in English with every `en` part.
fn both_by_env(args: &[&str], zh: &[&str], en: &[&str]) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sattrace"))
        .args(args)
        .env("SATTRACE_LANG", "zh")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.starts_with("错误："), "{args:?}: {stderr}");
    for part in zh {
        assert!(stderr.contains(part), "{args:?} lacks {part:?}: {stderr}");
    }
    let words = english_words(&stderr);
    assert!(
        words.is_empty(),
        "{args:?} leaks English {words:?}: {stderr}"
    );
    let (code, _, stderr) = run(args);
    assert_eq!(code, 2, "{args:?}: {stderr}");
    for part in en {
        assert!(stderr.contains(part), "{args:?} lacks {part:?}: {stderr}");
    }
}

#[test]
fn bad_sql_flags_are_chinese() {
    let sql = ["sql", "fixtures/telecom", "--dialect", "duckdb"];
    both_by_env(
        &[&sql[..], &["--table", "a..b"]].concat(),
        &["表名 `a..b`：点号之间有一段为空", "提示：--table 写成"],
        &["error: table name `a..b`: a part between dots is empty\n  help: pass --table as"],
    );
    both_by_env(
        &[&sql[..], &["--table", "t", "--sample", "0"]].concat(),
        &["--sample 至少为 1"],
        &["error: --sample must be at least 1"],
    );
}

#[test]
fn a_bad_simulate_spec_is_chinese_with_its_line() {
    let dir = project(|_, text| text);
    let spec = std::fs::read_to_string("fixtures/telecom/simulate.yaml").expect("spec");
    let spec = spec.replacen(
        "service: {response_time: 0.55",
        "service: {respons_time: 0.55",
        1,
    );
    let line = spec
        .lines()
        .position(|l| l.contains("respons_time"))
        .expect("edited")
        + 1;
    std::fs::write(dir.path().join("simulate.yaml"), spec).expect("write");
    let model = dir.path().join("model.yaml").display().to_string();
    let at = format!("{}/simulate.yaml:{line}:13", path(&dir));
    let args = ["simulate", "--model", &model, "--n", "5"];
    both_by_env(
        &args,
        &[
            &at,
            "`respons_time` 不是 `service` 的输入",
            "提示：是不是 `response_time`？",
        ],
        &[&format!(
            "{at}: `respons_time` is not an input of `service`\n  help: did you mean `response_time`?"
        )],
    );
}

#[test]
fn bad_rule_values_are_chinese() {
    let dir = project(|name, text| match name {
        "rules/service.yaml" => text.replacen("    cost: 3\n", "    cost: -1\n", 1),
        _ => text,
    });
    let at = format!("{}/rules/service.yaml:11:11", path(&dir));
    both(
        &["analyze", &path(&dir)],
        &at,
        &[
            "规则 `peak-hour-staffing` 的成本为 -1",
            "提示：`cost` 必须是",
        ],
        &["rule `peak-hour-staffing` has cost -1\n  help: `cost` must be a number"],
    );
    let dir = project(|name, text| match name {
        "rules/service.yaml" => text.replacen("    duration: 90\n", "    duration: 99999\n", 1),
        _ => text,
    });
    let at = format!("{}/rules/service.yaml:12:15", path(&dir));
    both(
        &["analyze", &path(&dir)],
        &at,
        &[
            "规则 `peak-hour-staffing` 的周期为 99999",
            "提示：`duration` 是以天计",
        ],
        &["rule `peak-hour-staffing` has duration 99999"],
    );
}

#[test]
fn an_unknown_field_in_a_rule_expression_is_chinese() {
    let dir = project(|name, text| match name {
        "rules/service.yaml" => text.replacen(
            "when: driver.gap >= 0.3 && driver.importance >= 0.1",
            "when: driver.gapp >= 0.3 && driver.importance >= 0.1",
            1,
        ),
        _ => text,
    });
    let at = format!("{}/rules/service.yaml:6:18", path(&dir));
    both(
        &["analyze", &path(&dir)],
        &at,
        &["`driver` 没有字段 `gapp`", "提示：是不是 `gap`？"],
        &["`driver` has no field `gapp`\n  help: did you mean `gap`?"],
    );
}

/// The `when` of the first telecom rule, replaced by `when`.
fn with_when(when: &str) -> tempfile::TempDir {
    let when = when.to_string();
    project(move |name, text| match name {
        "rules/service.yaml" => text.replacen(
            "when: driver.gap >= 0.3 && driver.importance >= 0.1",
            &format!("when: {when}"),
            1,
        ),
        _ => text,
    })
}

#[test]
fn a_rhai_syntax_error_is_chinese_with_its_column() {
    let dir = with_when("driver.gap >= 0.3 && (driver.importance >= 0.1");
    let at = format!("{}/rules/service.yaml:6:57", path(&dir));
    both(
        &["analyze", &path(&dir)],
        &at,
        &[
            "`when` 有语法错误：缺少 `)`",
            "提示：`when` 和 `priority` 都是单个 Rhai 表达式",
        ],
        &["syntax error in `when`: expecting ')'"],
    );
    let dir = with_when("driver.gap >= \"open");
    let at = format!("{}/rules/service.yaml:6:25", path(&dir));
    both(
        &["analyze", &path(&dir)],
        &at,
        &["`when` 有语法错误：字符串没有结束引号"],
        &["syntax error in `when`: open string is not terminated"],
    );
}

#[test]
fn a_when_that_is_no_boolean_is_chinese() {
    let dir = with_when("driver.gap");
    let at = format!("{}/rules/service.yaml:6:11", path(&dir));
    both(
        &["analyze", &path(&dir)],
        &at,
        &[
            "规则 `peak-hour-staffing` 的 `when` 是一个数，不是 true 或 false",
            "提示：请写成比较",
        ],
        &["`when` of rule `peak-hour-staffing` is a number, not true or false"],
    );
}

#[test]
fn a_syntax_error_in_a_helper_library_is_chinese() {
    let dir = project(|_, text| text);
    std::fs::create_dir(dir.path().join("rules/lib")).expect("lib dir");
    std::fs::write(
        dir.path().join("rules/lib/helpers.rhai"),
        "fn big(x) {\n  x >\n}\n",
    )
    .expect("write");
    let at = format!("{}/rules/lib/helpers.rhai:3:1", path(&dir));
    both(
        &["analyze", &path(&dir)],
        &at,
        &["辅助函数库有语法错误：", "提示：辅助函数库中只能有"],
        &["syntax error in helper library: "],
    );
}

#[test]
fn a_missing_item_column_is_chinese_with_what_uses_it() {
    let dir = project(|name, text| match name {
        "survey.csv" => text.replacen("q_resp1", "q_respX", 1),
        _ => text,
    });
    let at = format!("{}/survey.csv:1", path(&dir));
    both(
        &["analyze", &path(&dir)],
        &at,
        &[
            "表头中没有列 `q_resp1`（驱动因素 `response_time` 的题项，",
            "model.yaml:14:13）",
            "提示：是不是 `q_respX`？",
        ],
        &[
            "column `q_resp1` (an item of driver `response_time`, ",
            "help: did you mean `q_respX`?",
        ],
    );
}

#[test]
fn a_broken_workbook_or_spss_file_is_chinese() {
    let dir = project(|_, text| text);
    let xlsx = dir.path().join("survey.xlsx");
    // A zip archive's signature and nothing of a workbook after it.
    std::fs::write(&xlsx, b"PK\x03\x04 this is no workbook").expect("write");
    let xlsx = xlsx.display().to_string();
    both(
        &["analyze", &path(&dir), "--data", &xlsx],
        &format!("{xlsx}: "),
        &[
            "无法读取工作簿",
            "提示：请确认文件是 .xlsx、.xls 或 .ods 工作簿",
        ],
        &[
            "cannot read the workbook: ",
            "help: check that the file is an .xlsx",
        ],
    );
    let sav = dir.path().join("survey.sav");
    std::fs::write(&sav, b"$FL2").expect("write");
    let sav = sav.display().to_string();
    both(
        &["analyze", &path(&dir), "--data", &sav],
        &format!("{sav}: "),
        &["文件在变量字典中途结束", "提示：请确认文件是 SPSS 的 .sav"],
        &["the file ends inside its dictionary"],
    );
    std::fs::write(&sav, b"not spss at all").expect("write");
    both(
        &["analyze", &path(&dir), "--data", &sav],
        &format!("{sav}: "),
        &["这不是 SPSS 系统文件"],
        &["this is not an SPSS system file"],
    );
}

#[test]
fn a_bad_scenario_of_sattrace_test_is_chinese() {
    let dir = project(|_, text| text);
    std::fs::create_dir(dir.path().join("tests")).expect("tests dir");
    // Before the typed error was kept, this was printed in English whatever the language.
    std::fs::write(
        dir.path().join("tests/peak.yaml"),
        "name: peak\nexpect:\n  - rule: peak-hour-staffing\nabsnt: [x]\n",
    )
    .expect("write");
    both_by_env(
        &["test", &path(&dir)],
        &["tests/peak.yaml:4:1", "`absnt`", "是不是 `absent`？"],
        &["tests/peak.yaml:4:1", "did you mean `absent`?"],
    );
}
