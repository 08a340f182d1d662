//! `sattrace importance --by wave`: the change of each driver's importance between
//! consecutive waves, with a bootstrap interval of the difference
//! (`importance::change_intervals`).

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::importance::Group;
use sattrace::importance::{change_intervals, Method};

/// The change from wave `from` to wave `to` (consecutive, both estimated).
pub struct WaveChange {
    pub from: String,
    pub to: String,
    /// `importance(to) − importance(from)` per driver.
    pub change: Vec<f64>,
    /// Interval of the change per driver (with `--bootstrap`).
    pub intervals: Option<Vec<(f64, f64)>>,
    /// Replicate pairs the intervals rest on (both waves' replicate `r` succeeded).
    pub pairs: usize,
}

/// Changes between each pair of consecutive groups (waves in order) that were both
/// estimated; a wave that failed breaks the chain rather than being skipped over.
pub fn wave_changes(groups: &[Group], level: f64) -> Vec<WaveChange> {
    groups
        .windows(2)
        .filter_map(|pair| {
            let (Ok((a, ia)), Ok((b, ib))) = (&pair[0].result, &pair[1].result) else {
                return None;
            };
            let change = b
                .importance
                .iter()
                .zip(&a.importance)
                .map(|(b, a)| b - a)
                .collect();
            let (intervals, pairs) = match (ia, ib) {
                (Some(ia), Some(ib)) => (
                    Some(change_intervals(ia, ib, level)),
                    ia.samples
                        .iter()
                        .zip(&ib.samples)
                        .filter(|(x, y)| x.is_some() && y.is_some())
                        .count(),
                ),
                _ => (None, 0),
            };
            Some(WaveChange {
                from: pair[0].name.clone(),
                to: pair[1].name.clone(),
                change,
                intervals,
                pairs,
            })
        })
        .collect()
}

pub fn json(changes: &[WaveChange], drivers: &[String]) -> Value {
    changes
        .iter()
        .map(|c| {
            let rows: Vec<Value> = drivers
                .iter()
                .enumerate()
                .map(|(j, id)| {
                    let ci = c.intervals.as_ref().and_then(|iv| iv.get(j)).copied();
                    json!({
                        "id": id,
                        "change": c.change.get(j),
                        "ci_low": ci.map(|x| x.0),
                        "ci_high": ci.map(|x| x.1),
                        "ci_includes_zero": ci.map(|(lo, hi)| lo <= 0.0 && hi >= 0.0),
                    })
                })
                .collect();
            let mut v = json!({"from": c.from, "to": c.to, "drivers": rows});
            if c.intervals.is_some() {
                v["replicate_pairs"] = json!(c.pairs);
            }
            v
        })
        .collect()
}

pub fn table(out: &mut String, changes: &[WaveChange], drivers: &[String], method: Method) {
    let width = drivers
        .iter()
        .map(|d| d.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    for c in changes {
        let _ = writeln!(
            out,
            "change of {} importance, wave {} → {}",
            method.name(),
            c.from,
            c.to
        );
        let _ = writeln!(
            out,
            "{:<width$}  {:>10}  {:>21}",
            "driver", "change", "95% CI of change"
        );
        for (j, id) in drivers.iter().enumerate() {
            let ci = c
                .intervals
                .as_ref()
                .and_then(|iv| iv.get(j))
                .map(|(lo, hi)| {
                    let zero = if *lo <= 0.0 && *hi >= 0.0 { " *" } else { "" };
                    format!("{lo:+.4} – {hi:+.4}{zero}")
                })
                .unwrap_or_default();
            let change = c.change.get(j).copied().unwrap_or(f64::NAN);
            let _ = writeln!(out, "{id:<width$}  {change:>+10.4}  {ci:>21}");
        }
        if c.intervals.is_some() {
            let _ = writeln!(out, "* the interval includes zero: no clear change");
        }
        out.push('\n');
    }
}
