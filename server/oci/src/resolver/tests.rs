//! The resolver against a loopback HTTP server that counts requests and how many overlap.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::*;
use crate::transport::ClientOptions;

/// How long the server holds each tag list: long enough that every concurrent caller is waiting.
const HOLD: Duration = Duration::from_millis(500);

#[derive(Default)]
struct Counts {
    tag_lists: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// A registry that answers `/v2/` and, after [`HOLD`], every tag list with `1.0.0`, `1.1.0`, `2.0.0`.
fn tag_server() -> (String, Arc<Counts>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let counts = Arc::new(Counts::default());
    let shared = counts.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let counts = shared.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    return;
                }
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                let path = request_line.split(' ').nth(1).unwrap_or_default().to_owned();
                let body = if path.contains("/tags/list") {
                    counts.tag_lists.fetch_add(1, Ordering::SeqCst);
                    let now = counts.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    counts.max_in_flight.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(HOLD);
                    counts.in_flight.fetch_sub(1, Ordering::SeqCst);
                    r#"{"name":"x","tags":["1.0.0","1.1.0","2.0.0"]}"#
                } else {
                    "{}"
                };
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    (addr, counts)
}

fn resolver(offline: bool) -> Arc<Resolver> {
    let options =
        ResolverOptions { offline, tag_ttl: Duration::from_secs(60), trust_stored_tags: true, limits: Limits::DEFAULT };
    Arc::new(Resolver::new(Client::new(ClientOptions::DEFAULT), None, options))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

#[test]
fn concurrent_tag_lookups_of_one_repository_share_one_request() {
    let (addr, counts) = tag_server();
    let resolver = resolver(false);
    let reference = Reference::parse(&format!("{addr}/acme/billing")).unwrap();
    let lists = runtime().block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let (resolver, reference) = (resolver.clone(), reference.clone());
            tasks.spawn(async move { resolver.tags(&reference).await });
        }
        tasks.join_all().await
    });
    assert_eq!(counts.tag_lists.load(Ordering::SeqCst), 1);
    for list in lists {
        assert_eq!(*list.unwrap().tags, ["1.0.0", "1.1.0", "2.0.0"]);
    }
    // Within the time to live the list answers from memory.
    runtime().block_on(resolver.tags(&reference)).unwrap();
    assert_eq!(counts.tag_lists.load(Ordering::SeqCst), 1);
}

#[test]
fn requests_to_one_registry_are_capped() {
    let (addr, counts) = tag_server();
    let resolver = resolver(false);
    let n_repositories = 2 * MAX_REQUESTS_PER_REGISTRY + 1;
    runtime().block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for idx in 0..n_repositories {
            let resolver = resolver.clone();
            let reference = Reference::parse(&format!("{addr}/acme/service-{idx}")).unwrap();
            tasks.spawn(async move { resolver.tags(&reference).await.unwrap() });
        }
        tasks.join_all().await
    });
    assert_eq!(counts.tag_lists.load(Ordering::SeqCst), n_repositories);
    assert_eq!(counts.max_in_flight.load(Ordering::SeqCst), MAX_REQUESTS_PER_REGISTRY);
}

#[test]
fn tag_less_reference_takes_the_highest_tag_within_compatibility() {
    let (addr, _) = tag_server();
    let resolver = resolver(false);
    // The tags come from the server; the pull of `1.1.0` then fails with a non-manifest body, which
    // is the artifact's fault, not the choice's.
    let err = runtime().block_on(resolver.resolve_oci(&format!("{addr}/acme/billing"), "^1.0.0")).unwrap_err();
    assert!(
        matches!(&err, Failure::Invalid { reference, .. } if reference.ends_with("/acme/billing:1.1.0")),
        "{err:?}"
    );
    let err = runtime().block_on(resolver.resolve_oci(&format!("{addr}/acme/billing"), "^3.0.0")).unwrap_err();
    assert_eq!(
        err,
        Failure::NoVersionSatisfies { repository: format!("{addr}/acme/billing"), constraint: "^3.0.0".into() }
    );
}

#[test]
fn offline_never_uses_the_network() {
    let (addr, counts) = tag_server();
    let resolver = resolver(true);
    let err = runtime().block_on(resolver.resolve_oci(&format!("{addr}/acme/billing:1.0.0"), "")).unwrap_err();
    assert_eq!(err, Failure::Offline { reference: format!("{addr}/acme/billing:1.0.0") });
    let err = runtime().block_on(resolver.resolve_oci(&format!("{addr}/acme/billing"), "")).unwrap_err();
    assert_eq!(err, Failure::Offline { reference: format!("{addr}/acme/billing") });
    assert_eq!(counts.tag_lists.load(Ordering::SeqCst), 0);
}

