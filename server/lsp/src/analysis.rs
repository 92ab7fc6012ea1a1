//! One version's tree, contract and diagnostics: immutable, shared through `Arc`.

use std::path::{Path, PathBuf};

use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use pacto_core::contract::Dependency;
use pacto_core::syntax::{FieldPath, find};
use pacto_core::validate::{Config, Format, MemoDirBundle, Mode, Validation, validate_edited};
use ropey::Rope;

use crate::deps;

pub struct Analysis {
    pub version: i32,
    /// Unique in the process: a version can be analysed again (a referenced file changed on disk), and what is
    /// cached from one analysis must not be taken for the other's — an address could be reused once it is freed.
    pub id: u64,
    /// The text twice: the rope for positions (chunks shared with the document), the string
    /// for the core, built once per version.
    pub rope: Rope,
    pub text: String,
    pub validation: Validation,
    /// The bundle directory (the document's directory), when the document is a file.
    pub bundle_dir: Option<PathBuf>,
    /// The bundle's files as this version's validation saw them; the migration asks the same.
    pub(crate) files: Option<Arc<MemoDirBundle>>,
    /// The `oci://` policy refs the validation asked for, to be fetched if they are not known.
    pub policy_refs: Vec<String>,
    /// The repository of a `# pacto:publish oci://…` comment: read once, asked by the lenses and the index.
    pub publish_comment: Option<String>,
    /// The migration to 2.0 of a valid 1.0 version, computed once on first use (it parses and validates the text
    /// again): every publish of the version, including the re-publishes when the registry answers, and every code
    /// action share it (issue #15).
    pub(crate) migration: OnceLock<Option<(pacto_core::syntax::Span, pacto_core::migrate::Migration)>>,
}

impl Analysis {
    /// An analysis that knows no `oci://` policy bundle (a contract read outside the session).
    pub fn new(rope: Rope, version: i32, path: Option<&Path>) -> Analysis {
        Analysis::with_policies(rope, version, path, None)
    }

    /// The policy layer follows local refs next to the contract, and `oci://` ones through what
    /// `policies` already holds. An unsaved buffer has no directory to read from, so no resolver:
    /// its ref policies are only warned about, as `pacto pack` does.
    pub fn with_policies(
        rope: Rope,
        version: i32,
        path: Option<&Path>,
        policies: Option<&deps::policy_refs::State>,
    ) -> Analysis {
        Analysis::with_context(rope, version, path, policies, None, None)
    }

    /// [`Analysis::with_policies`] asking the bundle's files through `files` (the session's
    /// recent answers) rather than the disk for each version, and reusing the tree of `previous` (an analysis of an
    /// earlier version) where the edit since did not reach.
    pub fn with_context(
        rope: Rope,
        version: i32,
        path: Option<&Path>,
        policies: Option<&deps::policy_refs::State>,
        files: Option<&FileFacts>,
        previous: Option<&Analysis>,
    ) -> Analysis {
        let text = rope.to_string();
        let bundle_dir = path.and_then(Path::parent).map(Path::to_path_buf);
        let files = bundle_dir.as_ref().map(|root| match files {
            Some(facts) => facts.for_dir(root),
            None => Arc::new(MemoDirBundle::new(root.clone())),
        });
        let resolver = bundle_dir.clone().map(|root| deps::policy_refs::EditorResolver::new(root, policies));
        let config = Config {
            mode: Mode::Everything,
            bundle: files.as_deref().map(|it| it as _),
            resolver: resolver.as_ref().map(|it| it as _),
            readiness_at: None,
        };
        let previous = previous.map(|it| (it.text.as_str(), &it.validation.parse));
        let validation = validate_edited(&text, &config, previous);
        let policy_refs = resolver.map(|it| it.into_asked()).unwrap_or_default();
        let publish_comment = pacto_core::workspace::publish_comment(&text);
        let migration = OnceLock::new();
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Analysis { version, id, rope, text, validation, bundle_dir, files, policy_refs, publish_comment, migration }
    }

    /// Where this version's byte offsets are for the client: through the validation's line index when it was made
    /// for this text (a text refused whole or an analysis stopped early has none), else through the rope.
    pub fn place(&self, encoding: crate::proto::Encoding) -> crate::proto::Place<'_> {
        let index = &self.validation.line_index;
        if index.text_len() == self.text.len() {
            crate::proto::Place::Lines { text: &self.text, index, encoding }
        } else {
            crate::proto::Place::Rope(&self.rope, encoding)
        }
    }

    pub fn root(&self) -> Option<&pacto_core::syntax::Node> {
        self.validation.parse.root.as_ref()
    }

    pub fn format(&self) -> Format {
        self.validation.format
    }

    /// The 2.0 model, for a 2.0 document.
    pub fn v2(&self) -> Option<&pacto_core::v2::Contract> {
        self.validation.v2.as_ref().map(|it| &it.contract)
    }

    /// The dependencies in the 1.0 shape, whatever the format: both formats write `ref`,
    /// `required` and `compatibility` the same way (pacto-v2.md §1.2), so the registry features
    /// (hover, tags, hints, pins) serve both from one list.
    pub fn dependencies(&self) -> Cow<'_, [Dependency]> {
        let Some(contract) = self.v2() else {
            return Cow::Borrowed(self.validation.decoded.contract.dependencies.as_deref().unwrap_or_default());
        };
        let items = self.root().and_then(|root| find(root, &FieldPath::root().key("dependencies")));
        let items = items.and_then(|it| it.as_sequence()).unwrap_or_default();
        let dependencies = contract.dependencies.iter().enumerate().map(|(idx, it)| Dependency {
            span: items.get(idx).map(|item| item.span).unwrap_or_default(),
            reference: it.reference.clone(),
            required: it.required.clone(),
            compatibility: it.compatibility.clone(),
            name: it.name.clone(),
        });
        Cow::Owned(dependencies.collect())
    }
}

