//! 2.0 policy refs in the editor (pacto-v2.md §3.4). Local refs are read next to the contract, as
//! `pacto validate` reads them. `oci://` refs are answered from what this state already holds, so a
//! validation never waits on a network: the refs a validation asked for and did not find are
//! fetched in the background through the dependencies' resolver and its cache (offline: from the
//! cache only), and when an answer lands every open contract is analysed again. A registry failure
//! is kept as the finding's cause, worded as `pacto validate` words it.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use pacto_core::v2::ResolvedBundle;
use pacto_core::validate::{BundleFiles, DirResolver, RefResolver};
use pacto_oci::{Bundle, Digest};

use super::hover::RegistryHover;
use crate::analysis::Analysis;
use crate::learned::{Ctx, Learned};

/// A failed fetch is tried again, on the next edit, once this much time has passed.
pub const RETRY_AFTER: Duration = Duration::from_secs(30);
/// A fetched policy is looked at again at most this often: its tag may move, but one look per
/// keystroke would flood the registry.
pub const RECHECK_AFTER: Duration = Duration::from_secs(300);
/// What an `oci://` ref not fetched yet resolves to. Failing closed, as everywhere else: a policy
/// the editor has not read cannot be said to pass.
pub const NOT_FETCHED: &str = "not fetched yet; the editor is fetching it from the registry";
/// The identity of a bundle that came from a registry (the CLI's, `cli/src/refs.rs`): a local ref
/// inside one has no directory to be read from.
const OCI_BASE: &str = "oci:";

/// The `oci://` policy bundles known to this session.
#[derive(Default)]
pub struct State {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    known: HashMap<String, Known>,
    in_flight: HashSet<String>,
    /// Bumped when the settings change: a fetch started before does not store its answer.
    generation: u64,
}

struct Known {
    answer: Answer,
    at: Instant,
}

type Answer = Result<(Digest, Arc<Bundle>), String>;

impl State {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|it| it.into_inner())
    }

    fn answer(&self, reference: &str) -> Option<Answer> {
        self.lock().known.get(reference).map(|it| it.answer.clone())
    }

    /// Forgets every answer: the settings that produced them changed.
    pub fn reset(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.known.clear();
        inner.in_flight.clear();
    }
}

/// The resolver one validation runs with: local refs under `root`, `oci://` ones from `state` (none:
/// nothing is known, as for a contract read outside the session).
pub struct EditorResolver<'a> {
    local: DirResolver,
    state: Option<&'a State>,
    /// Every `oci://` ref the validation asked for, in order, for [`document_changed`] to fetch.
    asked: Mutex<Vec<String>>,
}

impl<'a> EditorResolver<'a> {
    pub fn new(root: PathBuf, state: Option<&'a State>) -> EditorResolver<'a> {
        EditorResolver { local: DirResolver { root }, state, asked: Mutex::new(Vec::new()) }
    }

    pub fn into_asked(self) -> Vec<String> {
        self.asked.into_inner().unwrap_or_else(|it| it.into_inner())
    }
}

impl RefResolver for EditorResolver<'_> {
    fn resolve(&self, base: Option<&str>, reference: &str) -> Result<ResolvedBundle, String> {
        if reference.starts_with("oci://") {
            let mut asked = self.asked.lock().unwrap_or_else(|it| it.into_inner());
            if !asked.iter().any(|it| it == reference) {
                asked.push(reference.to_owned());
            }
            return match self.state.and_then(|it| it.answer(reference)) {
                Some(Ok((digest, bundle))) => {
                    Ok(ResolvedBundle { id: format!("{OCI_BASE}{digest}"), files: Box::new(Shared(bundle)) })
                }
                Some(Err(cause)) => Err(cause),
                None => Err(NOT_FETCHED.to_owned()),
            };
        }
        if base.is_some_and(|it| it.starts_with(OCI_BASE)) {
            return Err("local reference inside an OCI bundle cannot be resolved".to_owned());
        }
        self.local.resolve(base, reference)
    }
}

/// A fetched bundle, shared with the state rather than copied per validation.
struct Shared(Arc<Bundle>);

impl BundleFiles for Shared {
    fn contains(&self, path: &str) -> bool {
        BundleFiles::contains(self.0.as_ref(), path)
    }

