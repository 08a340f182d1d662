//! The sandboxed Rhai engine: built once, shared by every rule and thread.

use rhai::module_resolvers::DummyModuleResolver;
use std::collections::BTreeSet;

use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicMathPackage, BasicStringPackage, LogicPackage,
    MoreStringPackage, Package,
};
use rhai::{Engine, OptimizationLevel};

use super::functions;

/// Limits for short expressions: far above what a real `when` needs, far below
/// what could hurt the host.
pub(crate) const MAX_OPERATIONS: u64 = 10_000;

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
}

impl RuleEngine {
    pub fn new() -> Self {
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
        let functions = engine
            .collect_fn_metadata(None, |f| Some(f.metadata.name.to_string()), true)
            .into_iter()
            .chain(INTRINSICS.iter().map(|s| s.to_string()))
            .filter(|name| !name.contains('$'))
            .collect();
        RuleEngine { engine, functions }
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
