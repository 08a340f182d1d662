//! Issue 17 items 8–12: each path that once ran unbounded, run on an input of the
//! size that hurt, in a child process with a deadline and (where memory was the
//! problem) its peak resident memory measured.
//!
//! The bounds are generous on purpose: they guard against hangs and blow-ups
//! (the issue measured 46 s, 288 s, 3.4 GB, 2.39 GB, > 120 s), not speed, and hold
//! in a debug build on a shared CI machine.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One child at a time: the peak memory of children is read per process, and
/// several big children at once would only slow each other down.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    /// Peak resident memory of the child in MiB (`VmHWM`, sampled while it runs).
    peak_mib: u64,
}

/// Runs sattrace with `args`, killed after `deadline`; polls the child's peak
/// resident memory from `/proc` (Linux) every few milliseconds.
fn run_bounded(args: &[&str], deadline: Duration) -> Ran {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sattrace"))
        .args(args)
        .env("SATTRACE_LANG", "en")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let code = loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            if let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(kib);
            }
        }
        if let Some(status) = child.try_wait().expect("waits") {
            break status.code();
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sattrace {:?} still running after {deadline:?}", &args[..1]);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ran {
        code,
        stdout: String::from_utf8_lossy(&out.join().expect("stdout thread")).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().expect("stderr thread")).into_owned(),
        elapsed: started.elapsed(),
        peak_mib: peak_kib / 1024,
    }
}

fn clip(text: &str) -> &str {
    let end = text
        .char_indices()
        .nth(2_000)
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// A rule file of `n` rules whose `when` is `when`.
fn many_rules(n: usize, when: &str) -> String {
    let mut text = String::from("rules:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  - id: r{i}\n    title: t\n    for: {{each: driver}}\n    when: {when}\n    action: a\n    effect: {{delta: 0.1}}\n    cost: 1\n"
        ));
    }
    text
}

/// A copy of the telecom project with `rules/many.yaml` holding `rules`.
fn project_with_rules(rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["model.yaml", "survey.csv"] {
        std::fs::copy(
            std::path::Path::new("fixtures/telecom").join(name),
            dir.path().join(name),
        )
        .expect("copy");
    }
    std::fs::create_dir(dir.path().join("rules")).expect("rules dir");
    std::fs::write(dir.path().join("rules/many.yaml"), rules).expect("write");
    dir
}

/// Item 8: loading was quadratic per file (46 s for 5,000 rules in one file).
#[test]
fn five_thousand_rules_in_one_file_are_checked_in_bounded_time() {
    let dir = project_with_rules(&many_rules(5_000, "driver.gap >= 0.3"));
    let rules = dir.path().join("rules/many.yaml");
    let ran = run_bounded(
        &["check", &rules.to_string_lossy()],
        Duration::from_secs(60),
    );
    // Rules without tests are warnings, not errors.
    assert!(
        matches!(ran.code, Some(0) | Some(1)),
        "{:?}: {}",
        ran.code,
        clip(&ran.stderr)
    );
    eprintln!("check of 5,000 rules: {:?}", ran.elapsed);
}

/// Item 9: 5,000 rules at the operation cap took 288 s and wrote 1 MB of stderr.
/// The run budget stops them and one line sums them up. 300 rules here (each
/// evaluated for 11 drivers in 5 segments: 16,500 evaluations of 10,000
/// operations without the budget, 8× the budget) keep a debug build's run short.
#[test]
fn rules_at_the_operation_cap_are_stopped_by_the_run_budget() {
    // `wide(20)` makes 2²⁰ calls: far past the per-rule cap, never too deep.
    let dir = project_with_rules(&many_rules(300, "wide(20) > 0"));
    std::fs::create_dir(dir.path().join("rules/lib")).expect("lib dir");
    std::fs::write(
        dir.path().join("rules/lib/wide.rhai"),
        "fn wide(d) { if d <= 0 { 1 } else { wide(d - 1) + wide(d - 1) } }\n",
    )
    .expect("write");
    let ran = run_bounded(
        &[
            "analyze",
            &dir.path().to_string_lossy(),
            "--lang",
            "en",
            "--format",
            "json",
        ],
        Duration::from_secs(180),
    );
    assert_eq!(ran.code, Some(0), "{}", clip(&ran.stderr));
    assert!(
        ran.stderr.len() < 20_000,
        "{} bytes of stderr: {}",
        ran.stderr.len(),
        clip(&ran.stderr)
    );
    assert!(
        ran.stderr.contains(
            "300 rules failed in all (295 more not shown); 300 stopped at the operation limit"
        ),
        "{}",
        clip(&ran.stderr)
    );
    // Item 20: warnings to a pipe carry no colours and no module path.
    assert!(!ran.stderr.contains('\u{1b}'), "{}", clip(&ran.stderr));
    assert!(!ran.stderr.contains("sattrace::"), "{}", clip(&ran.stderr));
    eprintln!("analyze with 300 capped rules: {:?}", ran.elapsed);
}

/// Item 10: a 10 MiB unknown id in model.yaml took 1.4 GB for its "did you mean".
#[test]
fn a_ten_mib_unknown_id_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = std::fs::read_to_string("fixtures/telecom/model.yaml").expect("model");
    let long = "n".repeat(10 << 20);
    let model = model.replacen(
        "primary_outcome: satisfaction",
        &format!("primary_outcome: {long}"),
        1,
    );
    std::fs::write(dir.path().join("model.yaml"), model).expect("write");
    std::fs::copy("fixtures/telecom/survey.csv", dir.path().join("survey.csv")).expect("copy");
    let ran = run_bounded(
        &["analyze", &dir.path().to_string_lossy(), "--lang", "en"],
        Duration::from_secs(60),
    );
    assert_eq!(ran.code, Some(2), "{}", clip(&ran.stderr));
    let printed = ran.stdout.len() + ran.stderr.len();
    assert!(printed < 20_000, "{printed} bytes printed");
    assert!(ran.peak_mib < 400, "peak {} MiB", ran.peak_mib);
    eprintln!(
        "10 MiB unknown id: {} MiB peak, {:?}",
        ran.peak_mib, ran.elapsed
    );
}

