//! The pure part of the lenses: a baseline side (published or git HEAD) compared with the buffer, the
//! lens title, and the diagnostics on changed nodes. No IO, no locks: this is what runs on every edit,
//! and what `benches/lens.rs` measures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pacto_core::contract::{Contract, from_tree, text as text_of};
use pacto_core::diff::render::change_values;
use pacto_core::diff::v2::POLICY_SCHEMA_PATH;
use pacto_core::diff::{
    BumpFinding, BumpKind, BundleReader, CONTRACT_FILE, Change, Classification, DiffResult, FileSpan, PairSide, bump,
    compare as diff,
};
use pacto_core::syntax::{Node, Span, parse};
use pacto_core::v2::document::{Document, projection};
use pacto_core::validate::json::to_json;
use ropey::Rope;

pub use crate::proto::Encoding;

/// The diagnostics' `source`: apart from the contract's own findings (`pacto`), so a user can filter them.
pub const SOURCE: &str = "pacto-diff";

/// What the buffer is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Against {
    /// The highest semver tag of the contract's publish repository.
    Published,
    /// The file as committed at git HEAD.
    Head,
}

impl Against {
    pub fn as_str(self) -> &'static str {
        match self {
            Against::Published => "published",
            Against::Head => "head",
        }
    }

    pub fn parse(text: &str) -> Option<Against> {
        match text {
            "published" => Some(Against::Published),
            "head" => Some(Against::Head),
            _ => None,
        }
    }
}

/// A baseline: the other side of the diff, parsed once when it arrives and shared by every edit after.
pub struct Side {
    /// How lenses and titles name it: the tag (`2.0.0`) or `git HEAD`.
    pub label: String,
    pub text: String,
    pub rope: Rope,
    /// For a 2.0 baseline, the projection whose `v2` makes the diff take the 2.0 rule table.
    pub contract: Contract,
    pub files: Box<dyn BundleReader + Send + Sync>,
    /// Where the bundle lies extracted on disk (read-only), for `relatedInformation`.
    pub dir: Option<PathBuf>,
}

impl Side {
    pub fn new(label: String, text: String, files: Box<dyn BundleReader + Send + Sync>, dir: Option<PathBuf>) -> Side {
        let contract = contract_of(parse(&text).root.as_ref());
        Side { label, rope: Rope::from_str(&text), text, contract, files, dir }
    }
}

/// The contract the diff compares, for either format: the 1.0 model, or the projection of the 2.0
/// document (`pacto_core::diff::compare` dispatches on its `v2`). Read leniently, as the buffer is:
/// a baseline that would fail `pacto diff`'s strict parse is still compared as far as it reads.
pub fn contract_of(root: Option<&Node>) -> Contract {
    if pacto_core::v2::format_version(root) != Some("2.0") {
        return from_tree(root).contract;
    }
    let contract = pacto_core::v2::from_tree(root).contract;
    // `Null` JSON (a non-finite float) only loses the free-form values' diff, as in the core's parse.
    let json = root.and_then(|it| to_json(it).ok()).unwrap_or_default();
    projection(Document { contract, json, root: root.cloned() })
}

/// The bundle files a contract's diff reads besides SBOMs: 1.0 interface contracts and the
/// configuration schema; 2.0 interface specs, configuration and policy schemas, and the fixed
/// policy-provider schema (pacto-v2.md §5.3).
pub fn referenced_files(contract: &Contract) -> Vec<String> {
    let Some(document) = &contract.v2 else {
        let interfaces = contract.interfaces.iter().flatten().map(|it| text_of(&it.contract));
        let schema = contract.configuration.iter().map(|it| text_of(&it.schema));
        return interfaces.chain(schema).map(str::to_owned).collect();
    };
    let v2 = &document.contract;
    let interfaces = v2.interfaces.iter().map(|it| text_of(&it.reference));
    let configurations = v2.configurations.iter().map(|it| text_of(&it.schema));
    let policies = v2.policies.iter().map(|it| text_of(&it.schema));
    interfaces.chain(configurations).chain(policies).chain([POLICY_SCHEMA_PATH]).map(str::to_owned).collect()
}

