//! The classification rule table (spec §3.3): one `match` on (rule path, change type); any
//! pair not listed is POTENTIAL_BREAKING.

use super::{ChangeType, Classification};

pub fn classify(rule: &str, change_type: ChangeType) -> Classification {
    use ChangeType::{Added, Modified, Removed};
    use Classification::{Breaking, NonBreaking, PotentialBreaking};
    match (rule, change_type) {
        ("service.name", Modified) => Breaking,
        ("service.version", Modified) => NonBreaking,
        ("service.owner" | "service.image", Added | Removed | Modified) => NonBreaking,
        ("interfaces", Added) => NonBreaking,
        ("interfaces", Removed) => Breaking,
        ("interfaces.type", Modified) => Breaking,
        ("interfaces.port", Added) => PotentialBreaking,
        ("interfaces.port", Removed | Modified) => Breaking,
        ("interfaces.visibility" | "interfaces.contract", Modified) => PotentialBreaking,
        ("configuration", Added) => NonBreaking,
        ("configuration", Removed) => Breaking,
        ("configuration.schema", Added) => NonBreaking,
        ("configuration.schema", Removed) => Breaking,
        ("configuration.schema", Modified) => PotentialBreaking,
        (
            "runtime.workload"
            | "runtime.state.type"
            | "runtime.state.persistence.scope"
            | "runtime.state.persistence.durability",
            Modified,
        ) => Breaking,
        ("runtime.state.dataCriticality", Modified) => PotentialBreaking,
        ("runtime.lifecycle.upgradeStrategy", Added) => NonBreaking,
        ("runtime.lifecycle.upgradeStrategy", Removed | Modified) => PotentialBreaking,
        // Added and removed fall to the default (quirk 14); the docs list only "modified".
        ("runtime.lifecycle.gracefulShutdownSeconds", Modified) => NonBreaking,
        ("runtime.health.interface" | "runtime.health.path", Modified) => PotentialBreaking,
        ("runtime.health.initialDelaySeconds", Modified) => NonBreaking,
        // A mode switch (`scaling` modified) and `scaling.replicas` fall to the default (quirk 14).
        ("scaling", Added) => NonBreaking,
        ("scaling", Removed) => PotentialBreaking,
        ("scaling.min", Modified) => PotentialBreaking,
        ("scaling.max", Modified) => NonBreaking,
        ("dependencies", Added) => NonBreaking,
        ("dependencies", Removed) => Breaking,
        ("dependencies.compatibility" | "dependencies.required", Modified) => PotentialBreaking,
        ("openapi.paths" | "openapi.methods", Added) => NonBreaking,
        ("openapi.paths" | "openapi.methods", Removed) => Breaking,
        ("openapi.parameters", Added | Modified) => PotentialBreaking,
        ("openapi.parameters", Removed) => Breaking,
        ("openapi.request-body", Added | Removed | Modified) => PotentialBreaking,
        ("openapi.responses", Added) => NonBreaking,
        ("openapi.responses", Removed) => Breaking,
        ("openapi.responses", Modified) => PotentialBreaking,
        ("schema.properties", Added) => NonBreaking,
        ("schema.properties", Removed) => Breaking,
        _ => PotentialBreaking,
    }
}