    fn is_file(&self, path: &str) -> bool {
        BundleFiles::is_file(self.0.as_ref(), path)
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        BundleFiles::read(self.0.as_ref(), path)
    }
}

/// A new version was analysed: fetch the `oci://` policy refs its validation asked for, unless known
/// and recent (never awaited by the caller).
pub fn document_changed(ctx: &Ctx, analysis: &Analysis) {
    for reference in &analysis.policy_refs {
        ensure(ctx, reference);
    }
}

fn ensure(ctx: &Ctx, reference: &str) {
    let state = &ctx.session.policy_refs;
    let generation = {
        let mut inner = state.lock();
        if let Some(known) = inner.known.get(reference) {
            let fresh_for = if known.answer.is_ok() { RECHECK_AFTER } else { RETRY_AFTER };
            if known.at.elapsed() < fresh_for {
                return;
            }
        }
        if !inner.in_flight.insert(reference.to_owned()) {
            return;
        }
        inner.generation
    };
    let ctx = ctx.clone();
    let reference = reference.to_owned();
    tokio::spawn(async move {
        let answer = fetch(&ctx, &reference).await;
        let state = &ctx.session.policy_refs;
        let nested = answer.as_ref().map(|(_, bundle)| nested_refs(bundle)).unwrap_or_default();
        let changed = {
            let mut inner = state.lock();
            if inner.generation != generation {
                return;
            }
            inner.in_flight.remove(&reference);
            let before = inner.known.get(&reference).map(|it| summary(&it.answer));
            let changed = before != Some(summary(&answer));
            inner.known.insert(reference, Known { answer, at: Instant::now() });
            changed
        };
        // A provider's own `oci://` refs are needed by the next validation: fetched now, not after it.
        for it in nested {
            ensure(&ctx, &it);
        }
        if changed {
            // The policy layer is part of validation: the server has the analyses that asked made again.
            ctx.say(Learned::Policies);
        }
    });
}

/// What makes two answers differ for the documents: the digest, or the failure's text.
fn summary(answer: &Answer) -> Result<Digest, String> {
    answer.as_ref().map(|(digest, _)| digest.clone()).map_err(Clone::clone)
}

/// The bundle a ref names, through the session's resolver and cache; a failure in `pacto validate`'s words.
async fn fetch(ctx: &Ctx, reference: &str) -> Answer {
    let settings = ctx.session.settings();
    let location = reference.strip_prefix("oci://").unwrap_or(reference);
    let Some(resolver) = ctx.session.deps.shared_resolver(&settings) else {
        return Err("the registry settings are not usable (see the server's log)".to_owned());
    };
    let resolved = pacto_oci::graph_fetch::pull_resolved(&resolver, location, "").await?;
    Ok((resolved.digest, resolved.bundle))
}

/// The `oci://` refs of a provider bundle's own `policies[]`.
fn nested_refs(bundle: &Bundle) -> Vec<String> {
    let Some(text) = bundle.contract().and_then(|it| std::str::from_utf8(it).ok()) else {
        return Vec::new();
    };
    let parse = pacto_core::syntax::parse(text);
    let contract = pacto_core::v2::from_tree(parse.root.as_ref()).contract;
    let refs = contract.policies.iter().map(|it| pacto_core::contract::text(&it.reference));
    refs.filter(|it| it.starts_with("oci://")).map(str::to_owned).collect()
}

/// Hover on an `oci://` `policies[].ref`: what the editor holds of it (never the network).
pub fn hover(state: &State, analysis: &Analysis, offset: usize) -> Option<RegistryHover> {
    let policies = &analysis.v2()?.policies;
    let field = policies.iter().filter_map(|it| it.reference.as_ref()).find(|it| it.span.touches(offset))?;
    if !field.value.starts_with("oci://") {
        return None;
    }
    let status = match state.answer(&field.value) {
        None => "Policy bundle: not fetched yet.".to_owned(),
        Some(Ok((digest, _))) => format!("Policy bundle `{digest}`, enforced on this contract."),
        Some(Err(cause)) => format!("Policy bundle not resolved: {cause}"),
    };
    Some(RegistryHover { span: field.span, markdown: format!("**`{}`**\n\n{status}", field.value) })
}