/// Bundle files held in memory, by bundle-relative path.
#[derive(Default)]
pub struct MemFiles(pub BTreeMap<String, String>);

impl BundleReader for MemFiles {
    fn read(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let prefix = format!("{dir}/");
        self.0
            .keys()
            .filter_map(|it| it.strip_prefix(&prefix))
            .filter(|it| !it.contains('/'))
            .map(str::to_owned)
            .collect()
    }
}

/// The buffer against a baseline, and (against the published version only) the version-bump check.
pub struct Comparison {
    pub result: DiffResult,
    pub bump: Option<BumpFinding>,
}

/// The buffer as the lens sees it: its tree, its decoded contract (the 1.0 model, or the 2.0 one in
/// `v2`) and its text.
pub struct Buffer<'a> {
    pub root: Option<&'a Node>,
    pub contract: &'a Contract,
    pub v2: Option<&'a pacto_core::v2::Contract>,
    pub rope: &'a Rope,
}

pub fn compare(base: &Side, contract: &Contract, files: &dyn BundleReader, against: Against) -> Comparison {
    let mut result = diff(&base.contract, contract, base.files.as_ref(), files);
    detach_migrated_side(&mut result);
    // The version is about what gets published next; git HEAD is just the last commit.
    let bump = match against {
        Against::Published => bump::check(&base.contract, contract, &result),
        Against::Head => None,
    };
    Comparison { result, bump }
}

/// A 1.0/2.0 pair is compared with its 1.0 side migrated in memory: that side's spans point into
/// the migrated text, which is neither the buffer nor the baseline on disk, so they are dropped and
/// its changes sit on their section's key (or the lens line) instead of a wrong range.
fn detach_migrated_side(result: &mut DiffResult) {
    let Some(side) = result.alignment.as_ref().map(|it| it.side) else { return };
    for change in &mut result.changes {
        match side {
            PairSide::Old => change.old_span = None,
            PairSide::New => change.new_span = None,
        }
    }
}

/// `vs 2.0.0: 1 breaking · 2 potential · 3 safe`, or `vs 2.0.0: no changes`; for a 1.0/2.0 pair
/// whose 1.0 side does not migrate, that nothing was compared.
pub fn lens_title(label: &str, result: &DiffResult) -> String {
    if let Some(alignment) = result.alignment.as_ref().filter(|it| it.failure.is_some()) {
        let whose = match alignment.side {
            PairSide::Old => "the baseline",
            PairSide::New => "this contract",
        };
        return format!("vs {label}: not compared, {whose} (Pacto 1.0) does not migrate to 2.0");
    }
    if result.changes.is_empty() {
        return format!("vs {label}: no changes");
    }
    let count = |class| result.changes.iter().filter(|it| it.classification == class).count();
    format!(
        "vs {label}: {} breaking · {} potential · {} safe",
        count(Classification::Breaking),
        count(Classification::PotentialBreaking),
        count(Classification::NonBreaking)
    )
}

/// The title of the diff document: `pacto.yaml vs 2.0.0`.
pub fn document_title(path: Option<&Path>, label: &str) -> String {
    let name =
        path.and_then(Path::file_name).map_or_else(|| CONTRACT_FILE.to_owned(), |it| it.to_string_lossy().into_owned());
    format!("{name} vs {label}")
}

/// The span the lenses sit on: the `service` key, else the start of line 1.
pub fn lens_span(root: Option<&Node>) -> Span {
    root.and_then(|it| it.entry("service")).map_or(Span::new(0, 0), |it| it.key.span)
}

