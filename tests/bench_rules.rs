//! Timings for bench/rules_eval.sh (ignored in normal runs): 100 rules × 25 drivers ×
//! 1,000 segments = 2,500,000 rule evaluations, the engine built once and every
//! expression compiled once; next to the same evaluations interpreted by Rhai and a
//! naive loop that re-compiles the rule for every evaluation (both on a subset,
//! extrapolated).
//!
//! `cargo test --release --test bench_rules -- --ignored --nocapture --test-threads 1`

use std::collections::BTreeMap;
use std::time::Instant;

use sattrace::rules::{
    default_rules, expected_uplift, load_rules, Context, Evaluation, Facts, Known, OutcomeFacts,
    RuleEngine, RuleError, RuleSet, RuleSource, SegmentFacts, WaveFacts,
};

const RULES: usize = 100;
const DRIVERS: usize = 25;
const SEGMENTS: usize = 1_000;
const THREADS: usize = 2;

/// A deterministic pseudo-random stream (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `when` / `priority` templates in the style of the default pack (`rules/*.yaml`),
/// `{t}` a threshold that varies from rule to rule.
const TEMPLATES: &[(&str, Option<&str>)] = &[
    ("driver.gap >= {t} && driver.importance >= 0.1", None),
    ("below(driver, {t}) && matters(driver)", None),
    (
        "driver.quadrant == \"concentrate\" && driver.gap > {t}",
        Some("uplift / cost"),
    ),
    ("outcome.gap >= {t} && share(driver.id) >= 0.25", None),
    (
        "wave.has_previous && driver.has_trend && driver.trend <= -{t} && matters(driver)",
        None,
    ),
    (
        "below(driver, {t}) && matters(driver) && reliable(driver) && segment.share >= 0.1",
        None,
    ),
    ("driver.gap > {t} && !reliable(driver)", Some("0")),
    (
        "[\"sme\", \"SME\", \"中小企业\"].contains(segment.value) && (has_tag(\"price\") || has_tag(\"service\")) && below(driver, {t}) && matters(driver)",
        None,
    ),
    (
        "below(driver, {t}) && outcome.gap > 0 && effect(driver.id) >= 0.15",
        Some("uplift / cost * (1 + driver.importance)"),
    ),
    ("driver.index < 50 + {t} * 10 && matters(driver)", None),
];

fn rule_yaml(i: usize) -> String {
    let (when, priority) = TEMPLATES[i % TEMPLATES.len()];
    let threshold = format!("{:.2}", 0.1 + 0.05 * (i / TEMPLATES.len()) as f64);
    let when = when.replace("{t}", &threshold);
    let priority = priority
        .map(|p| format!("    priority: {p:?}\n"))
        .unwrap_or_default();
    format!(
        "  - id: rule-{i:03}\n    title: {{zh: 规则{i}, en: Rule {i}}}\n    for: {{each: driver}}\n    when: {when:?}\n    action: {{zh: 改进, en: Improve}}\n    effect: {{delta: {delta}}}\n    cost: {cost}\n{priority}",
        delta = 0.2 + 0.1 * (i % 4) as f64,
        cost = 1 + i % 5,
    )
}

/// The default pack's helper library (`below`, `matters`, `reliable`).
fn library() -> &'static str {
    default_rules()
        .into_iter()
        .find(|s| s.file.ends_with(".rhai"))
        .map(|s| s.text)
        .expect("the pack has a helper library")
}

fn load(engine: &RuleEngine, text: &str) -> RuleSet {
    let sources = [
        RuleSource {
            file: "bench.yaml",
            text,
        },
        RuleSource {
            file: "lib/common.rhai",
            text: library(),
        },
    ];
    load_rules(engine, &sources, &Known::default()).expect("bench rules load")
}

struct Segment {
    segment: SegmentFacts,
    outcome: OutcomeFacts,
    drivers: BTreeMap<String, Facts>,
}