/// Item 11: 100,000 columns took 6× the file in memory. Memory follows the
/// columns the model uses, not the width of the file.
#[test]
fn a_hundred_thousand_column_survey_is_read_in_memory_near_its_used_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy("fixtures/telecom/model.yaml", dir.path().join("model.yaml")).expect("copy");
    let survey = std::fs::read_to_string("fixtures/telecom/survey.csv").expect("survey");
    const EXTRA: usize = 100_000;
    const ROWS: usize = 300;
    let mut text = String::new();
    for (i, line) in survey.lines().take(ROWS + 1).enumerate() {
        text.push_str(line);
        for k in 0..EXTRA {
            if i == 0 {
                text.push_str(&format!(",x{k}"));
            } else {
                text.push_str(",3");
            }
        }
        text.push('\n');
    }
    let file_mib = (text.len() >> 20) as u64;
    std::fs::write(dir.path().join("survey.csv"), &text).expect("write");
    drop(text);
    let ran = run_bounded(
        &[
            "analyze",
            &dir.path().to_string_lossy(),
            "--lang",
            "en",
            "--format",
            "json",
        ],
        Duration::from_secs(240),
    );
    assert_eq!(ran.code, Some(0), "{}", clip(&ran.stderr));
    // The issue measured 6× the file; the header alone (100,000 names) and the
    // binary take some tens of MiB.
    assert!(
        ran.peak_mib < 2 * file_mib + 150,
        "peak {} MiB for a {file_mib} MiB file",
        ran.peak_mib
    );
    eprintln!(
        "{EXTRA} columns × {ROWS} rows ({file_mib} MiB): {} MiB peak, {:?}",
        ran.peak_mib, ran.elapsed
    );
}

/// Item 12, the budget itself: the orders asked for are cut so that 200 and 499
/// inputs cost no more than [`SAMPLED_WORK_BUDGET`] (20,000 orders of 200 inputs
/// took 37 s), and a small problem keeps every order asked for.
#[test]
fn lmg_orders_are_cut_to_the_work_budget() {
    use sattrace::importance::lmg::{orders_within_budget, SAMPLED_WORK_BUDGET};
    for p in [200usize, 499] {
        let orders = orders_within_budget(p, 20_000);
        let per_order = ((p + 1) as f64).powi(3) / 3.0 + ((p + 1) as f64).powi(2);
        assert!(orders < 20_000, "{p}: {orders}");
        assert!(
            orders as f64 * per_order <= SAMPLED_WORK_BUDGET,
            "{p}: {orders}"
        );
        assert!(orders >= 2);
    }
    assert_eq!(orders_within_budget(30, 20_000), 20_000);
}

/// Item 12 end to end: `--method lmg` with 200 inputs finishes and says how many
/// orders it sampled of those asked for. Minutes in a debug build (the budget is
/// a few seconds of optimized code), so run it with
/// `cargo test --release --test resources -- --ignored`.
#[test]
#[ignore = "minutes in a debug build; run with --release -- --ignored"]
fn lmg_with_two_hundred_inputs_keeps_to_its_budget() {
    const P: usize = 200;
    const ROWS: usize = 400;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut model = String::from("name: wide\nscale: {min: 1, max: 5}\ndrivers:\n");
    for j in 0..P {
        model.push_str(&format!("  - id: d{j}\n    items: [q{j}]\n"));
    }
    let inputs: Vec<String> = (0..P).map(|j| format!("d{j}")).collect();
    model.push_str(&format!(
        "  - id: sat\n    items: [q_sat]\n    inputs: [{}]\n    outcome: true\n",
        inputs.join(", ")
    ));
    std::fs::write(dir.path().join("model.yaml"), model).expect("write");
    // Deterministic answers from a small linear congruential generator; the
    // outcome leans on the first drivers so the shares differ.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % 5 + 1
    };
    let mut csv: Vec<String> = (0..P).map(|j| format!("q{j}")).collect();
    csv.push("q_sat".into());
    let mut text = csv.join(",") + "\n";
    for _ in 0..ROWS {
        let row: Vec<u64> = (0..P).map(|_| next()).collect();
        let sat = ((row[0] + row[1] + row[2] + next()) / 4).clamp(1, 5);
        let cells: Vec<String> = row.iter().map(u64::to_string).collect();
        text.push_str(&format!("{},{sat}\n", cells.join(",")));
    }
    std::fs::write(dir.path().join("survey.csv"), text).expect("write");
    let model = dir.path().join("model.yaml");
    let data = dir.path().join("survey.csv");
    let ran = run_bounded(
        &[
            "importance",
            &dir.path().to_string_lossy(),
            "--model",
            &model.to_string_lossy(),
            "--data",
            &data.to_string_lossy(),
            "--method",
            "lmg",
            "--format",
            "json",
            "--lang",
            "en",
        ],
        Duration::from_secs(240),
    );
    assert_eq!(ran.code, Some(0), "{}", clip(&ran.stderr));
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).expect("json");
    let text = json.to_string();
    // The sampled estimate says it was cut: as a field or as the warning's text.
    assert!(
        text.contains("\"requested\":20000") || text.contains("not the 20000 asked for"),
        "{}",
        clip(&text)
    );
    assert!(ran.elapsed < Duration::from_secs(120), "{:?}", ran.elapsed);
    eprintln!("lmg with {P} inputs: {:?}", ran.elapsed);
}
