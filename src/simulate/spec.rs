//! The simulation spec (`simulate.yaml`): parsing and checks against the model.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::SimError;
use crate::diag::{did_you_mean_in, suggest, Both, Loc};
use crate::model::Model;
use crate::yaml::parse_yaml;

/// A validated simulation spec. Effects are in IPMA units: index points of the node
/// per index point of the input.
#[derive(Debug, Clone, PartialEq)]
pub struct SimSpec {
    /// node → input → true structural effect; one entry per node with inputs,
    /// covering every input.
    pub effects: BTreeMap<String, BTreeMap<String, f64>>,
    /// Mean latent index (0–100) of each exogenous node in the reference segment and
    /// first wave.
    pub base: BTreeMap<String, f64>,
    /// Intercept of each endogenous node (0 when not given).
    pub intercepts: BTreeMap<String, f64>,
    /// Standard deviation of the latent disturbances, index points.
    pub noise: Noise,
    /// Standard deviation of item-level measurement error, index points.
    pub item_noise: f64,
    /// Share of item values written as the missing token.
    pub missing_rate: f64,
    /// One entry per segment column of the model, in the model's order.
    pub segments: Vec<SegmentSpec>,
    /// Waves in order (empty when the model has no wave column).
    pub waves: Vec<WaveSpec>,
    /// Survey weights drawn uniformly from `[min, max)`; `None` writes no weight column.
    pub weights: Option<WeightRange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Noise {
    #[serde(default)]
    pub exogenous: f64,
    #[serde(default)]
    pub endogenous: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SegmentSpec {
    pub column: String,
    pub levels: Vec<SegmentLevel>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SegmentLevel {
    pub value: String,
    pub share: f64,
    /// Exogenous node → shift of its base mean, index points.
    pub shift: BTreeMap<String, f64>,
    /// node → input → true effect for respondents of this level, overriding
    /// `SimSpec::effects` input by input (so segments can have different root causes).
    pub effects: BTreeMap<String, BTreeMap<String, f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaveSpec {
    pub name: String,
    /// Exogenous node → shift of its base mean, index points.
    pub shift: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightRange {
    pub min: f64,
    pub max: f64,
}

/// A YAML mapping read in file order, with the location of every key.
struct Entries<V>(Vec<(Spanned<String>, V)>);

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<Spanned<String>, V>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Entries(Vec::new()))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    effects: Spanned<Entries<Entries<f64>>>,
    base: Spanned<Entries<f64>>,
    #[serde(default)]
    intercepts: Entries<f64>,
    #[serde(default)]
    noise: Option<Spanned<Noise>>,
    #[serde(default)]
    item_noise: Option<Spanned<f64>>,
    #[serde(default)]
    missing_rate: Option<Spanned<f64>>,
    #[serde(default)]
    segments: Option<Spanned<Entries<Entries<RawLevel>>>>,
    #[serde(default)]
    waves: Option<Spanned<Entries<Entries<f64>>>>,
    #[serde(default)]
    weights: Option<Spanned<WeightRange>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    share: Spanned<f64>,
    #[serde(default)]
    shift: Entries<f64>,
    #[serde(default)]
    effects: Entries<Entries<f64>>,
}

fn invalid(loc: Loc, message: Both, help: Both) -> SimError {
    SimError::Invalid {
        loc,
        message: message.en,
        help: help.en,
        zh: Box::new((message.zh, help.zh)),
    }
}

fn b(en: impl Into<String>, zh: impl Into<String>) -> Both {
    Both::new(en, zh)
}

/// "did you mean `x`?" in both languages, or empty without a near name.
fn did_you_mean_both<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Both {
    let suggestion = suggest(name, candidates);
    b(
        did_you_mean_in(crate::model::Lang::En, suggestion.as_deref()),
        did_you_mean_in(crate::model::Lang::Zh, suggestion.as_deref()),
    )
}

/// Parse `text` (named `file` in messages) and check every id against `model`.
pub fn load_spec(file: &str, text: &str, model: &Model) -> Result<SimSpec, SimError> {
    let raw: RawSpec = parse_yaml(file, text)?;
    let at = |s: &Spanned<String>| Loc::from_yaml(file, s.referenced);
    let loc_of = |l: serde_saphyr::Location| Loc::from_yaml(file, l);
    let ids: Vec<&str> = model.node_ids().collect();
    let exogenous: Vec<&str> = model
        .nodes
        .iter()
        .filter(|n| n.inputs.is_empty())
        .map(|n| n.id.as_str())
        .collect();
    let known_node = |key: &Spanned<String>, section: &str| -> Result<(), SimError> {
        if ids.contains(&key.value.as_str()) {
            Ok(())
        } else {
            Err(invalid(
                at(key),
                b(
                    format!("`{section}` names unknown driver `{}`", key.value),
                    format!("`{section}` 中有未知的驱动因素 `{}`", key.value),
                ),
                did_you_mean_both(&key.value, ids.iter().copied()),
            ))
        }
    };
    // A shift or base must name an exogenous node.
    let exogenous_node = |key: &Spanned<String>, section: &str| -> Result<(), SimError> {
        known_node(key, section)?;
        if exogenous.contains(&key.value.as_str()) {
            Ok(())
        } else {
            Err(invalid(
                at(key),
                b(
                    format!("`{section}` names `{}`, which has inputs", key.value),
                    format!("`{section}` 中的 `{}` 有输入", key.value),
                ),
                b(
                    "only drivers without inputs get a base level or shifts; the others follow from `effects` and `intercepts`",
                    "只有没有输入的驱动因素才设基准水平或偏移；其余的由 `effects` 和 `intercepts` 决定",
                ),
            ))
        }
    };
    let finite = |value: f64, loc: Loc, what: Both| -> Result<f64, SimError> {
        if value.is_finite() {
            Ok(value)
        } else {
            Err(invalid(
                loc,
                b(
                    format!("{} is not a number", what.en),
                    format!("{}不是数字", what.zh),
                ),
                Both::default(),
            ))
        }
    };
    let shift_map =
        |entries: &Entries<f64>, section: &str| -> Result<BTreeMap<String, f64>, SimError> {
            let mut shift = BTreeMap::new();
            for (key, value) in &entries.0 {
                exogenous_node(key, section)?;
                shift.insert(
                    key.value.clone(),
                    finite(
                        *value,
                        at(key),
                        b(
                            format!("shift of `{}`", key.value),
                            format!("`{}` 的偏移", key.value),
                        ),
                    )?,
                );
            }
            Ok(shift)
        };

    // Effects: exactly the model's inputs of each node with inputs.
    let effect_map =
        |entries: &Entries<Entries<f64>>,
         complete: bool|
         -> Result<BTreeMap<String, BTreeMap<String, f64>>, SimError> {
            let mut effects = BTreeMap::new();
            for (node_key, inputs) in &entries.0 {
                known_node(node_key, "effects")?;
                let node = model.node(&node_key.value).ok_or_else(|| {
                    invalid(
                        at(node_key),
                        b(
                            format!("unknown driver `{}`", node_key.value),
                            format!("未知的驱动因素 `{}`", node_key.value),
                        ),
                        Both::default(),
                    )
                })?;
                if node.inputs.is_empty() {
                    return Err(invalid(
                    at(node_key),
                    b(
                        format!(
                            "`effects` gives effects on `{}`, which has no inputs in the model",
                            node.id
                        ),
                        format!("`effects` 给出了对 `{}` 的效应，但它在模型中没有输入", node.id),
                    ),
                    b(
                        "give it a level under `base` instead, or add `inputs` to it in the model",
                        "请改为在 `base` 下给出它的水平，或在模型中为它添加 `inputs`",
                    ),
                ));
                }
                let mut map = BTreeMap::new();
                for (input, value) in &inputs.0 {
                    if !node.inputs.contains(&input.value) {
                        let hint =
                            did_you_mean_both(&input.value, node.inputs.iter().map(String::as_str));
                        let hint = if hint.is_empty() {
                            b(
                                format!(
                                    "the inputs of `{}` are: {}",
                                    node.id,
                                    node.inputs.join(", ")
                                ),
                                format!("`{}` 的输入有：{}", node.id, node.inputs.join(", ")),
                            )
                        } else {
                            hint
                        };
                        return Err(invalid(
                            at(input),
                            b(
                                format!("`{}` is not an input of `{}`", input.value, node.id),
                                format!("`{}` 不是 `{}` 的输入", input.value, node.id),
                            ),
                            hint,
                        ));
                    }
                    map.insert(
                        input.value.clone(),
                        finite(*value, at(input), b("effect", "效应"))?,
                    );
                }
                if let Some(missing) = node
                    .inputs
                    .iter()
                    .find(|i| complete && !map.contains_key(*i))
                {
                    return Err(invalid(
                        at(node_key),
                        b(
                            format!("`effects` of `{}` miss input `{missing}`", node.id),
                            format!("`{}` 的 `effects` 缺少输入 `{missing}`", node.id),
                        ),
                        b(
                            "give a true effect for every input (0 for none)",
                            "请为每个输入给出真实效应（没有则写 0）",
                        ),
                    ));
                }
                effects.insert(node.id.clone(), map);
            }
            Ok(effects)
        };
    let effects = effect_map(&raw.effects.value, true)?;
    if let Some(node) = model
        .nodes
        .iter()
        .find(|n| !n.inputs.is_empty() && !effects.contains_key(&n.id))
    {
        return Err(invalid(
            loc_of(raw.effects.referenced),
            b(
                format!("`effects` has no entry for `{}`, which has inputs", node.id),
                format!("`effects` 中没有 `{}` 的条目，而它有输入", node.id),
            ),
            {
                let example = format!(
                    "`{}: {{{}}}`",
                    node.id,
                    node.inputs
                        .iter()
                        .map(|i| format!("{i}: 0.2"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                b(format!("add {example}"), format!("请添加 {example}"))
            },
        ));
    }

    let mut base = BTreeMap::new();
    for (key, value) in &raw.base.value.0 {
        exogenous_node(key, "base")?;
        base.insert(
            key.value.clone(),
            finite(*value, at(key), b("base level", "基准水平"))?,
        );
    }
    if let Some(missing) = exogenous.iter().find(|id| !base.contains_key(**id)) {
        return Err(invalid(
            loc_of(raw.base.referenced),
            b(
                format!("`base` has no level for `{missing}`, which has no inputs"),
                format!("`base` 中没有 `{missing}` 的水平，而它没有输入"),
            ),
            b(
                "give every driver without inputs its mean latent index (0–100)",
                "请为每个没有输入的驱动因素给出平均潜在指数（0–100）",
            ),
        ));
    }

    let mut intercepts = BTreeMap::new();
    for (key, value) in &raw.intercepts.0 {
        known_node(key, "intercepts")?;
        if exogenous.contains(&key.value.as_str()) {
            return Err(invalid(
                at(key),
                b(
                    format!("`intercepts` names `{}`, which has no inputs", key.value),
                    format!("`intercepts` 中的 `{}` 没有输入", key.value),
                ),
                b(
                    "drivers without inputs take their level from `base`",
                    "没有输入的驱动因素的水平取自 `base`",
                ),
            ));
        }
        intercepts.insert(
            key.value.clone(),
            finite(*value, at(key), b("intercept", "截距"))?,
        );
    }

    let non_negative = |spanned: &Option<Spanned<f64>>, what: &str| -> Result<f64, SimError> {
        match spanned {
            None => Ok(0.0),
            Some(s) if s.value.is_finite() && s.value >= 0.0 => Ok(s.value),
            Some(s) => Err(invalid(
                loc_of(s.referenced),
                b(
                    format!("`{what}` must be a number ≥ 0"),
                    format!("`{what}` 必须是 ≥ 0 的数"),
                ),
                Both::default(),
            )),
        }
    };
    let noise = match &raw.noise {
        None => Noise::default(),
        Some(n) => {
            let ok = |v: f64| v.is_finite() && v >= 0.0;
            if !(ok(n.value.exogenous) && ok(n.value.endogenous)) {
                return Err(invalid(
                    loc_of(n.referenced),
                    b(
                        "noise standard deviations must be ≥ 0",
                        "噪声标准差必须 ≥ 0",
                    ),
                    Both::default(),
                ));
            }
            n.value
        }
    };
    let item_noise = non_negative(&raw.item_noise, "item_noise")?;
    let missing_rate = non_negative(&raw.missing_rate, "missing_rate")?;
    if missing_rate >= 1.0 {
        if let Some(s) = &raw.missing_rate {
            return Err(invalid(
                loc_of(s.referenced),
                b(
                    "`missing_rate` must be below 1",
                    "`missing_rate` 必须小于 1",
                ),
                b("it is a share, e.g. 0.02", "它是一个比例，例如 0.02"),
            ));
        }
    }

    let segments = segments(file, raw.segments.as_ref(), model, &shift_map, &|e| {
        effect_map(e, false)
    })?;
    let waves = waves(file, raw.waves.as_ref(), model, &shift_map)?;

    let weights = match &raw.weights {
        None => None,
        Some(w) => {
            let WeightRange { min, max } = w.value;
            if !(min.is_finite() && max.is_finite() && min > 0.0 && min <= max) {
                return Err(invalid(
                    loc_of(w.referenced),
                    b(
                        format!(
                            "weights {{min: {min}, max: {max}}} are not a range of positive numbers"
                        ),
                        format!("权重 {{min: {min}, max: {max}}} 不是正数构成的区间"),
                    ),
                    b(
                        "e.g. `weights: {min: 0.6, max: 1.6}`",
                        "例如 `weights: {min: 0.6, max: 1.6}`",
                    ),
                ));
            }
            Some(w.value)
        }
    };

    Ok(SimSpec {
        effects,
        base,
        intercepts,
        noise,
        item_noise,
        missing_rate,
        segments,
        waves,
        weights,
    })
}

type ShiftMap<'a> = dyn Fn(&Entries<f64>, &str) -> Result<BTreeMap<String, f64>, SimError> + 'a;
type EffectMap<'a> = dyn Fn(&Entries<Entries<f64>>) -> Result<BTreeMap<String, BTreeMap<String, f64>>, SimError>
    + 'a;

fn segments(
    file: &str,
    raw: Option<&Spanned<Entries<Entries<RawLevel>>>>,
    model: &Model,
    shift_map: &ShiftMap<'_>,
    effect_map: &EffectMap<'_>,
) -> Result<Vec<SegmentSpec>, SimError> {
    let spec_loc = raw.map_or_else(
        || Loc::new(file, 1, 1),
        |s| Loc::from_yaml(file, s.referenced),
    );
    let entries: &[(Spanned<String>, Entries<RawLevel>)] = raw.map_or(&[], |s| &s.value.0);
    let mut out = Vec::new();
    for (column, levels) in entries {
        let loc = Loc::from_yaml(file, column.referenced);
        if !model.segments.contains(&column.value) {
            return Err(invalid(
                loc,
                b(
                    format!(
                        "`segments` names `{}`, which is not a segment column of the model",
                        column.value
                    ),
                    format!("`segments` 中的 `{}` 不是模型的细分列", column.value),
                ),
                match did_you_mean_both(&column.value, model.segments.iter().map(String::as_str)) {
                    hint if hint.is_empty() => b(
                        format!("the model's segment columns: {}", model.segments.join(", ")),
                        format!("模型的细分列：{}", model.segments.join(", ")),
                    ),
                    hint => hint,
                },
            ));
        }
        if levels.0.is_empty() {
            return Err(invalid(
                loc,
                b(
                    format!("segment `{}` has no levels", column.value),
                    format!("细分 `{}` 没有水平", column.value),
                ),
                Both::default(),
            ));
        }
        let mut spec = SegmentSpec {
            column: column.value.clone(),
            levels: Vec::new(),
        };
        let mut total = 0.0;
        for (value, level) in &levels.0 {
            let share = level.share.value;
            if !(share.is_finite() && share > 0.0) {
                return Err(invalid(
                    Loc::from_yaml(file, level.share.referenced),
                    b(
                        format!("share of `{}` must be positive", value.value),
                        format!("`{}` 的占比必须为正", value.value),
                    ),
                    Both::default(),
                ));
            }
            total += share;
            spec.levels.push(SegmentLevel {
                value: value.value.clone(),
                share,
                shift: shift_map(&level.shift, "shift")?,
                effects: effect_map(&level.effects)?,
            });
        }
        if (total - 1.0).abs() > 1e-6 {
            return Err(invalid(
                loc,
                b(
                    format!(
                        "shares of segment `{}` add up to {total}, not 1",
                        column.value
                    ),
                    format!("细分 `{}` 的占比之和为 {total}，不是 1", column.value),
                ),
                b(
                    "give each level its share of respondents; the shares must sum to 1",
                    "请给出每个水平的受访者占比；占比之和必须为 1",
                ),
            ));
        }
        out.push(spec);
    }
    // Model order, and every model segment column covered.
    let mut ordered = Vec::new();
    for column in &model.segments {
        match out.iter().position(|s| &s.column == column) {
            Some(i) => ordered.push(out.swap_remove(i)),
            None => {
                return Err(invalid(
                    spec_loc.clone(),
                    b(
                        format!(
                            "`segments` has no levels for the model's segment column `{column}`"
                        ),
                        format!("`segments` 中没有模型细分列 `{column}` 的水平"),
                    ),
                    b(
                        format!("add `{column}: {{A: {{share: 0.5}}, B: {{share: 0.5}}}}`"),
                        format!("请添加 `{column}: {{A: {{share: 0.5}}, B: {{share: 0.5}}}}`"),
                    ),
                ))
            }
        }
    }
    Ok(ordered)
}

fn waves(
    file: &str,
    raw: Option<&Spanned<Entries<Entries<f64>>>>,
    model: &Model,
    shift_map: &ShiftMap<'_>,
) -> Result<Vec<WaveSpec>, SimError> {
    match (raw, &model.wave) {
        (None, None) => Ok(Vec::new()),
        (None, Some(column)) => Err(invalid(
            Loc::new(file, 1, 1),
            b(
                format!("the model has a wave column `{column}` but the spec lists no `waves`"),
                format!("模型有波次列 `{column}`，但模拟设定没有列出 `waves`"),
            ),
            b(
                "add e.g. `waves: {2025H2: {}, 2026H1: {}}`",
                "例如添加 `waves: {2025H2: {}, 2026H1: {}}`",
            ),
        )),
        (Some(w), None) => Err(invalid(
            Loc::from_yaml(file, w.referenced),
            b(
                "the spec lists `waves` but the model has no `wave:` column",
                "模拟设定列出了 `waves`，但模型没有 `wave:` 列",
            ),
            b(
                "add `wave: wave` to the model, or remove `waves`",
                "请在模型中添加 `wave: wave`，或删除 `waves`",
            ),
        )),
        (Some(w), Some(_)) => {
            if w.value.0.is_empty() {
                return Err(invalid(
                    Loc::from_yaml(file, w.referenced),
                    b("`waves` is empty", "`waves` 为空"),
                    Both::default(),
                ));
            }
            w.value
                .0
                .iter()
                .map(|(name, shift)| {
                    Ok(WaveSpec {
                        name: name.value.clone(),
                        shift: shift_map(shift, "waves")?,
                    })
                })
                .collect()
        }
    }
}