/// One line per rule with its classification when added, removed and modified, the rules padded
/// to `width`: a whole rule table at a glance, for the tests of both formats' tables.
#[cfg(test)]
pub(crate) fn rule_table(rules: &[&str], width: usize, classify: fn(&str, ChangeType) -> Classification) -> String {
    let mut out = String::new();
    for rule in rules {
        let row: Vec<&str> = [ChangeType::Added, ChangeType::Removed, ChangeType::Modified]
            .into_iter()
            .map(|it| classify(rule, it).as_str())
            .collect();
        out.push_str(&format!("{rule:<width$} {}\n", row.join(" ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{classify, rule_table};

    /// Every row of the table, with all three change types, so a row that drifts shows up.
    const RULES: &[&str] = &[
        "service.name",
        "service.version",
        "service.owner",
        "service.image",
        "interfaces",
        "interfaces.type",
        "interfaces.port",
        "interfaces.visibility",
        "interfaces.contract",
        "configuration",
        "configuration.schema",
        "runtime.workload",
        "runtime.state.type",
        "runtime.state.persistence.scope",
        "runtime.state.persistence.durability",
        "runtime.state.dataCriticality",
        "runtime.lifecycle.upgradeStrategy",
        "runtime.lifecycle.gracefulShutdownSeconds",
        "runtime.health.interface",
        "runtime.health.path",
        "runtime.health.initialDelaySeconds",
        "scaling",
        "scaling.replicas",
        "scaling.min",
        "scaling.max",
        "dependencies",
        "dependencies.ref",
        "dependencies.compatibility",
        "dependencies.required",
        "openapi.paths",
        "openapi.methods",
        "openapi.parameters",
        "openapi.request-body",
        "openapi.responses",
        "schema.properties",
        "metadata.unknown",
    ];

    #[test]
    fn classify_every_rule_and_the_default() {
        let out = rule_table(RULES, 42, classify);
        expect![[r#"
            service.name                               POTENTIAL_BREAKING POTENTIAL_BREAKING BREAKING
            service.version                            POTENTIAL_BREAKING POTENTIAL_BREAKING NON_BREAKING
            service.owner                              NON_BREAKING NON_BREAKING NON_BREAKING
            service.image                              NON_BREAKING NON_BREAKING NON_BREAKING
            interfaces                                 NON_BREAKING BREAKING POTENTIAL_BREAKING
            interfaces.type                            POTENTIAL_BREAKING POTENTIAL_BREAKING BREAKING
            interfaces.port                            POTENTIAL_BREAKING BREAKING BREAKING
            interfaces.visibility                      POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            interfaces.contract                        POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            configuration                              NON_BREAKING BREAKING POTENTIAL_BREAKING
            configuration.schema                       NON_BREAKING BREAKING POTENTIAL_BREAKING
            runtime.workload                           POTENTIAL_BREAKING POTENTIAL_BREAKING BREAKING
            runtime.state.type                         POTENTIAL_BREAKING POTENTIAL_BREAKING BREAKING
            runtime.state.persistence.scope            POTENTIAL_BREAKING POTENTIAL_BREAKING BREAKING
            runtime.state.persistence.durability       POTENTIAL_BREAKING POTENTIAL_BREAKING BREAKING
            runtime.state.dataCriticality              POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            runtime.lifecycle.upgradeStrategy          NON_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            runtime.lifecycle.gracefulShutdownSeconds  POTENTIAL_BREAKING POTENTIAL_BREAKING NON_BREAKING
            runtime.health.interface                   POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            runtime.health.path                        POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            runtime.health.initialDelaySeconds         POTENTIAL_BREAKING POTENTIAL_BREAKING NON_BREAKING
            scaling                                    NON_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            scaling.replicas                           POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            scaling.min                                POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            scaling.max                                POTENTIAL_BREAKING POTENTIAL_BREAKING NON_BREAKING
            dependencies                               NON_BREAKING BREAKING POTENTIAL_BREAKING
            dependencies.ref                           POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            dependencies.compatibility                 POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            dependencies.required                      POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            openapi.paths                              NON_BREAKING BREAKING POTENTIAL_BREAKING
            openapi.methods                            NON_BREAKING BREAKING POTENTIAL_BREAKING
            openapi.parameters                         POTENTIAL_BREAKING BREAKING POTENTIAL_BREAKING
            openapi.request-body                       POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
            openapi.responses                          NON_BREAKING BREAKING POTENTIAL_BREAKING
            schema.properties                          NON_BREAKING BREAKING POTENTIAL_BREAKING
            metadata.unknown                           POTENTIAL_BREAKING POTENTIAL_BREAKING POTENTIAL_BREAKING
        "#]]
        .assert_eq(&out);
    }
}
