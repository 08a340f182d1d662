//! A native evaluator for the common subset of rule expressions.
//!
//! Running a compiled Rhai AST costs about a microsecond per evaluation, most of it
//! spent building the `driver`, `segment`, `outcome` and `wave` maps and setting up
//! Rhai's runtime state. Most rule expressions are only field reads, numbers,
//! comparisons, `&&`/`||`/`!`, arithmetic, `score(id)` and friends, one-line
//! helpers and `["a", "b"].contains(text)`, so each expression is also translated
//! once, at load time, into a small typed tree that reads the facts straight from
//! the [`Context`].
//!
//! The translation is refused (the expression then always runs in Rhai) for anything
//! whose result could differ from Rhai's: integer arithmetic or comparisons between
//! integers (Rhai checks overflow), mixed types, strings other than `==`/`!=`,
//! arrays other than a list of strings, `if`, built-in functions other than the
//! rule functions, helpers that are not a single expression, and trees too big to
//! be sure Rhai stays under its operation limit. The operators reproduce Rhai's built-in ones exactly, including
//! its epsilon-relative float comparisons. A native evaluation that would fail (an
//! id `score(id)` does not know) reports [`Fallback`] and the caller runs Rhai, so
//! errors are always Rhai's own. `tests/rules_native.rs` checks both paths give the
//! same results on every rule of the default pack and on random expressions.

use std::collections::BTreeMap;

use rhai::{Expr, Stmt, AST};

use super::context::Context;
use super::functions::{expected_uplift, gap_share};
use super::names;

/// Above this many nodes (after inlining helpers) an expression stays in Rhai, so
/// native evaluation can never succeed where Rhai would hit its operation limit.
const MAX_NODES: usize = 200;

/// Helpers inlined into helpers at most this deep (Rhai allows 16 call levels).
const MAX_INLINE_DEPTH: usize = 8;

/// The native path cannot decide; run the expression in Rhai.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fallback;

/// What a translated expression evaluates to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value {
    Bool(bool),
    Float(f64),
    Int(i64),
}

impl From<Value> for rhai::Dynamic {
    fn from(v: Value) -> Self {
        match v {
            Value::Bool(b) => b.into(),
            Value::Float(f) => f.into(),
            Value::Int(i) => i.into(),
        }
    }
}

/// A translated expression.
#[derive(Debug, Clone)]
pub(crate) enum Native {
    Bool(Bool),
    Float(Num),
    Int(i64),
}

