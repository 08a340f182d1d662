//! A rule test's `given`: a partial context whose unspecified fields get documented
//! defaults (`docs/rules.md`, "Defaults of `given`").

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::diag::did_you_mean;
use crate::rules::{
    expected_uplift, Context, Facts, Match, OutcomeFacts, Rule, SegmentFacts, WaveFacts,
};

/// The owned facts of one test.
#[derive(Debug, Clone)]
pub(crate) struct Given {
    pub driver: Facts,
    pub segment: SegmentFacts,
    pub outcome: OutcomeFacts,
    pub wave: WaveFacts,
    pub drivers: BTreeMap<String, Facts>,
    pub uplift: f64,
}

impl Given {
    pub(crate) fn context(&self) -> Context<'_> {
        Context {
            driver: &self.driver,
            segment: &self.segment,
            outcome: &self.outcome,
            wave: &self.wave,
            drivers: &self.drivers,
            uplift: self.uplift,
        }
    }
}

const KEYS: &[&str] = &["driver", "segment", "outcome", "wave", "drivers", "uplift"];
const DRIVER_KEYS: &[&str] = &[
    "id",
    "label",
    "score",
    "index",
    "target",
    "gap",
    "index_gap",
    "importance",
    "effect",
    "n",
    "ci_low",
    "ci_high",
    "trend",
    "quadrant",
    "tags",
    "lower_is_better",
    "scale",
];
const SEGMENT_KEYS: &[&str] = &["name", "column", "value", "n", "share"];
const OUTCOME_KEYS: &[&str] = &[
    "id",
    "label",
    "score",
    "index",
    "target",
    "gap",
    "index_gap",
    "lower_is_better",
    "scale",
];
const WAVE_KEYS: &[&str] = &["name", "previous", "count"];

/// Importance from which a driver counts as important when `quadrant` is derived.
pub(crate) const HIGH_IMPORTANCE: f64 = 0.15;
/// Respondents behind a score when `n` is not given.
pub(crate) const DEFAULT_N: f64 = 500.0;

/// Build the facts of a test; the error says which key is wrong.
pub(crate) fn given(rule: &Rule, given: &BTreeMap<String, Value>) -> Result<Given, String> {
    for key in given.keys() {
        check_key("given", key, KEYS)?;
    }
    let empty = Map::new();
    let obj = |key: &str| -> Result<&Map<String, Value>, String> {
        match given.get(key) {
            None => Ok(&empty),
            Some(Value::Object(m)) => Ok(m),
            Some(_) => Err(format!("`given.{key}` must be a map of fields")),
        }
    };
    let (default_id, default_tags) = match &rule.selector.matches {
        Match::Drivers(ids) => (ids.first().cloned().unwrap_or_default(), Vec::new()),
        Match::Tags(tags) => ("driver".to_string(), tags.clone()),
        Match::Each => ("driver".to_string(), Vec::new()),
    };
    let driver = driver_facts("driver", obj("driver")?, &default_id, &default_tags)?;
    let segment = segment_facts(obj("segment")?, driver.n)?;
    let outcome = outcome_facts(obj("outcome")?)?;
    let wave = wave_facts(obj("wave")?)?;
    let mut drivers = BTreeMap::new();
    for (id, value) in obj("drivers")? {
        let Value::Object(fields) = value else {
            return Err(format!("`given.drivers.{id}` must be a map of fields"));
        };
        let facts = driver_facts(&format!("drivers.{id}"), fields, id, &[])?;
        drivers.insert(id.clone(), facts);
    }
    drivers.insert(driver.id.clone(), driver.clone());
    let share = if segment.column.is_empty() {
        1.0
    } else {
        segment.share
    };
    let uplift = match given.get("uplift") {
        None => expected_uplift(&driver, &outcome, rule.delta, share),
        Some(v) => v
            .as_f64()
            .ok_or_else(|| "`given.uplift` must be a number".to_string())?,
    };
    Ok(Given {
        driver,
        segment,
        outcome,
        wave,
        drivers,
        uplift,
    })
}

fn check_key(what: &str, key: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&key) {
        return Ok(());
    }
    let hint = did_you_mean(key, allowed.iter().copied());
    let hint = if hint.is_empty() {
        format!("keys: {}", allowed.join(", "))
    } else {
        hint
    };
    Err(format!("`{what}` has no key `{key}`: {hint}"))
}

struct Fields<'a> {
    what: &'a str,
    map: &'a Map<String, Value>,
}

impl Fields<'_> {
    fn num(&self, key: &str) -> Result<Option<f64>, String> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| format!("`{}.{key}` must be a number", self.what)),
        }
    }

    fn text(&self, key: &str) -> Result<Option<String>, String> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(format!("`{}.{key}` must be text", self.what)),
        }
    }

    fn flag(&self, key: &str) -> Result<bool, String> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(format!("`{}.{key}` must be true or false", self.what)),
        }
    }

    fn scale(&self) -> Result<(f64, f64), String> {
        match self.map.get("scale") {
            None => Ok((1.0, 5.0)),
            Some(Value::Object(m)) => {
                let s = Fields {
                    what: self.what,
                    map: m,
                };
                let min = s.num("min")?.unwrap_or(1.0);
                let max = s.num("max")?.unwrap_or(5.0);
                if max > min {
                    Ok((min, max))
                } else {
                    Err(format!("`{}.scale` needs min < max", self.what))
                }
            }
            Some(_) => Err(format!("`{}.scale` must be `{{min, max}}`", self.what)),
        }
    }
}

