//! Table tests of the features on `$0` fixtures (see `crate::fixture`), one file per feature; snapshots are
//! rewritten with `UPDATE_EXPECT=1 cargo test -p pacto-lsp`.

mod code_action;
mod completion;
mod definition;
mod diagnostics;
mod hover;
mod references;
mod structure;
mod symbols;

/// The contract most fixtures start from: valid, with an interface of each kind.
const BASE: &str = r#"
pactoVersion: "1.0"
service:
  name: payments
  version: 1.2.0
  owner: team/payments
interfaces:
  - name: api
    type: http
    port: 8080
    contract: interfaces/openapi.yaml
  - name: events
    type: event
    contract: interfaces/events.yaml
runtime:
  workload: service
  state:
    type: stateless
    persistence:
      scope: local
      durability: ephemeral
    dataCriticality: low
  health:
    interface: api
    path: /health
//- interfaces/openapi.yaml
openapi: 3.0.0
//- interfaces/events.yaml
asyncapi: 2.6.0
"#;

/// `BASE` with `$0` put before the `nth` (0-based) occurrence of `needle`, shifted by `delta` bytes.
fn base_at(needle: &str, nth: usize, delta: usize) -> String {
    let (at, _) = BASE.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle:?} #{nth} not in BASE"));
    let at = at + delta;
    format!("{}$0{}", &BASE[..at], &BASE[at..])
}

/// The 2.0 contract the 2.0 fixtures start from: valid, with every section that names something.
const BASE_V2: &str = r#"
pactoVersion: "2.0"
service:
  name: payments
  version: 1.2.0
  owner:
    team: payments
interfaces:
  - name: rest-api
    type: openapi
    ref: interfaces/openapi.yaml
    visibility: public
  - name: events
    type: asyncapi
    ref: interfaces/events.yaml
configurations:
  - name: default
    schema: configuration/schema.json
    required: true
policies:
  - name: standards
    schema: policy/schema.json
dependencies:
  - name: auth
    ref: ../auth
    required: true
    compatibility: ^2.0.0
workload: service
state:
  type: stateless
  persistence:
    scope: local
    durability: ephemeral
  dataCriticality: low
capabilities:
  - type: health
    binding:
      type: http
      interface: rest-api
      path: /health
  - type: extension
    ref: acme.example/pci
readiness:
  expires: 2099-06-30
  claims:
    - id: runbook
      type: document
      status: done
      evidence: docs/README.md
      weight: 100
//- interfaces/openapi.yaml
openapi: 3.0.0
//- interfaces/events.yaml
asyncapi: 2.6.0
//- configuration/schema.json
{"type": "object"}
//- policy/schema.json
{"required": ["service"]}
"#;

/// `BASE_V2` with `$0` put before the `nth` (0-based) occurrence of `needle`, shifted by `delta` bytes.
fn base_v2_at(needle: &str, nth: usize, delta: usize) -> String {
    let (at, _) = BASE_V2.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle:?} #{nth} not in BASE_V2"));
    let at = at + delta;
    format!("{}$0{}", &BASE_V2[..at], &BASE_V2[at..])
}

#[test]
fn base_v2_is_a_valid_2_0_contract() {
    let it = crate::fixture::fixture(BASE_V2);
    assert_eq!(it.analysis.format(), pacto_core::validate::Format::V2);
    let found: Vec<String> = it.analysis.validation.diagnostics.iter().map(|it| it.message.clone()).collect();
    assert_eq!(found, Vec::<String>::new());
}