impl Native {
    pub(crate) fn eval(&self, ctx: &Context, cost: f64, delta: f64) -> Result<Value, Fallback> {
        let env = Env { ctx, cost, delta };
        Ok(match self {
            Native::Bool(b) => Value::Bool(env.bool(b)?),
            Native::Float(n) => Value::Float(env.num(n)?),
            Native::Int(i) => Value::Int(*i),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Record {
    Driver,
    Segment,
    Outcome,
    Wave,
}

/// Number-valued names: the plain numbers and the numeric fields.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NumVar {
    Uplift,
    Cost,
    Delta,
    Driver(DriverNum),
    SegmentN,
    SegmentShare,
    OutcomeScore,
    OutcomeIndex,
    OutcomeTarget,
    OutcomeGap,
    OutcomeIndexGap,
    WaveCount,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum DriverNum {
    Score,
    Index,
    Target,
    Gap,
    IndexGap,
    Importance,
    Effect,
    N,
    CiLow,
    CiHigh,
    Trend,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum BoolVar {
    DriverHasTarget,
    DriverHasTrend,
    OutcomeHasTarget,
    WaveHasPrevious,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum StrVar {
    DriverId,
    DriverLabel,
    DriverQuadrant,
    SegmentName,
    SegmentColumn,
    SegmentValue,
    OutcomeId,
    OutcomeLabel,
    WaveName,
    WavePrevious,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Pow,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// `score(id)`, `gap(id)`, `index(id)`, `effect(id)`, `share(id)`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DriverFn {
    Score,
    Gap,
    Index,
    Effect,
    Share,
}

#[derive(Debug, Clone)]
pub(crate) enum Num {
    Const(f64),
    Var(NumVar),
    Neg(Box<Num>),
    Arith(Arith, Box<(Num, Num)>),
    Of(DriverFn, Str),
    Uplift(Str, Box<Num>),
}

#[derive(Debug, Clone)]
pub(crate) enum Bool {
    Const(bool),
    Var(BoolVar),
    Cmp(Cmp, Box<(Num, Num)>),
    StrEq(bool, Str, Str),
    And(Vec<Bool>),
    Or(Vec<Bool>),
    Not(Box<Bool>),
    HasTag(Str),
    /// Rhai's array `contains`: `==` on each item, strings compared exactly.
    InList(Vec<String>, Str),
}

#[derive(Debug, Clone)]
pub(crate) enum Str {
    Const(String),
    Var(StrVar),
}

struct Env<'a> {
    ctx: &'a Context<'a>,
    cost: f64,
    delta: f64,
}

impl Env<'_> {
    fn num(&self, n: &Num) -> Result<f64, Fallback> {
        Ok(match n {
            Num::Const(x) => *x,
            Num::Var(v) => self.num_var(*v),
            Num::Neg(x) => -self.num(x)?,
            Num::Arith(op, xy) => {
                let (x, y) = (self.num(&xy.0)?, self.num(&xy.1)?);
                // Rhai's built-in float operators (rhai/src/func/builtin.rs).
                match op {
                    Arith::Add => x + y,
                    Arith::Sub => x - y,
                    Arith::Mul => x * y,
                    Arith::Div => x / y,
                    Arith::Rem => x % y,
                    Arith::Pow => x.powf(y),
                }
            }
            Num::Of(f, id) => {
                let facts = self.driver(id)?;
                match f {
                    DriverFn::Score => facts.score,
                    DriverFn::Gap => facts.gap,
                    DriverFn::Index => facts.index,
                    DriverFn::Effect => facts.effect,
                    DriverFn::Share => gap_share(facts, self.ctx.outcome),
                }
            }
            Num::Uplift(id, delta) => {
                let delta = self.num(delta)?;
                let facts = self.driver(id)?;
                // As `functions::Current`: the segment's share, 1 for the whole sample.
                let share = if self.ctx.segment.column.is_empty() {
                    1.0
                } else {
                    self.ctx.segment.share
                };
                expected_uplift(facts, self.ctx.outcome, delta, share)
            }
        })
    }

    /// The facts of driver `id` as `functions::Current` finds them: the segment's
    /// drivers first, then the current driver; unknown ids are Rhai's error to report.
    fn driver(&self, id: &Str) -> Result<&super::Facts, Fallback> {
        let id = self.str(id);
        let ctx = self.ctx;
        ctx.drivers
            .get(id)
            .or_else(|| (ctx.driver.id == id).then_some(ctx.driver))
            .ok_or(Fallback)
    }

    fn num_var(&self, v: NumVar) -> f64 {
        let ctx = self.ctx;
        let d = ctx.driver;
        let o = ctx.outcome;
        // The values `context::scope_for` puts in the maps.
        match v {
            NumVar::Uplift => ctx.uplift,
            NumVar::Cost => self.cost,
            NumVar::Delta => self.delta,
            NumVar::Driver(f) => match f {
                DriverNum::Score => d.score,
                DriverNum::Index => d.index,
                DriverNum::Target => d.target.unwrap_or(d.score),
                DriverNum::Gap => d.gap,
                DriverNum::IndexGap => d.index_gap,
                DriverNum::Importance => d.importance,
                DriverNum::Effect => d.effect,
                DriverNum::N => d.n,
                DriverNum::CiLow => d.ci_low,
                DriverNum::CiHigh => d.ci_high,
                DriverNum::Trend => d.trend.unwrap_or(0.0),
            },
            NumVar::SegmentN => ctx.segment.n,
            NumVar::SegmentShare => ctx.segment.share,
            NumVar::OutcomeScore => o.score,
            NumVar::OutcomeIndex => o.index,
            NumVar::OutcomeTarget => o.target.unwrap_or(o.score),
            NumVar::OutcomeGap => o.gap,
            NumVar::OutcomeIndexGap => o.index_gap,
            NumVar::WaveCount => ctx.wave.count,
        }
    }

    fn str<'s>(&'s self, s: &'s Str) -> &'s str {
        let ctx = self.ctx;
        match s {
            Str::Const(s) => s,
            Str::Var(v) => match v {
                StrVar::DriverId => &ctx.driver.id,
                StrVar::DriverLabel => &ctx.driver.label,
                StrVar::DriverQuadrant => &ctx.driver.quadrant,
                StrVar::SegmentName => &ctx.segment.name,
                StrVar::SegmentColumn => &ctx.segment.column,
                StrVar::SegmentValue => &ctx.segment.value,
                StrVar::OutcomeId => &ctx.outcome.id,
                StrVar::OutcomeLabel => &ctx.outcome.label,
                StrVar::WaveName => &ctx.wave.name,
                StrVar::WavePrevious => &ctx.wave.previous,
            },
        }
    }

    fn bool(&self, b: &Bool) -> Result<bool, Fallback> {
        Ok(match b {
            Bool::Const(b) => *b,
            Bool::Var(v) => match v {
                BoolVar::DriverHasTarget => self.ctx.driver.target.is_some(),
                BoolVar::DriverHasTrend => self.ctx.driver.trend.is_some(),
                BoolVar::OutcomeHasTarget => self.ctx.outcome.target.is_some(),
                BoolVar::WaveHasPrevious => !self.ctx.wave.previous.is_empty(),
            },
            Bool::Cmp(op, xy) => compare(*op, self.num(&xy.0)?, self.num(&xy.1)?),
            Bool::StrEq(equal, a, b) => (self.str(a) == self.str(b)) == *equal,
            Bool::And(all) => {
                for b in all {
                    if !self.bool(b)? {
                        return Ok(false);
                    }
                }
                true
            }
            Bool::Or(any) => {
                for b in any {
                    if self.bool(b)? {
                        return Ok(true);
                    }
                }
                false
            }
            Bool::Not(b) => !self.bool(b)?,
            Bool::InList(list, item) => {
                let item = self.str(item);
                list.iter().any(|s| s == item)
            }
            Bool::HasTag(tag) => {
                let tag = self.str(tag);
                self.ctx.driver.tags.iter().any(|t| t == tag)
            }
        })
    }
}

/// Rhai's float comparisons (not `unchecked`): relative to the larger magnitude,
/// equal within `f64::EPSILON` (rhai/src/func/builtin.rs, `impl_float!`).
#[allow(clippy::float_cmp, reason = "a copy of Rhai's own comparison")]
fn compare(op: Cmp, x: f64, y: f64) -> bool {
    let max = if x * y == 0.0 {
        1.0
    } else {
        x.abs().max(y.abs())
    };
    if max == 0.0 {
        return matches!(op, Cmp::Eq | Cmp::Ge | Cmp::Le);
    }
    match op {
        Cmp::Eq => (x - y).abs() / max <= f64::EPSILON,
        Cmp::Ne => (x - y).abs() / max > f64::EPSILON,
        Cmp::Gt => (x - y) / max > f64::EPSILON,
        Cmp::Ge => (x - y) / max > -f64::EPSILON,
        Cmp::Lt => (y - x) / max > f64::EPSILON,
        Cmp::Le => (y - x) / max > -f64::EPSILON,
    }
}

/// One-expression helpers of `rules/lib`, by name and arity: parameter names and body.
#[derive(Debug, Clone, Default)]
pub(crate) struct Helpers {
    bodies: BTreeMap<(String, usize), (Vec<String>, Option<Expr>)>,
}

impl Helpers {
    /// Collect the helpers of a library AST (function definitions only).
    pub(crate) fn of(library: &AST) -> Self {
        let mut bodies = BTreeMap::new();
        for def in library.iter_fn_def() {
            let name = def.name.to_string();
            let arity = def.params.len();
            let params = def.params.iter().map(|p| p.to_string()).collect();
            // (`clone_functions_only_filtered` keeps every function of a module
            // it copies into an empty one, so filter a copy instead.)
            let mut alone = library.clone_functions_only();
            alone.retain_functions(|_, _, n, a| n == name.as_str() && a == arity);
            let mut statements: Vec<Stmt> = Vec::new();
            alone.walk(&mut |path| {
                if let [rhai::ASTNode::Stmt(stmt)] = path {
                    statements.push((*stmt).clone());
                }
                true
            });
            let body = match statements.as_slice() {
                [Stmt::Expr(e)] => Some((**e).clone()),
                [Stmt::FnCall(call, pos)] => Some(Expr::FnCall(call.clone(), *pos)),
                _ => None,
            };
            bodies.insert((name, arity), (params, body));
        }
        Helpers { bodies }
    }
}

/// Translate a compiled expression, or `None` when it must run in Rhai.
pub(crate) fn translate(ast: &AST, helpers: &Helpers) -> Option<Native> {
    let [stmt] = ast.statements() else {
        return None;
    };
    let expr = match stmt {
        Stmt::Expr(e) => (**e).clone(),
        Stmt::FnCall(call, pos) => Expr::FnCall(call.clone(), *pos),
        _ => return None,
    };
    let mut t = Translator {
        helpers,
        nodes: 0,
        depth: 0,
    };
    let typed = t.expr(&expr, &Bindings::default())?;
    if t.nodes > MAX_NODES {
        return None;
    }
    match typed {
        Typed::Bool(b) => Some(Native::Bool(b)),
        Typed::Num(n) => Some(Native::Float(n)),
        Typed::Int(i) => Some(Native::Int(i)),
        Typed::Str(_) | Typed::Record(_) => None,
    }
}

/// A translated sub-expression with its static type.
#[derive(Debug, Clone)]
enum Typed {
    Bool(Bool),
    Num(Num),
    /// Integer constants only: integer arithmetic stays in Rhai.
    Int(i64),
    Str(Str),
    Record(Record),
}

impl Typed {
    /// A number, an integer constant read as Rhai reads it in a mixed operation.
    fn num(self) -> Option<Num> {
        match self {
            Typed::Num(n) => Some(n),
            Typed::Int(i) => Some(Num::Const(i as f64)),
            _ => None,
        }
    }
}

/// Helper parameters bound to the caller's translated arguments.
#[derive(Default)]
struct Bindings {
    vars: Vec<(String, Typed)>,
    /// Inside a helper, only parameters are visible (Rhai functions do not see
    /// the caller's variables).
    in_helper: bool,
}

struct Translator<'h> {
    helpers: &'h Helpers,
    nodes: usize,
    depth: usize,
}

impl Translator<'_> {
    fn expr(&mut self, expr: &Expr, b: &Bindings) -> Option<Typed> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return None;
        }
        match expr {
            Expr::BoolConstant(v, _) => Some(Typed::Bool(Bool::Const(*v))),
            Expr::IntegerConstant(i, _) => Some(Typed::Int(*i)),
            Expr::FloatConstant(f, _) => Some(Typed::Num(Num::Const(**f))),
            Expr::StringConstant(s, _) => Some(Typed::Str(Str::Const(s.to_string()))),
            Expr::Variable(x, ..) => {
                if !x.2.is_empty() {
                    return None;
                }
                self.variable(x.1.as_str(), b)
            }
            Expr::Dot(x, ..) if matches!(&x.rhs, Expr::MethodCall(..)) => {
                let Expr::MethodCall(call, _) = &x.rhs else {
                    return None;
                };
                // `["sme", "vip"].contains(segment.value)`: a list of strings only.
                let list = string_list(&x.lhs)?;
                match (call.name.as_str(), call.args.as_slice()) {
                    ("contains", [item]) if call.namespace.is_empty() => {
                        match self.expr(item, b)? {
                            Typed::Str(item) => Some(Typed::Bool(Bool::InList(list, item))),
                            _ => None,
                        }
                    }
                    _ => None,
                }
            }
            Expr::Dot(x, ..) => {
                let Typed::Record(record) = self.expr(&x.lhs, b)? else {
                    return None;
                };
                match &x.rhs {
                    Expr::Property(p, _) => field(record, p.2.as_str()),
                    _ => None,
                }
            }
            Expr::Index(x, ..) => {
                let Typed::Record(record) = self.expr(&x.lhs, b)? else {
                    return None;
                };
                match &x.rhs {
                    Expr::StringConstant(s, _) => field(record, s.as_str()),
                    _ => None,
                }
            }
            Expr::And(list, _) | Expr::Or(list, _) => {
                let mut all = Vec::with_capacity(list.len());
                for e in list.iter() {
                    match self.expr(e, b)? {
                        Typed::Bool(v) => all.push(v),
                        _ => return None,
                    }
                }
                Some(Typed::Bool(if matches!(expr, Expr::And(..)) {
                    Bool::And(all)
                } else {
                    Bool::Or(all)
                }))
            }
            Expr::FnCall(call, _) => {
                if !call.namespace.is_empty() {
                    return None;
                }
                let name = call.name.as_str();
                let args = &call.args;
                if call.op_token.is_some() {
                    return match args.as_slice() {
                        [x] => self.unary(name, x, b),
                        [x, y] => self.binary(name, x, y, b),
                        _ => None,
                    };
                }
                self.call(name, args, b)
            }
            _ => None,
        }
    }