/// A change against a baseline, or the version-bump check, on its node in the buffer.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub span: Span,
    pub code: Code,
    pub message: String,
    pub related: Option<Related>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// A BREAKING (`breaking: true`) or POTENTIAL_BREAKING change, by the rule-table key that classified it.
    Change {
        rule: &'static str,
        breaking: bool,
    },
    Bump(BumpKind),
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Change { rule, .. } => rule,
            Code::Bump(kind) => kind.as_str(),
        }
    }
}

/// The old node of a change in the baseline extracted on disk; the text is kept because the client counts its
/// columns in its own encoding.
#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    pub path: PathBuf,
    pub text: Rope,
    pub span: Span,
    pub message: String,
}

/// A finding per BREAKING or POTENTIAL_BREAKING change, on its node in the buffer, with the old value in the
/// message and, when the baseline is on disk, its node there.
pub fn change_diagnostics(base: &Side, comparison: &Comparison, buffer: &Buffer<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for change in &comparison.result.changes {
        let (breaking, what) = match change.classification {
            Classification::Breaking => (true, "breaking"),
            Classification::PotentialBreaking => (false, "potentially breaking"),
            Classification::NonBreaking => continue,
        };
        out.push(Finding {
            span: anchor(change, buffer),
            code: Code::Change { rule: change.rule, breaking },
            message: format!("{what} vs {}: {}{}", base.label, change.reason, change_values(change)),
            related: related(base, change),
        });
    }
    out
}

/// The version-bump finding, on `service.version`.
pub fn bump_diagnostic(finding: &BumpFinding) -> Finding {
    Finding { span: finding.span, code: Code::Bump(finding.kind), message: finding.to_string(), related: None }
}

/// Where a change is shown in the buffer: its new node; for a change inside another bundle file, the
/// field that names that file; for a removal, the section's key; else the lens line.
fn anchor(change: &Change, buffer: &Buffer<'_>) -> Span {
    if let Some(FileSpan { file, span }) = &change.new_span {
        if file == CONTRACT_FILE {
            return *span;
        }
    }
    let other_file = change.new_span.as_ref().or(change.old_span.as_ref()).map(|it| it.file.as_str());
    if let Some(file) = other_file.filter(|it| *it != CONTRACT_FILE) {
        let named = match buffer.v2 {
            Some(v2) => naming_field_v2(v2, file),
            None => naming_field(buffer.contract, file),
        };
        if let Some(span) = named {
            return span;
        }
    }
    let section = change.path.split(['.', '[']).next().unwrap_or_default();
    // A spec or schema change whose file no field names any more sits on the section that held it.
    let section = match (section, buffer.v2.is_some()) {
        ("openapi" | "asyncapi" | "grpc", _) => "interfaces",
        ("schema", false) => "configuration",
        ("schema", true) => "configurations",
        _ => section,
    };
    match buffer.root.and_then(|it| it.entry(section)) {
        Some(entry) => entry.key.span,
        None => lens_span(buffer.root),
    }
}

/// The span of the `contract` or `schema` value that names a bundle file.
fn naming_field(contract: &Contract, file: &str) -> Option<Span> {
    let interfaces = contract.interfaces.as_deref().unwrap_or_default();
    let named = interfaces.iter().filter_map(|it| it.contract.as_ref()).find(|it| &*it.value == file);
    let schema = contract.configuration.as_ref().and_then(|it| it.schema.as_ref()).filter(|it| &*it.value == file);
    named.or(schema).map(|it| it.span)
}

/// The span of the 2.0 `ref` or `schema` value that names a bundle file.
fn naming_field_v2(contract: &pacto_core::v2::Contract, file: &str) -> Option<Span> {
    let interfaces = contract.interfaces.iter().map(|it| &it.reference);
    let configurations = contract.configurations.iter().map(|it| &it.schema);
    let policies = contract.policies.iter().map(|it| &it.schema);
    let mut fields = interfaces.chain(configurations).chain(policies).flatten();
    fields.find(|it| &*it.value == file).map(|it| it.span)
}

