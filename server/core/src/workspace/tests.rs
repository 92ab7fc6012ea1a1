//! The workspace index: reading contracts (1.0, 2.0, broken), per-file updates, the filesystem walk
//! and its bad inputs, and the reverse walk.

use std::fs;
use std::path::{Path, PathBuf};

use super::reverse::{reverse, satisfies, text};
use super::scan::scan;
use super::{EdgeId, Index, Target, looks_like_contract, normalize, publish_comment, read_entry, repository_key};

/// A scratch directory removed on drop (the core has no tempfile dependency; std is enough here).
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("pacto-workspace-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(fs::canonicalize(dir).unwrap())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn p(path: &str) -> PathBuf {
    PathBuf::from(path)
}

fn contract(name: &str, version: &str, deps: &[(&str, &str)]) -> String {
    let mut out = format!("pactoVersion: \"1.0\"\nservice: {{name: {name}, version: {version}}}\n");
    if !deps.is_empty() {
        out.push_str("dependencies:\n");
        for (reference, compatibility) in deps {
            out.push_str(&format!("  - {{ref: \"{reference}\", compatibility: \"{compatibility}\"}}\n"));
        }
    }
    out
}

fn dependents(index: &Index, path: &str) -> Vec<String> {
    index.dependents(&p(path)).iter().map(|EdgeId { path, index }| format!("{}#{index}", path.display())).collect()
}

#[test]
fn reads_a_1_0_contract() {
    let entry = read_entry(
        &p("/w/api/pacto.yaml"),
        "# pacto:publish oci://ghcr.io/acme/api:1.0.0\npactoVersion: \"1.0\"\nservice: {name: api, version: 1.2.0}\ndependencies:\n  - {ref: ../db, compatibility: \"^1\"}\n  - ref: oci://ghcr.io/acme/cache@sha256:abc\n  - ref: \"file:///abs/x\"\n  - {compatibility: \"^1\"}\n",
    );
    assert_eq!((entry.format.as_str(), entry.name.as_str(), entry.version.as_str()), ("1.0", "api", "1.2.0"));
    assert_eq!(entry.published.as_deref(), Some("ghcr.io/acme/api"));
    assert_eq!(entry.problem, None);
    let deps: Vec<(usize, &str, &Target)> =
        entry.dependencies.iter().map(|it| (it.line, it.compatibility.as_str(), &it.target)).collect();
    assert_eq!(
        deps,
        vec![
            (5, "^1", &Target::Local(p("/w/db"))),
            (6, "", &Target::Repository("ghcr.io/acme/cache".into())),
            (7, "", &Target::Local(p("/abs/x"))),
            (8, "^1", &Target::Nothing),
        ]
    );
}

#[test]
fn reads_a_2_0_contract_with_dependency_names() {
    let entry = read_entry(
        &p("/w/web/pacto.yaml"),
        "pactoVersion: \"2.0\"\nservice:\n  name: web\n  version: 3.0.0\ndependencies:\n  - name: pay\n    ref: oci://ghcr.io/acme/payments:1.0.0\n    compatibility: ^1.0.0\n",
    );
    assert_eq!((entry.format.as_str(), entry.name.as_str(), entry.version.as_str()), ("2.0", "web", "3.0.0"));
    let dep = &entry.dependencies[0];
    assert_eq!((dep.name.as_str(), dep.line, dep.compatibility.as_str()), ("pay", 7, "^1.0.0"));
    assert_eq!(dep.target, Target::Repository("ghcr.io/acme/payments".into()));
}

#[test]
fn a_broken_contract_is_read_as_far_as_it_goes() {
    let entry = read_entry(
        &p("/w/b/pacto.yaml"),
        "pactoVersion: \"1.0\"\nservice: {name: b, version: 0.1.0}\ndependencies:\n  - {ref: ../a}\nruntime: [x\n",
    );
    assert_eq!((entry.name.as_str(), entry.dependencies.len()), ("b", 1));
    assert_eq!(entry.problem.as_deref(), Some("line 6: while parsing a flow sequence, expected ',' or ']'"));
    let typed = read_entry(&p("/w/c/pacto.yaml"), "pactoVersion: \"1.0\"\nservice: {name: [c], version: 1.0.0}\n");
    assert_eq!((typed.name.as_str(), typed.version.as_str()), ("", "1.0.0"));
    assert!(typed.problem.as_deref().is_some_and(|it| it.starts_with("line 2: ")), "{:?}", typed.problem);
}

