//! Shared helpers: `rules/lib/*.rhai` files of function definitions, compiled once
//! and merged into every rule expression's AST, so a rule calls them by name.
//!
//! This is the only way code is shared between rules: `import` is refused, the module
//! resolver resolves nothing, and scripts never see files. A library file may hold
//! nothing but `fn` definitions; each function name is unique across all library
//! files and may not hide a built-in function. Helpers see only their arguments
//! (Rhai functions cannot read the caller's variables) and the functions `score(id)`
//! and friends; recursion is bounded by the call-depth and operation limits.

use std::collections::BTreeMap;

use rhai::{ASTNode, Expr, AST};

use super::engine::RuleEngine;
use super::error::{lowercase_first, RuleError};
use super::native::Helpers;
use super::rhai_zh;
use super::RuleSource;
use crate::diag::{did_you_mean_in, suggest, Loc};
use crate::model::Lang;

/// Every helper function of the loaded library files.
#[derive(Debug, Clone, Default)]
pub(crate) struct Library {
    /// All helpers in one AST without statements; `None` without library files.
    pub ast: Option<AST>,
    /// Helper name → where it is defined.
    pub functions: BTreeMap<String, Loc>,
    /// One-expression helpers, for the native evaluator to inline.
    pub helpers: Helpers,
}

impl Library {
    /// The rule expression with every helper merged in.
    pub(crate) fn merge_into(&self, expression: AST) -> AST {
        match &self.ast {
            Some(lib) => lib.merge(&expression),
            None => expression,
        }
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.functions.contains_key(name)
    }
}

/// Whether a rule source is a library file rather than a rule file.
pub(crate) fn is_library(source: &RuleSource) -> bool {
    source.file.ends_with(".rhai")
}

/// Compile every library file; errors are collected, not returned at the first.
pub(crate) fn compile_library(
    engine: &RuleEngine,
    sources: &[RuleSource],
    errors: &mut Vec<RuleError>,
) -> Library {
    let mut library = Library::default();
    let mut asts: Vec<AST> = Vec::new();
    for source in sources.iter().filter(|s| is_library(s)) {
        let ast = match engine.engine.compile(source.text) {
            Ok(ast) => ast,
            Err(e) => {
                errors.push(
                    RuleError::invalid(
                        loc(source.file, e.1),
                        format!(
                            "syntax error in helper library: {}",
                            lowercase_first(&e.0.to_string())
                        ),
                        "a library holds only `fn name(args) { … }` definitions",
                    )
                    .with_zh(
                        format!("辅助函数库有语法错误：{}", rhai_zh::parse_error(&e.0)),
                        "辅助函数库中只能有 `fn 名称(参数) { … }` 形式的定义",
                    ),
                );
                continue;
            }
        };
        if let Some(first) = ast.statements().first() {
            errors.push(
                RuleError::invalid(
                    loc(source.file, first.position()),
                    "a helper library may only define functions",
                    "move this statement into a function: `fn name(args) { … }`",
                )
                .with_zh(
                    "辅助函数库中只能定义函数",
                    "请把这条语句移进一个函数：`fn 名称(参数) { … }`",
                ),
            );
            continue;
        }
        let mut ok = true;
        for f in ast.iter_functions() {
            let at = find_fn(source.file, source.text, f.name);
            if engine.functions.contains(f.name) {
                errors.push(
                    RuleError::invalid(
                        at,
                        format!("helper `{}` hides a built-in function", f.name),
                        "give the helper another name",
                    )
                    .with_zh(
                        format!("辅助函数 `{}` 与内置函数同名", f.name),
                        "请给辅助函数换个名字",
                    ),
                );
                ok = false;
            } else if let Some(first) = library.functions.get(f.name) {
                errors.push(
                    RuleError::invalid(
                        at,
                        format!("helper `{}` is defined twice", f.name),
                        format!("`{}` is already defined at {first}; helper names are shared by all library files", f.name),
                    )
                    .with_zh(
                        format!("辅助函数 `{}` 定义了两次", f.name),
                        format!("`{}` 已在 {first} 定义；所有辅助函数库文件共用函数名", f.name),
                    ),
                );
                ok = false;
            } else {
                library.functions.insert(f.name.to_string(), at);
            }
        }
        if ok {
            asts.push(ast);
        }
    }
    // Calls inside helpers are checked once every helper is known.
    for (ast, source) in asts.iter().zip(sources.iter().filter(|s| is_library(s))) {
        check_calls(engine, &library, source.file, ast, errors);
    }
    library.ast = asts.into_iter().reduce(|a, b| a.merge(&b));
    if let Some(ast) = &library.ast {
        library.helpers = Helpers::of(ast);
    }
    library
}

fn check_calls(
    engine: &RuleEngine,
    library: &Library,
    file: &str,
    ast: &AST,
    errors: &mut Vec<RuleError>,
) {
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Expr(Expr::FnCall(call, pos))) = path.last() {
            let name = call.name.as_str();
            if call.op_token.is_none()
                && !engine.functions.contains(name)
                && !library.contains(name)
            {
                let names = engine
                    .functions
                    .iter()
                    .map(String::as_str)
                    .chain(library.functions.keys().map(String::as_str));
                let near = suggest(name, names);
                errors.push(
                    RuleError::invalid(
                        loc(file, *pos),
                        format!("unknown function `{name}` in helper library"),
                        did_you_mean_in(Lang::En, near.as_deref()),
                    )
                    .with_zh(
                        format!("辅助函数库中有未知的函数 `{name}`"),
                        did_you_mean_in(Lang::Zh, near.as_deref()),
                    ),
                );
            }
        }
        true
    });
}

fn loc(file: &str, pos: rhai::Position) -> Loc {
    Loc::new(
        file,
        pos.line().unwrap_or(0) as u64,
        pos.position().unwrap_or(0) as u64,
    )
}

/// Where `fn name` is written; the file itself when it cannot be found.
fn find_fn(file: &str, text: &str, name: &str) -> Loc {
    let needle = format!("fn {name}");
    for (i, line) in text.lines().enumerate() {
        if let Some(col) = line.find(&needle) {
            let column = line[..col].chars().count() + 4;
            return Loc::new(file, i as u64 + 1, column as u64);
        }
    }
    Loc::new(file, 0, 0)
}
