//! Compile each `when` and `priority` once, at load time, and check the names it uses.

use rhai::{ASTNode, Expr, LexError, OptimizationLevel, ParseErrorType, Position, AST};
use serde_saphyr::Spanned;

use super::context::{compile_scope, Uses};
use super::engine::{RuleEngine, DISABLED};
use super::error::{lowercase_first, RuleError};
use super::library::Library;
use super::names;
use super::native::{translate, Native};
use super::rhai_zh;
use super::span::{ExprSpan, LineIndex};
use super::Known;
use crate::diag::{did_you_mean_in, suggest, Both};
use crate::model::Lang;

/// A checked, optimized expression and where it is in its file.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub ast: AST,
    pub span: ExprSpan,
    /// `when` or `priority`, for messages.
    pub key: &'static str,
    /// Whether it calls `score(id)`, `has_tag(tag)`… and so needs the thread-local facts.
    pub uses_functions: bool,
    /// Which fields it reads.
    pub uses: Uses,
    /// The expression as written, for the "why" of an action.
    pub source: String,
    /// The same expression translated for native evaluation, when it can be.
    pub native: Option<Native>,
}

/// Where an expression comes from, for messages.
pub(crate) struct Origin<'a> {
    pub rule: &'a str,
    pub file: &'a str,
    pub lines: &'a LineIndex<'a>,
    pub key: &'static str,
}

impl Origin<'_> {
    /// An error with its Chinese text.
    pub(crate) fn error_in(&self, loc: crate::diag::Loc, message: Both, help: Both) -> RuleError {
        RuleError::Compile {
            rule: self.rule.to_string(),
            loc,
            message: message.en,
            help: help.en,
            zh: Some(Box::new((message.zh, help.zh))),
        }
    }
}

/// Compile one expression; every problem found in it is returned.
pub(crate) fn compile(
    engine: &RuleEngine,
    library: &Library,
    origin: &Origin,
    expr: &Spanned<String>,
    known: &Known,
) -> Result<Compiled, Vec<RuleError>> {
    let at = expr.referenced;
    let span = ExprSpan::new(
        origin.file,
        origin.lines,
        at.line(),
        at.column(),
        &expr.value,
    );
    let key = origin.key;
    if expr.value.trim().is_empty() {
        return Err(vec![origin.error_in(
            span.start(),
            Both::new(format!("`{key}` is empty"), format!("`{key}` 是空的")),
            Both::new(
                "write an expression, e.g. `driver.gap >= 0.3`",
                "请写一个表达式，例如 `driver.gap >= 0.3`",
            ),
        )]);
    }
    let scope = compile_scope();
    let ast = engine
        .engine
        .compile_expression_with_scope(&scope, &expr.value)
        .map_err(|e| {
            let (message, help) = parse_message(key, &e.0);
            vec![origin.error_in(span.loc(e.1), message, help)]
        })?;
    let (uses_functions, uses) = check_names(engine, library, &ast, origin, &span, known)?;
    let ast = engine
        .engine
        .optimize_ast(&scope, ast, OptimizationLevel::Simple);
    let native = translate(&ast, &library.helpers);
    let ast = library.merge_into(ast);
    Ok(Compiled {
        ast,
        span,
        key,
        uses_functions,
        uses,
        source: expr.value.split_whitespace().collect::<Vec<_>>().join(" "),
        native,
    })
}

fn parse_message(key: &str, error: &ParseErrorType) -> (Both, Both) {
    match error {
        ParseErrorType::VariableUndefined(name) => (
            Both::new(
                format!("unknown name `{name}` in `{key}`"),
                format!("`{key}` 中有未知的名称 `{name}`"),
            ),
            near_or(
                name,
                names::VARIABLES,
                Both::new(
                    format!("names here: {}", names::VARIABLES.join(", ")),
                    format!("这里可用的名称：{}", names::VARIABLES.join(", ")),
                ),
            ),
        ),
        ParseErrorType::BadInput(LexError::ImproperSymbol(name, _))
        | ParseErrorType::Reserved(name)
            if DISABLED.contains(&name.as_str()) =>
        {
            (
                Both::new(
                    format!("`{name}` is not allowed in `{key}`"),
                    format!("`{key}` 中不允许使用 `{name}`"),
                ),
                if name == "eval" {
                    Both::new(
                        "write the expression itself; rules cannot compile code at run time",
                        "请直接写出表达式；规则不能在运行时编译代码",
                    )
                } else {
                    Both::new(
                        "rule expressions cannot print, import modules or use function pointers",
                        "规则表达式不能打印、导入模块或使用函数指针",
                    )
                },
            )
        }
        other => (
            Both::new(
                format!("syntax error in `{key}`: {}", lowercase_first(&other.to_string())),
                format!("`{key}` 有语法错误：{}", rhai_zh::parse_error(other)),
            ),
            Both::new(
                "`when` and `priority` are single Rhai expressions: no loops, assignments, functions or closures",
                "`when` 和 `priority` 都是单个 Rhai 表达式：不能有循环、赋值、函数或闭包",
            ),
        ),
    }
}

