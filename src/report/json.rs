//! The `sattrace.analysis/1` JSON document (documented in docs/output.md).
//! Field order is fixed by these structs; numbers are rounded to 4 decimals.

use serde::Serialize;

use super::{round, Report};
use crate::actions::{evidence_text, rule_why, why_text, SilentReason};
use crate::analysis::wave_changes;

#[derive(Serialize)]
pub struct AnalysisJson {
    pub schema: &'static str,
    pub model: String,
    pub data: String,
    pub lang: &'static str,
    pub rows: u64,
    pub skipped_values: u64,
    /// `skipped_values` per column (sorted by column name).
    pub skipped_by_column: std::collections::BTreeMap<String, u64>,
    /// Rows dropped for a bad weight, segment or wave value.
    pub skipped_rows: u64,
    /// Rows with no value in any column (`,,,,`), skipped.
    pub blank_rows: u64,
    /// Item columns the model reads that no row answered validly.
    pub empty_columns: Vec<String>,
    /// Rows whose respondent id appeared before (`--on-invalid skip` keeps them).
    pub repeated_ids: u64,
    /// The first of them: the id and both lines.
    pub first_repeat: Option<crate::data::RepeatedId>,
    pub primary_outcome: String,
    /// How `importance` was computed: the primary outcome's method (`ols`, `lmg`, …),
    /// or `declared`.
    pub importance_method: &'static str,
    pub waves: Vec<String>,
    pub latest_wave: Option<String>,
    pub segments: Vec<SegmentJson>,
    pub waves_change: Vec<WaveChangeJson>,
    pub root_causes: Vec<RootCauseJson>,
    pub actions: Vec<ActionJson>,
    /// The largest root cause no action acts on, in words (absent when covered).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncovered_root_cause: Option<String>,
    /// Rules that recommended nothing, each with why in words.
    pub silent_rules: Vec<SilentRuleJson>,
    pub notes: Vec<String>,
}

#[derive(Serialize)]
pub struct SegmentJson {
    pub segment: String,
    pub wave: Option<String>,
    pub n: u64,
    pub share: f64,
    pub effects_basis: String,
    /// Whether the slice's effects are corrected for measurement error, and how.
    pub effects_correction: CorrectionJson,
    pub drivers: Vec<DriverJson>,
}

#[derive(Serialize)]
pub struct CorrectionJson {
    /// `corrected`, `observed`, `exact`, `no_item_moments`, `not_positive_definite`.
    pub status: &'static str,
    pub nodes: Vec<ReliabilityJson>,
}

#[derive(Serialize)]
pub struct ReliabilityJson {
    pub id: String,
    /// The factor the node's variance was multiplied by (ω or the declared value).
    pub reliability: f64,
    pub alpha: Option<f64>,
    /// `estimated` or `declared`.
    pub source: crate::analysis::ReliabilitySource,
}