fn segments() -> Vec<Segment> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let values = ["sme", "vip", "华东", "华南", "retail"];
    (0..SEGMENTS)
        .map(|s| {
            let value = format!("{}-{s}", values[s % values.len()]);
            let value = if s % 7 == 0 { "sme".to_string() } else { value };
            let drivers = (0..DRIVERS)
                .map(|d| {
                    let id = format!("d{d:02}");
                    let score = 2.5 + 2.0 * rng.next();
                    let target = (d % 3 != 0).then_some(4.0);
                    let gap = target.map_or(0.0, |t| t - score);
                    let n = 10.0 + 300.0 * rng.next();
                    let half = 1.96 / n.sqrt();
                    let facts = Facts {
                        id: id.clone(),
                        label: format!("Driver {d}"),
                        score,
                        index: (score - 1.0) * 25.0,
                        target,
                        gap,
                        index_gap: gap * 25.0,
                        importance: 0.4 * rng.next() - 0.05,
                        effect: 0.5 * rng.next(),
                        n,
                        ci_low: score - half,
                        ci_high: score + half,
                        trend: (s % 2 == 0).then(|| 0.6 * rng.next() - 0.4),
                        quadrant: ["concentrate", "keep_up", "low_priority", "overkill"][d % 4]
                            .to_string(),
                        tags: vec![["price", "service", "product"][d % 3].to_string()],
                        lower_is_better: false,
                        unit_index: 25.0,
                        headroom: (5.0 - score) * 25.0,
                    };
                    (id, facts)
                })
                .collect();
            let o_score = 3.0 + rng.next();
            Segment {
                segment: SegmentFacts {
                    name: format!("tier={value}"),
                    column: "tier".to_string(),
                    value,
                    n: 50.0 + 500.0 * rng.next(),
                    share: rng.next() * 0.2,
                },
                outcome: OutcomeFacts {
                    id: "satisfaction".to_string(),
                    label: "Satisfaction".to_string(),
                    score: o_score,
                    index: (o_score - 1.0) * 25.0,
                    target: Some(4.0),
                    gap: 4.0 - o_score,
                    index_gap: (4.0 - o_score) * 25.0,
                    lower_is_better: false,
                },
                drivers,
            }
        })
        .collect()
}

fn wave() -> WaveFacts {
    WaveFacts {
        name: "2026Q2".to_string(),
        previous: "2026Q1".to_string(),
        count: 2.0,
    }
}

#[derive(Clone, Copy)]
enum Path {
    Native,
    Rhai,
}

/// Every rule × driver in `segments`, in order: (evaluations, fired, sum of fired priorities).
fn run(
    engine: &RuleEngine,
    rules: &RuleSet,
    segments: &[Segment],
    wave: &WaveFacts,
    path: Path,
) -> (usize, usize, f64) {
    let mut evaluations = 0;
    let mut fired = 0;
    let mut priorities = 0.0;
    for s in segments {
        for rule in &rules.rules {
            for driver in s.drivers.values() {
                let uplift = expected_uplift(driver, &s.outcome, rule.delta, s.segment.share);
                let ctx = Context {
                    driver,
                    segment: &s.segment,
                    outcome: &s.outcome,
                    wave,
                    drivers: &s.drivers,
                    uplift,
                };
                let result: Result<Evaluation, RuleError> = match path {
                    Path::Native => rule.evaluate(engine, &ctx),
                    Path::Rhai => rule.evaluate_interpreted(engine, &ctx),
                };
                let e = result.expect("bench rules evaluate");
                evaluations += 1;
                if e.fired {
                    fired += 1;
                    priorities += e.priority;
                }
            }
        }
    }
    (evaluations, fired, priorities)
}

