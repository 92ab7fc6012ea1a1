//! Contract-section diffs (spec §3.4), the overall classification and the order of changes.

use expect_test::{Expect, expect};

use super::{
    Bundle, BundleFetcher, BundleReader, Change, ChangeType, Classification, FileSpan, NoFiles, compare, overall,
};
use crate::contract::oci_ref::DependencyRef;
use crate::contract::{Contract, from_tree};
use crate::syntax::parse;

/// A bundle held in memory: `(path, text)` pairs.
pub(crate) struct MemFiles(pub Vec<(&'static str, &'static str)>);

impl BundleReader for MemFiles {
    fn read(&self, path: &str) -> Option<String> {
        self.0.iter().find(|(name, _)| *name == path).map(|(_, text)| (*text).to_owned())
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let prefix = format!("{dir}/");
        let mut names: Vec<String> =
            self.0.iter().filter_map(|(name, _)| name.strip_prefix(&prefix)).map(str::to_owned).collect();
        names.sort();
        names
    }
}

/// Dependency bundles in memory, found by location (`r/a:1`, `../b`): the contract's text and
/// its other files.
pub(crate) struct MemBundles(pub Vec<MemBundle>);

/// A location, the contract's text, and the bundle's other files.
pub(crate) type MemBundle = (&'static str, String, Vec<(&'static str, &'static str)>);

impl BundleFetcher for MemBundles {
    fn fetch(&mut self, reference: &DependencyRef, _compatibility: &str) -> Result<Bundle, String> {
        let location = match reference {
            DependencyRef::Local(it) | DependencyRef::Oci(it) => it.as_str(),
        };
        let (_, text, files) = self
            .0
            .iter()
            .find(|(name, ..)| *name == location)
            .ok_or_else(|| format!("no pacto.yaml found in {location}"))?;
        Ok(Bundle { contract: contract(text), files: Box::new(MemFiles(files.clone())) })
    }
}

/// A contract named `name` at `version` depending on `deps` (raw refs), then `rest` verbatim.
pub(crate) fn service(name: &str, version: &str, deps: &[&str], rest: &str) -> String {
    let mut out = format!("pactoVersion: \"1.0\"\nservice: {{name: {name}, version: {version}}}\n");
    if !deps.is_empty() {
        out.push_str("dependencies:\n");
        for dep in deps {
            out.push_str(&format!("  - {{ref: \"{dep}\", compatibility: \"^1\"}}\n"));
        }
    }
    out.push_str(rest);
    out
}

/// One change per line, as the CLI's text output shows it, then where its nodes are.
pub(crate) fn render(changes: &[Change]) -> String {
    render_with_sources(changes, "", "")
}

pub(crate) fn render_with_sources(changes: &[Change], old_text: &str, new_text: &str) -> String {
    let mut out = String::new();
    for it in changes {
        let values = match (it.change_type, &it.old_value, &it.new_value) {
            (ChangeType::Modified, Some(old), Some(new)) => format!(" [{old} -> {new}]"),
            (ChangeType::Added, _, Some(new)) => format!(" [+ {new}]"),
            (ChangeType::Removed, Some(old), _) => format!(" [- {old}]"),
            _ => String::new(),
        };
        out.push_str(&format!("[{}] {} ({}): {}{values}\n", it.classification, it.path, it.change_type, it.reason));
        let at = |side: &str, span: &Option<FileSpan>, text: &str| match span {
            None => String::new(),
            Some(FileSpan { file, span }) if file == super::CONTRACT_FILE && !text.is_empty() => {
                format!(" {side}={:?}", text.get(span.start..span.end).unwrap_or("?").lines().next().unwrap_or(""))
            }
            Some(FileSpan { file, span }) => format!(" {side}={file}@{span:?}"),
        };
        let spans = format!("{}{}", at("old", &it.old_span, old_text), at("new", &it.new_span, new_text));
        if !spans.is_empty() {
            out.push_str(&format!("   {}\n", spans.trim_start()));
        }
    }
    out
}

pub(crate) fn contract(text: &str) -> Contract {
    from_tree(parse(text).root.as_ref()).contract
}

const HEAD: &str = "pactoVersion: \"1.0\"\nservice: {name: svc, version: 1.0.0}\n";

/// Diffs `HEAD + old` against `HEAD + new` and renders the overall classification and changes.
fn check(old: &str, new: &str, expect: Expect) {
    let (old_text, new_text) = (format!("{HEAD}{old}"), format!("{HEAD}{new}"));
    let result = compare(&contract(&old_text), &contract(&new_text), &NoFiles, &NoFiles);
    let out = format!("{}\n{}", result.classification, render_with_sources(&result.changes, &old_text, &new_text));
    expect.assert_eq(&out);
}

#[test]
fn contract_identical_is_non_breaking_without_changes() {
    let text = "interfaces:\n  - {name: api, type: http, port: 80}\nscaling: {min: 1, max: 3}\n";
    check(
        text,
        text,
        expect![[r#"
        NON_BREAKING
    "#]],
    );
}

#[test]
fn contract_service_name_version_owner_image() {
    let old = "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0, owner: team-a, image: {ref: r/a:1, private: true}}\n";
    let new = "pactoVersion: \"1.0\"\nservice: {name: b, version: 1.1.0, image: {ref: r/a:2}}\n";
    let result = compare(&contract(old), &contract(new), &NoFiles, &NoFiles);
    expect![[r#"
        [NON_BREAKING] service.image (modified): service.image modified [r/a:1 -> r/a:2]
           old="r/a:1" new="r/a:2"
        [BREAKING] service.name (modified): service.name modified [a -> b]
           old="a" new="b"
        [NON_BREAKING] service.owner (removed): service.owner removed [- team-a]
           old="team-a"
        [NON_BREAKING] service.version (modified): service.version modified [1.0.0 -> 1.1.0]
           old="1.0.0" new="1.1.0"
    "#]]
    .assert_eq(&render_with_sources(&result.changes, old, new));
}

#[test]
fn contract_owner_and_image_added_and_removed() {
    let bare = "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\n";
    let full = "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0, owner: team, image: {ref: r/a:1}}\n";
    let added = compare(&contract(bare), &contract(full), &NoFiles, &NoFiles);
    let removed = compare(&contract(full), &contract(bare), &NoFiles, &NoFiles);
    expect![[r#"
        [NON_BREAKING] service.image (added): service.image added [+ r/a:1]
           new=pacto.yaml@81..86
        [NON_BREAKING] service.owner (added): service.owner added [+ team]
           new=pacto.yaml@62..66
        ---
        [NON_BREAKING] service.image (removed): service.image removed [- r/a:1]
           old=pacto.yaml@81..86
        [NON_BREAKING] service.owner (removed): service.owner removed [- team]
           old=pacto.yaml@62..66
    "#]]
    .assert_eq(&format!("{}---\n{}", render(&added.changes), render(&removed.changes)));
}

#[test]
fn contract_image_private_flag_is_invisible() {
    let old = "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0, image: {ref: r/a:1, private: true}}\n";
    let new = "pactoVersion: \"2.0\"\nservice: {name: a, version: 1.0.0, image: {ref: r/a:1}}\nmetadata: {x: 1}\n";
    assert_eq!(compare(&contract(old), &contract(new), &NoFiles, &NoFiles).changes, vec![]);
}

#[test]
fn contract_scaling_added_removed_and_mode_switches() {
    check(
        "",
        "scaling: {replicas: 2}\n",
        expect![[r#"
        NON_BREAKING
        [NON_BREAKING] scaling (added): scaling added [+ replicas=2]
           new="{replicas: 2}"
    "#]],
    );
    check(
        "scaling: {min: 1, max: 4}\n",
        "",
        expect![[r#"
        POTENTIAL_BREAKING
        [POTENTIAL_BREAKING] scaling (removed): scaling removed [- min=1 max=4]
           old="{min: 1, max: 4}"
    "#]],
    );
    check(
        "scaling: {replicas: 2}\n",
        "scaling: {min: 1, max: 4}\n",
        expect![[r#"
        POTENTIAL_BREAKING
        [POTENTIAL_BREAKING] scaling (modified): scaling modified [replicas=2 -> min=1 max=4]
           old="{replicas: 2}" new="{min: 1, max: 4}"
    "#]],
    );
    check(
        "scaling: {min: 1, max: 4}\n",
        "scaling: {replicas: 2}\n",
        expect![[r#"
        POTENTIAL_BREAKING
        [POTENTIAL_BREAKING] scaling (modified): scaling modified [min=1 max=4 -> replicas=2]
           old="{min: 1, max: 4}" new="{replicas: 2}"
    "#]],
    );
}

#[test]
fn contract_scaling_same_mode_changes() {
    check(
        "scaling: {replicas: 2}\n",
        "scaling: {replicas: 3}\n",
        expect![[r#"
        POTENTIAL_BREAKING
        [POTENTIAL_BREAKING] scaling.replicas (modified): scaling.replicas modified [2 -> 3]
           old="2" new="3"
    "#]],
    );
    check(
        "scaling: {min: 1, max: 4}\n",
        "scaling: {min: 2, max: 8}\n",
        expect![[r#"
        POTENTIAL_BREAKING
        [NON_BREAKING] scaling.max (modified): scaling.max modified [4 -> 8]
           old="{min: 1, max: 4}" new="{min: 2, max: 8}"
        [POTENTIAL_BREAKING] scaling.min (modified): scaling.min modified [1 -> 2]
           old="{min: 1, max: 4}" new="{min: 2, max: 8}"
    "#]],
    );
}

#[test]
fn contract_runtime_added_and_removed() {
    let runtime = "runtime:\n  workload: service\n  state: {type: stateless, persistence: {scope: local, durability: ephemeral}, dataCriticality: low}\n";
    check(
        "",
        runtime,
        expect![[r#"
        BREAKING
        [POTENTIAL_BREAKING] runtime.state.dataCriticality (modified): runtime.state.dataCriticality modified [ -> low]
           new="low"
        [BREAKING] runtime.state.persistence.durability (modified): runtime.state.persistence.durability modified [ -> ephemeral]
           new="ephemeral"
        [BREAKING] runtime.state.persistence.scope (modified): runtime.state.persistence.scope modified [ -> local]
           new="local"
        [BREAKING] runtime.state.type (modified): runtime.state.type modified [ -> stateless]
           new="stateless"
        [BREAKING] runtime.workload (modified): runtime.workload modified [ -> service]
           new="service"
    "#]],
    );
    check(
        runtime,
        "",
        expect![[r#"
        BREAKING
        [POTENTIAL_BREAKING] runtime.state.dataCriticality (modified): runtime.state.dataCriticality modified [low -> ]
           old="low"
        [BREAKING] runtime.state.persistence.durability (modified): runtime.state.persistence.durability modified [ephemeral -> ]
           old="ephemeral"
        [BREAKING] runtime.state.persistence.scope (modified): runtime.state.persistence.scope modified [local -> ]
           old="local"
        [BREAKING] runtime.state.type (modified): runtime.state.type modified [stateless -> ]
           old="stateless"
        [BREAKING] runtime.workload (modified): runtime.workload modified [service -> ]
           old="service"
    "#]],
    );
}

#[test]
fn contract_lifecycle_added_removed_and_modified() {
    let base = "runtime:\n  workload: service\n";
    let with = |lifecycle: &str| format!("{base}  lifecycle: {lifecycle}\n");
    check(
        base,
        &with("{upgradeStrategy: rolling, gracefulShutdownSeconds: 30}"),
        expect![[r#"
        POTENTIAL_BREAKING
        [POTENTIAL_BREAKING] runtime.lifecycle.gracefulShutdownSeconds (added): runtime.lifecycle.gracefulShutdownSeconds added [+ 30]
           new="30"
        [NON_BREAKING] runtime.lifecycle.upgradeStrategy (added): runtime.lifecycle.upgradeStrategy added [+ rolling]
           new="rolling"
    "#]],
    );
    check(
        &with("{upgradeStrategy: rolling, gracefulShutdownSeconds: 30}"),
        base,
        expect![[r#"
        POTENTIAL_BREAKING
        [POTENTIAL_BREAKING] runtime.lifecycle.gracefulShutdownSeconds (removed): runtime.lifecycle.gracefulShutdownSeconds removed [- 30]
           old="30"
        [POTENTIAL_BREAKING] runtime.lifecycle.upgradeStrategy (removed): runtime.lifecycle.upgradeStrategy removed [- rolling]
           old="rolling"
    "#]],
    );
    check(
        &with("{upgradeStrategy: rolling, gracefulShutdownSeconds: 30}"),
        &with("{upgradeStrategy: recreate, gracefulShutdownSeconds: 10}"),
        expect![[r#"
            POTENTIAL_BREAKING
            [NON_BREAKING] runtime.lifecycle.gracefulShutdownSeconds (modified): runtime.lifecycle.gracefulShutdownSeconds modified [30 -> 10]
               old="30" new="10"
            [POTENTIAL_BREAKING] runtime.lifecycle.upgradeStrategy (modified): runtime.lifecycle.upgradeStrategy modified [rolling -> recreate]
               old="rolling" new="recreate"
        "#]],
    );
}

#[test]
fn contract_health_is_always_modified() {
    let base = "runtime:\n  workload: service\n";
    check(
        base,
        &format!("{base}  health: {{interface: api, path: /health, initialDelaySeconds: 5}}\n"),
        expect![[r#"
            POTENTIAL_BREAKING
            [NON_BREAKING] runtime.health.initialDelaySeconds (modified): runtime.health.initialDelaySeconds modified [0 -> 5]
               new="5"
            [POTENTIAL_BREAKING] runtime.health.interface (modified): runtime.health.interface modified [ -> api]
               new="api"
            [POTENTIAL_BREAKING] runtime.health.path (modified): runtime.health.path modified [ -> /health]
               new="/health"
        "#]],
    );
}

#[test]
fn contract_dependencies_matched_by_repository() {
    check(
        "dependencies:\n  - {ref: oci://ghcr.io/acme/db:1.0.0, compatibility: ^1.0.0}\n  - {ref: oci://ghcr.io/acme/gone:1.0.0, compatibility: ^1.0.0}\n",
        "dependencies:\n  - {ref: oci://ghcr.io/acme/db:2.0.0, compatibility: ^2.0.0, required: true}\n  - {ref: ./local, compatibility: ^1.0.0}\n",
        expect![[r#"
            BREAKING
            [NON_BREAKING] dependencies (added): dependencies added [+ ./local]
               new="{ref: ./local, compatibility: ^1.0.0}"
            [BREAKING] dependencies (removed): dependencies removed [- oci://ghcr.io/acme/gone:1.0.0]
               old="{ref: oci://ghcr.io/acme/gone:1.0.0, compatibility: ^1.0.0}"
            [POTENTIAL_BREAKING] dependencies.compatibility (modified): dependencies.compatibility modified [oci://ghcr.io/acme/db:1.0.0: ^1.0.0 -> oci://ghcr.io/acme/db:2.0.0: ^2.0.0]
               old="^1.0.0" new="^2.0.0"
            [POTENTIAL_BREAKING] dependencies.ref (modified): dependencies.ref modified [oci://ghcr.io/acme/db:1.0.0 -> oci://ghcr.io/acme/db:2.0.0]
               old="oci://ghcr.io/acme/db:1.0.0" new="oci://ghcr.io/acme/db:2.0.0"
            [POTENTIAL_BREAKING] dependencies.required (modified): dependencies.required modified [oci://ghcr.io/acme/db:1.0.0: required=false -> oci://ghcr.io/acme/db:2.0.0: required=true]
               old="{ref: oci://ghcr.io/acme/db:1.0.0, compatibility: ^1.0.0}" new="true"
        "#]],
    );
}

#[test]
fn contract_interfaces_added_removed_and_fields() {
    check(
        "interfaces:\n  - {name: api, type: http, port: 80, visibility: public}\n  - {name: metrics, type: http, port: 9090}\n  - {name: events, type: event}\n",
        "interfaces:\n  - {name: api, type: grpc, port: 81, visibility: internal}\n  - {name: admin, type: http}\n  - {name: events, type: event, port: 5000}\n",
        expect![[r#"
            BREAKING
            [NON_BREAKING] interfaces (added): interfaces added [+ admin]
               new="{name: admin, type: http}"
            [BREAKING] interfaces (removed): interfaces removed [- metrics]
               old="{name: metrics, type: http, port: 9090}"
            [POTENTIAL_BREAKING] interfaces.port (added): interfaces.port added [+ 5000]
               new="5000"
            [BREAKING] interfaces.port (modified): interfaces.port modified [80 -> 81]
               old="80" new="81"
            [BREAKING] interfaces.type (modified): interfaces.type modified [api: http -> api: grpc]
               old="http" new="grpc"
            [POTENTIAL_BREAKING] interfaces.visibility (modified): interfaces.visibility modified [api: public -> api: internal]
               old="public" new="internal"
        "#]],
    );
}

#[test]
fn contract_interface_port_removed() {
    check(
        "interfaces:\n  - {name: api, type: http, port: 80}\n",
        "interfaces:\n  - {name: api, type: http}\n",
        expect![[r#"
            BREAKING
            [BREAKING] interfaces.port (removed): interfaces.port removed [- 80]
               old="80"
        "#]],
    );
}

#[test]
fn contract_interface_contract_one_side_empty() {
    check(
        "interfaces:\n  - {name: api, type: http, contract: openapi.yaml}\n",
        "interfaces:\n  - {name: api, type: http}\n",
        expect![[r#"
            POTENTIAL_BREAKING
            [POTENTIAL_BREAKING] interfaces.contract (modified): interfaces.contract modified [openapi.yaml -> ]
               old="openapi.yaml"
        "#]],
    );
    check(
        "interfaces:\n  - {name: api, type: http, contract: a.yaml}\n",
        "interfaces:\n  - {name: api, type: http, contract: b.yaml}\n",
        expect![[r#"
            POTENTIAL_BREAKING
            [POTENTIAL_BREAKING] interfaces.contract (modified): interfaces.contract modified [api: a.yaml -> api: b.yaml]
               old="a.yaml" new="b.yaml"
        "#]],
    );
}

#[test]
fn contract_configuration_added_removed_and_schema_diffed() {
    check(
        "",
        "configuration: {schema: config.json}\n",
        expect![[r#"
        NON_BREAKING
        [NON_BREAKING] configuration (added): configuration added [+ config.json]
           new="config.json"
    "#]],
    );
    check(
        "configuration: {schema: config.json}\n",
        "",
        expect![[r#"
        BREAKING
        [BREAKING] configuration (removed): configuration removed [- config.json]
           old="config.json"
    "#]],
    );
    let old_files = MemFiles(vec![("old.json", r#"{"properties": {"a": {}, "b": {}}}"#)]);
    let new_files = MemFiles(vec![("new.json", r#"{"properties": {"b": {}, "c": {}}}"#)]);
    let old = contract(&format!("{HEAD}configuration: {{schema: old.json}}\n"));
    let new = contract(&format!("{HEAD}configuration: {{schema: new.json}}\n"));
    let result = compare(&old, &new, &old_files, &new_files);
    expect![[r#"
        [POTENTIAL_BREAKING] configuration.schema (modified): configuration.schema modified [old.json -> new.json]
           old=pacto.yaml@81..89 new=pacto.yaml@81..89
        [BREAKING] schema.properties[a] (removed): configuration property a removed [- a]
           old=old.json@16..19
        [NON_BREAKING] schema.properties[c] (added): configuration property c added [+ c]
           new=new.json@25..28
    "#]]
    .assert_eq(&render(&result.changes));
}

#[test]
fn contract_openapi_spec_diffed_through_the_bundle() {
    let interface = "interfaces:\n  - {name: api, type: http, contract: api.yaml}\n";
    let old_files = MemFiles(vec![("api.yaml", "paths:\n  /users:\n    get: {}\n    delete: {}\n")]);
    let new_files = MemFiles(vec![("api.yaml", "paths:\n  /users:\n    get: {}\n"), ("docs/readme.md", "new")]);
    let old = contract(&format!("{HEAD}{interface}"));
    let result = compare(&old, &old, &old_files, &new_files);
    assert_eq!(result.classification, Classification::Breaking);
    expect![[r#"
        [BREAKING] openapi.paths[/users].methods[DELETE] (removed): DELETE /users method removed [- DELETE /users]
           old=api.yaml@33..39
    "#]]
    .assert_eq(&render(&result.changes));
}

#[test]
fn diff_order_is_path_then_change_type() {
    let old = "interfaces:\n  - {name: b}\n  - {name: a}\ndependencies:\n  - {ref: z}\n";
    let new = "interfaces:\n  - {name: d}\n  - {name: c}\ndependencies:\n  - {ref: y}\n";
    let (old_text, new_text) = (format!("{HEAD}{old}"), format!("{HEAD}{new}"));
    let result = compare(&contract(&old_text), &contract(&new_text), &NoFiles, &NoFiles);
    let paths: Vec<String> = result
        .changes
        .iter()
        .map(|it| format!("{} {} {:?}{:?}", it.path, it.change_type, it.old_value, it.new_value))
        .collect();
    expect![[r#"
        [
            "dependencies added NoneSome(Str(\"y\"))",
            "dependencies removed Some(Str(\"z\"))None",
            "interfaces added NoneSome(Str(\"c\"))",
            "interfaces added NoneSome(Str(\"d\"))",
            "interfaces removed Some(Str(\"a\"))None",
            "interfaces removed Some(Str(\"b\"))None",
        ]
    "#]]
    .assert_debug_eq(&paths);
}

#[test]
fn overall_is_the_max_and_non_breaking_when_empty() {
    assert_eq!(overall(&[]), Classification::NonBreaking);
    assert!(Classification::NonBreaking < Classification::PotentialBreaking);
    assert!(Classification::PotentialBreaking < Classification::Breaking);
}
