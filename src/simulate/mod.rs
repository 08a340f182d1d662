//! Synthetic survey responses with known truth (`sattrace simulate`), so examples
//! and tests know the right answer.
//!
//! Generative model, per respondent (all quantities on the 0–100 index):
//! - one level of each segment column, drawn by its share; a wave, all equally likely;
//!   a weight, uniform on `[min, max)` when the spec has `weights`;
//! - exogenous driver (no inputs): `latent = base + Σ segment shifts + wave shift + N(0, noise.exogenous)`;
//! - endogenous node, in topological order: `latent = intercept + Σ effect · input latent + N(0, noise.endogenous)`
//!   (inputs enter unclamped, so the structural model is exactly linear);
//! - items of a `mean` / `top2box` node: `round(scale.from_index(clamp(latent + N(0, item_noise), 0, 100)))`,
//!   clamped to the scale, written flipped (`scale.flip`) when reverse coded;
//! - the item of an `nps` node: `round((latent + N(0, item_noise)) / 10)` clamped to 0–10 (its latent is the
//!   0–100 index of the 0–10 item);
//! - the item of a `rate` node: the scale maximum with probability `clamp(latent, 0, 100)` %, else the minimum;
//! - each item value is written as the missing token (`model.missing[1]`, or `NA`) with probability `missing_rate`.
//!
//! A segment level may override `effects` input by input (`segments: {channel: {web:
//! {share: 0.5, effects: {satisfaction: {price: 0.4}}}}}`), so segments can have
//! different true root causes. [`simulate_shifted`] re-simulates the same
//! respondents with chosen latent values moved: the true counterfactual a what-if
//! or a plan promises.
//!
//! Measured items carry item noise and rounding, so a regression on item means
//! recovers the true effects attenuated by the items' reliability (errors-in-variables),
//! not exactly.
//!
//! Determinism: every respondent has its own xoshiro256** stream derived from the
//! seed and the row number, and only platform-independent arithmetic is used, so the
//! output is byte-identical for a seed on every platform, and rows could be generated
//! in parallel without changing it.

// The generator lives in `stats` so estimators (the bootstrap) need not import `simulate`.
pub(crate) use crate::stats::rng;
mod spec;

pub use spec::{load_spec, Noise, SegmentLevel, SegmentSpec, SimSpec, WaveSpec, WeightRange};

use crate::diag::{Both, Loc};
use crate::model::{Metric, Model};
use crate::yaml::YamlError;
use rng::Rng;

/// Why a spec could not be loaded or data not be written.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error("{loc}: {message}{}", if help.is_empty() { String::new() } else { format!("\n  help: {help}") })]
    Invalid {
        loc: Loc,
        message: String,
        help: String,
        /// The same (message, help) in Chinese; boxed to keep `Result`s small.
        zh: Box<(String, String)>,
    },
    /// The model cannot be simulated (e.g. its graph has a cycle).
    #[error("{}", .0.en)]
    Model(Both),
    #[error("writing the simulated data: {0}")]
    Write(#[from] csv::Error),
    #[error("writing the simulated data: {0}")]
    Io(#[from] std::io::Error),
}

/// The Chinese text of each error; English is `Display`.
impl crate::diag::Localized for SimError {
    fn message(&self, lang: crate::model::Lang) -> String {
        if lang == crate::model::Lang::En {
            return self.to_string();
        }
        match self {
            SimError::Yaml(e) => e.message(lang),
            SimError::Invalid { loc, zh, .. } => {
                format!("{loc}: {}{}", zh.0, crate::diag::help_line(lang, &zh.1))
            }
            SimError::Model(text) => text.zh.clone(),
            SimError::Write(e) => format!("写出模拟数据时出错：{e}"),
            SimError::Io(e) => format!("写出模拟数据时出错：{e}"),
        }
    }
}

/// The column name of the weight column: the model's, or `weight`.
pub fn weight_column(model: &Model) -> &str {
    model.weight.as_deref().unwrap_or("weight")
}

/// The token written for a missing value: the model's second missing token (the
/// first is usually the empty string), or `NA`.
pub fn missing_token(model: &Model) -> &str {
    model.missing.get(1).map_or("NA", String::as_str)
}

/// Node indices in topological order (inputs before the nodes they feed), stable in
/// model order; an error naming the nodes on a cycle.
fn topological_order(model: &Model) -> Result<Vec<usize>, SimError> {
    let n = model.nodes.len();
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let before = order.len();
        for (i, node) in model.nodes.iter().enumerate() {
            if placed[i] {
                continue;
            }
            let ready = node
                .inputs
                .iter()
                .all(|input| model.node_index(input).is_some_and(|j| placed[j]));
            if ready {
                placed[i] = true;
                order.push(i);
            }
        }
        if order.len() == before {
            let stuck: Vec<&str> = model
                .nodes
                .iter()
                .zip(&placed)
                .filter(|(_, p)| !**p)
                .map(|(node, _)| node.id.as_str())
                .collect();
            return Err(SimError::Model(Both::new(
                format!(
                    "the driver graph has a cycle or an unknown input among: {}",
                    stuck.join(", ")
                ),
                format!(
                    "驱动关系图在这些节点间有环或未知的输入：{}",
                    stuck.join(", ")
                ),
            )));
        }
    }
    Ok(order)
}

