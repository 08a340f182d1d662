//! The order of waves: a survey-level fact (every report, and importance `--by wave`,
//! lists waves the same way), so it lives with the survey rather than in an analysis.

use std::cmp::Ordering;

use super::Survey;

/// Waves in order: numbers inside names compare as numbers (`W2` before `W10`).
pub fn compare_waves(a: &str, b: &str) -> Ordering {
    natural_key(a).cmp(&natural_key(b)).then_with(|| a.cmp(b))
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Number(u128, usize),
    Text(String),
}

fn natural_key(text: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        let mut chunk = String::new();
        let digits = c.is_ascii_digit();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_digit() != digits {
                break;
            }
            chunk.push(c);
            chars.next();
        }
        parts.push(match chunk.parse::<u128>() {
            Ok(number) if digits => Part::Number(number, chunk.len()),
            _ => Part::Text(chunk),
        });
    }
    parts
}

/// The distinct waves of a survey in order; `[None]` when the model has no wave column.
pub fn waves(survey: &Survey) -> Vec<Option<String>> {
    let mut waves: Vec<Option<String>> = survey.cells.iter().map(|c| c.key.wave.clone()).collect();
    waves.sort_by(|a, b| match (a, b) {
        (Some(a), Some(b)) => compare_waves(a, b),
        _ => a.is_some().cmp(&b.is_some()),
    });
    waves.dedup();
    waves
}

/// The survey as it stood at `wave`: the cells of that wave and of the waves before
/// it (respondent rows re-indexed), so an analysis of it has `wave` as its latest
/// (`whatif --wave`). `None` when the survey has no such wave.
pub fn through_wave(survey: &Survey, wave: &str) -> Option<Survey> {
    let order = waves(survey);
    let last = order.iter().position(|w| w.as_deref() == Some(wave))?;
    let kept_waves = &order[..=last];
    // New index of each kept cell.
    let mut index = vec![None; survey.cells.len()];
    let mut cells = Vec::new();
    for (c, cell) in survey.cells.iter().enumerate() {
        if kept_waves.contains(&cell.key.wave) {
            index[c] = Some(cells.len() as u32);
            cells.push(cell.clone());
        }
    }
    let respondents = survey.respondents.as_ref().map(|r| {
        let mut kept = super::Respondents::new(r.nodes);
        for row in 0..r.len() {
            if let Some(Some(c)) = r
                .cells
                .get(row)
                .map(|&c| index.get(c as usize).copied().flatten())
            {
                kept.values.extend_from_slice(r.row(row));
                kept.weights.push(r.weights[row]);
                kept.cells.push(c);
            }
        }
        kept
    });
    Some(Survey {
        nodes: survey.nodes,
        segment_columns: survey.segment_columns.clone(),
        wave_column: survey.wave_column.clone(),
        weight_column: survey.weight_column.clone(),
        cells,
        respondents,
        // Item rows are not cut by wave; nothing that reads them runs on a what-if.
        items: None,
        rows: survey.rows,
        invalid: survey.invalid.clone(),
        column_labels: survey.column_labels.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn through_wave_keeps_that_wave_and_the_earlier_ones() {
        use crate::data::{Cell, CellKey, Moments, Respondents};
        let cell = |wave: &str| Cell {
            key: CellKey {
                segments: vec![],
                wave: Some(wave.to_string()),
            },
            moments: Moments::new(1),
        };
        let mut respondents = Respondents::new(1);
        for (value, c) in [(1.0, 0u32), (2.0, 1), (3.0, 2), (4.0, 1)] {
            respondents.push(&[value], 1.0, c);
        }
        let survey = Survey {
            nodes: 1,
            segment_columns: vec![],
            wave_column: Some("wave".into()),
            weight_column: None,
            cells: vec![cell("W1"), cell("W10"), cell("W2")],
            respondents: Some(respondents),
            items: None,
            rows: 4,
            invalid: Default::default(),
            column_labels: Default::default(),
        };
        let at = through_wave(&survey, "W2").expect("a wave");
        let kept: Vec<_> = at.cells.iter().map(|c| c.key.wave.clone()).collect();
        assert_eq!(kept, vec![Some("W1".into()), Some("W2".into())]);
        let r = at.respondents.expect("rows");
        assert_eq!(r.values, vec![1.0, 3.0]);
        assert_eq!(r.cells, vec![0, 1]);
        assert!(through_wave(&survey, "W3").is_none());
    }

    #[test]
    fn waves_sort_naturally() {
        let mut waves = vec!["W10", "W2", "2025H2", "2026H1", "W1"];
        waves.sort_by(|a, b| compare_waves(a, b));
        assert_eq!(waves, vec!["2025H2", "2026H1", "W1", "W2", "W10"]);
    }
}