    fn variable(&mut self, name: &str, b: &Bindings) -> Option<Typed> {
        if let Some((_, v)) = b.vars.iter().find(|(n, _)| n == name) {
            return Some(v.clone());
        }
        if b.in_helper {
            return None;
        }
        Some(match name {
            "driver" => Typed::Record(Record::Driver),
            "segment" => Typed::Record(Record::Segment),
            "outcome" => Typed::Record(Record::Outcome),
            "wave" => Typed::Record(Record::Wave),
            "uplift" => Typed::Num(Num::Var(NumVar::Uplift)),
            "cost" => Typed::Num(Num::Var(NumVar::Cost)),
            "delta" => Typed::Num(Num::Var(NumVar::Delta)),
            _ => return None,
        })
    }

    fn unary(&mut self, op: &str, x: &Expr, b: &Bindings) -> Option<Typed> {
        match (op, self.expr(x, b)?) {
            ("-", Typed::Num(n)) => Some(Typed::Num(Num::Neg(Box::new(n)))),
            ("+", Typed::Num(n)) => Some(Typed::Num(n)),
            ("!", Typed::Bool(v)) => Some(Typed::Bool(Bool::Not(Box::new(v)))),
            _ => None,
        }
    }

    fn binary(&mut self, op: &str, x: &Expr, y: &Expr, b: &Bindings) -> Option<Typed> {
        let (x, y) = (self.expr(x, b)?, self.expr(y, b)?);
        if let (Typed::Str(a), Typed::Str(c)) = (&x, &y) {
            return match op {
                "==" => Some(Typed::Bool(Bool::StrEq(true, a.clone(), c.clone()))),
                "!=" => Some(Typed::Bool(Bool::StrEq(false, a.clone(), c.clone()))),
                _ => None,
            };
        }
        // Two integers: Rhai's checked integer operators; left to Rhai.
        if matches!((&x, &y), (Typed::Int(_), Typed::Int(_))) {
            return None;
        }
        let (x, y) = (x.num()?, y.num()?);
        let pair = Box::new((x, y));
        let arith = |a| Some(Typed::Num(Num::Arith(a, pair.clone())));
        let cmp = |c| Some(Typed::Bool(Bool::Cmp(c, pair.clone())));
        match op {
            "+" => arith(Arith::Add),
            "-" => arith(Arith::Sub),
            "*" => arith(Arith::Mul),
            "/" => arith(Arith::Div),
            "%" => arith(Arith::Rem),
            "**" => arith(Arith::Pow),
            "==" => cmp(Cmp::Eq),
            "!=" => cmp(Cmp::Ne),
            ">" => cmp(Cmp::Gt),
            ">=" => cmp(Cmp::Ge),
            "<" => cmp(Cmp::Lt),
            "<=" => cmp(Cmp::Le),
            _ => None,
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], b: &Bindings) -> Option<Typed> {
        let driver_fn = match name {
            "score" => Some(DriverFn::Score),
            "gap" => Some(DriverFn::Gap),
            "index" => Some(DriverFn::Index),
            "effect" => Some(DriverFn::Effect),
            "share" => Some(DriverFn::Share),
            _ => None,
        };
        match (driver_fn, name, args) {
            (Some(f), _, [id]) => match self.expr(id, b)? {
                Typed::Str(id) => Some(Typed::Num(Num::Of(f, id))),
                _ => None,
            },
            (None, "uplift", [id, delta]) => {
                let Typed::Str(id) = self.expr(id, b)? else {
                    return None;
                };
                let delta = self.expr(delta, b)?.num()?;
                Some(Typed::Num(Num::Uplift(id, Box::new(delta))))
            }
            (None, names::TAG_FUNCTION, [tag]) => match self.expr(tag, b)? {
                Typed::Str(tag) => Some(Typed::Bool(Bool::HasTag(tag))),
                _ => None,
            },
            (None, _, _) => self.inline(name, args, b),
            _ => None,
        }
    }

