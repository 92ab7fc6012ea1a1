//! "Did you mean …?": the closest known name to a misspelt key.

/// The candidate nearest to `name` by edit distance, when it is close enough to be a typo:
/// at most one edit for short names, two for longer ones, or the same name in another case.
pub fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    if let Some(same) = candidates.iter().find(|it| it.to_lowercase() == lower) {
        return Some(same);
    }
    let allowed = if name.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .iter()
        .map(|it| (edit_distance(&lower, &it.to_lowercase()), *it))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, it)| it)
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn closest_finds_typos_and_case_slips_only() {
        let fields = ["name", "version", "owner", "image"];
        assert_eq!(closest("nme", &fields), Some("name"));
        assert_eq!(closest("verison", &fields), Some("version"));
        assert_eq!(closest("Owner", &fields), Some("owner"));
        assert_eq!(closest("colour", &fields), None);
        assert_eq!(closest("x", &fields), None);
    }
}