/// The same, segments split into `threads` contiguous chunks merged in order, so the
/// result does not depend on the thread count.
fn run_threads(
    engine: &RuleEngine,
    rules: &RuleSet,
    segments: &[Segment],
    wave: &WaveFacts,
    threads: usize,
) -> (usize, usize, f64) {
    let chunk = segments.len().div_ceil(threads);
    let parts: Vec<(usize, usize, f64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = segments
            .chunks(chunk)
            .map(|part| scope.spawn(move || run(engine, rules, part, wave, Path::Native)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("bench thread"))
            .collect()
    });
    parts
        .into_iter()
        .fold((0, 0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
}

fn rules_text() -> String {
    let mut text = String::from("rules:\n");
    for i in 0..RULES {
        text.push_str(&rule_yaml(i));
    }
    text
}

#[test]
#[ignore = "benchmark"]
fn eval_100_rules_25_drivers_1000_segments() {
    let start = Instant::now();
    let engine = RuleEngine::new();
    let rules = load(&engine, &rules_text());
    let loaded = start.elapsed();
    assert_eq!(rules.rules.len(), RULES);
    let native = rules.rules.iter().filter(|r| r.is_native()).count();
    let segments = segments();
    let wave = wave();

    let t = Instant::now();
    let (evaluations, fired, sum) = run_threads(&engine, &rules, &segments, &wave, THREADS);
    let two = t.elapsed();
    assert_eq!(evaluations, RULES * DRIVERS * SEGMENTS);
    println!(
        "engine + {RULES} rules compiled once: {:.1} ms ({native} of {RULES} rules native)",
        loaded.as_secs_f64() * 1e3
    );
    println!("evaluations: {evaluations} ({fired} fired, priority sum {sum:.3})");
    println!(
        "{THREADS} threads: {:.3} s wall, {:.0} ns per evaluation",
        two.as_secs_f64(),
        two.as_secs_f64() * 1e9 / evaluations as f64
    );
}

#[test]
#[ignore = "benchmark"]
fn eval_reference_costs() {
    let engine = RuleEngine::new();
    let rules = load(&engine, &rules_text());
    let segments = segments();
    let wave = wave();

    // One thread, every segment: the result does not depend on the thread count.
    let t = Instant::now();
    let one = run(&engine, &rules, &segments, &wave, Path::Native);
    let one_time = t.elapsed();
    let two = run_threads(&engine, &rules, &segments, &wave, THREADS);
    assert_eq!((one.0, one.1), (two.0, two.1));
    assert!((one.2 - two.2).abs() <= 1e-9 * one.2.abs().max(1.0));
    println!(
        "native, 1 thread: {} evaluations in {:.3} s, {:.0} ns each",
        one.0,
        one_time.as_secs_f64(),
        one_time.as_secs_f64() * 1e9 / one.0 as f64
    );

    // Rhai interpreting the compiled AST (the path before native evaluation): 100 segments.
    let subset = &segments[..100];
    let t = Instant::now();
    let rhai = run(&engine, &rules, subset, &wave, Path::Rhai);
    let rhai_time = t.elapsed();
    let native = run(&engine, &rules, subset, &wave, Path::Native);
    assert_eq!((rhai.0, rhai.1), (native.0, native.1));
    assert!((rhai.2 - native.2).abs() <= 1e-9 * rhai.2.abs().max(1.0));
    let per = rhai_time.as_secs_f64() / rhai.0 as f64;
    println!(
        "Rhai AST, compiled once: {} evaluations in {:.3} s, {:.0} ns each → {:.2} s for {} (extrapolated)",
        rhai.0,
        rhai_time.as_secs_f64(),
        per * 1e9,
        per * (RULES * DRIVERS * SEGMENTS) as f64,
        RULES * DRIVERS * SEGMENTS
    );

    // Naive: every evaluation re-reads and re-compiles its rule (YAML, the Rhai
    // expressions and the helper library) before running it: 2 segments.
    let texts: Vec<String> = (0..RULES)
        .map(|i| format!("rules:\n{}", rule_yaml(i)))
        .collect();
    let t = Instant::now();
    let mut evaluations = 0usize;
    let mut fired = 0usize;
    for s in &segments[..2] {
        for text in &texts {
            for driver in s.drivers.values() {
                let one = load(&engine, text);
                let rule = &one.rules[0];
                let uplift = expected_uplift(driver, &s.outcome, rule.delta, s.segment.share);
                let ctx = Context {
                    driver,
                    segment: &s.segment,
                    outcome: &s.outcome,
                    wave: &wave,
                    drivers: &s.drivers,
                    uplift,
                };
                let e = rule.evaluate_interpreted(&engine, &ctx).expect("evaluates");
                evaluations += 1;
                fired += usize::from(e.fired);
            }
        }
    }
    let naive = t.elapsed();
    let per = naive.as_secs_f64() / evaluations as f64;
    println!(
        "naive, re-compiled per evaluation: {evaluations} evaluations ({fired} fired) in {:.3} s, {:.1} µs each → {:.0} s for {} (extrapolated)",
        naive.as_secs_f64(),
        per * 1e6,
        per * (RULES * DRIVERS * SEGMENTS) as f64,
        RULES * DRIVERS * SEGMENTS
    );
}
