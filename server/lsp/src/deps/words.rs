//! A `compatibility` constraint in words ("≥ 2.0.0 and < 3.0.0"), for hover. Reads the constraint's
//! text with the grammar of spec §2.9; anything it does not recognise is left to the constraint itself.

/// The constraint in words, or `None` when a part is not one of the shapes spelled out here.
pub fn describe(constraint: &str) -> Option<String> {
    let groups: Option<Vec<String>> = constraint.split("||").map(describe_group).collect();
    let groups = groups?;
    (!groups.is_empty()).then(|| groups.join(" or "))
}

fn describe_group(group: &str) -> Option<String> {
    let tokens = tokens(group);
    if tokens.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    let mut idx = 0;
    while idx < tokens.len() {
        // A hyphen range: `A - B`.
        if tokens.get(idx + 1).map(String::as_str) == Some("-") {
            let from = Partial::read(&tokens[idx])?;
            let to = Partial::read(tokens.get(idx + 2)?)?;
            parts.push(format!("≥ {}", from.floor()));
            parts.push(match to.next_up() {
                Some(next) => format!("< {next}"),
                None => format!("≤ {}", to.floor()),
            });
            idx += 3;
            continue;
        }
        parts.extend(describe_comparison(&tokens[idx])?);
        idx += 1;
    }
    Some(parts.join(" and "))
}

/// Comparisons split on whitespace and commas, an operator written apart joined to its version.
fn tokens(group: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending_op = String::new();
    for word in group.split(|it: char| it.is_whitespace() || it == ',').filter(|it| !it.is_empty()) {
        if word != "-" && word.chars().all(|it| "=!<>~^".contains(it)) {
            pending_op.push_str(word);
            continue;
        }
        out.push(format!("{pending_op}{word}"));
        pending_op.clear();
    }
    out
}

fn describe_comparison(token: &str) -> Option<Vec<String>> {
    let split = token.find(|it: char| !"=!<>~^".contains(it)).unwrap_or(token.len());
    let (op, version) = token.split_at(split);
    let version = Partial::read(version)?;
    let floor = version.floor();
    let words = match op {
        "" | "=" => match version.next_up() {
            _ if version.is_any() => vec!["any version".to_owned()],
            Some(next) => vec![format!("≥ {floor}"), format!("< {next}")],
            None => vec![format!("= {floor}")],
        },
        "!=" => vec![format!("≠ {floor}")],
        ">" => vec![format!("> {floor}")],
        "<" => vec![format!("< {floor}")],
        ">=" | "=>" => vec![format!("≥ {floor}")],
        "<=" | "=<" => vec![match version.next_up() {
            Some(next) => format!("< {next}"),
            None => format!("≤ {floor}"),
        }],
        "~" | "~>" => {
            let upper = match (version.minor, version.major) {
                (Some(minor), Some(major)) => format!("{major}.{}.0", minor + 1),
                (None, Some(major)) => format!("{}.0.0", major + 1),
                _ => return Some(vec!["any version".to_owned()]),
            };
            vec![format!("≥ {floor}"), format!("< {upper}")]
        }
        "^" => {
            let upper = match (version.major, version.minor, version.patch) {
                (Some(major), _, _) if major > 0 => format!("{}.0.0", major + 1),
                (Some(0), Some(minor), _) if minor > 0 => format!("0.{}.0", minor + 1),
                (Some(0), None, _) => "1.0.0".to_owned(),
                (Some(0), Some(0), Some(patch)) => format!("0.0.{}", patch + 1),
                (Some(0), Some(0), None) => "0.1.0".to_owned(),
                _ => return Some(vec!["any version".to_owned()]),
            };
            vec![format!("≥ {floor}"), format!("< {upper}")]
        }
        _ => return None,
    };
    Some(words)
}

/// A version as constraints write it: parts may be missing or wildcards (`None`).
struct Partial {
    major: Option<u64>,
    minor: Option<u64>,
    patch: Option<u64>,
    prerelease: String,
}

impl Partial {
    fn read(text: &str) -> Option<Partial> {
        let text = text.strip_prefix('v').unwrap_or(text);
        let text = text.split('+').next()?;
        let (core, prerelease) = text.split_once('-').unwrap_or((text, ""));
        let mut parts = core.split('.');
        let mut part = || -> Option<Option<u64>> {
            match parts.next() {
                None | Some("x" | "X" | "*") => Some(None),
                Some(digits) => digits.parse().ok().map(Some),
            }
        };
        let (major, minor, patch) = (part()?, part()?, part()?);
        if parts.next().is_some() {
            return None;
        }
        // Nothing after a wildcard counts.
        let minor = major.and(minor);
        let patch = minor.and(patch);
        Some(Partial { major, minor, patch, prerelease: prerelease.to_owned() })
    }

    fn is_any(&self) -> bool {
        self.major.is_none()
    }

    /// The lowest version matched: missing parts as zeros.
    fn floor(&self) -> String {
        let pre = if self.prerelease.is_empty() { String::new() } else { format!("-{}", self.prerelease) };
        format!("{}.{}.{}{pre}", self.major.unwrap_or(0), self.minor.unwrap_or(0), self.patch.unwrap_or(0))
    }

    /// The first version past a partial one (`1.2` → `1.3.0`), `None` for a whole version.
    fn next_up(&self) -> Option<String> {
        match (self.major, self.minor, self.patch) {
            (Some(major), None, _) => Some(format!("{}.0.0", major + 1)),
            (Some(major), Some(minor), None) => Some(format!("{major}.{}.0", minor + 1)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn constraints_in_words() {
        let cases = [
            ("^2.0.0", "≥ 2.0.0 and < 3.0.0"),
            ("^0.2.3", "≥ 0.2.3 and < 0.3.0"),
            ("^0.0.3", "≥ 0.0.3 and < 0.0.4"),
            ("~1.2.3", "≥ 1.2.3 and < 1.3.0"),
            ("~1", "≥ 1.0.0 and < 2.0.0"),
            (">= 2.0.0, < 4.0.0", "≥ 2.0.0 and < 4.0.0"),
            (">=1.0.0 <2.0.0-0", "≥ 1.0.0 and < 2.0.0-0"),
            ("1.x", "≥ 1.0.0 and < 2.0.0"),
            ("1.2.3", "= 1.2.3"),
            ("1.2 - 1.4", "≥ 1.2.0 and < 1.5.0"),
            ("^1.0 || ^2.0", "≥ 1.0.0 and < 2.0.0 or ≥ 2.0.0 and < 3.0.0"),
            ("!=1.0.0", "≠ 1.0.0"),
            ("*", "any version"),
        ];
        for (constraint, words) in cases {
            assert_eq!(describe(constraint).as_deref(), Some(words), "{constraint}");
        }
        assert_eq!(describe("not-a-version"), None);
    }
}
