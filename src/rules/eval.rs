//! Evaluate a compiled rule on one context.

use rhai::{Dynamic, EvalAltResult, Scope};

use super::compile::Compiled;
use super::context::{scope_for, Context};
use super::engine::{RuleEngine, MAX_OPERATIONS, RUN_OPERATIONS};
use super::error::{lowercase_first, RuleError};
use super::functions::{install, Current, Installed};
use super::rhai_zh;
use super::rule::{Evaluation, Rule};
use crate::diag::Both;
use crate::model::Lang;

impl Rule {
    /// Whether the rule fires on `ctx`, and its priority (the `priority` expression,
    /// or `uplift / cost`). Errors name the rule and where its expression is; the
    /// caller can carry on with other rules.
    ///
    /// Expressions translated at load time run natively (see `native.rs`); the
    /// others, and any native evaluation that cannot decide, run in Rhai.
    pub fn evaluate(&self, engine: &RuleEngine, ctx: &Context) -> Result<Evaluation, RuleError> {
        self.evaluate_with(engine, ctx, true)
    }

    /// The same, always in Rhai: the reference the native path is tested and
    /// benchmarked against.
    #[doc(hidden)]
    pub fn evaluate_interpreted(
        &self,
        engine: &RuleEngine,
        ctx: &Context,
    ) -> Result<Evaluation, RuleError> {
        self.evaluate_with(engine, ctx, false)
    }

    /// Whether `when` and `priority` both run natively (for benchmarks and tests).
    #[doc(hidden)]
    pub fn is_native(&self) -> bool {
        self.when.native.is_some() && self.priority.as_ref().is_none_or(|p| p.native.is_some())
    }

    fn evaluate_with(
        &self,
        engine: &RuleEngine,
        ctx: &Context,
        native: bool,
    ) -> Result<Evaluation, RuleError> {
        let mut rhai = None;
        let fired = self.value(engine, ctx, &self.when, native, &mut rhai)?;
        let fired = fired.as_bool().map_err(|type_name| {
            self.eval_error(
                &self.when,
                Both::new(
                    format!(
                        "`when` of rule `{}` must be true or false, not {}",
                        self.id,
                        article(type_name, Lang::En)
                    ),
                    format!(
                        "规则 `{}` 的 `when` 必须是 true 或 false，而不是{}",
                        self.id,
                        article(type_name, Lang::Zh)
                    ),
                ),
                Both::new(
                    "compare something, e.g. `driver.gap >= 0.3`",
                    "请写一个比较，例如 `driver.gap >= 0.3`",
                ),
            )
        })?;
        let priority = match &self.priority {
            None => ctx.uplift / self.cost,
            Some(expr) => {
                let value = self.value(engine, ctx, expr, native, &mut rhai)?;
                let number = value
                    .as_float()
                    .or_else(|_| value.as_int().map(|i| i as f64))
                    .map_err(|type_name| {
                        self.eval_error(
                            expr,
                            Both::new(
                                format!(
                                    "`priority` of rule `{}` must be a number, not {}",
                                    self.id,
                                    article(type_name, Lang::En)
                                ),
                                format!(
                                    "规则 `{}` 的 `priority` 必须是数，而不是{}",
                                    self.id,
                                    article(type_name, Lang::Zh)
                                ),
                            ),
                            Both::new("e.g. `uplift / cost`", "例如 `uplift / cost`"),
                        )
                    })?;
                if !number.is_finite() {
                    return Err(self.eval_error(
                        expr,
                        Both::new(
                            format!("`priority` of rule `{}` is {number}", self.id),
                            format!("规则 `{}` 的 `priority` 是 {number}", self.id),
                        ),
                        Both::new(
                            "guard divisions, e.g. `uplift / max(cost, 1.0)`",
                            "请避免除以零，例如 `uplift / max(cost, 1.0)`",
                        ),
                    ));
                }
                number
            }
        };
        Ok(Evaluation { fired, priority })
    }

