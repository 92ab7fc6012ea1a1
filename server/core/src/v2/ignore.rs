//! `.pactoignore` (pacto-v2.md §4.5): which files of a local 2.0 bundle are left out of its view.
//! Honoured for 2.0 bundles only; 1.0 bundles stay as they were (our decision, README).

/// Applied before the file's own rules, as the reference applies them.
const DEFAULT_PATTERNS: [&str; 3] = [".git/", ".pactoignore", ".DS_Store"];

/// The name of the ignore file at a bundle's root.
pub const IGNORE_FILE: &str = ".pactoignore";

#[derive(Clone, Debug, Default)]
pub struct IgnoreRules {
    rules: Vec<Rule>,
}

#[derive(Clone, Debug)]
struct Rule {
    negated: bool,
    dir_only: bool,
    /// No interior `/` and no leading `/`: matched against the last path element at any depth.
    basename: bool,
    segments: Vec<String>,
}

impl IgnoreRules {
    /// The defaults followed by the patterns of `text` (the ignore file's content, if any).
    pub fn parse(text: Option<&str>) -> IgnoreRules {
        let lines = DEFAULT_PATTERNS.iter().copied().chain(text.into_iter().flat_map(str::lines));
        let rules =
            lines.map(str::trim).filter(|it| !it.is_empty() && !it.starts_with('#')).filter_map(Rule::parse).collect();
        IgnoreRules { rules }
    }

    /// The patterns of a `.gitignore` alone (same syntax, none of the bundle defaults): the
    /// workspace index's walk (issue #18) skips what they match.
    pub fn gitignore(text: &str) -> IgnoreRules {
        let rules = text.lines().map(str::trim).filter(|it| !it.is_empty() && !it.starts_with('#'));
        IgnoreRules { rules: rules.filter_map(Rule::parse).collect() }
    }

    /// Whether the bundle-relative slash path is outside the view; anything inside an ignored
    /// directory is, whatever later negations say. `pacto.yaml` at the root never is.
    pub fn is_ignored(&self, path: &str, is_dir: bool) -> bool {
        if path == "pacto.yaml" {
            return false;
        }
        self.excludes(path, is_dir)
    }

    /// As [`IgnoreRules::is_ignored`], with no file exempt.
    pub fn excludes(&self, path: &str, is_dir: bool) -> bool {
        let elements: Vec<&str> = path.split('/').collect();
        for end in 1..elements.len() {
            if self.decide(&elements[..end], true) {
                return true;
            }
        }
        self.decide(&elements, is_dir)
    }

    fn decide(&self, elements: &[&str], is_dir: bool) -> bool {
        let mut ignored = false;
        for rule in &self.rules {
            if rule.matches(elements, is_dir) {
                ignored = !rule.negated;
            }
        }
        ignored
    }
}

impl Rule {
    fn parse(line: &str) -> Option<Rule> {
        let (negated, line) = match line.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let (dir_only, line) = match line.strip_suffix('/') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let (anchored, line) = match line.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        if line.is_empty() {
            return None;
        }
        let basename = !anchored && !line.contains('/');
        Some(Rule { negated, dir_only, basename, segments: line.split('/').map(str::to_owned).collect() })
    }

    fn matches(&self, elements: &[&str], is_dir: bool) -> bool {
        if self.dir_only && !is_dir {
            return false;
        }
        if self.basename {
            return elements.last().is_some_and(|it| glob(self.segments[0].as_bytes(), it.as_bytes()));
        }
        match_segments(&self.segments, elements)
    }
}

/// Pattern segments against path elements; `**` takes zero or more elements.
fn match_segments(pattern: &[String], elements: &[&str]) -> bool {
    match pattern.split_first() {
        None => elements.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=elements.len()).any(|skip| match_segments(rest, &elements[skip..]))
        }
        Some((first, rest)) => match elements.split_first() {
            Some((element, others)) => glob(first.as_bytes(), element.as_bytes()) && match_segments(rest, others),
            None => false,
        },
    }
}

/// One path element against one glob segment: `*`, `?`, `[…]` (with `!`/`^` and ranges), `\`.
fn glob(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|skip| glob(rest, &name[skip..])),
        Some((b'?', rest)) => !name.is_empty() && glob(rest, &name[1..]),
        Some((b'[', rest)) => {
            let Some((&ch, name_rest)) = name.split_first() else {
                return false;
            };
            let (negated, mut class) = match rest.first() {
                Some(b'!' | b'^') => (true, &rest[1..]),
                _ => (false, rest),
            };
            let mut matched = false;
            let mut first = true;
            loop {
                match class.split_first() {
                    None => return false,
                    Some((b']', after)) if !first => {
                        class = after;
                        break;
                    }
                    Some((&low, after)) => {
                        let (low, after) =
                            if low == b'\\' && !after.is_empty() { (after[0], &after[1..]) } else { (low, after) };
                        if after.len() >= 2 && after[0] == b'-' && after[1] != b']' {
                            matched |= low <= ch && ch <= after[1];
                            class = &after[2..];
                        } else {
                            matched |= low == ch;
                            class = after;
                        }
                    }
                }
                first = false;
            }
            matched != negated && glob(class, name_rest)
        }
        Some((b'\\', rest)) if !rest.is_empty() => name.first() == Some(&rest[0]) && glob(&rest[1..], &name[1..]),
        Some((&literal, rest)) => name.first() == Some(&literal) && glob(rest, &name[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::IgnoreRules;

    #[test]
    fn ignore_rules_follow_the_spec() {
        let rules =
            IgnoreRules::parse(Some("# comment\n*.log\n/build/\ndata/*.bin\ndocs/**\n!keep.log\nsecret[0-9].txt\n"));
        let ignored = |path: &str| rules.is_ignored(path, false);
        assert!(ignored("a.log"));
        assert!(ignored("sub/dir/a.log"));
        assert!(!ignored("keep.log"));
        assert!(ignored("build/out.txt"));
        assert!(!ignored("sub/build/out.txt"));
        assert!(ignored("data/x.bin"));
        assert!(!ignored("other/data/x.bin"));
        assert!(rules.is_ignored("docs", true));
        assert!(ignored("docs/a/b.md"));
        assert!(ignored("secret1.txt"));
        assert!(!ignored("secretx.txt"));
        assert!(ignored(".git/config"));
        assert!(ignored(".pactoignore"));
        assert!(!ignored("pacto.yaml"));
        assert!(!ignored("interfaces/openapi.yaml"));
    }

    #[test]
    fn a_negation_cannot_resurrect_a_file_in_an_ignored_directory() {
        let rules = IgnoreRules::parse(Some("gen/\n!gen/keep.yaml\n"));
        assert!(rules.is_ignored("gen/keep.yaml", false));
    }

    #[test]
    fn pacto_yaml_is_never_ignored() {
        let rules = IgnoreRules::parse(Some("*.yaml\n"));
        assert!(!rules.is_ignored("pacto.yaml", false));
        assert!(rules.is_ignored("sub/pacto.yaml", false));
    }
}
