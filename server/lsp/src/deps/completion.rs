//! Completion in `dependencies[]` from the registry knowledge at hand: tags after `oci://host/repo:`,
//! digests after `@`, repositories referenced elsewhere, and `^`/`~` constraints in `compatibility`.
//! Read from the text around the cursor, so it works while the line is not valid YAML yet
//! (`ref: oci://host/repo:` is a mapping key to a YAML parser).

use std::cmp::Reverse;
use std::collections::BTreeSet;

use pacto_core::contract::oci_ref::OciRef;
use pacto_core::semver::{Constraint, Version};
use pacto_core::syntax::{Segment, Span};
use pacto_oci::Reference;

use super::resolve::{Key, State};
use crate::cursor::{Place, context};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    /// Orders the items as the issue asks, whatever the client's own sort.
    pub sort_text: String,
    pub detail: String,
    pub replace: Span,
}

#[derive(Debug, Default)]
pub struct Completion {
    pub items: Vec<Item>,
    /// The registry has not answered yet: the client should ask again as the user types.
    pub incomplete: bool,
    /// Only these items make sense here (a tag, a digest, a constraint); else they join the others.
    pub exclusive: bool,
    /// A repository whose tags should be listed in the background.
    pub list_tags: Option<Reference>,
    /// A dependency to resolve in the background (its digest was asked for).
    pub resolve: Option<Key>,
}

/// Tag groups, in the order they are offered.
const SATISFYING: u8 = 0;
const OTHER_RELEASE: u8 = 1;
const PRERELEASE: u8 = 2;
const NOT_A_VERSION: u8 = 3;

pub fn completion(text: &str, offset: usize, state: &State, repositories: &BTreeSet<String>) -> Option<Completion> {
    let offset = offset.min(text.len());
    let ctx = context(text, offset);
    if !matches!(ctx.path.segments(), [Segment::Key(key), Segment::Index(_)] if key == "dependencies") {
        return None;
    }
    let Place::Value { key, prefix, start } = ctx.place else {
        return None;
    };
    let (prefix, start) = match prefix.strip_prefix(['"', '\'']) {
        Some(rest) => (rest.to_owned(), start + 1),
        None => (prefix, start),
    };
    match key.as_str() {
        "ref" => ref_completion(text, offset, &prefix, start, state, repositories),
        "compatibility" => compatibility_completion(text, offset, start, state),
        _ => None,
    }
}

fn ref_completion(
    text: &str,
    offset: usize,
    prefix: &str,
    start: usize,
    state: &State,
    repositories: &BTreeSet<String>,
) -> Option<Completion> {
    let Some(location) = prefix.strip_prefix("oci://") else {
        // Only `oci://` refs come from registries; a path is the file completion's.
        if !"oci://".starts_with(prefix) {
            return None;
        }
        return repository_items(repositories, Span::new(start, offset));
    };
    if let Some((tagged, typed)) = location.split_once('@') {
        let reference = Reference::parse(tagged).ok().filter(|it| it.tag.is_some())?;
        let replace = Span::new(offset - typed.len(), offset);
        let mut out = Completion { exclusive: true, ..Completion::default() };
        match state.known_digest(&reference) {
            Some(digest) => out.items.push(Item {
                label: digest.to_string(),
                sort_text: "0".to_owned(),
                detail: format!("manifest digest of {}", reference.tag.as_deref().unwrap_or_default()),
                replace,
            }),
            None => {
                out.incomplete = true;
                out.resolve = Some(Key { reference: format!("oci://{tagged}"), compatibility: String::new() });
            }
        }
        return Some(out);
    }
    let after_slash = location.rfind('/').map_or(0, |it| it + 1);
    let Some(colon) = location[after_slash..].rfind(':').map(|it| it + after_slash) else {
        return repository_items(repositories, Span::new(start, offset));
    };
    let (repository, typed) = (&location[..colon], &location[colon + 1..]);
    let reference = Reference::parse(repository).ok()?;
    let replace = Span::new(offset - typed.len(), offset);
    let mut out = Completion { exclusive: true, ..Completion::default() };
    let Some(tags) = state.known_tags(&reference.repository_path()) else {
        out.incomplete = true;
        out.list_tags = Some(reference);
        return Some(out);
    };
    let compatibility = item_value(text, offset, "compatibility").and_then(|it| Constraint::parse(&it).ok());
    out.items = tag_items(&tags.tags, compatibility.as_ref(), replace);
    Some(out)
}

/// Tags ordered: releases satisfying `compatibility` newest first, other releases newest first,
/// pre-releases newest first, then tags that are not versions, each as listed.
pub fn tag_items(tags: &[String], compatibility: Option<&Constraint>, replace: Span) -> Vec<Item> {
    let mut versions: Vec<(u8, Option<Version>, &String)> = tags
        .iter()
        .map(|tag| match Version::parse(tag) {
            Ok(version) if version.is_prerelease() => (PRERELEASE, Some(version), tag),
            Ok(version) if compatibility.is_some_and(|it| it.matches(&version)) => (SATISFYING, Some(version), tag),
            Ok(version) => (OTHER_RELEASE, Some(version), tag),
            Err(_) => (NOT_A_VERSION, None, tag),
        })
        .collect();
    // Stable: tags of equal precedence keep the registry's order.
    versions.sort_by_key(|(group, version, _)| (*group, Reverse(version.clone())));
    versions
        .into_iter()
        .enumerate()
        .map(|(idx, (group, _, tag))| Item {
            label: tag.clone(),
            sort_text: format!("{group}{idx:05}"),
            detail: match (group, compatibility) {
                (SATISFYING, Some(constraint)) => format!("satisfies {constraint}"),
                (PRERELEASE, _) => "pre-release".to_owned(),
                (NOT_A_VERSION, _) => "not a version".to_owned(),
                _ => "release".to_owned(),
            },
            replace,
        })
        .collect()
}