#[test]
fn unreachable_registry_is_a_failure_with_its_cause() {
    // Port 9 (discard) is closed on loopback: the connection is refused at once.
    let resolver = resolver(false);
    let err = runtime().block_on(resolver.resolve_oci("127.0.0.1:9/acme/billing", "")).unwrap_err();
    assert!(matches!(&err, Failure::Unreachable { registry, .. } if registry == "127.0.0.1:9"), "{err:?}");
}

#[test]
fn local_refs_name_their_contract_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("db")).unwrap();
    std::fs::write(dir.path().join("db/pacto.yaml"), "pactoVersion: \"1.0\"\n").unwrap();
    let resolver = resolver(true);
    let found = runtime().block_on(resolver.resolve("file://db", "", Some(dir.path()))).unwrap();
    let Resolution::Local { contract } = found else { panic!("not local") };
    assert_eq!(contract, dir.path().join("db/pacto.yaml").canonicalize().unwrap());
    let err = runtime().block_on(resolver.resolve("./missing", "", Some(dir.path()))).unwrap_err();
    assert_eq!(err, Failure::LocalNotFound { path: dir.path().join("./missing").join("pacto.yaml") });
}

#[test]
fn tag_lists_are_kept_in_the_disk_cache_for_the_next_session() {
    let (addr, counts) = tag_server();
    let dir = tempfile::tempdir().unwrap();
    let reference = Reference::parse(&format!("{addr}/acme/billing")).unwrap();
    let with_cache = |offline: bool| {
        let options = ResolverOptions {
            offline,
            tag_ttl: Duration::from_secs(60),
            trust_stored_tags: true,
            limits: Limits::DEFAULT,
        };
        Resolver::new(Client::new(ClientOptions::DEFAULT), Some(Cache::new(dir.path().to_path_buf())), options)
    };
    runtime().block_on(with_cache(false).tags(&reference)).unwrap();
    // A new session within the time to live, and an offline one, read the list back without a request.
    let again = runtime().block_on(with_cache(false).tags(&reference)).unwrap();
    let offline = runtime().block_on(with_cache(true).tags(&reference)).unwrap();
    assert_eq!(counts.tag_lists.load(Ordering::SeqCst), 1);
    assert_eq!(*again.tags, ["1.0.0", "1.1.0", "2.0.0"]);
    assert!(!again.stale);
    assert_eq!(*offline.tags, *again.tags);
}

#[test]
fn pulling_a_pinned_reference_lists_no_tags_and_keeps_the_registry_error() {
    let (addr, counts) = tag_server();
    let resolver = resolver(false);
    let location = format!("{addr}/acme/billing:1.0.0");
    let err = runtime().block_on(resolver.pull_oci(&location, "^1.0.0")).unwrap_err();
    assert_eq!(counts.tag_lists.load(Ordering::SeqCst), 0);
    let cause = err.cause.expect("the registry's own error");
    let words = format!("invalid artifact {location}: invalid manifest: schemaVersion is missing, expected 2");
    assert_eq!(cause.to_string(), words);
    assert_eq!(err.failure, Failure::Invalid { reference: location.clone(), reason: cause.to_string() });
    // Hover and diagnostics also want the pinned reference's tags.
    runtime().block_on(resolver.resolve_oci(&location, "^1.0.0")).unwrap_err();
    assert_eq!(counts.tag_lists.load(Ordering::SeqCst), 1);
}

/// `pacto graph` resolves through one resolver per run: a repository named on two levels is listed once,
/// and failures keep the reference's words (the registry's error, spec §5.5).
#[test]
fn a_graph_resolution_lists_a_repository_once_and_words_failures_as_the_reference() {
    use crate::graph_fetch::{GraphFetcher, Registry};
    use pacto_core::graph::{BatchFetcher, Wanted};

    let (addr, counts) = tag_server();
    let registry = Registry::Online { options: Ok(ClientOptions::DEFAULT), cache: None };
    let mut fetcher = GraphFetcher::new(PathBuf::from("."), registry);
    let wanted = |compatibility: &str| Wanted {
        reference: DependencyRef::Oci(format!("{addr}/acme/billing")),
        compatibility: compatibility.to_owned(),
    };
    let first: Vec<String> =
        fetcher.fetch_all(&[wanted("^1.0.0"), wanted("^2.0.0")]).into_iter().map(Result::unwrap_err).collect();
    let second: Vec<String> = fetcher.fetch_all(&[wanted("^3.0.0")]).into_iter().map(Result::unwrap_err).collect();
    assert_eq!(counts.tag_lists.load(Ordering::SeqCst), 1);
    let invalid = |tag: &str| {
        format!("invalid artifact {addr}/acme/billing:{tag}: invalid manifest: schemaVersion is missing, expected 2")
    };
    assert_eq!(first, [invalid("1.1.0"), invalid("2.0.0")]);
    assert_eq!(second, [r#"no tags satisfy constraint "^3.0.0""#]);
}
