//! The index state: updates report only what other contracts' answers can show, removals take
//! whole directories, and a finished scan keeps the open documents' entries.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use pacto_core::workspace::{Index, read_entry};

use super::State;

const PAYMENTS: &str =
    "# pacto:publish oci://ghcr.io/acme/payments\npactoVersion: \"1.0\"\nservice: {name: payments, version: 1.4.0}\n";

fn names(state: &State) -> Vec<String> {
    state.read().entries().map(|it| format!("{} {}@{}", it.path.display(), it.name, it.version)).collect()
}

#[test]
fn workspace_update_reports_visible_changes_only() {
    let state = State::default();
    let path = Path::new("/w/payments/pacto.yaml");
    assert!(state.update(read_entry(path, PAYMENTS)));
    assert!(!state.update(read_entry(path, PAYMENTS)));
    // A syntax error being typed changes the problem only: nothing to refresh.
    assert!(!state.update(read_entry(path, &format!("{PAYMENTS}runtime: [\n"))));
    assert!(state.update(read_entry(path, &PAYMENTS.replace("1.4.0", "1.5.0"))));
    assert_eq!(names(&state), ["/w/payments/pacto.yaml payments@1.5.0"]);
}

#[test]
fn workspace_remove_takes_a_directory() {
    let state = State::default();
    state.update(read_entry(Path::new("/w/a/pacto.yaml"), PAYMENTS));
    state.update(read_entry(Path::new("/w/a/b/pacto.yaml"), PAYMENTS));
    state.update(read_entry(Path::new("/w/ab/pacto.yaml"), PAYMENTS));
    assert!(!state.remove(Path::new("/w/c")));
    assert!(state.remove(Path::new("/w/a")));
    assert_eq!(names(&state), ["/w/ab/pacto.yaml payments@1.4.0"]);
}

#[test]
fn workspace_scan_keeps_open_documents() {
    let state = State::default();
    let open = PathBuf::from("/w/payments/pacto.yaml");
    state.update(read_entry(&open, &PAYMENTS.replace("1.4.0", "9.9.9")));
    assert!(!state.is_ready());
    let mut scanned = Index::new();
    scanned.upsert(&open, PAYMENTS);
    scanned.upsert(Path::new("/w/web/pacto.yaml"), "pactoVersion: \"1.0\"\nservice: {name: web, version: 1.0.0}\n");
    state.install(scanned, &HashSet::from([open]));
    assert!(state.is_ready());
    assert_eq!(names(&state), ["/w/payments/pacto.yaml payments@9.9.9", "/w/web/pacto.yaml web@1.0.0"]);
}

#[test]
fn workspace_lens_counts_services_not_entries() {
    use super::references::{Site, lens_title, n_services};
    let site = |path: &str, line| Site { path: PathBuf::from(path), line };
    let sites = [site("/w/a/pacto.yaml", 5), site("/w/a/pacto.yaml", 7), site("/w/b/pacto.yaml", 4)];
    assert_eq!(lens_title(Some(n_services(&sites))), "used by 2 services");
    assert_eq!(lens_title(Some(n_services(&sites[..1]))), "used by 1 service");
    assert_eq!(lens_title(Some(0)), "used by 0 services");
    assert_eq!(lens_title(None), "used by: indexing the workspace…");
}

fn symbol_lines(index: &Index, query: &str) -> Vec<String> {
    (super::symbols::symbols(index, query).into_iter())
        .map(|it| {
            let container = it.container.map(|it| format!(" in {it}")).unwrap_or_default();
            format!("{:?} {}{container} {}:{}", it.kind, it.name, it.path.display(), it.line)
        })
        .collect()
}

#[test]
fn workspace_symbols_services_and_interfaces_by_fuzzy_name() {
    let mut index = Index::new();
    index.upsert(
        Path::new("/w/payments/pacto.yaml"),
        "pactoVersion: \"1.0\"\nservice: {name: payments, version: 1.4.0}\ninterfaces:\n  - {name: payments-api, type: http}\n  - {name: events, type: event}\n",
    );
    index.upsert(
        Path::new("/w/web/pacto.yaml"),
        "pactoVersion: \"2.0\"\nservice:\n  name: web\n  version: 3.0.0\ninterfaces:\n  - name: site\n    type: http\n",
    );
    // No name could be read: the directory names the contract, at the top of its file.
    index.upsert(Path::new("/w/broken/pacto.yaml"), "pactoVersion: \"1.0\"\nservice: {name: broken-pay\nruntime: [\n");
    assert_eq!(
        symbol_lines(&index, ""),
        [
            "Service broken /w/broken/pacto.yaml:1",
            "Service payments /w/payments/pacto.yaml:2",
            "Interface payments-api in payments /w/payments/pacto.yaml:4",
            "Interface events in payments /w/payments/pacto.yaml:5",
            "Service web /w/web/pacto.yaml:3",
            "Interface site in web /w/web/pacto.yaml:6",
        ]
    );
    assert_eq!(
        symbol_lines(&index, "PMTS"),
        ["Service payments /w/payments/pacto.yaml:2", "Interface payments-api in payments /w/payments/pacto.yaml:4"]
    );
    assert_eq!(symbol_lines(&index, "ev"), ["Interface events in payments /w/payments/pacto.yaml:5"]);
}