/// Checks fields of `driver`, `segment`, `outcome`, and literal ids passed to
/// `score("…")` and friends. Returns whether any of those functions is called, and
/// which fields are read.
fn check_names(
    engine: &RuleEngine,
    library: &Library,
    ast: &AST,
    origin: &Origin,
    span: &ExprSpan,
    known: &Known,
) -> Result<(bool, Uses), Vec<RuleError>> {
    let mut uses_functions = false;
    let mut uses = Uses::default();
    let mut errors: Vec<RuleError> = Vec::new();
    let known_fn = |name: &str| engine.functions.contains(name) || library.contains(name);
    ast.walk(&mut |path: &[ASTNode]| {
        let Some(ASTNode::Expr(expr)) = path.last() else {
            return true;
        };
        if let Expr::Variable(..) = expr {
            let name = variable_name(expr).unwrap_or_default();
            uses.mark(name, field_read(path, expr));
        }
        let problem = match expr {
            Expr::Dot(x, ..) => variable_name(&x.lhs)
                .and_then(|var| first_property(&x.rhs).map(|p| (var, p)))
                .and_then(|(var, (field, pos))| check_field(var, field, pos)),
            Expr::Index(x, ..) => match (variable_name(&x.lhs), &x.rhs) {
                (Some(var), Expr::StringConstant(field, pos)) => check_field(var, field, *pos),
                _ => None,
            },
            Expr::FnCall(call, pos) if call.op_token.is_none() && !known_fn(call.name.as_str()) => {
                Some(unknown_function(engine, library, &call.name, *pos))
            }
            Expr::MethodCall(call, pos) if !known_fn(call.name.as_str()) => {
                Some(unknown_function(engine, library, &call.name, *pos))
            }
            Expr::MethodCall(call, _) => {
                // A helper may call `score(id)` and friends.
                uses_functions |= library.contains(call.name.as_str());
                None
            }
            Expr::FnCall(call, _) => {
                let name = call.name.as_str();
                uses_functions |= library.contains(name);
                let is_driver_fn = names::DRIVER_FUNCTIONS.contains(&name);
                let is_tag_fn = name == names::TAG_FUNCTION;
                uses_functions |= is_driver_fn || is_tag_fn;
                match call.args.first() {
                    Some(Expr::StringConstant(arg, pos)) => {
                        if is_driver_fn {
                            check_driver(name, arg, *pos, known)
                        } else if is_tag_fn {
                            check_tag(arg, *pos, known)
                        } else {
                            None
                        }
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some((message, help, pos)) = problem {
            errors.push(origin.error_in(span.loc(pos), message, help));
        }
        true
    });
    if errors.is_empty() {
        Ok((uses_functions, uses))
    } else {
        Err(errors)
    }
}

/// The field read from `variable` when it is the left side of `.field` or
/// `["field"]`; `None` when the whole value is used.
fn field_read<'a>(path: &[ASTNode<'a>], variable: &Expr) -> Option<&'a str> {
    let parent = path.len().checked_sub(2).and_then(|i| path.get(i))?;
    match parent {
        ASTNode::Expr(Expr::Dot(x, ..)) if std::ptr::eq(&x.lhs, variable) => {
            first_property(&x.rhs).map(|(field, _)| field)
        }
        ASTNode::Expr(Expr::Index(x, ..)) if std::ptr::eq(&x.lhs, variable) => match &x.rhs {
            Expr::StringConstant(field, _) => Some(field.as_str()),
            _ => None,
        },
        _ => None,
    }
}

type Problem = (Both, Both, Position);

/// "did you mean `x`?" in both languages, or `none` when no name is near.
fn near_or(name: &str, candidates: &[&str], none: Both) -> Both {
    match suggest(name, candidates.iter().copied()) {
        Some(s) => Both::new(
            did_you_mean_in(Lang::En, Some(&s)),
            did_you_mean_in(Lang::Zh, Some(&s)),
        ),
        None => none,
    }
}

fn unknown_function(engine: &RuleEngine, library: &Library, name: &str, pos: Position) -> Problem {
    let names = engine
        .functions
        .iter()
        .chain(library.functions.keys())
        .map(String::as_str);
    let names: Vec<&str> = names.collect();
    (
        Both::new(
            format!("unknown function `{name}`"),
            format!("未知的函数 `{name}`"),
        ),
        near_or(name, &names, Both::new(
            "functions: score(id), gap(id), index(id), effect(id), share(id), uplift(id, delta), has_tag(tag), helpers from rules/lib, and Rhai's math (abs, min, max, floor, round, sqrt…) and string basics",
            "可用函数：score(id)、gap(id)、index(id)、effect(id)、share(id)、uplift(id, delta)、has_tag(tag)、rules/lib 中的辅助函数，以及 Rhai 的数学函数（abs、min、max、floor、round、sqrt…）和基本字符串函数",
        )),
        pos,
    )
}

fn variable_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Variable(x, ..) => Some(x.1.as_str()),
        _ => None,
    }
}