/// Score, target and gap from whichever of them are given.
struct Standing {
    score: f64,
    target: Option<f64>,
    gap: f64,
    index: f64,
    index_gap: f64,
    unit: f64,
    lower: bool,
}

fn standing(f: &Fields) -> Result<Standing, String> {
    let (min, max) = f.scale()?;
    let lower = f.flag("lower_is_better")?;
    let dir = if lower { -1.0 } else { 1.0 };
    let (score, target, gap) = (f.num("score")?, f.num("target")?, f.num("gap")?);
    let score = score
        .or_else(|| Some(target? - dir * gap?))
        .unwrap_or((min + max) / 2.0 + (max - min) / 8.0);
    let target = target.or_else(|| gap.map(|g| score + dir * g));
    let gap = gap.unwrap_or_else(|| target.map_or(0.0, |t| dir * (t - score)));
    let unit = 100.0 / (max - min);
    Ok(Standing {
        score,
        target,
        gap,
        index: f.num("index")?.unwrap_or((score - min) * unit),
        index_gap: f.num("index_gap")?.unwrap_or(gap * unit),
        unit,
        lower,
    })
}

fn driver_facts(
    what: &str,
    map: &Map<String, Value>,
    default_id: &str,
    default_tags: &[String],
) -> Result<Facts, String> {
    for key in map.keys() {
        check_key(what, key, DRIVER_KEYS)?;
    }
    let f = Fields { what, map };
    let s = standing(&f)?;
    let id = f.text("id")?.unwrap_or_else(|| default_id.to_string());
    let importance = f.num("importance")?.unwrap_or(0.0);
    let n = f.num("n")?.unwrap_or(DEFAULT_N);
    let half = 1.96 / n.max(1.0).sqrt();
    let tags = match map.get("tags") {
        None => default_tags.to_vec(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| t.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("`{what}.tags` must be a list of text"))?,
        Some(_) => return Err(format!("`{what}.tags` must be a list of text")),
    };
    let quadrant = match f.text("quadrant")? {
        Some(q) => q,
        None => {
            let important = importance >= HIGH_IMPORTANCE;
            match (important, s.gap > 0.0) {
                (true, true) => "concentrate",
                (true, false) => "keep_up",
                (false, true) => "low_priority",
                (false, false) => "overkill",
            }
            .to_string()
        }
    };
    let headroom = if s.lower { s.index } else { 100.0 - s.index }.max(0.0);
    Ok(Facts {
        label: f.text("label")?.unwrap_or_else(|| id.clone()),
        id,
        score: s.score,
        index: s.index,
        target: s.target,
        gap: s.gap,
        index_gap: s.index_gap,
        importance,
        effect: f.num("effect")?.unwrap_or(importance),
        n,
        ci_low: f.num("ci_low")?.unwrap_or(s.score - half),
        ci_high: f.num("ci_high")?.unwrap_or(s.score + half),
        trend: f.num("trend")?,
        quadrant,
        tags,
        lower_is_better: s.lower,
        unit_index: s.unit,
        headroom,
    })
}

fn segment_facts(map: &Map<String, Value>, driver_n: f64) -> Result<SegmentFacts, String> {
    for key in map.keys() {
        check_key("segment", key, SEGMENT_KEYS)?;
    }
    let f = Fields {
        what: "segment",
        map,
    };
    let column = f.text("column")?.unwrap_or_default();
    let value = f.text("value")?.unwrap_or_default();
    let whole = column.is_empty();
    Ok(SegmentFacts {
        name: f.text("name")?.unwrap_or_else(|| {
            if whole {
                "all".to_string()
            } else {
                format!("{column}={value}")
            }
        }),
        n: f.num("n")?.unwrap_or(driver_n),
        share: f.num("share")?.unwrap_or(if whole { 1.0 } else { 0.5 }),
        column,
        value,
    })
}

fn outcome_facts(map: &Map<String, Value>) -> Result<OutcomeFacts, String> {
    for key in map.keys() {
        check_key("outcome", key, OUTCOME_KEYS)?;
    }
    let f = Fields {
        what: "outcome",
        map,
    };
    let s = standing(&f)?;
    let id = f.text("id")?.unwrap_or_else(|| "satisfaction".to_string());
    Ok(OutcomeFacts {
        label: f.text("label")?.unwrap_or_else(|| id.clone()),
        id,
        score: s.score,
        index: s.index,
        target: s.target,
        gap: s.gap,
        index_gap: s.index_gap,
        lower_is_better: s.lower,
    })
}

fn wave_facts(map: &Map<String, Value>) -> Result<WaveFacts, String> {
    for key in map.keys() {
        check_key("wave", key, WAVE_KEYS)?;
    }
    let f = Fields { what: "wave", map };
    let previous = f.text("previous")?.unwrap_or_default();
    let count = f
        .num("count")?
        .unwrap_or(if previous.is_empty() { 1.0 } else { 2.0 });
    Ok(WaveFacts {
        name: f.text("name")?.unwrap_or_default(),
        previous,
        count,
    })
}
