//! Diff of two 60-line contracts whose HTTP interface points at a 100-path OpenAPI spec, the
//! issue's figure (≤ 2 ms): both contracts parsed from text, their sections compared, both specs
//! read and diffed, changes sorted. Between the two versions 12 of the 100 path items change.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pacto_core::contract::{Contract, from_tree};
use pacto_core::diff::{BundleReader, compare};
use pacto_core::syntax::parse;

/// One OpenAPI file in memory.
struct Spec(String);

impl BundleReader for Spec {
    fn read(&self, path: &str) -> Option<String> {
        (path == "interfaces/openapi.yaml").then(|| self.0.clone())
    }

    fn list(&self, _dir: &str) -> Vec<String> {
        Vec::new()
    }
}

/// A contract of about 60 lines; `bump` changes the version, a port, scaling and a dependency tag.
fn contract(bump: bool) -> String {
    let version = if bump { "1.1.0" } else { "1.0.0" };
    let mut out = format!(
        "pactoVersion: \"1.0\"\nservice:\n  name: orders\n  version: {version}\n  owner: team/orders\ninterfaces:\n  - name: api\n    type: http\n    port: 8080\n    contract: interfaces/openapi.yaml\n"
    );
    for idx in 0..5 {
        let port = if bump && idx == 2 { 9999 } else { 9000 + idx };
        out.push_str(&format!("  - name: extra-{idx}\n    type: http\n    port: {port}\n    visibility: internal\n"));
    }
    out.push_str("dependencies:\n");
    for idx in 0..5 {
        let tag = if bump && idx == 0 { "2.0.0" } else { "1.0.0" };
        out.push_str(&format!(
            "  - ref: oci://ghcr.io/acme/dep-{idx}:{tag}\n    required: true\n    compatibility: \"^1.0.0\"\n"
        ));
    }
    let scaling = if bump { "  min: 2\n  max: 8\n" } else { "  min: 1\n  max: 4\n" };
    out.push_str(&format!(
        "runtime:\n  workload: service\n  state:\n    type: stateless\n    persistence: {{scope: local, durability: ephemeral}}\n    dataCriticality: low\nscaling:\n{scaling}"
    ));
    out
}

/// A spec with 100 paths, each with GET (parameters, responses) and POST (request body).
fn spec(bump: bool) -> String {
    spec_with(bump, "ok")
}

/// As [`spec`], `ok` being the description of every GET 200: a new one changes all 100 items.
fn spec_with(bump: bool, ok: &str) -> String {
    let mut out = String::from("openapi: 3.0.0\ninfo: {title: orders, version: 1.0.0}\npaths:\n");
    for idx in 0..100 {
        out.push_str(&format!(
            "  /orders/{idx}:\n    get:\n      parameters:\n        - {{name: filter, in: query}}\n        - {{name: limit, in: query, required: {}}}\n      responses:\n        \"200\": {{description: {ok}}}\n        \"404\": {{description: missing}}\n",
            bump && idx % 10 == 0,
        ));
        if !(bump && idx % 25 == 0) {
            out.push_str("    post:\n      requestBody: {content: {application/json: {schema: {type: object}}}}\n      responses:\n        \"201\": {description: created}\n");
        }
    }
    out
}

fn decode(text: &str) -> Contract {
    from_tree(parse(text).root.as_ref()).contract
}

fn bench(c: &mut Criterion) {
    let (old_text, new_text) = (contract(false), contract(true));
    assert!((55..=65).contains(&old_text.lines().count()), "{} lines", old_text.lines().count());
    let (old_files, new_files) = (Spec(spec(false)), Spec(spec(true)));
    c.bench_function("diff_60_line_contracts_100_path_openapi", |b| {
        b.iter(|| {
            let (old, new) = (decode(black_box(&old_text)), decode(black_box(&new_text)));
            compare(&old, &new, &old_files, &new_files)
        })
    });
    // The worst case: every path item differs, so every one is parsed and compared.
    let (old, new) = (decode(&old_text), decode(&new_text));
    let every_item_changed = Spec(spec_with(true, "fine"));
    c.bench_function("diff_100_path_openapi_every_item_changed", |b| {
        b.iter(|| compare(black_box(&old), black_box(&new), &old_files, &every_item_changed))
    });
    // Parsing both specs whole, as the diff did before shared path items were cut out first.
    c.bench_function("diff_parse_two_100_path_specs", |b| {
        b.iter(|| (parse(black_box(&old_files.0)), parse(black_box(&new_files.0))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