    /// A one-expression helper with its parameters bound to the arguments. Rhai
    /// evaluates every argument before the call; inlined, an argument is evaluated
    /// only where (and if) the body uses it. That is the same result as long as no
    /// argument can fail, so an argument that looks up a driver (`score(id)`…,
    /// the only failure) keeps the call in Rhai. Native evaluation has no side
    /// effects, so evaluating an argument twice changes nothing.
    fn inline(&mut self, name: &str, args: &[Expr], b: &Bindings) -> Option<Typed> {
        let (params, body) = self.helpers.bodies.get(&(name.to_string(), args.len()))?;
        let body = body.as_ref()?;
        if self.depth >= MAX_INLINE_DEPTH {
            return None;
        }
        let mut vars = Vec::with_capacity(args.len());
        for (param, arg) in params.iter().zip(args) {
            let value = self.expr(arg, b)?;
            if can_fail(&value) {
                return None;
            }
            vars.push((param.clone(), value));
        }
        let inner = Bindings {
            vars,
            in_helper: true,
        };
        self.depth += 1;
        let typed = self.expr(body, &inner);
        self.depth -= 1;
        typed
    }
}

/// Whether evaluating this can fail: only looking up a driver by id can.
fn can_fail(t: &Typed) -> bool {
    fn num(n: &Num) -> bool {
        match n {
            Num::Const(_) | Num::Var(_) => false,
            Num::Neg(x) => num(x),
            Num::Arith(_, xy) => num(&xy.0) || num(&xy.1),
            Num::Of(..) | Num::Uplift(..) => true,
        }
    }
    fn boolean(b: &Bool) -> bool {
        match b {
            Bool::Const(_) | Bool::Var(_) | Bool::StrEq(..) | Bool::HasTag(_) => false,
            Bool::InList(..) => false,
            Bool::Cmp(_, xy) => num(&xy.0) || num(&xy.1),
            Bool::And(all) | Bool::Or(all) => all.iter().any(boolean),
            Bool::Not(x) => boolean(x),
        }
    }
    match t {
        Typed::Num(n) => num(n),
        Typed::Bool(b) => boolean(b),
        Typed::Int(_) | Typed::Str(_) | Typed::Record(_) => false,
    }
}

