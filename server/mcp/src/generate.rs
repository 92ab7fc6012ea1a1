//! `pacto_generate_contract`: a starter contract from a few answers. The 1.0 output is the
//! reference's, byte for byte, for the same inputs (agents and their tests compare it), so an
//! interface in it lacks the contract file 1.0 requires; 2.0 is ours and validates with no errors.

/// The answers the tool takes.
pub struct Answers<'a> {
    pub service_name: &'a str,
    pub language: &'a str,
    pub exposes_http: bool,
    pub exposes_grpc: bool,
    pub needs_database: bool,
    pub needs_cache: bool,
}

pub fn contract_v1(answers: &Answers<'_>) -> String {
    let mut out =
        format!("pactoVersion: \"1.0\"\n\nservice:\n  name: {}\n  version: \"0.1.0\"\n", answers.service_name);
    if !answers.language.is_empty() {
        out.push_str(&format!("\nmetadata:\n  language: {}\n", answers.language));
    }
    interfaces(answers, &mut out, |name, kind, port, visibility| {
        format!("  - name: {name}\n    type: {kind}\n    port: {port}\n    visibility: {visibility}\n")
    });
    dependencies(
        answers,
        &mut out,
        "\ndependencies:\n",
        "  - ref: postgres\n    required: true\n    compatibility: \"^1.0.0\"\n",
        "  - ref: redis\n    required: false\n    compatibility: \"^1.0.0\"\n",
    );
    let (state, scope, durability, criticality) = if answers.needs_database {
        ("stateful", "shared", "persistent", "medium")
    } else {
        ("stateless", "local", "ephemeral", "low")
    };
    out.push_str(&format!(
        "\nruntime:\n  workload: service\n  state:\n    type: {state}\n    persistence:\n      scope: {scope}\n      durability: {durability}\n    dataCriticality: {criticality}\n"
    ));
    if answers.exposes_http {
        out.push_str("  health:\n    interface: http-api\n    path: /health\n");
    }
    out
}

/// The 2.0 starter: the same answers in the 2.0 model (pacto-v2.md §1): a workload, interfaces
/// without ports (ports belong to deployment), and dependencies as `oci://` refs are not
/// guessed, so the database and cache are left as comments for the agent to fill in.
pub fn contract_v2(answers: &Answers<'_>) -> String {
    let mut out =
        format!("pactoVersion: \"2.0\"\n\nservice:\n  name: {}\n  version: \"0.1.0\"\n", answers.service_name);
    out.push_str("\nworkload: service\n");
    // 2.0 names each interface's definition file (`ref`); the agent adds those files.
    interfaces(answers, &mut out, |name, kind, _port, visibility| {
        let (kind, file) =
            if kind == "http" { ("openapi", "interfaces/openapi.yaml") } else { (kind, "interfaces/service.proto") };
        format!("  - name: {name}\n    type: {kind}\n    visibility: {visibility}\n    ref: {file}\n")
    });
    dependencies(
        answers,
        &mut out,
        "\n# Dependencies are other contracts: add each as\n#   - ref: oci://<registry>/<repository>\n#     compatibility: \"^1.0.0\"\n",
        "# The service needs a database.\n",
        "# The service needs a cache.\n",
    );
    if !answers.language.is_empty() {
        out.push_str(&format!("\nmetadata:\n  language: {}\n", answers.language));
    }
    out
}

fn interfaces(answers: &Answers<'_>, out: &mut String, item: impl Fn(&str, &str, u16, &str) -> String) {
    if !answers.exposes_http && !answers.exposes_grpc {
        return;
    }
    out.push_str("\ninterfaces:\n");
    if answers.exposes_http {
        out.push_str(&item("http-api", "http", 8080, "public"));
    }
    if answers.exposes_grpc {
        out.push_str(&item("grpc-api", "grpc", 9090, "internal"));
    }
}

/// The dependencies part, as `interfaces` does the interfaces: `heading` once, then the text of
/// the database and of the cache where the answers need them; nothing when they need neither.
fn dependencies(answers: &Answers<'_>, out: &mut String, heading: &str, database: &str, cache: &str) {
    if !answers.needs_database && !answers.needs_cache {
        return;
    }
    out.push_str(heading);
    if answers.needs_database {
        out.push_str(database);
    }
    if answers.needs_cache {
        out.push_str(cache);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(http: bool, database: bool) -> Answers<'static> {
        Answers {
            service_name: "orders",
            language: "go",
            exposes_http: http,
            exposes_grpc: true,
            needs_database: database,
            needs_cache: true,
        }
    }

    #[test]
    fn v1_is_the_reference_layout() {
        let text = contract_v1(&answers(true, true));
        assert_eq!(
            text,
            "pactoVersion: \"1.0\"\n\nservice:\n  name: orders\n  version: \"0.1.0\"\n\nmetadata:\n  language: go\n\n\
interfaces:\n  - name: http-api\n    type: http\n    port: 8080\n    visibility: public\n  - name: grpc-api\n    type: grpc\n    port: 9090\n    visibility: internal\n\n\
dependencies:\n  - ref: postgres\n    required: true\n    compatibility: \"^1.0.0\"\n  - ref: redis\n    required: false\n    compatibility: \"^1.0.0\"\n\n\
runtime:\n  workload: service\n  state:\n    type: stateful\n    persistence:\n      scope: shared\n      durability: persistent\n    dataCriticality: medium\n  health:\n    interface: http-api\n    path: /health\n"
        );
    }

    fn errors(text: &str) -> Vec<String> {
        let validation = pacto_core::validate::validate(text, None, pacto_core::validate::Mode::Reference);
        validation.errors().map(|it| format!("{}: {}", it.code, it.message)).collect()
    }

    /// The reference's 1.0 starter names no interface contract file, which 1.0 requires of a
    /// gRPC interface; we keep its text (agents compare it) and say so in the README. 2.0 names
    /// its interface files and validates once the agent adds them.
    #[test]
    fn what_each_variant_validates_to() {
        for http in [false, true] {
            for database in [false, true] {
                assert_eq!(errors(&contract_v2(&answers(http, database))), Vec::<String>::new());
                let mut without_grpc = answers(http, database);
                without_grpc.exposes_grpc = false;
                assert_eq!(errors(&contract_v1(&without_grpc)), Vec::<String>::new());
            }
        }
        assert_eq!(
            errors(&contract_v1(&answers(true, false))),
            ["SCHEMA_VIOLATION: at '/interfaces/1': missing property 'contract'"]
        );
    }
}
