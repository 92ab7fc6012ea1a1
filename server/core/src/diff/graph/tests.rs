//! Graph diffs (spec §3.8) of graphs resolved from in-memory bundles.

use expect_test::{Expect, expect};

use crate::diff::dependencies::ResolvedGraph;
use crate::diff::graph::{DiffNode, GraphChangeType, diff_graphs};
use crate::diff::tests::{MemBundles, contract, service};

/// The bundles both sides can reach, by location.
fn registry() -> MemBundles {
    MemBundles(vec![
        ("r/a:1", service("a", "1.0.0", &[], ""), vec![]),
        ("r/a:2", service("a", "2.0.0", &[], ""), vec![]),
        ("r/b:1", service("b", "1.0.0", &["oci://r/c:1"], ""), vec![]),
        ("r/b:2", service("b", "1.1.0", &["oci://r/c:2", "oci://r/e:1"], ""), vec![]),
        ("r/c:1", service("c", "1.0.0", &["oci://r/d:1"], ""), vec![]),
        ("r/c:2", service("c", "1.2.0", &["oci://r/d:2"], ""), vec![]),
        ("r/d:1", service("d", "1.0.0", &[], ""), vec![]),
        ("r/d:2", service("d", "3.0.0", &[], ""), vec![]),
        ("r/e:1", service("e", "1.0.0", &["oci://r/d:1"], ""), vec![]),
        ("r/f:1", service("f", "1.0.0", &["oci://r/a:1"], ""), vec![]),
    ])
}

fn render_node(node: &DiffNode, depth: usize, out: &mut String) {
    let change = match &node.change {
        None => String::new(),
        Some(it) => match it.change_type {
            GraphChangeType::Added => format!(" +{}", it.new_version),
            GraphChangeType::Removed => format!(" -{}", it.old_version),
            GraphChangeType::VersionChanged => format!(" {} -> {}", it.old_version, it.new_version),
        },
    };
    out.push_str(&format!("{}{} {}{change}\n", "  ".repeat(depth), node.name, node.version));
    for child in &node.children {
        render_node(child, depth + 1, out);
    }
}

/// Resolves `root` at `old_deps` and at `new_deps`, diffs the graphs, renders the tree and the
/// change list.
fn check(old_deps: &[&str], new_deps: &[&str], expect: Expect) {
    let old = ResolvedGraph::resolve(&contract(&service("root", "1.0.0", old_deps, "")), &mut registry());
    let new = ResolvedGraph::resolve(&contract(&service("root", "1.1.0", new_deps, "")), &mut registry());
    let diff = diff_graphs(&old.graph, &new.graph);
    let mut out = String::new();
    render_node(&diff.root, 0, &mut out);
    out.push_str("changes:\n");
    for it in &diff.changes {
        out.push_str(&format!("  {} {} {:?} {:?}\n", it.name, it.change_type.as_str(), it.old_version, it.new_version));
    }
    expect.assert_eq(&out);
}

#[test]
fn graph_diff_identical_graphs_have_no_changes() {
    check(
        &["oci://r/a:1", "oci://r/b:1"],
        &["oci://r/a:1", "oci://r/b:1"],
        expect![[r#"
            root 1.1.0
              a 1.0.0
              b 1.0.0
                c 1.0.0
                  d 1.0.0
            changes:
        "#]],
    );
}

#[test]
fn graph_diff_added_removed_and_version_changed() {
    // `f` is added with a dependency of its own: an added node is not expanded.
    check(
        &["oci://r/a:1", "oci://r/e:1"],
        &["oci://r/f:1", "oci://r/a:2"],
        expect![[r#"
            root 1.1.0
              f 1.0.0 +1.0.0
              a 2.0.0 1.0.0 -> 2.0.0
              e 1.0.0 -1.0.0
            changes:
              a version_changed "1.0.0" "2.0.0"
              e removed "1.0.0" ""
              f added "" "1.0.0"
        "#]],
    );
}

#[test]
fn graph_diff_nested_changes_under_a_changed_node() {
    check(
        &["oci://r/b:1"],
        &["oci://r/b:2"],
        expect![[r#"
            root 1.1.0
              b 1.1.0 1.0.0 -> 1.1.0
                c 1.2.0 1.0.0 -> 1.2.0
                  d 3.0.0 1.0.0 -> 3.0.0
                e 1.0.0 +1.0.0
            changes:
              b version_changed "1.0.0" "1.1.0"
              c version_changed "1.0.0" "1.2.0"
              d version_changed "1.0.0" "3.0.0"
              e added "" "1.0.0"
        "#]],
    );
}

#[test]
fn graph_diff_shared_and_repeated_names_are_expanded_once() {
    // `d` is reached under `c` and again, shared, under `e`: one node expanded, one change.
    check(
        &["oci://r/e:1", "oci://r/c:1"],
        &["oci://r/e:1", "oci://r/c:2", "oci://r/d:2"],
        expect![[r#"
            root 1.1.0
              e 1.0.0
                d 1.0.0
              c 1.2.0 1.0.0 -> 1.2.0
                d 3.0.0 1.0.0 -> 3.0.0
              d 3.0.0 +3.0.0
            changes:
              c version_changed "1.0.0" "1.2.0"
              d version_changed "1.0.0" "3.0.0"
        "#]],
    );
}

#[test]
fn graph_diff_ignores_failed_edges() {
    check(
        &["oci://r/a:1", "oci://r/missing:1"],
        &["oci://r/a:1", "oci://r/gone:1"],
        expect![[r#"
            root 1.1.0
              a 1.0.0
            changes:
        "#]],
    );
}