fn repository_items(repositories: &BTreeSet<String>, replace: Span) -> Option<Completion> {
    if repositories.is_empty() {
        return None;
    }
    let items = repositories
        .iter()
        .enumerate()
        .map(|(idx, repository)| Item {
            label: repository.clone(),
            sort_text: format!("{idx:05}"),
            detail: "referenced in the workspace".to_owned(),
            replace,
        })
        .collect();
    Some(Completion { items, ..Completion::default() })
}

fn compatibility_completion(text: &str, offset: usize, start: usize, state: &State) -> Option<Completion> {
    let raw = item_value(text, offset, "ref")?;
    let location = raw.strip_prefix("oci://")?;
    let lax = OciRef::parse(location).ok()?;
    let reference = Reference::parse(&format!("{}/{}", lax.registry, lax.repository)).ok()?;
    let mut out = Completion { exclusive: true, ..Completion::default() };
    let Some(tags) = state.known_tags(&reference.repository_path()) else {
        out.incomplete = true;
        out.list_tags = Some(reference);
        return Some(out);
    };
    let newest = tags.tags.iter().filter_map(|it| Version::parse(it).ok()).filter(|it| !it.is_prerelease()).max()?;
    let core = format!("{}.{}.{}", newest.major(), newest.minor(), newest.patch());
    let replace = Span::new(start, offset);
    out.items = vec![
        Item {
            label: format!("^{core}"),
            sort_text: "0".to_owned(),
            detail: format!("{core} and later releases of major {}", newest.major()),
            replace,
        },
        Item {
            label: format!("~{core}"),
            sort_text: "1".to_owned(),
            detail: format!("{core} and later patches of {}.{}", newest.major(), newest.minor()),
            replace,
        },
    ];
    Some(out)
}

/// The value of `key` in the list item the cursor is in, read from the text (the document may not parse).
pub fn item_value(text: &str, offset: usize, key: &str) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let cursor_line = text[..offset].matches('\n').count();
    let here = split(lines.get(cursor_line)?);
    let col = here.key_col;
    // Up to the line that opens the item (its `- ` marker sits right before `col`).
    let mut first = cursor_line;
    while !split(lines[first]).item_start || split(lines[first]).key_col != col {
        let line = split(lines[first]);
        if first == 0 || (line.key.is_some() && line.key_col < col) {
            return None;
        }
        first -= 1;
    }
    for (idx, line) in lines.iter().enumerate().skip(first) {
        let it = split(line);
        if idx > first && it.key.is_some() && (it.key_col < col || it.item_start) {
            break;
        }
        if it.key_col == col && it.key == Some(key) {
            let value = it.value.split(" #").next().unwrap_or_default().trim();
            return Some(value.trim_matches(['"', '\'']).to_owned());
        }
    }
    None
}

struct Line<'a> {
    item_start: bool,
    key_col: usize,
    key: Option<&'a str>,
    value: &'a str,
}

fn split(line: &str) -> Line<'_> {
    let line = line.trim_end_matches('\r');
    let mut col = line.len() - line.trim_start_matches(' ').len();
    let mut rest = &line[col..];
    let mut item_start = false;
    while let Some(after) = rest.strip_prefix("- ") {
        item_start = true;
        let spaces = after.len() - after.trim_start_matches(' ').len();
        col += 2 + spaces;
        rest = &after[spaces..];
    }
    let (key, value) = match rest.split_once(": ").or_else(|| rest.strip_suffix(':').map(|it| (it, ""))) {
        Some((key, value)) if !key.is_empty() && !key.contains(' ') => (Some(key), value),
        _ => (None, ""),
    };
    Line { item_start, key_col: col, key, value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_ordered_by_group_then_newest_first() {
        let tags: Vec<String> =
            ["1.0.0", "latest", "2.1.0", "3.0.0-rc.1", "2.0.0", "1.1.0", "main", "3.0.0"].map(String::from).to_vec();
        let constraint = Constraint::parse("^2.0.0").unwrap();
        let items = tag_items(&tags, Some(&constraint), Span::empty(0));
        let got: Vec<(&str, &str)> = items.iter().map(|it| (it.label.as_str(), it.sort_text.as_str())).collect();
        assert_eq!(
            got,
            [
                ("2.1.0", "000000"),
                ("2.0.0", "000001"),
                ("3.0.0", "100002"),
                ("1.1.0", "100003"),
                ("1.0.0", "100004"),
                ("3.0.0-rc.1", "200005"),
                ("latest", "300006"),
                ("main", "300007"),
            ]
        );
    }

    #[test]
    fn item_value_reads_siblings_of_a_list_item() {
        let text = "dependencies:\n  - ref: oci://h:1/a/b:\n    compatibility: \"^2.0.0\"\n  - ref: oci://h:1/c/d\n    compatibility: ~1.0.0\n";
        let offset = text.find("b:").unwrap() + 2;
        assert_eq!(item_value(text, offset, "compatibility").as_deref(), Some("^2.0.0"));
        let offset = text.find("~1").unwrap();
        assert_eq!(item_value(text, offset, "ref").as_deref(), Some("oci://h:1/c/d"));
        let text = "dependencies:\n  - compatibility: ^1.0.0\n    ref: oci://h:1/a/b\n";
        let offset = text.find("^1").unwrap();
        assert_eq!(item_value(text, offset, "ref").as_deref(), Some("oci://h:1/a/b"));
    }
}
