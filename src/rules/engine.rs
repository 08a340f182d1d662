//! The sandboxed Rhai engine: built once, shared by every rule and thread.

use rhai::module_resolvers::DummyModuleResolver;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicMathPackage, BasicStringPackage, LogicPackage,
    MoreStringPackage, Package,
};
use rhai::{Dynamic, Engine, OptimizationLevel};

use super::functions;

/// Limits for short expressions: far above what a real `when` needs, far below
/// what could hurt the host.
pub(crate) const MAX_OPERATIONS: u64 = 10_000;

/// Operations one engine (one run) may spend over all evaluations: each rule is
/// capped at [`MAX_OPERATIONS`], but 5,000 rules at the cap took 288 s. This is
/// 2,000 capped evaluations, about a second; real rules use a few dozen each.
pub const RUN_OPERATIONS: u64 = 20_000_000;

/// Symbols refused in rule expressions: `eval` would compile code at run time past
/// every name check; function pointers (`Fn`, `call`, `curry`) would allow recursion.
pub(crate) const DISABLED: &[&str] = &["eval", "Fn", "call", "curry", "print", "debug", "import"];

/// Functions the engine evaluates itself rather than looking them up.
const INTRINSICS: &[&str] = &["type_of"];

/// A Rhai engine with only arithmetic, comparison, logic, math, string and array
/// basics, no module loading, no loops, no closures, and tight limits.
/// `Send + Sync` (Rhai's `sync` feature): build one and share it.
pub struct RuleEngine {
    pub(crate) engine: Engine,
    /// Names of every callable function, for "unknown function" errors at load time.
    pub(crate) functions: BTreeSet<String>,
    /// Operations spent so far by every evaluation on this engine.
    spent: Arc<AtomicU64>,
}

impl RuleEngine {
    pub fn new() -> Self {
        Self::with_run_budget(RUN_OPERATIONS)
    }

    /// An engine whose evaluations together stop after `budget` operations:
    /// past it every evaluation ends at its first operation (`ErrorTerminated`).
    pub fn with_run_budget(budget: u64) -> Self {
        let mut engine = Engine::new_raw();
        // Operators on two numbers are built in; these add mixed int/float
        // comparisons, `abs`, `min`/`max`, `floor`, `sqrt`, `len`, `contains`, `in`…
        // Array functions that take closures are inert: closures and `Fn` are refused.
        ArithmeticPackage::new().register_into_engine(&mut engine);
        LogicPackage::new().register_into_engine(&mut engine);
        BasicMathPackage::new().register_into_engine(&mut engine);
        BasicStringPackage::new().register_into_engine(&mut engine);
        // `len`, `contains`, `starts_with`, `to_lower`…: bounded by the string size limit.
        MoreStringPackage::new().register_into_engine(&mut engine);
        BasicArrayPackage::new().register_into_engine(&mut engine);
        functions::register(&mut engine);

        engine.set_module_resolver(DummyModuleResolver::new());
        for symbol in DISABLED {
            engine.disable_symbol(*symbol);
        }
        engine.set_allow_looping(false);
        engine.set_allow_anonymous_fn(false);
        engine.set_allow_shadowing(false);
        engine.set_strict_variables(true);
        engine.set_fail_on_invalid_map_property(true);
        // Compile unoptimized so name checks see every name the author wrote
        // (`false && driver.scroe` too); the checked AST is optimized afterwards.
        engine.set_optimization_level(OptimizationLevel::None);

        engine.set_max_operations(MAX_OPERATIONS);
        engine.set_max_call_levels(16);
        engine.set_max_expr_depths(32, 16);
        engine.set_max_string_size(1_000);
        engine.set_max_array_size(1_000);
        engine.set_max_map_size(200);
        let spent = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&spent);
        // Called once per operation of any evaluation.
        engine.on_progress(move |_| {
            let used = counter.fetch_add(1, Ordering::Relaxed);
            (used >= budget).then_some(Dynamic::UNIT)
        });
        let functions = engine
            .collect_fn_metadata(None, |f| Some(f.metadata.name.to_string()), true)
            .into_iter()
            .chain(INTRINSICS.iter().map(|s| s.to_string()))
            .filter(|name| !name.contains('$'))
            .collect();
        RuleEngine {
            engine,
            functions,
            spent,
        }
    }

    /// Operations spent so far by every evaluation on this engine.
    pub fn operations_spent(&self) -> u64 {
        self.spent.load(Ordering::Relaxed)
    }
}

impl Default for RuleEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for RuleEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RuleEngine")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    /// Issue 17 item 9: the whole run has a budget, not only each evaluation.
    #[test]
    fn the_run_budget_stops_every_later_evaluation() {
        let engine = RuleEngine::with_run_budget(200);
        let long = format!("[{}].len()", vec!["1"; 150].join(", "));
        assert!(engine.engine.eval_expression::<i64>(&long).is_ok());
        let spent = engine.operations_spent();
        assert!(spent >= 149, "{spent}");
        let error = engine
            .engine
            .eval_expression::<i64>(&long)
            .expect_err("over budget");
        assert!(
            matches!(*error, rhai::EvalAltResult::ErrorTerminated(..)),
            "{error}"
        );
        assert!(engine.engine.eval_expression::<i64>("1 + 1").is_err());
        assert!(engine.operations_spent() <= 200 + 2, "stops at the budget");
    }

    #[test]
    fn engine_is_shareable() {
        assert_send_sync::<RuleEngine>();
    }

    #[test]
    fn arithmetic_and_logic_work_without_the_standard_library() {
        let engine = RuleEngine::new().engine;
        let value = engine.eval_expression::<bool>(
            "1 + 2.5 > 3 && abs(-2) == 2 && \"ab\".len() == 2 && 2 in [1, 2]",
        );
        assert!(matches!(value, Ok(true)), "{value:?}");
    }

    #[test]
    fn knows_its_functions() {
        let engine = RuleEngine::new();
        // Every function docs/rules.md promises.
        for name in [
            "score",
            "gap",
            "index",
            "effect",
            "has_tag",
            "abs",
            "min",
            "max",
            "floor",
            "ceiling",
            "round",
            "sqrt",
            "exp",
            "ln",
            "log",
            "to_float",
            "to_int",
            "len",
            "contains",
            "starts_with",
            "ends_with",
            "to_lower",
            "to_upper",
            "type_of",
        ] {
            assert!(engine.functions.contains(name), "{name}");
        }
        assert!(!engine.functions.contains("eval"));
    }
}