/// How long the answers about a bundle's files are reused by later versions: while someone types,
/// each keystroke's analysis would otherwise ask the disk again about every file the contract
/// names (hundreds of system calls per edit on a large contract). A change the editor reports
/// (`didChangeWatchedFiles`) drops them at once; one it does not see shows within this time.
pub const FILE_FACTS_TTL: Duration = Duration::from_secs(1);

/// The session's recent answers about bundle files, one memo per bundle directory.
#[derive(Default)]
pub struct FileFacts {
    dirs: Mutex<Vec<(PathBuf, Instant, Arc<MemoDirBundle>)>>,
}

impl FileFacts {
    /// The memo of `root`: the recent one, or a new one when it is older than [`FILE_FACTS_TTL`].
    pub fn for_dir(&self, root: &Path) -> Arc<MemoDirBundle> {
        self.for_dir_at(root, Instant::now())
    }

    fn for_dir_at(&self, root: &Path, now: Instant) -> Arc<MemoDirBundle> {
        let mut dirs = self.dirs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        dirs.retain(|(_, at, _)| now.saturating_duration_since(*at) < FILE_FACTS_TTL);
        if let Some((_, _, memo)) = dirs.iter().find(|(dir, _, _)| dir == root) {
            return memo.clone();
        }
        let memo = Arc::new(MemoDirBundle::new(root.to_path_buf()));
        dirs.push((root.to_path_buf(), now, memo.clone()));
        memo
    }

    /// Files changed on disk: every later analysis asks again.
    pub fn clear(&self) {
        self.dirs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }
}

#[cfg(test)]
mod reuse_tests {
    use std::path::Path;

    use pacto_core::syntax::reparse_edited;
    use ropey::Rope;

    use super::Analysis;

    /// A session of edits, each version analysed from the previous one's tree as the server does: every one reads
    /// exactly as if analysed from scratch, and the edits inside one part did reuse the tree.
    #[test]
    fn an_edited_version_reads_as_one_analysed_from_scratch() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/payments-api/pacto.yaml");
        let example = std::fs::read_to_string(&path).expect("the example");
        let item = "  - name: order-events\n    type: event\n    contract: interfaces/events.yaml\n";
        let added = format!("{item}  - name: audit\n    type: grpc\n    port: 9091\n");
        // Each edit applies to the text before it, as typing does.
        let edits = [
            ("port: 8080", "port: 80800"),
            ("port: 80800", "port: 80800x"),
            (item, added.as_str()),
            ("port: 80800x", "port: [8080"),
            ("port: [8080", "port: 8081"),
            ("service:", "servic:"),
            ("  version: 2.1.0", "  version: 2.2.0"),
        ];
        let versions = edits.iter().scan(example.clone(), |text, (from, to)| {
            let edited = text.replacen(from, to, 1);
            assert_ne!(edited, *text, "{from:?} is not in the text");
            *text = edited;
            Some(text.clone())
        });
        let mut previous = Analysis::new(Rope::from_str(&example), 1, Some(&path));
        let mut reused = Vec::new();
        for (version, text) in (2..).zip(versions) {
            reused.push(reparse_edited(&previous.text, &previous.validation.parse, &text).is_some());
            let edited =
                Analysis::with_context(Rope::from_str(&text), version, Some(&path), None, None, Some(&previous));
            let fresh = Analysis::new(Rope::from_str(&text), version, Some(&path));
            let read = |it: &Analysis| format!("{:?}\n{:?}", it.validation.parse.root, it.validation.diagnostics);
            assert_eq!(read(&edited), read(&fresh), "version {version}:\n{text}");
            previous = edited;
        }
        // The syntax error is parsed whole, and so is its fix (the previous tree has an error).
        assert_eq!(reused, [true, true, true, false, false, true, true]);
    }
}

#[cfg(test)]
mod file_facts_tests {
    use std::path::Path;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::{FILE_FACTS_TTL, FileFacts};

    #[test]
    fn file_facts_are_shared_within_the_ttl_and_dropped_after_it_or_on_clear() {
        let facts = FileFacts::default();
        let start = Instant::now();
        let first = facts.for_dir_at(Path::new("/a"), start);
        assert!(Arc::ptr_eq(&first, &facts.for_dir_at(Path::new("/a"), start + Duration::from_millis(900))));
        assert!(!Arc::ptr_eq(&first, &facts.for_dir_at(Path::new("/b"), start)));
        assert!(!Arc::ptr_eq(&first, &facts.for_dir_at(Path::new("/a"), start + FILE_FACTS_TTL)));
        let again = facts.for_dir_at(Path::new("/a"), start + FILE_FACTS_TTL);
        facts.clear();
        assert!(!Arc::ptr_eq(&again, &facts.for_dir_at(Path::new("/a"), start + FILE_FACTS_TTL)));
    }
}
