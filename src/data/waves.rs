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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waves_sort_naturally() {
        let mut waves = vec!["W10", "W2", "2025H2", "2026H1", "W1"];
        waves.sort_by(|a, b| compare_waves(a, b));
        assert_eq!(waves, vec!["2025H2", "2026H1", "W1", "W2", "W10"]);
    }
}