/// The JSON view of a slice's measurement-error correction.
pub fn correction_json(
    model: &crate::model::Model,
    correction: &crate::analysis::Correction,
) -> CorrectionJson {
    CorrectionJson {
        status: correction.status.as_str(),
        nodes: correction
            .nodes
            .iter()
            .map(|r| ReliabilityJson {
                id: model.nodes[r.node].id.clone(),
                reliability: round(r.reliability, 4),
                alpha: r.alpha.map(|a| round(a, 4)),
                source: r.source,
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub struct DriverJson {
    pub id: String,
    pub label: String,
    pub metric: &'static str,
    pub outcome: bool,
    pub score: f64,
    pub index: f64,
    pub n: u64,
    pub n_eff: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub target: Option<f64>,
    pub gap: f64,
    pub importance: f64,
    pub effect: f64,
    pub r2: Option<f64>,
    pub trend: Option<f64>,
    pub quadrant: Option<&'static str>,
}

#[derive(Serialize)]
pub struct WaveChangeJson {
    pub segment: String,
    pub previous_wave: String,
    pub wave: String,
    pub id: String,
    pub change: f64,
    pub index_change: f64,
    pub test: &'static str,
    /// Null when neither wave has any spread.
    pub statistic: Option<f64>,
    pub df: Option<f64>,
    pub p_value: f64,
    pub significant: bool,
    pub target: Option<f64>,
    pub gap: Option<f64>,
    pub due: Option<String>,
    pub progress: Option<&'static str>,
}

#[derive(Serialize)]
pub struct RootCauseJson {
    pub segment: String,
    pub wave: Option<String>,
    pub outcome: String,
    pub driver: String,
    /// Lift of the outcome (index points) if the driver's gap were closed.
    pub contribution: f64,
    /// Part of the outcome's gap that lift covers, at most 1.
    pub share: f64,
    /// Closing this driver's gap alone would meet the outcome's target.
    pub meets_target: bool,
    pub path: Vec<String>,
}

#[derive(Serialize)]
pub struct ActionJson {
    pub rank: usize,
    pub rule: String,
    pub driver: String,
    pub segment: String,
    /// Every slice the action is for (the rule fired in each); `segment` is the
    /// one whose numbers are the evidence.
    pub segments: Vec<String>,
    /// The share of the sample in the union of `segments`.
    pub share: f64,
    pub title: String,
    pub action: String,
    pub uplift: f64,
    pub cost: f64,
    pub priority: f64,
    pub delta: f64,
    pub duration: Option<f64>,
    pub why: String,
    /// The rule's own `why:` (absent when the rule has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_why: Option<String>,
    /// The numbers that made it fire.
    pub evidence: String,
}

#[derive(Serialize)]
pub struct SilentRuleJson {
    pub rule: String,
    /// `no_driver`, `no_segment` or `when_false`.
    pub reason: &'static str,
    /// The `when` condition, when it was evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// What the condition saw, per driver (whole sample when the rule covers it).
    pub values: Vec<SilentValuesJson>,
    pub text: String,
}

#[derive(Serialize)]
pub struct SilentValuesJson {
    pub segment: String,
    pub driver: String,
    pub score: f64,
    pub target: Option<f64>,
    pub gap: f64,
    pub importance: f64,
    pub uplift: f64,
}

/// Build the JSON document of a report.
pub fn analysis_json(report: &Report) -> AnalysisJson {
    let model = report.model;
    let analysis = report.analysis;
    let lang = report.lang;
    let primary = analysis.primary_outcome;
    let r4 = |v: f64| round(v, 4);
    let segments = analysis
        .slices
        .iter()
        .map(|slice| SegmentJson {
            segment: slice.key.name(),
            wave: slice.wave.clone(),
            n: slice.rows,
            share: r4(slice.share),
            effects_basis: slice.effects_basis.clone(),
            effects_correction: correction_json(model, &slice.effects.correction),
            drivers: model
                .nodes
                .iter()
                .enumerate()
                .filter_map(|(i, node)| {
                    let score = slice.scores[i].as_ref()?;
                    Some(DriverJson {
                        id: node.id.clone(),
                        label: node.label.text(lang, &node.id).to_string(),
                        metric: node.metric.as_str(),
                        outcome: node.outcome,
                        score: r4(score.score),
                        index: r4(score.index),
                        n: score.n,
                        n_eff: r4(score.n_eff),
                        ci_low: r4(score.ci_low),
                        ci_high: r4(score.ci_high),
                        target: score.target,
                        gap: r4(score.gap),
                        importance: r4(slice.importance(i, primary)),
                        effect: r4(slice.effect(i, primary)),
                        r2: slice.effects.r2[i].map(r4),
                        trend: slice.trend[i].map(r4),
                        quadrant: slice.quadrant[i].map(|q| q.as_str()),
                    })
                })
                .collect(),
        })
        .collect();
    let waves_change = wave_changes(model, analysis)
        .iter()
        .map(|c| {
            let node = &model.nodes[c.node];
            let gap = analysis
                .slices
                .iter()
                .find(|s| s.key == c.key && s.wave.as_deref() == Some(c.wave.as_str()))
                .and_then(|s| s.scores[c.node].as_ref())
                .filter(|s| s.target.is_some())
                .map(|s| r4(s.gap));
            WaveChangeJson {
                segment: c.key.name(),
                previous_wave: c.previous_wave.clone(),
                wave: c.wave.clone(),
                id: node.id.clone(),
                change: r4(c.change),
                index_change: r4(c.index_change),
                test: c.test.as_str(),
                statistic: Some(c.result.statistic).filter(|v| v.is_finite()).map(r4),
                df: c.result.df.map(r4),
                p_value: r4(c.result.p_value),
                significant: c.significant,
                target: node.target,
                gap,
                due: node.due.clone(),
                progress: c.progress.map(|p| p.as_str()),
            }
        })
        .collect();
    let root_causes = analysis
        .root_causes
        .iter()
        .flat_map(|(key, causes)| {
            causes.iter().map(move |c| RootCauseJson {
                segment: key.name(),
                wave: analysis.latest_wave().cloned().flatten(),
                outcome: model.nodes[c.outcome].id.clone(),
                driver: model.nodes[c.driver].id.clone(),
                contribution: r4(c.contribution),
                share: r4(c.share),
                meets_target: c.meets_target,
                path: c.path.iter().map(|&i| model.nodes[i].id.clone()).collect(),
            })
        })
        .collect();
    let actions = report
        .recommendations
        .actions
        .iter()
        .map(|a| ActionJson {
            rank: a.rank,
            rule: a.rule.clone(),
            driver: model.nodes[a.driver].id.clone(),
            segment: a.segment.name(),
            segments: a.segments.iter().map(|k| k.name()).collect(),
            share: r4(a.share),
            title: a.title.text(lang, &a.rule).to_string(),
            action: a.action.text(lang, "").to_string(),
            uplift: r4(a.uplift),
            cost: a.cost,
            priority: r4(a.priority),
            delta: a.delta,
            duration: a.duration,
            why: why_text(model, primary, a, lang),
            rule_why: rule_why(a, lang),
            evidence: evidence_text(model, primary, a, lang),
        })
        .collect();
    let texts = super::coverage::silent_lines(report);
    let silent_rules = report
        .recommendations
        .silent
        .iter()
        .zip(texts)
        .map(|(s, text)| {
            let (reason, when, values) = match &s.reason {
                SilentReason::NoDriver => ("no_driver", None, Vec::new()),
                SilentReason::NoSlice => ("no_segment", None, Vec::new()),
                SilentReason::WhenFalse {
                    when,
                    segment,
                    drivers,
                } => (
                    "when_false",
                    Some(when.clone()),
                    drivers
                        .iter()
                        .map(|d| SilentValuesJson {
                            segment: segment.name(),
                            driver: model.nodes[d.driver].id.clone(),
                            score: r4(d.score),
                            target: d.target.map(r4),
                            gap: r4(d.gap),
                            importance: r4(d.importance),
                            uplift: r4(d.uplift),
                        })
                        .collect(),
                ),
            };
            SilentRuleJson {
                rule: s.rule.clone(),
                reason,
                when,
                values,
                text,
            }
        })
        .collect();
    let mut notes = analysis.notes.clone();
    notes.extend(
        report
            .recommendations
            .failures
            .iter()
            .map(|f| f.to_string()),
    );
    AnalysisJson {
        schema: "sattrace.analysis/1",
        model: model.name.clone(),
        data: report.data_name.to_string(),
        lang: match lang {
            crate::model::Lang::Zh => "zh",
            crate::model::Lang::En => "en",
        },
        rows: report.survey.rows,
        skipped_values: report.survey.invalid.total,
        skipped_by_column: report.survey.invalid.columns.clone(),
        skipped_rows: report.survey.invalid.skipped_rows,
        blank_rows: report.survey.invalid.blank_rows,
        empty_columns: report.survey.invalid.empty_columns.clone(),
        repeated_ids: report.survey.invalid.repeated_ids,
        first_repeat: report.survey.invalid.first_repeat.clone(),
        primary_outcome: model.primary_outcome.clone(),
        importance_method: analysis
            .slices
            .first()
            .and_then(|s| s.effects.importance_method[analysis.primary_outcome])
            .map_or("declared", |m| m.as_str()),
        waves: analysis.waves.iter().flatten().cloned().collect(),
        latest_wave: analysis.latest_wave().cloned().flatten(),
        segments,
        waves_change,
        root_causes,
        actions,
        uncovered_root_cause: super::coverage::uncovered_root_cause(report),
        silent_rules,
        notes,
    }
}