    /// One expression's value: native when it can be, else in Rhai with the scope
    /// and function facts built on first use and kept for the rule's other expression.
    fn value(
        &self,
        engine: &RuleEngine,
        ctx: &Context,
        expr: &Compiled,
        native: bool,
        rhai: &mut Option<(Scope<'static>, Option<Installed>)>,
    ) -> Result<Dynamic, RuleError> {
        if native {
            if let Some(Ok(value)) = expr
                .native
                .as_ref()
                .map(|n| n.eval(ctx, self.cost, self.delta))
            {
                return Ok(value.into());
            }
        }
        let (scope, _) = rhai.get_or_insert_with(|| {
            let uses = match &self.priority {
                Some(p) => self.when.uses.union(p.uses),
                None => self.when.uses,
            };
            let needs_functions = self.when.uses_functions
                || self.priority.as_ref().is_some_and(|p| p.uses_functions);
            let scope = scope_for(ctx, self.cost, self.delta, uses);
            (
                scope,
                needs_functions.then(|| install(Current::from_context(ctx))),
            )
        });
        self.run(engine, scope, expr)
    }

    fn run(
        &self,
        engine: &RuleEngine,
        scope: &mut Scope,
        expr: &Compiled,
    ) -> Result<Dynamic, RuleError> {
        engine
            .engine
            .eval_ast_with_scope::<Dynamic>(scope, &expr.ast)
            .map_err(|e| self.runtime_error(expr, *e))
    }

    fn eval_error(&self, expr: &Compiled, message: Both, help: Both) -> RuleError {
        RuleError::Eval {
            rule: self.id.clone(),
            loc: expr.span.start(),
            message: message.en,
            help: help.en,
            zh: Some(Box::new((message.zh, help.zh))),
        }
    }

    fn runtime_error(&self, expr: &Compiled, error: EvalAltResult) -> RuleError {
        let mut error = error;
        // The innermost error says what happened; the outer ones only say where.
        let mut position = error.take_position();
        while let EvalAltResult::ErrorInFunctionCall(_, _, inner, pos) = error {
            if !pos.is_none() {
                position = pos;
            }
            error = *inner;
            let inner_pos = error.take_position();
            if !inner_pos.is_none() {
                position = inner_pos;
            }
        }
        let rule = self.id.clone();
        let loc = expr.span.loc(position);
        let key = expr.key;
        let limit = |what: Both| {
            RuleError::Limit {
                rule: rule.clone(),
                loc: loc.clone(),
                message: format!("rule `{rule}` stopped: `{key}` {}", what.en),
                help: "rule expressions must be short; simplify it".to_string(),
                zh: None,
            }
            .with_zh(
                format!("规则 `{rule}` 已停止：`{key}` {}", what.zh),
                "规则表达式必须简短；请简化它",
            )
        };
        let eval = |message: Both, help: Both| {
            RuleError::Eval {
                rule: rule.clone(),
                loc: loc.clone(),
                message: message.en,
                help: help.en,
                zh: None,
            }
            .with_zh(message.zh, help.zh)
        };
        match error {
            EvalAltResult::ErrorTooManyOperations(_) => limit(Both::new(
                format!("exceeded {MAX_OPERATIONS} operations"),
                format!("超过了 {MAX_OPERATIONS} 次运算"),
            )),
            EvalAltResult::ErrorTerminated(..) => limit(Both::new(
                format!("was not run: the run's budget of {RUN_OPERATIONS} operations is spent"),
                format!("没有运行：本次运行的 {RUN_OPERATIONS} 次运算预算已用完"),
            )),
            EvalAltResult::ErrorDataTooLarge(what, _) => limit(Both::new(
                format!("exceeded a size limit: {}", what.to_lowercase()),
                rhai_zh::data_too_large(&what),
            )),
            EvalAltResult::ErrorStackOverflow(_) => {
                limit(Both::new("nests calls too deeply", "调用嵌套过深"))
            }
            EvalAltResult::ErrorRuntime(value, _) => {
                // Our own functions raise their message in both languages.
                let text = match value.clone().try_cast::<Both>() {
                    Some(both) => both,
                    None => Both::new(value.to_string(), format!("运行时错误：`{value}`")),
                };
                eval(
                    Both::new(
                        format!("rule `{rule}`: {}", text.en),
                        format!("规则 `{rule}`：{}", text.zh),
                    ),
                    Both::default(),
                )
            }
            EvalAltResult::ErrorFunctionNotFound(signature, _) => eval(
                Both::new(
                    format!("rule `{rule}`: no function `{signature}` in `{key}`"),
                    format!("规则 `{rule}`：`{key}` 中没有函数 `{signature}`"),
                ),
                Both::new(
                    format!("functions here: {FUNCTIONS}"),
                    format!(
                        "这里可用的函数：{}",
                        FUNCTIONS
                            .split(", ")
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                ),
            ),
            other => eval(
                Both::new(
                    format!(
                        "rule `{rule}`: `{key}` failed: {}",
                        lowercase_first(&other.to_string())
                    ),
                    format!(
                        "规则 `{rule}`：`{key}` 运行出错：{}",
                        rhai_zh::eval_error(&other)
                    ),
                ),
                Both::default(),
            ),
        }
    }
}

/// The functions a rule expression can call, for the help of an unknown one.
const FUNCTIONS: &str = "score(id), gap(id), index(id), effect(id), has_tag(tag), abs, min, max, floor, ceiling, round, sqrt, len, contains";

fn article(type_name: &str, lang: Lang) -> String {
    match (type_name, lang) {
        ("()", Lang::En) => "nothing (`()`)".to_string(),
        ("()", Lang::Zh) => "空值（`()`）".to_string(),
        ("i64", Lang::En) => "an integer".to_string(),
        ("i64", Lang::Zh) => "整数".to_string(),
        ("f64", Lang::En) => "a number".to_string(),
        ("f64", Lang::Zh) => "数".to_string(),
        ("string" | "ImmutableString", Lang::En) => "a string".to_string(),
        ("string" | "ImmutableString", Lang::Zh) => "字符串".to_string(),
        (other, _) => format!("`{other}`"),
    }
}