#[test]
fn contracts_by_first_key_and_publish_comments() {
    assert!(looks_like_contract("# c\n---\npactoVersion: \"2.0\"\n"));
    assert!(looks_like_contract("\u{feff}pactoVersion: \"1.0\"\n"));
    assert!(!looks_like_contract("title: x\npactoVersion: \"1.0\"\n"));
    assert!(!looks_like_contract(""));
    assert_eq!(publish_comment("  #  pacto:publish oci://h/r:1 trailing\n").as_deref(), Some("oci://h/r:1"));
    assert_eq!(publish_comment("# pacto:publish h/r\n"), None);
    assert_eq!(publish_comment("a: 1 # pacto:publish oci://h/r\n"), None);
    assert_eq!(repository_key("oci://localhost:5000/a/b:1.0.0@sha256:x"), "localhost:5000/a/b");
    assert_eq!(repository_key("oci://nohost"), "nohost");
    assert_eq!(normalize(Path::new("/w/a/./../b/c/..")), p("/w/b"));
    assert_eq!(normalize(Path::new("/..")), p("/"));
    assert_eq!(normalize(Path::new("a/../../b")), p("../b"));
}

/// Refs are remembered up to a number, then forgotten all at once: the answers never change.
#[test]
fn repository_keys_are_the_same_past_the_remembered_number() {
    let many = super::REPOSITORY_KEYS_KEPT + 10;
    for round in 0..2 {
        for idx in (0..many).step_by(if round == 0 { 1 } else { 97 }) {
            assert_eq!(
                repository_key(&format!("oci://r{idx}.io/team/s{idx}:{round}.0")),
                format!("r{idx}.io/team/s{idx}")
            );
        }
    }
    assert_eq!(repository_key("oci://localhost:5000/a/b:1.0.0@sha256:x"), "localhost:5000/a/b");
    assert_eq!(repository_key("not a ref :::"), "not a ref :::");
}

#[test]
fn per_file_updates_change_the_answers() {
    let mut index = Index::new();
    index.upsert(&p("/w/a/pacto.yaml"), &format!("# pacto:publish oci://h/a\n{}", contract("a", "1.0.0", &[])));
    index.upsert(&p("/w/b/pacto.yaml"), &contract("b", "1.0.0", &[("../a", "^1")]));
    index.upsert(&p("/w/c/svc.yaml"), &contract("c", "1.0.0", &[("oci://h/a:2.0.0", "^2"), ("../a/pacto.yaml", "")]));
    assert_eq!(dependents(&index, "/w/a/pacto.yaml"), ["/w/b/pacto.yaml#0", "/w/c/svc.yaml#0", "/w/c/svc.yaml#1"]);
    // b stops depending on a; c's file-path ref stays.
    index.upsert(&p("/w/b/pacto.yaml"), &contract("b", "1.0.0", &[]));
    assert_eq!(dependents(&index, "/w/a/pacto.yaml"), ["/w/c/svc.yaml#0", "/w/c/svc.yaml#1"]);
    // a moves to another repository: c's oci:// edge no longer points at it.
    index.upsert(&p("/w/a/pacto.yaml"), &format!("# pacto:publish oci://h/other\n{}", contract("a", "1.0.0", &[])));
    assert_eq!(dependents(&index, "/w/a/pacto.yaml"), ["/w/c/svc.yaml#1"]);
    let targets: Vec<&str> = index
        .targets(&index.get(&p("/w/c/svc.yaml")).unwrap().dependencies[1])
        .iter()
        .map(|it| it.name.as_str())
        .collect();
    assert_eq!(targets, ["a"]);
    // A second claimant of h/other is a duplicate until it is removed.
    index.upsert(&p("/w/d/pacto.yaml"), &format!("# pacto:publish oci://h/other:1\n{}", contract("d", "1.0.0", &[])));
    assert_eq!(
        index.duplicate_publishers(),
        vec![("h/other".to_owned(), vec![p("/w/a/pacto.yaml"), p("/w/d/pacto.yaml")])]
    );
    index.remove(&p("/w/d/pacto.yaml"));
    assert_eq!(index.duplicate_publishers(), vec![]);
    index.remove(&p("/w/c/svc.yaml"));
    assert_eq!(dependents(&index, "/w/a/pacto.yaml"), Vec::<String>::new());
    assert_eq!((index.len(), index.remove(&p("/w/c/svc.yaml"))), (2, None));
    // Nothing is left behind in the maps once every contract is gone.
    index.remove(&p("/w/a/pacto.yaml"));
    index.remove(&p("/w/b/pacto.yaml"));
    assert!(
        index.is_empty() && index.by_dir.is_empty() && index.by_repository.is_empty() && index.by_target.is_empty()
    );
}

