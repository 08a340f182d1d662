//! Evaluate a compiled rule on one context.

use rhai::{Dynamic, EvalAltResult, Scope};

use super::compile::Compiled;
use super::context::{scope_for, Context};
use super::engine::{RuleEngine, MAX_OPERATIONS, RUN_OPERATIONS};
use super::error::{lowercase_first, RuleError};
use super::functions::{install, Current, Installed};
use super::rule::{Evaluation, Rule};

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
                format!(
                    "`when` of rule `{}` must be true or false, not {}",
                    self.id,
                    article(type_name)
                ),
                "compare something, e.g. `driver.gap >= 0.3`".to_string(),
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
                            format!(
                                "`priority` of rule `{}` must be a number, not {}",
                                self.id,
                                article(type_name)
                            ),
                            "e.g. `uplift / cost`".to_string(),
                        )
                    })?;
                if !number.is_finite() {
                    return Err(self.eval_error(
                        expr,
                        format!("`priority` of rule `{}` is {number}", self.id),
                        "guard divisions, e.g. `uplift / max(cost, 1.0)`".to_string(),
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

    fn eval_error(&self, expr: &Compiled, message: String, help: String) -> RuleError {
        RuleError::Eval {
            rule: self.id.clone(),
            loc: expr.span.start(),
            message,
            help,
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
        let limit = |what: String| RuleError::Limit {
            rule: rule.clone(),
            loc: loc.clone(),
            message: format!("rule `{rule}` stopped: `{key}` {what}"),
            help: "rule expressions must be short; simplify it".to_string(),
        };
        match error {
            EvalAltResult::ErrorTooManyOperations(_) => {
                limit(format!("exceeded {MAX_OPERATIONS} operations"))
            }
            EvalAltResult::ErrorTerminated(..) => limit(format!(
                "was not run: the run's budget of {RUN_OPERATIONS} operations is spent"
            )),
            EvalAltResult::ErrorDataTooLarge(what, _) => {
                limit(format!("exceeded a size limit: {}", what.to_lowercase()))
            }
            EvalAltResult::ErrorStackOverflow(_) => limit("nests calls too deeply".to_string()),
            EvalAltResult::ErrorRuntime(value, _) => RuleError::Eval {
                message: format!("rule `{rule}`: {value}"),
                help: String::new(),
                rule,
                loc,
            },
            EvalAltResult::ErrorFunctionNotFound(signature, _) => RuleError::Eval {
                message: format!("rule `{rule}`: no function `{signature}` in `{key}`"),
                help: "functions here: score(id), gap(id), index(id), effect(id), has_tag(tag), abs, min, max, floor, ceiling, round, sqrt, len, contains".to_string(),
                rule,
                loc,
            },
            other => RuleError::Eval {
                message: format!("rule `{rule}`: `{key}` failed: {}", lowercase_first(&other.to_string())),
                help: String::new(),
                rule,
                loc,
            },
        }
    }
}

fn article(type_name: &str) -> String {
    match type_name {
        "()" => "nothing (`()`)".to_string(),
        "i64" => "an integer".to_string(),
        "f64" => "a number".to_string(),
        "string" | "ImmutableString" => "a string".to_string(),
        other => format!("`{other}`"),
    }
}
