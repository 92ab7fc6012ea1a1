//! Table tests of the features on `$0` fixtures (see `crate::fixture`), one file per feature; snapshots are
//! rewritten with `UPDATE_EXPECT=1 cargo test -p pacto-lsp`.

mod code_action;
mod completion;
mod definition;
mod diagnostics;
mod hover;
mod references;
mod structure;
mod symbols;

/// A table of cases of one feature in one snapshot: each `(name, fixture)` rendered by `render` under `=== name`.
fn check_cases(cases: &[(&str, &str)], render: impl Fn(&str) -> String, expect: expect_test::Expect) {
    let actual: String = cases.iter().map(|(name, text)| format!("=== {name}\n{}", render(text))).collect();
    expect.assert_eq(&actual);
}

/// The contract most fixtures start from: valid, with an interface of each kind.
const BASE: &str = include_str!("data/base_v1.txt");

/// `BASE` with `$0` put before the `nth` (0-based) occurrence of `needle`, shifted by `delta` bytes.
fn base_at(needle: &str, nth: usize, delta: usize) -> String {
    let (at, _) = BASE.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle:?} #{nth} not in BASE"));
    let at = at + delta;
    format!("{}$0{}", &BASE[..at], &BASE[at..])
}

/// The 2.0 contract the 2.0 fixtures start from: valid, with every section that names something.
const BASE_V2: &str = include_str!("data/base_v2.txt");

/// `BASE_V2` with `$0` put before the `nth` (0-based) occurrence of `needle`, shifted by `delta` bytes.
fn base_v2_at(needle: &str, nth: usize, delta: usize) -> String {
    let (at, _) = BASE_V2.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle:?} #{nth} not in BASE_V2"));
    let at = at + delta;
    format!("{}$0{}", &BASE_V2[..at], &BASE_V2[at..])
}

#[test]
fn base_v2_is_a_valid_2_0_contract() {
    let it = crate::fixture::fixture(BASE_V2);
    assert_eq!(it.analysis.format(), pacto_core::validate::Format::V2);
    let found: Vec<String> = it.analysis.validation.diagnostics.iter().map(|it| it.message.clone()).collect();
    assert_eq!(found, Vec::<String>::new());
}
