//! Rhai's own messages (syntax and run-time errors) in Chinese.
//!
//! Rhai says them in English only; the kinds a rule author meets are matched here
//! and said in Chinese, with the names, symbols and numbers Rhai quotes kept
//! verbatim. Rhai's free-text details (the "to close the parenthesis" of a missing
//! token) are left out rather than mixed into a Chinese sentence; a kind not
//! matched gets a generic Chinese sentence, never Rhai's English.

use rhai::{EvalAltResult, LexError, ParseErrorType};

/// What went wrong in a syntax error, in Chinese.
pub(crate) fn parse_error(error: &ParseErrorType) -> String {
    use ParseErrorType as P;
    match error {
        P::UnexpectedEOF => "表达式不完整（意外结束）".to_string(),
        P::BadInput(lex) => lex_error(lex),
        P::UnknownOperator(op) => format!("未知的运算符 `{op}`"),
        P::MissingToken(token, _) => format!("缺少 `{token}`"),
        P::MissingSymbol(_) => "缺少符号".to_string(),
        P::MalformedIndexExpr(_) => "下标表达式无效".to_string(),
        P::MalformedCapture(_) => "捕获无效".to_string(),
        P::DuplicatedProperty(name) => format!("映射中的属性 `{name}` 重复"),
        P::DuplicatedVariable(name) => format!("变量名 `{name}` 重复"),
        P::PropertyExpected => "这里应为属性名".to_string(),
        P::VariableExpected => "这里应为变量名".to_string(),
        P::ForbiddenVariable(name) => format!("不允许使用变量名 `{name}`"),
        P::Reserved(name) => format!("`{name}` 是保留字"),
        P::MismatchedType(expected, actual) => {
            format!("类型不符：应为 `{expected}`，实际是 `{actual}`")
        }
        P::ExprExpected(_) => "这里应为表达式".to_string(),
        P::WrongFnDefinition | P::FnMissingName | P::FnMissingBody(_) => {
            "函数定义无效：只能在辅助函数库的顶层写 `fn 名称(参数) { … }`".to_string()
        }
        P::FnMissingParams(name) => format!("函数 `{name}` 缺少参数列表"),
        P::FnDuplicatedParam(name, param) => format!("函数 `{name}` 的参数 `{param}` 重复"),
        P::FnDuplicatedDefinition(name, n) => format!("已有带 {n} 个参数的函数 `{name}`"),
        P::AssignmentToConstant(_) | P::AssignmentToInvalidLHS(_) => "不能给它赋值".to_string(),
        P::VariableExists(name) => format!("变量 `{name}` 已定义"),
        P::VariableUndefined(name) => format!("未定义的变量 `{name}`"),
        P::ModuleUndefined(name) => format!("未定义的模块 `{name}`"),
        P::ExprTooDeep => "表达式嵌套过深".to_string(),
        P::TooManyFunctions => "定义的函数过多".to_string(),
        P::LiteralTooLarge(_, max) => format!("字面量超过上限（{max}）"),
        P::LoopBreak => "`break` 只能用在循环里".to_string(),
        P::WrongExport => "`export` 只能用在顶层".to_string(),
        P::WrongDocComment => "文档注释后必须紧跟函数定义".to_string(),
        P::WrongSwitchIntegerCase | P::WrongSwitchDefaultCase | P::WrongSwitchCaseCondition => {
            "`switch` 的分支写法无效".to_string()
        }
        #[allow(
            deprecated,
            reason = "Rhai still has these kinds; they are said generically"
        )]
        P::MalformedCallExpr(_) | P::MalformedInExpr(_) | P::DuplicatedSwitchCase => {
            "语法错误".to_string()
        }
        // Rhai's error kinds are non-exhaustive.
        _ => "语法错误".to_string(),
    }
}

fn lex_error(error: &LexError) -> String {
    use LexError as L;
    match error {
        L::UnexpectedInput(s) => format!("意外的 `{s}`"),
        L::UnterminatedString => "字符串没有结束引号".to_string(),
        L::StringTooLong(max) => format!("字符串过长（最多 {max}）"),
        L::MalformedEscapeSequence(s) => format!("无效的转义序列 `{s}`"),
        L::MalformedNumber(s) => format!("无效的数字 `{s}`"),
        L::MalformedChar(s) => format!("无效的字符 `{s}`"),
        L::MalformedIdentifier(s) => format!("无效的名称 `{s}`"),
        L::ImproperSymbol(s, _) => format!("无效的符号 `{s}`"),
        _ => "词法错误".to_string(),
    }
}