/// How each node's latent value is formed, resolved to indices once.
enum Latent {
    Exogenous {
        base: f64,
        shifts_by_segment: Vec<Vec<f64>>,
        shift_by_wave: Vec<f64>,
    },
    Endogenous {
        intercept: f64,
        effects: Vec<(usize, f64)>,
        /// Per segment column, per level: the effect of each input (parallel to
        /// `effects`) that the level overrides.
        overrides: Vec<Vec<Vec<Option<f64>>>>,
    },
}

fn plan(model: &Model, spec: &SimSpec) -> Result<Vec<Latent>, SimError> {
    let mut latents = Vec::with_capacity(model.nodes.len());
    for node in &model.nodes {
        if node.inputs.is_empty() {
            let base = spec.base.get(&node.id).copied().ok_or_else(|| {
                SimError::Model(Both::new(
                    format!("the spec gives no base level for `{}`", node.id),
                    format!("模拟设定没有给出 `{}` 的基准水平", node.id),
                ))
            })?;
            let shifts_by_segment = spec
                .segments
                .iter()
                .map(|s| {
                    s.levels
                        .iter()
                        .map(|l| l.shift.get(&node.id).copied().unwrap_or(0.0))
                        .collect()
                })
                .collect();
            let shift_by_wave = spec
                .waves
                .iter()
                .map(|w| w.shift.get(&node.id).copied().unwrap_or(0.0))
                .collect();
            latents.push(Latent::Exogenous {
                base,
                shifts_by_segment,
                shift_by_wave,
            });
        } else {
            let declared = spec.effects.get(&node.id).ok_or_else(|| {
                SimError::Model(Both::new(
                    format!("the spec gives no effects on `{}`", node.id),
                    format!("模拟设定没有给出对 `{}` 的效应", node.id),
                ))
            })?;
            let mut effects = Vec::with_capacity(node.inputs.len());
            for input in &node.inputs {
                let j = model.node_index(input).ok_or_else(|| {
                    SimError::Model(Both::new(
                        format!("unknown input `{input}` of `{}`", node.id),
                        format!("`{}` 的输入 `{input}` 不存在", node.id),
                    ))
                })?;
                let effect = declared.get(input).copied().ok_or_else(|| {
                    SimError::Model(Both::new(
                        format!("the spec gives no effect of `{input}` on `{}`", node.id),
                        format!("模拟设定没有给出 `{input}` 对 `{}` 的效应", node.id),
                    ))
                })?;
                effects.push((j, effect));
            }
            let intercept = spec.intercepts.get(&node.id).copied().unwrap_or(0.0);
            let overrides = spec
                .segments
                .iter()
                .map(|s| {
                    s.levels
                        .iter()
                        .map(|l| {
                            node.inputs
                                .iter()
                                .map(|input| {
                                    l.effects.get(&node.id).and_then(|m| m.get(input)).copied()
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect();
            latents.push(Latent::Endogenous {
                intercept,
                effects,
                overrides,
            });
        }
    }
    Ok(latents)
}

/// A counterfactual move of one node's latent value: `delta` index points added
/// (after its disturbance is drawn) for the respondents whose segment levels and
/// wave match `filter`, so everything downstream follows through the true effects.
#[derive(Debug, Clone, PartialEq)]
pub struct LatentShift {
    /// Index into `model.nodes`.
    pub node: usize,
    /// Index points (0–100 index) added to the latent value.
    pub delta: f64,
    /// `(segment column or wave column, value)`; all must match. Empty = everyone.
    pub filter: Vec<(String, String)>,
}

/// Writes `n` simulated respondents as CSV to `out`: `respondent_id`, the segment
/// columns, the wave column, the weight column (when the spec has `weights`), then
/// every item in model order. Integers are written without a decimal point, weights
/// with three decimals.
pub fn simulate<W: std::io::Write>(
    model: &Model,
    spec: &SimSpec,
    n: usize,
    seed: u64,
    out: W,
) -> Result<(), SimError> {
    simulate_shifted(model, spec, n, seed, &[], out)
}

/// [`simulate`] with counterfactual `shifts`: the same respondents (same seed, same
/// random draws per row, so the same segments, waves, weights, disturbances and
/// item errors) with the shifted nodes' latent values moved. With no shifts the
/// output is byte-identical to [`simulate`]'s.
pub fn simulate_shifted<W: std::io::Write>(
    model: &Model,
    spec: &SimSpec,
    n: usize,
    seed: u64,
    shifts: &[LatentShift],
    out: W,
) -> Result<(), SimError> {
    let column_of = |name: &str| -> Result<Option<usize>, SimError> {
        match model.segments.iter().position(|c| c == name) {
            Some(p) => Ok(Some(p)),
            None if model.wave.as_deref() == Some(name) => Ok(None),
            None => Err(SimError::Model(Both::new(
                format!("`{name}` is neither a segment column nor the wave column of the model"),
                format!("`{name}` 既不是模型的细分列，也不是波次列"),
            ))),
        }
    };
    // Each shift's filter resolved to (segment position or wave, level index).
    let mut resolved: Vec<Vec<(Option<usize>, usize)>> = Vec::with_capacity(shifts.len());
    for shift in shifts {
        let mut conditions = Vec::new();
        for (column, value) in &shift.filter {
            let position = column_of(column)?;
            let names: Vec<&str> = match position {
                Some(p) => spec
                    .segments
                    .get(p)
                    .map(|s| s.levels.iter().map(|l| l.value.as_str()).collect())
                    .unwrap_or_default(),
                None => spec.waves.iter().map(|w| w.name.as_str()).collect(),
            };
            let level = names.iter().position(|n| n == value).ok_or_else(|| {
                SimError::Model(Both::new(
                    format!(
                        "`{column}` has no level `{value}` in the spec (levels: {})",
                        names.join(", ")
                    ),
                    format!(
                        "模拟设定中 `{column}` 没有水平 `{value}`（已有水平：{}）",
                        names.join(", ")
                    ),
                ))
            })?;
            conditions.push((position, level));
        }
        resolved.push(conditions);
    }
    let order = topological_order(model)?;
    let latents = plan(model, spec)?;
    if spec.segments.len() != model.segments.len() {
        return Err(SimError::Model(Both::new(
            "the spec's segments do not match the model's",
            "模拟设定的细分与模型的细分不一致",
        )));
    }
    if model.wave.is_some() && spec.waves.is_empty() {
        return Err(SimError::Model(Both::new(
            "the model has a wave column but the spec no waves",
            "模型有波次列，但模拟设定没有波次",
        )));
    }
    let missing = missing_token(model);
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);

    let mut header: Vec<&str> = vec!["respondent_id"];
    header.extend(model.segments.iter().map(String::as_str));
    if let Some(wave) = &model.wave {
        header.push(wave);
    }
    if spec.weights.is_some() {
        header.push(weight_column(model));
    }
    for node in &model.nodes {
        header.extend(node.items.iter().map(String::as_str));
    }
    writer.write_record(&header)?;

    let mut latent = vec![0.0; model.nodes.len()];
    let mut levels = vec![0usize; spec.segments.len()];
    let mut record: Vec<String> = Vec::with_capacity(header.len());
    for row in 0..n {
        let mut rng = Rng::new(seed, row as u64);
        record.clear();
        record.push((row + 1).to_string());
        for (s, segment) in spec.segments.iter().enumerate() {
            let u = rng.uniform();
            let mut cumulative = 0.0;
            let mut chosen = segment.levels.len() - 1;
            for (k, level) in segment.levels.iter().enumerate() {
                cumulative += level.share;
                if u < cumulative {
                    chosen = k;
                    break;
                }
            }
            levels[s] = chosen;
            record.push(segment.levels[chosen].value.clone());
        }
        let wave = if spec.waves.is_empty() {
            None
        } else {
            let k = ((rng.uniform() * spec.waves.len() as f64) as usize).min(spec.waves.len() - 1);
            Some(k)
        };
        if let (Some(k), Some(_)) = (wave, &model.wave) {
            record.push(spec.waves[k].name.clone());
        }
        if let Some(range) = spec.weights {
            let w = range.min + rng.uniform() * (range.max - range.min);
            record.push(format!("{w:.3}"));
        }
        for &i in &order {
            latent[i] = match &latents[i] {
                Latent::Exogenous {
                    base,
                    shifts_by_segment,
                    shift_by_wave,
                } => {
                    let mut mean = *base;
                    for (s, shifts) in shifts_by_segment.iter().enumerate() {
                        mean += shifts[levels[s]];
                    }
                    if let Some(k) = wave {
                        mean += shift_by_wave[k];
                    }
                    mean + spec.noise.exogenous * rng.normal()
                }
                Latent::Endogenous {
                    intercept,
                    effects,
                    overrides,
                } => {
                    let mut value = *intercept;
                    for (k, &(j, effect)) in effects.iter().enumerate() {
                        // The last segment column whose level overrides this input wins.
                        let effect = overrides
                            .iter()
                            .zip(&levels)
                            .filter_map(|(by_level, &l)| by_level[l][k])
                            .next_back()
                            .unwrap_or(effect);
                        value += effect * latent[j];
                    }
                    value + spec.noise.endogenous * rng.normal()
                }
            };
            // Counterfactual moves come after the draws, so the stream is unchanged.
            for (shift, conditions) in shifts.iter().zip(&resolved) {
                let matches = conditions.iter().all(|&(position, level)| match position {
                    Some(p) => levels[p] == level,
                    None => wave == Some(level),
                });
                if shift.node == i && matches {
                    latent[i] += shift.delta;
                }
            }
        }
        for (i, node) in model.nodes.iter().enumerate() {
            for item in &node.items {
                let value = match node.metric {
                    Metric::Mean | Metric::Top2box => {
                        let index = (latent[i] + spec.item_noise * rng.normal()).clamp(0.0, 100.0);
                        let value = node
                            .scale
                            .from_index(index)
                            .round()
                            .clamp(node.scale.min, node.scale.max);
                        if node.reverse.contains(item) {
                            node.scale.flip(value)
                        } else {
                            value
                        }
                    }
                    Metric::Nps => ((latent[i] + spec.item_noise * rng.normal()) / 10.0)
                        .round()
                        .clamp(0.0, 10.0),
                    Metric::Rate => {
                        let p = latent[i].clamp(0.0, 100.0) / 100.0;
                        if rng.uniform() < p {
                            node.scale.max
                        } else {
                            node.scale.min
                        }
                    }
                };
                // Always draw, so the missing rate does not shift later values.
                let is_missing = rng.uniform() < spec.missing_rate;
                record.push(if is_missing {
                    missing.to_string()
                } else {
                    format_number(value)
                });
            }
        }
        writer.write_record(&record)?;
    }
    writer.flush()?;
    Ok(())
}

/// `4` for 4.0, `-0` never (written as `0`), otherwise Rust's shortest round-trip form.
fn format_number(value: f64) -> String {
    if value == value.trunc() && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}