/// The old node in the extracted baseline, when there is one on disk.
fn related(base: &Side, change: &Change) -> Option<Related> {
    let FileSpan { file, span } = change.old_span.as_ref()?;
    let dir = base.dir.as_ref()?;
    let text = if file == CONTRACT_FILE { base.rope.clone() } else { Rope::from_str(&base.files.read(file)?) };
    let old = change.old_value.as_ref().map(|it| format!(": {it}")).unwrap_or_default();
    Some(Related { path: dir.join(file), text, span: *span, message: format!("in {}{old}", base.label) })
}

#[cfg(test)]
mod tests {
    use pacto_core::diff::NoFiles;

    use super::*;

    const PUBLISHED: &str = "pactoVersion: \"1.0\"\nservice: {name: svc, version: 1.0.0}\ninterfaces:\n  - {name: api, type: http, port: 80}\n  - {name: admin, type: http, port: 81}\n";

    /// The lens title and the diagnostics of `buffer` against [`PUBLISHED`], one per line.
    fn check(buffer: &str) -> String {
        check_against(PUBLISHED, buffer)
    }

    fn check_against(published: &str, buffer: &str) -> String {
        let side = Side::new("1.0.0".to_owned(), published.to_owned(), Box::new(NoFiles), None);
        let tree = parse(buffer);
        let contract = contract_of(tree.root.as_ref());
        let rope = Rope::from_str(buffer);
        let comparison = compare(&side, &contract, &NoFiles, Against::Published);
        let mut out = lens_title(&side.label, &comparison.result);
        let v2 = contract.v2.as_ref().map(|it| &it.contract);
        let view = Buffer { root: tree.root.as_ref(), contract: &contract, v2, rope: &rope };
        let mut findings = change_diagnostics(&side, &comparison, &view);
        findings.extend(comparison.bump.as_ref().map(bump_diagnostic));
        for finding in &findings {
            let (it, code) = (
                crate::proto::lens_diagnostic(&crate::proto::Place::Rope(&rope, Encoding::Utf8), finding),
                finding.code.as_str(),
            );
            let (start, end) = (it.range.start, it.range.end);
            out.push_str(&format!(
                "\n{}:{}-{}:{} {:?} {code}: {}",
                start.line,
                start.character,
                end.line,
                end.character,
                it.severity.unwrap(),
                it.message
            ));
        }
        out
    }

    #[test]
    fn lens_title_counts_each_class_or_says_no_changes() {
        assert_eq!(check(PUBLISHED), "vs 1.0.0: no changes");
        let safe = PUBLISHED.replace("version: 1.0.0", "version: 1.0.1");
        assert_eq!(check(&safe), "vs 1.0.0: 0 breaking · 0 potential · 1 safe");
    }