/// What went wrong while an expression ran, in Chinese (the innermost error;
/// limits and our own run-time errors are said by the caller).
pub(crate) fn eval_error(error: &EvalAltResult) -> String {
    use EvalAltResult as E;
    match error {
        E::ErrorParsing(p, _) => format!("语法错误：{}", parse_error(p)),
        E::ErrorVariableNotFound(name, _) => format!("找不到变量 `{name}`"),
        E::ErrorPropertyNotFound(name, _) => format!("找不到属性 `{name}`"),
        E::ErrorIndexNotFound(index, _) => format!("无效的下标 `{index}`"),
        E::ErrorFunctionNotFound(signature, _) => format!("没有函数 `{signature}`"),
        E::ErrorIndexingType(what, _) => format!("`{what}` 不能用下标访问"),
        E::ErrorDotExpr(..) => "点表达式无效".to_string(),
        E::ErrorMismatchOutputType(expected, actual, _)
        | E::ErrorMismatchDataType(expected, actual, _) => {
            format!("类型不符：应为 `{expected}`，实际是 `{actual}`")
        }
        E::ErrorArithmetic(..) => "算术错误（如除以零或溢出）".to_string(),
        E::ErrorArrayBounds(len, index, _) => {
            format!("列表下标 {index} 越界：列表只有 {len} 个元素")
        }
        E::ErrorStringBounds(len, index, _) => {
            format!("字符串下标 {index} 越界：字符串只有 {len} 个字符")
        }
        E::ErrorBitFieldBounds(len, index, _) => format!("位下标 {index} 越界（共 {len} 位）"),
        E::ErrorTooManyOperations(_) => "运算次数过多".to_string(),
        E::ErrorStackOverflow(_) => "调用嵌套过深".to_string(),
        E::ErrorDataTooLarge(..) => "数据超出大小限制".to_string(),
        E::ErrorTerminated(..) => "已被终止".to_string(),
        E::ErrorAssignmentToConstant(name, _) => format!("不能修改常量 `{name}`"),
        E::ErrorFor(_) => "`for` 需要可迭代的值".to_string(),
        E::ErrorRuntime(..) => "运行时错误".to_string(),
        _ => "表达式运行出错".to_string(),
    }
}

/// A sandbox limit as the "…" of "`when` …", in Chinese.
pub(crate) fn data_too_large(what: &str) -> String {
    let what = what.to_lowercase();
    let kind = if what.contains("string") {
        "字符串长度"
    } else if what.contains("array") {
        "列表长度"
    } else if what.contains("map") {
        "映射大小"
    } else {
        "大小"
    };
    format!("超出了{kind}限制")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_latin_word(text: &str) -> bool {
        // A run of three ASCII letters outside backticks is English prose.
        let mut inside = false;
        let mut run = 0;
        for c in text.chars() {
            if c == '`' {
                inside = !inside;
                run = 0;
            } else if !inside && c.is_ascii_alphabetic() {
                run += 1;
                if run >= 3 {
                    return true;
                }
            } else {
                run = 0;
            }
        }
        false
    }

    #[test]
    fn syntax_errors_of_real_expressions_are_said_in_chinese() {
        let engine = rhai::Engine::new_raw();
        for source in [
            "driver.gap >=",
            "(driver.gap > 1",
            "driver.gap > 1 &&& true",
            "\"open",
            "driver.gap > 1.2.3",
            "let x = 1",
            "driver.gap # 2",
        ] {
            let Err(e) = engine.compile_expression(source) else {
                panic!("`{source}` compiled");
            };
            let zh = parse_error(&e.0);
            assert!(!has_latin_word(&zh), "{source}: {zh} ({})", e.0);
            assert!(zh.chars().any(|c| c > '\u{2e80}'), "{source}: {zh}");
        }
    }

    #[test]
    fn run_time_errors_are_said_in_chinese() {
        let engine = rhai::Engine::new();
        for source in ["[1, 2][5]", "1 / 0", "\"a\"[9]", "x"] {
            let Err(e) = engine.eval_expression::<rhai::Dynamic>(source) else {
                panic!("`{source}` ran");
            };
            let zh = eval_error(&e);
            assert!(!has_latin_word(&zh), "{source}: {zh} ({e})");
        }
    }
}
