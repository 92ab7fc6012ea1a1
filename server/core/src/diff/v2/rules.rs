//! The 2.0 rule table (pacto-v2.md §5.2): one `match` on (rule path, change type); any pair not
//! listed is POTENTIAL_BREAKING. Walk paths are classified by `walk::classify` instead.

use super::super::{ChangeType, Classification};

pub fn classify(rule: &str, change_type: ChangeType) -> Classification {
    use ChangeType::{Added, Modified, Removed};
    use Classification::{Breaking, NonBreaking, PotentialBreaking};
    match (rule, change_type) {
        ("pactoVersion", _) => NonBreaking,
        ("service.name", Modified) => Breaking,
        ("service.version", Modified) => NonBreaking,
        ("service.owner.team" | "service.owner.dri" | "service.owner.contacts", _) => NonBreaking,
        ("workload", Added | Removed) => NonBreaking,
        ("workload", Modified) => Breaking,
        ("state.type" | "state.persistence.scope" | "state.persistence.durability", Modified) => Breaking,
        ("state.dataCriticality", Added | Removed) => NonBreaking,
        ("state.dataCriticality", Modified) => PotentialBreaking,
        ("capabilities", Added) => NonBreaking,
        ("capabilities", Removed) => PotentialBreaking,
        ("interfaces", Added) => NonBreaking,
        ("interfaces", Removed) => Breaking,
        ("interfaces.type", Modified) => Breaking,
        ("interfaces.ref" | "interfaces.visibility", Modified) => PotentialBreaking,
        ("configurations", Added) => NonBreaking,
        ("configurations", Removed) => Breaking,
        ("configurations.schema", Removed) => Breaking,
        ("configurations.schema", Modified) => PotentialBreaking,
        ("configurations.ref", Added) => NonBreaking,
        ("configurations.ref", Removed) => Breaking,
        ("configurations.ref", Modified) => PotentialBreaking,
        ("policies", Added) => NonBreaking,
        ("policies", Removed) => PotentialBreaking,
        ("policies.schema", Modified) => PotentialBreaking,
        ("policies.ref", Added) => NonBreaking,
        ("policies.ref", Removed | Modified) => PotentialBreaking,
        ("dependencies", Added) => NonBreaking,
        ("dependencies", Removed) => Breaking,
        ("dependencies.ref" | "dependencies.compatibility" | "dependencies.required", Modified) => PotentialBreaking,
        ("readiness", Added | Removed) => NonBreaking,
        ("readiness.minScore" | "readiness.expires" | "readiness.partialCredit" | "readiness.claims", _) => NonBreaking,
        ("openapi.paths" | "openapi.methods", Added) => NonBreaking,
        ("openapi.paths" | "openapi.methods", Removed) => Breaking,
        ("openapi.parameters", Added | Modified) => PotentialBreaking,
        ("openapi.parameters", Removed) => Breaking,
        ("openapi.responses", Added) => NonBreaking,
        ("openapi.responses", Removed) => Breaking,
        ("asyncapi.channels" | "asyncapi.operations", Added) => NonBreaking,
        ("asyncapi.channels" | "asyncapi.operations", Removed) => Breaking,
        ("grpc.services" | "grpc.messages", Added) => NonBreaking,
        ("grpc.services" | "grpc.messages", Removed) => Breaking,
        ("grpc.rpcs" | "grpc.messages.fields", Added) => NonBreaking,
        ("grpc.rpcs" | "grpc.messages.fields", Removed | Modified) => Breaking,
        _ => PotentialBreaking,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::classify;
    use crate::diff::classify::rule_table;

    /// Every row of the table, with all three change types, so a row that drifts shows up.
    const RULES: &[&str] = &[
        "pactoVersion",
        "service.name",
        "service.version",
        "service.owner.team",
        "service.owner.dri",
        "service.owner.contacts",
        "workload",
        "state.type",
        "state.persistence.scope",
        "state.persistence.durability",
        "state.dataCriticality",
        "capabilities",
        "interfaces",
        "interfaces.type",
        "interfaces.ref",
        "interfaces.visibility",
        "configurations",
        "configurations.schema",
        "configurations.ref",
        "policies",
        "policies.schema",
        "policies.ref",
        "policy/schema.json",
        "dependencies",
        "dependencies.ref",
        "dependencies.compatibility",
        "dependencies.required",
        "readiness",
        "readiness.minScore",
        "readiness.expires",
        "readiness.partialCredit",
        "readiness.claims",
        "openapi.paths",
        "openapi.methods",
        "openapi.parameters",
        "openapi.request-body",
        "openapi.responses",
        "asyncapi.channels",
        "asyncapi.operations",
        "grpc.services",
        "grpc.messages",
        "grpc.rpcs",
        "grpc.messages.fields",
        "metadata.unknown",
    ];

    #[test]
    fn classify_every_2_0_rule_and_the_default() {
        let out = rule_table(RULES, 30, classify);
        expect![[r#"
            pactoVersion                   NON_BREAKING NON_BREAKING NON_BREAKING
            service.name                   POTENTIAL_BREAKING POTENTIAL_BREAKING BREAKING
            service.version                POTENTIAL_BREAKING POTENTIAL_BREAKING NON_BREAKING
            service.owner.team             NON_BREAKING NON_BREAKING NON_BREAKING
            service.owner.dri              NON_BREAKING NON_BREAKING NON_BREAKING
            service.owner.contacts         NON_BREAKING NON_BREAKING NON_BREAKING
            workload                       NON_BREAKING NON_BREAKING BREAKING
            state.type                     POTENTIAL_BREAKING POTENTIAL_BREAKING BREAKING
            state.persistence.scope        POTENTIAL_BREAKING POTENTIAL_BREAKING BREAKING
            state.persistence.durability   POTENTIAL_BREAKING POTENTIAL_BREAKING BREAKING
            state.dataCriticality          NON_BREAKING NON_BREAKING POTENTIAL_BREAKING
            capabilities                   NON_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            interfaces                     NON_BREAKING BREAKING POTENTIAL_BREAKING
            interfaces.type                POTENTIAL_BREAKING POTENTIAL_BREAKING BREAKING
            interfaces.ref                 POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            interfaces.visibility          POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            configurations                 NON_BREAKING BREAKING POTENTIAL_BREAKING
            configurations.schema          POTENTIAL_BREAKING BREAKING POTENTIAL_BREAKING
            configurations.ref             NON_BREAKING BREAKING POTENTIAL_BREAKING
            policies                       NON_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            policies.schema                POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            policies.ref                   NON_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            policy/schema.json             POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            dependencies                   NON_BREAKING BREAKING POTENTIAL_BREAKING
            dependencies.ref               POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            dependencies.compatibility     POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            dependencies.required          POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            readiness                      NON_BREAKING NON_BREAKING POTENTIAL_BREAKING
            readiness.minScore             NON_BREAKING NON_BREAKING NON_BREAKING
            readiness.expires              NON_BREAKING NON_BREAKING NON_BREAKING
            readiness.partialCredit        NON_BREAKING NON_BREAKING NON_BREAKING
            readiness.claims               NON_BREAKING NON_BREAKING NON_BREAKING
            openapi.paths                  NON_BREAKING BREAKING POTENTIAL_BREAKING
            openapi.methods                NON_BREAKING BREAKING POTENTIAL_BREAKING
            openapi.parameters             POTENTIAL_BREAKING BREAKING POTENTIAL_BREAKING
            openapi.request-body           POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            openapi.responses              NON_BREAKING BREAKING POTENTIAL_BREAKING
            asyncapi.channels              NON_BREAKING BREAKING POTENTIAL_BREAKING
            asyncapi.operations            NON_BREAKING BREAKING POTENTIAL_BREAKING
            grpc.services                  NON_BREAKING BREAKING POTENTIAL_BREAKING
            grpc.messages                  NON_BREAKING BREAKING POTENTIAL_BREAKING
            grpc.rpcs                      NON_BREAKING BREAKING BREAKING
            grpc.messages.fields           NON_BREAKING BREAKING BREAKING
            metadata.unknown               POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
        "#]]
        .assert_eq(&out);
    }
}
