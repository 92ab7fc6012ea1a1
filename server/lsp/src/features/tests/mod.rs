//! Table tests of the features on `$0` fixtures (see `crate::fixture`), one file per feature; snapshots are
//! rewritten with `UPDATE_EXPECT=1 cargo test -p pacto-lsp`.

mod code_action;
mod completion;
mod definition;
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