#[test]
fn a_directory_names_its_pacto_yaml_only() {
    let mut index = Index::new();
    index.upsert(&p("/w/a/pacto.yaml"), &contract("a", "1.0.0", &[]));
    index.upsert(&p("/w/a/other.yaml"), &contract("other", "1.0.0", &[]));
    index.upsert(&p("/w/b/pacto.yml"), &contract("b", "1.0.0", &[("../a", "")]));
    assert_eq!(dependents(&index, "/w/a/pacto.yaml"), ["/w/b/pacto.yml#0"]);
    assert_eq!(dependents(&index, "/w/a/other.yaml"), Vec::<String>::new());
}

#[test]
fn satisfaction_of_a_range() {
    assert_eq!(satisfies("^1.2.0", "1.4.0"), (true, None));
    assert_eq!(satisfies("^2", "1.4.0"), (false, None));
    assert_eq!(satisfies("", "anything"), (true, None));
    assert_eq!(satisfies("^1", ""), (false, Some("the contract has no service.version".to_owned())));
    let (ok, error) = satisfies("^1", "one");
    assert!(!ok && error.as_deref().is_some_and(|it| it.starts_with("version \"one\" is not semver")), "{error:?}");
    let (ok, error) = satisfies("not a range", "1.0.0");
    assert!(
        !ok && error.as_deref().is_some_and(|it| it.starts_with("invalid compatibility \"not a range\"")),
        "{error:?}"
    );
}