    #[test]
    fn lens_diagnostics_sit_on_the_new_node_or_the_section_key() {
        // A port changed (on its value), an interface removed (on `interfaces`), the version not bumped.
        let buffer = "pactoVersion: \"1.0\"\nservice: {name: svc, version: 1.0.0}\ninterfaces:\n  - {name: api, type: http, port: 8080}\n";
        expect_test::expect![[r#"
            vs 1.0.0: 2 breaking · 0 potential · 0 safe
            2:0-2:10 Information interfaces: breaking vs 1.0.0: interfaces removed [- admin]
            3:34-3:38 Information interfaces.port: breaking vs 1.0.0: interfaces.port modified [80 -> 8080]
            1:30-1:35 Warning MISSING_BREAKING_BUMP: breaking changes need a major version bump from 1.0.0, service.version is 1.0.0; bump to 2.0.0"#]]
        .assert_eq(&check(buffer));
    }

    const PUBLISHED_V2: &str = "pactoVersion: \"2.0\"\nservice: {name: svc, version: 1.0.0}\ninterfaces:\n  - {name: api, type: openapi, ref: api.yaml, visibility: public}\n  - {name: admin, type: openapi, ref: admin.yaml}\nworkload: service\n";

    #[test]
    fn lens_on_2_0_classifies_by_the_2_0_rule_table() {
        assert_eq!(check_against(PUBLISHED_V2, PUBLISHED_V2), "vs 1.0.0: no changes");
        // By the 2.0 table: an interface removed and the workload changed are BREAKING, a visibility
        // change and an added state type POTENTIAL_BREAKING (each on its node, a removal on the
        // section's key); the version not bumped.
        let buffer = "pactoVersion: \"2.0\"\nservice: {name: svc, version: 1.0.0}\ninterfaces:\n  - {name: api, type: openapi, ref: api.yaml, visibility: internal}\nworkload: job\nstate: {type: stateless}\n";
        expect_test::expect![[r#"
            vs 1.0.0: 2 breaking · 2 potential · 0 safe
            2:0-2:10 Information interfaces: breaking vs 1.0.0: interfaces removed [- admin]
            3:58-3:66 Hint interfaces.visibility: potentially breaking vs 1.0.0: interfaces.visibility modified [api: public -> api: internal]
            5:14-5:23 Hint state.type: potentially breaking vs 1.0.0: state.type added [+ stateless]
            4:10-4:13 Information workload: breaking vs 1.0.0: workload modified [service -> job]
            1:30-1:35 Warning MISSING_BREAKING_BUMP: breaking changes need a major version bump from 1.0.0, service.version is 1.0.0; bump to 2.0.0"#]]
        .assert_eq(&check_against(PUBLISHED_V2, buffer));
    }

    #[test]
    fn lens_on_a_mixed_pair_compares_through_the_migration() {
        // The 2.0 side is PUBLISHED migrated (version bumped) without the admin interface: only the
        // removal and the two version changes show, the removal on the section's key since the 1.0
        // side's spans are the migrated text's.
        let migrated = "pactoVersion: \"2.0\"\nservice: {name: svc, version: 2.0.0}\ninterfaces:\n  - {name: api, type: openapi, ref: interfaces/api.yaml}\n";
        expect_test::expect![[r#"
            vs 1.0.0: 1 breaking · 0 potential · 2 safe
            2:0-2:10 Information interfaces: breaking vs 1.0.0: interfaces removed [- admin]"#]]
        .assert_eq(&check_against(PUBLISHED, migrated));
        let unmigratable = "pactoVersion: \"1.0\"\nservice: {name: svc}\n";
        assert_eq!(
            check_against(PUBLISHED_V2, unmigratable),
            "vs 1.0.0: not compared, this contract (Pacto 1.0) does not migrate to 2.0"
        );
        assert_eq!(
            check_against(unmigratable, PUBLISHED_V2),
            "vs 1.0.0: not compared, the baseline (Pacto 1.0) does not migrate to 2.0"
        );
    }

    #[test]
    fn lens_reads_the_files_each_format_names() {
        let files = |text: &str| referenced_files(&contract_of(parse(text).root.as_ref()));
        let v1 = "pactoVersion: \"1.0\"\ninterfaces:\n  - {name: a, type: http, contract: a.yaml}\nconfiguration: {schema: s.json}\n";
        assert_eq!(files(v1), ["a.yaml", "s.json"]);
        let v2 = "pactoVersion: \"2.0\"\ninterfaces:\n  - {name: a, type: openapi, ref: a.yaml}\nconfigurations:\n  - {name: c, schema: c.json}\n  - {name: d, ref: \"oci://h/d:1.0.0\"}\npolicies:\n  - {name: p, schema: p.json}\n";
        assert_eq!(files(v2), ["a.yaml", "c.json", "", "p.json", POLICY_SCHEMA_PATH]);
    }

    #[test]
    fn lens_sits_on_the_service_key_or_line_one() {
        let tree = parse("# c\nservice:\n  name: x\n");
        assert_eq!(lens_span(tree.root.as_ref()), Span::new(4, 11));
        assert_eq!(lens_span(parse("a: 1\n").root.as_ref()), Span::new(0, 0));
    }
}