/// The first property of a chain: `tags` in `driver.tags.len()`.
fn first_property(expr: &Expr) -> Option<(&str, Position)> {
    match expr {
        Expr::Property(x, pos) => Some((x.2.as_str(), *pos)),
        Expr::Dot(x, ..) | Expr::Index(x, ..) => first_property(&x.lhs),
        _ => None,
    }
}

fn check_field(var: &str, field: &str, pos: Position) -> Option<Problem> {
    match names::fields_of(var) {
        Some(fields) if fields.contains(&field) => None,
        Some(fields) => Some((
            Both::new(
                format!("`{var}` has no field `{field}`"),
                format!("`{var}` 没有字段 `{field}`"),
            ),
            near_or(
                field,
                fields,
                Both::new(
                    format!("fields of `{var}`: {}", fields.join(", ")),
                    format!("`{var}` 的字段：{}", fields.join(", ")),
                ),
            ),
            pos,
        )),
        None => Some((
            Both::new(
                format!("`{var}` is a number and has no field `{field}`"),
                format!("`{var}` 是一个数，没有字段 `{field}`"),
            ),
            Both::new(format!("write `{var}` alone"), format!("请直接写 `{var}`")),
            pos,
        )),
    }
}

fn check_driver(function: &str, id: &str, pos: Position, known: &Known) -> Option<Problem> {
    if known.drivers.is_empty() || known.drivers.iter().any(|d| d == id) {
        return None;
    }
    let drivers: Vec<&str> = known.drivers.iter().map(String::as_str).collect();
    Some((
        Both::new(
            format!("`{function}` names unknown driver `{id}`"),
            format!("`{function}` 中有未知的驱动因素 `{id}`"),
        ),
        near_or(
            id,
            &drivers,
            Both::new(
                format!("drivers: {}", known.drivers.join(", ")),
                format!("现有驱动因素：{}", known.drivers.join(", ")),
            ),
        ),
        pos,
    ))
}

/// A tag nobody uses may be meant for another model, so only a near miss of a known
/// tag is an error.
fn check_tag(tag: &str, pos: Position, known: &Known) -> Option<Problem> {
    if known.tags.iter().any(|t| t == tag) {
        return None;
    }
    let close = suggest(tag, known.tags.iter().map(String::as_str))?;
    Some((
        Both::new(
            format!("`has_tag` names unknown tag `{tag}`"),
            format!("`has_tag` 中有未知的标签 `{tag}`"),
        ),
        Both::new(
            format!("did you mean `{close}`?"),
            format!("是不是 `{close}`？"),
        ),
        pos,
    ))
}