#[test]
fn workspace_symbols_over_limit_are_cut() {
    use super::symbols::{MAX_WORKSPACE_SYMBOLS, symbols};
    let mut index = Index::new();
    for idx in 0..MAX_WORKSPACE_SYMBOLS {
        index.upsert(
            Path::new(&format!("/w/s{idx:04}/pacto.yaml")),
            &format!("pactoVersion: \"1.0\"\nservice: {{name: s{idx:04}, version: 1.0.0}}\n"),
        );
    }
    assert_eq!(symbols(&index, "").len(), MAX_WORKSPACE_SYMBOLS);
    index.upsert(Path::new("/w/z/pacto.yaml"), "pactoVersion: \"1.0\"\nservice: {name: z, version: 1.0.0}\n");
    let found = symbols(&index, "");
    assert_eq!(found.len(), MAX_WORKSPACE_SYMBOLS);
    assert_eq!(found.last().map(|it| it.name.as_str()), Some("s0999"));
}

/// `service_at` on the fixture's cursor: the declaration's span, or nothing.
fn service_at(text: &str) -> Option<String> {
    let it = crate::fixture::fixture(text);
    super::references::service_at(&it.analysis, it.offset).map(|span| it.span(span))
}

#[test]
fn workspace_references_start_on_service_and_its_name() {
    assert_eq!(service_at("pactoVersion: \"1.0\"\nser$0vice:\n  name: payments\n").as_deref(), Some("3:9-3:17"));
    assert_eq!(service_at("pactoVersion: \"1.0\"\nservice:\n  name: pay$0ments\n").as_deref(), Some("3:9-3:17"));
    assert_eq!(service_at("pactoVersion: \"1.0\"\nservice:\n  na$0me: payments\n").as_deref(), Some("3:9-3:17"));
    // A service without a name is declared by its key.
    assert_eq!(service_at("pactoVersion: \"1.0\"\nservi$0ce: {version: 1.0.0}\n").as_deref(), Some("2:1-2:8"));
    assert_eq!(service_at("pactoVersion: \"1.0\"\nservice:\n  name: payments\n  version: 1.$00.0\n"), None);
    assert_eq!(
        service_at("pactoVersion: \"2.0\"\nservice: {name: a, version: 1.0.0}\ninterfaces:\n  - name: a$0pi\n"),
        None
    );
}

/// The fixture's contract against an index of the other contracts at `(path under the bundle's parent, text)`.
fn with_neighbours(text: &str, neighbours: &[(&str, &str)]) -> (crate::fixture::Fixture, Index, PathBuf) {
    let it = crate::fixture::fixture(text);
    let path = it.bundle().canonicalize().unwrap().join("pacto.yaml");
    let parent = path.parent().unwrap().parent().unwrap().to_path_buf();
    let mut index = Index::new();
    index.upsert(&path, it.text());
    for (file, text) in neighbours {
        index.upsert(&parent.join(file), text);
    }
    (it, index, path)
}

#[test]
fn workspace_unmet_dependencies_need_every_pointee_unsatisfied() {
    let (it, index, path) = with_neighbours(
        "pactoVersion: \"1.0\"\nservice: {name: app, version: 1.0.0}\ndependencies:\n  - {ref: \"oci://h/acme/db\", compatibility: \"^2.0.0\"}\n  - {ref: \"oci://h/acme/cache\", compatibility: \"^1.0.0\"}\n  - {ref: \"oci://h/acme/elsewhere\", compatibility: \"^9\"}\n",
        &[
            (
                "db/pacto.yaml",
                "# pacto:publish oci://h/acme/db\npactoVersion: \"1.0\"\nservice: {name: db, version: 1.5.0}\n",
            ),
            (
                "cache/pacto.yaml",
                "# pacto:publish oci://h/acme/cache\npactoVersion: \"1.0\"\nservice: {name: cache, version: 2.0.0}\n",
            ),
            (
                "cache2/pacto.yaml",
                "# pacto:publish oci://h/acme/cache\npactoVersion: \"1.0\"\nservice: {name: cache2, version: 1.2.0}\n",
            ),
        ],
    );
    let unmet = super::impact::unmet_dependencies(&index, &it.analysis, &path);
    let shown: Vec<String> = (unmet.iter())
        .map(|unmet| {
            let pointees: Vec<String> =
                unmet.pointees.iter().map(|it| format!("{}@{}:{}", it.name, it.version, it.line)).collect();
            format!("{} {} {}", it.span(unmet.span), unmet.compatibility, pointees.join(","))
        })
        .collect();
    // db is 1.5.0; one of the two claimants of cache satisfies ^1.0.0; nothing is published at elsewhere.
    assert_eq!(shown, ["4:45-4:53 ^2.0.0 db@1.5.0:3"]);
}

#[test]
fn workspace_definition_sources_of_an_oci_ref() {
    let (it, index, path) = with_neighbours(
        "pactoVersion: \"1.0\"\nservice: {name: app, version: 1.0.0}\ndependencies:\n  - {ref: \"oci://h/acme/d$0b:1.0.0\", compatibility: \"^1\"}\n  - {ref: ../db, compatibility: \"^1\"}\n",
        &[(
            "db/pacto.yaml",
            "# pacto:publish oci://h/acme/db\npactoVersion: \"1.0\"\nservice: {name: db, version: 1.5.0}\n",
        )],
    );
    let sources = super::definition::sources(&index, &it.analysis, &path, it.offset);
    let workspace = path.parent().and_then(Path::parent).unwrap();
    let names: Vec<&Path> = sources.iter().filter_map(|it| it.strip_prefix(workspace).ok()).collect();
    assert_eq!(names, [Path::new("db/pacto.yaml")]);
    // A local ref is definition's own business (its bundle file); the compatibility value names nothing.
    let local = it.text().find("../db").unwrap() + 1;
    assert_eq!(super::definition::sources(&index, &it.analysis, &path, local), Vec::<PathBuf>::new());
}
