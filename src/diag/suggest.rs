//! One "did you mean" helper for unknown drivers, keys, columns and names.

/// The candidate closest to `name` by edit distance, if it is close enough to be a
/// plausible typo (at most a third of the longer word, and at least one edit allowed).
pub fn suggest<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let lowered = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let distance = levenshtein(&lowered, &candidate.to_lowercase());
        let longest = name.chars().count().max(candidate.chars().count());
        let allowed = (longest / 3).max(1);
        if distance <= allowed && best.is_none_or(|(d, c)| (distance, candidate) < (d, c)) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// `"; did you mean `x`?"` or an empty string, for appending to a message.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    suggest(name, candidates)
        .map(|s| format!("did you mean `{s}`?"))
        .unwrap_or_default()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["response_time", "network", "price_value"];
        assert_eq!(
            suggest("respons_time", names).as_deref(),
            Some("response_time")
        );
        assert_eq!(suggest("netwrok", names).as_deref(), Some("network"));
        assert_eq!(suggest("brand", names), None);
    }

    #[test]
    fn did_you_mean_is_empty_without_candidate() {
        assert_eq!(did_you_mean("zzz", ["abc"]), "");
        assert_eq!(did_you_mean("abd", ["abc"]), "did you mean `abc`?");
    }
}