/// The strings of an array literal holding nothing but string constants (as
/// written, or folded into one constant by the optimizer).
fn string_list(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::Array(items, _) => items
            .iter()
            .map(|item| match item {
                Expr::StringConstant(s, _) => Some(s.to_string()),
                _ => None,
            })
            .collect(),
        Expr::DynamicConstant(value, _) => value
            .read_lock::<rhai::Array>()?
            .iter()
            .map(|item| {
                item.read_lock::<rhai::ImmutableString>()
                    .map(|s| s.to_string())
            })
            .collect(),
        _ => None,
    }
}

fn field(record: Record, name: &str) -> Option<Typed> {
    use Typed::{Bool as B, Num as N, Str as S};
    let num = |v| Some(N(Num::Var(v)));
    let boolean = |v| Some(B(Bool::Var(v)));
    let string = |v| Some(S(Str::Var(v)));
    let driver = |f| num(NumVar::Driver(f));
    match (record, name) {
        (Record::Driver, "id") => string(StrVar::DriverId),
        (Record::Driver, "label") => string(StrVar::DriverLabel),
        (Record::Driver, "quadrant") => string(StrVar::DriverQuadrant),
        (Record::Driver, "score") => driver(DriverNum::Score),
        (Record::Driver, "index") => driver(DriverNum::Index),
        (Record::Driver, "target") => driver(DriverNum::Target),
        (Record::Driver, "gap") => driver(DriverNum::Gap),
        (Record::Driver, "index_gap") => driver(DriverNum::IndexGap),
        (Record::Driver, "importance") => driver(DriverNum::Importance),
        (Record::Driver, "effect") => driver(DriverNum::Effect),
        (Record::Driver, "n") => driver(DriverNum::N),
        (Record::Driver, "ci_low") => driver(DriverNum::CiLow),
        (Record::Driver, "ci_high") => driver(DriverNum::CiHigh),
        (Record::Driver, "trend") => driver(DriverNum::Trend),
        (Record::Driver, "has_target") => boolean(BoolVar::DriverHasTarget),
        (Record::Driver, "has_trend") => boolean(BoolVar::DriverHasTrend),
        (Record::Segment, "name") => string(StrVar::SegmentName),
        (Record::Segment, "column") => string(StrVar::SegmentColumn),
        (Record::Segment, "value") => string(StrVar::SegmentValue),
        (Record::Segment, "n") => num(NumVar::SegmentN),
        (Record::Segment, "share") => num(NumVar::SegmentShare),
        (Record::Outcome, "id") => string(StrVar::OutcomeId),
        (Record::Outcome, "label") => string(StrVar::OutcomeLabel),
        (Record::Outcome, "score") => num(NumVar::OutcomeScore),
        (Record::Outcome, "index") => num(NumVar::OutcomeIndex),
        (Record::Outcome, "target") => num(NumVar::OutcomeTarget),
        (Record::Outcome, "gap") => num(NumVar::OutcomeGap),
        (Record::Outcome, "index_gap") => num(NumVar::OutcomeIndexGap),
        (Record::Outcome, "has_target") => boolean(BoolVar::OutcomeHasTarget),
        (Record::Wave, "name") => string(StrVar::WaveName),
        (Record::Wave, "previous") => string(StrVar::WavePrevious),
        (Record::Wave, "has_previous") => boolean(BoolVar::WaveHasPrevious),
        (Record::Wave, "count") => num(NumVar::WaveCount),
        // `driver.tags` (an array) and anything unknown stay in Rhai.
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::engine::RuleEngine;

    #[test]
    fn one_expression_helpers_are_collected() {
        let engine = RuleEngine::new();
        let ast = engine
            .engine
            .compile("fn below(d, by) { d.gap >= by }\nfn two(x) { let y = x; y }")
            .expect("compiles");
        let helpers = Helpers::of(&ast);
        let below = helpers.bodies.get(&("below".to_string(), 2));
        assert!(below.is_some_and(|(params, body)| params == &["d", "by"] && body.is_some()));
        let two = helpers.bodies.get(&("two".to_string(), 1));
        assert!(two.is_some_and(|(_, body)| body.is_none()));
    }
}