#[test]
fn reverse_stops_at_a_self_dependency_and_shares_nodes() {
    let mut index = Index::new();
    index.upsert(&p("/w/a/pacto.yaml"), &contract("a", "1.0.0", &[("../a", "^1")]));
    index.upsert(&p("/w/b/pacto.yaml"), &contract("b", "1.0.0", &[("../a", "^1"), ("../c", "")]));
    index.upsert(&p("/w/c/pacto.yaml"), &contract("c", "1.0.0", &[("../a", "^2")]));
    let graph = reverse(&index, &p("/w/a/pacto.yaml"), Path::new("/w"));
    assert_eq!(graph.cycles, vec![vec!["a".to_owned(), "a".to_owned()]]);
    expect_test::expect![[r#"
        a@1.0.0 (a/pacto.yaml)
        ├─ a@1.0.0 (a/pacto.yaml:4) requires ^1: ok (cycle)
        ├─ b@1.0.0 (b/pacto.yaml:4) requires ^1: ok
        └─ c@1.0.0 (c/pacto.yaml:4) requires ^2: UNSATISFIED
           └─ b@1.0.0 (b/pacto.yaml:5) requires any version: ok (shared)

        Unsatisfied (1):
          c/pacto.yaml:4 c requires a ^2: a is 1.0.0

        Cycles (1):
          a -> a
    "#]]
    .assert_eq(&text(&graph));
}

/// `.git`, `node_modules`, `target` and `.gitignore`d paths are not walked; a symlink loop and
/// (where permissions apply) an unreadable directory are skipped with their cause.
#[test]
fn scan_skips_what_it_must() {
    let tmp = Scratch::new("skips");
    let root = tmp.0.clone();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write("a/pacto.yaml", &contract("a", "1.0.0", &[]));
    for dir in [".git", "node_modules/x", "target/y", "gen", "sub/local"] {
        write(&format!("{dir}/pacto.yaml"), &contract("hidden", "1.0.0", &[("../a", "")]));
    }
    write(".gitignore", "/gen/\n");
    write("sub/.gitignore", "local\n");
    write("sub/kept/svc.yml", &contract("kept", "1.0.0", &[("../../a", "")]));
    write("sub/kept/data.yaml", "items: [1]\n");
    write("bad/pacto.yaml", "pactoVersion: \"1.0\"\nservice: {name: bad, version: 1.0.0\n");
    fs::write(root.join("latin1.yaml"), b"pactoVersion: \xe9\n").unwrap();
    std::os::unix::fs::symlink(&root, root.join("sub/loop")).unwrap();
    let scanned = scan(&root).unwrap();
    let names: Vec<(String, &str)> = scanned
        .index
        .entries()
        .map(|it| (it.path.strip_prefix(&root).unwrap().display().to_string(), it.name.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![("a/pacto.yaml".into(), "a"), ("bad/pacto.yaml".into(), ""), ("sub/kept/svc.yml".into(), "kept")]
    );
    let skipped: Vec<String> = scanned
        .skipped
        .iter()
        .map(|it| format!("{}: {}", it.path.strip_prefix(&root).unwrap().display(), it.reason))
        .collect();
    assert_eq!(skipped, vec![format!("sub/loop: already visited as {} (symbolic link loop)", root.display())]);
    assert_eq!(dependents(&scanned.index, &root.join("a/pacto.yaml").display().to_string()).len(), 1);
}

#[test]
fn scan_skips_an_unreadable_directory() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = Scratch::new("unreadable");
    let root = tmp.0.clone();
    fs::create_dir_all(root.join("locked")).unwrap();
    fs::write(root.join("locked/pacto.yaml"), contract("locked", "1.0.0", &[])).unwrap();
    fs::write(root.join("pacto.yaml"), contract("top", "1.0.0", &[])).unwrap();
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read_dir(root.join("locked")).is_ok() {
        fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: running with privileges that read a mode-000 directory (root), nothing to test");
        return;
    }
    let scanned = scan(&root).unwrap();
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(scanned.index.len(), 1);
    assert_eq!(scanned.skipped.len(), 1);
    assert_eq!(scanned.skipped[0].path, root.join("locked"));
    assert!(scanned.skipped[0].reason.starts_with("cannot read the directory: "), "{:?}", scanned.skipped[0]);
}

#[test]
fn reads_service_lines_and_interfaces_of_both_formats() {
    let v1 = read_entry(
        &p("/w/a/pacto.yaml"),
        "pactoVersion: \"1.0\"\nservice:\n  name: a\n  version: 1.0.0\ninterfaces:\n  - {name: api, type: http}\n  - type: grpc\n",
    );
    assert_eq!((v1.name_line, v1.version_line), (3, 4));
    let interfaces: Vec<(&str, &str, usize)> =
        v1.interfaces.iter().map(|it| (it.name.as_str(), it.kind.as_str(), it.line)).collect();
    assert_eq!(interfaces, [("api", "http", 6), ("", "grpc", 7)]);
    let v2 = read_entry(
        &p("/w/b/pacto.yaml"),
        "pactoVersion: \"2.0\"\nservice: {name: b, version: 2.0.0}\ninterfaces:\n  - name: events\n    type: event\n",
    );
    assert_eq!((v2.name_line, v2.version_line), (2, 2));
    let interfaces: Vec<(&str, &str, usize)> =
        v2.interfaces.iter().map(|it| (it.name.as_str(), it.kind.as_str(), it.line)).collect();
    assert_eq!(interfaces, [("events", "event", 4)]);
    // Nothing to read: no lines.
    let empty = read_entry(&p("/w/c/pacto.yaml"), "pactoVersion: \"1.0\"\n");
    assert_eq!((empty.name_line, empty.version_line, empty.interfaces.len()), (0, 0, 0));
}

#[test]
fn reads_compatibility_lines() {
    let v2 = read_entry(
        &p("/w/web/pacto.yaml"),
        "pactoVersion: \"2.0\"\nservice: {name: web, version: 1.0.0}\ndependencies:\n  - name: a\n    ref: ../a\n    compatibility: ^1.0.0\n  - name: b\n    ref: ../b\n",
    );
    let lines: Vec<(usize, usize)> = v2.dependencies.iter().map(|it| (it.line, it.compatibility_line)).collect();
    assert_eq!(lines, [(5, 6), (8, 8)]);
    let v1 = read_entry(
        &p("/w/api/pacto.yaml"),
        "pactoVersion: \"1.0\"\nservice: {name: api, version: 1.0.0}\ndependencies:\n  - {ref: ../db, compatibility: \"^1\"}\n  - ref: ../c\n    compatibility: ^2\n",
    );
    let lines: Vec<(usize, usize)> = v1.dependencies.iter().map(|it| (it.line, it.compatibility_line)).collect();
    assert_eq!(lines, [(4, 4), (5, 6)]);
}

/// The editor reads its entries from its validation's decoded model: the same entry as reading the file, for every
/// fixture of both formats, valid or not.
#[test]
fn entry_of_validation_matches_read_entry_on_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data");
    let mut compared = 0;
    for suite in ["validate", "validate-v2"] {
        let mut dirs: Vec<PathBuf> = fs::read_dir(root.join(suite)).unwrap().map(|it| it.unwrap().path()).collect();
        dirs.sort();
        for dir in dirs {
            let path = dir.join("pacto.yaml");
            let Ok(text) = fs::read_to_string(&path) else { continue };
            let validation = crate::validate::validate(&text, None, crate::validate::Mode::Everything);
            assert_eq!(
                super::entry_of_validation(&path, &text, &validation),
                read_entry(&path, &text),
                "{}",
                dir.display()
            );
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} fixtures compared");
}
