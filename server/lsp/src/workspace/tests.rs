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
