//! One "did you mean" helper for unknown drivers, keys, columns and names.

/// Names longer than this are not typed by hand: no suggestion is looked for, so
/// a 50 MB header field or a 10 MiB id costs nothing here.
pub const MAX_SUGGEST_CHARS: usize = 64;

/// At most this many candidates are compared (a header of 100,000 columns).
const MAX_CANDIDATES: usize = 10_000;

/// The candidate closest to `name` by edit distance, if it is close enough to be a
/// plausible typo (at most a third of the longer word, and at least one edit allowed).
/// Work is bounded: names and candidates over [`MAX_SUGGEST_CHARS`] are skipped,
/// and so is a candidate whose length alone rules it out.
pub fn suggest<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let name_chars = name.chars().count();
    if name_chars > MAX_SUGGEST_CHARS {
        return None;
    }
    let lowered = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates.into_iter().take(MAX_CANDIDATES) {
        if candidate == name || candidate.len() > 4 * MAX_SUGGEST_CHARS {
            continue;
        }
        let candidate_chars = candidate.chars().count();
        if candidate_chars > MAX_SUGGEST_CHARS {
            continue;
        }
        let longest = name_chars.max(candidate_chars);
        let allowed = (longest / 3).max(1);
        if name_chars.abs_diff(candidate_chars) > allowed {
            continue;
        }
        let distance = levenshtein(&lowered, &candidate.to_lowercase());
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

/// Edit distance counting a swap of two neighbouring characters as one edit
/// (optimal string alignment), since `itmes` for `items` is the commonest typo.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
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

    /// Issue 17 item 10: a 50 MB header field made a full edit-distance matrix
    /// (3.4 GB). Over-long names and candidates are skipped, not compared.
    #[test]
    fn long_names_and_candidates_are_not_compared() {
        let long = "x".repeat(MAX_SUGGEST_CHARS + 1);
        assert_eq!(suggest(&long, [long.as_str(), "x"]), None);
        let near_long = format!("{long}y");
        assert_eq!(suggest(&near_long, [long.as_str()]), None);
        assert_eq!(
            suggest("netwrok", [long.as_str(), "network"]).as_deref(),
            Some("network")
        );
        let huge = "q".repeat(50_000_000);
        assert_eq!(suggest("q", [huge.as_str()]), None);
    }

    #[test]
    fn did_you_mean_is_empty_without_candidate() {
        assert_eq!(did_you_mean("zzz", ["abc"]), "");
        assert_eq!(did_you_mean("abd", ["abc"]), "did you mean `abc`?");
    }
}
