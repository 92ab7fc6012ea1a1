//! Parse plus all three layers ("everything" mode, as the editor runs it) on the shipped
//! example and on a generated 5,000-line contract; for format 2.0, the reference pipeline (as
//! `pacto validate` runs it) on the 2.0 example with its spec, schema and policy files in memory.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pacto_core::validate::{BundleFiles, Mode, validate};

/// Every referenced file exists, so FILE_NOT_FOUND checks run without touching the disk.
struct AllFiles;

impl BundleFiles for AllFiles {
    fn contains(&self, _path: &str) -> bool {
        true
    }
}

const EXAMPLE: &str = include_str!("../../../examples/payments-api/pacto.yaml");

const EXAMPLE_V2: &str = include_str!("../../../examples/payments-api-v2/pacto.yaml");

/// The files of `examples/payments-api-v2`, so the 2.0 content rules and the policy read them
/// without touching the disk.
struct ExampleV2Files;

impl BundleFiles for ExampleV2Files {
    fn contains(&self, path: &str) -> bool {
        self.read(path).is_some()
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let text = match path {
            "interfaces/openapi.yaml" => include_str!("../../../examples/payments-api-v2/interfaces/openapi.yaml"),
            "interfaces/events.yaml" => include_str!("../../../examples/payments-api-v2/interfaces/events.yaml"),
            "interfaces/payments.proto" => include_str!("../../../examples/payments-api-v2/interfaces/payments.proto"),
            "configuration/schema.json" => {
                include_str!("../../../examples/payments-api-v2/configuration/schema.json")
            }
            "policy/schema.json" => include_str!("../../../examples/payments-api-v2/policy/schema.json"),
            _ => return None,
        };
        Some(text.as_bytes().to_vec())
    }
}

/// A valid contract of about `lines` lines: many interfaces and dependencies, some metadata.
fn generated_contract(lines: usize) -> String {
    let mut out = String::from(
        "pactoVersion: \"1.0\"\nservice:\n  name: big-service\n  version: 3.2.1\n  owner: team/platform\ninterfaces:\n",
    );
    let mut idx = 0;
    while out.lines().count() < lines / 2 {
        out.push_str(&format!(
            "  - name: api-{idx}\n    type: http\n    port: {}\n    visibility: internal\n    contract: interfaces/api-{idx}.yaml\n",
            1000 + idx % 60000
        ));
        idx += 1;
    }
    out.push_str("dependencies:\n");
    let mut dep = 0;
    while out.lines().count() < lines - 20 {
        out.push_str(&format!(
            "  - ref: oci://ghcr.io/acme/dep-{dep}:1.{dep}.0@sha256:{:064x}\n    required: true\n    compatibility: \"^1.0.0\"\n",
            dep
        ));
        dep += 1;
    }
    out.push_str(
        "runtime:\n  workload: service\n  state:\n    type: stateful\n    persistence:\n      scope: local\n      durability: persistent\n    dataCriticality: high\n  health:\n    interface: api-0\n    path: /health\nscaling:\n  min: 2\n  max: 10\nmetadata:\n  team: platform\n",
    );
    out
}

fn bench(c: &mut Criterion) {
    let big = generated_contract(5_000);
    assert!(validate(EXAMPLE, Some(&AllFiles), Mode::Everything).is_valid());
    assert!(validate(&big, Some(&AllFiles), Mode::Everything).is_valid());
    c.bench_function("everything/example-67-lines", |b| {
        b.iter(|| validate(black_box(EXAMPLE), Some(&AllFiles), Mode::Everything))
    });
    let v2_lines = EXAMPLE_V2.lines().count();
    let v2 = validate(EXAMPLE_V2, Some(&ExampleV2Files), Mode::Reference);
    assert!(v2.is_valid() && v2.diagnostics.is_empty(), "{:?}", v2.diagnostics);
    c.bench_function(&format!("reference-v2/example-{v2_lines}-lines"), |b| {
        b.iter(|| validate(black_box(EXAMPLE_V2), Some(&ExampleV2Files), Mode::Reference))
    });
    c.bench_function(&format!("everything-v2/example-{v2_lines}-lines"), |b| {
        b.iter(|| validate(black_box(EXAMPLE_V2), Some(&ExampleV2Files), Mode::Everything))
    });
    c.bench_function(&format!("everything/generated-{}-lines", big.lines().count()), |b| {
        b.iter(|| validate(black_box(&big), Some(&AllFiles), Mode::Everything))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
