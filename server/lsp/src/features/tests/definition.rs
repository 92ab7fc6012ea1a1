//! Go to definition: `health.interface` to the interface, contract and schema paths to their files, a local
//! dependency to its bundle's contract.

use expect_test::expect;

use super::{base_at, check_cases};
use crate::features::definition::{Target, contract_definition as definition};
use crate::fixture::fixture;

/// `origin → target`, the target a span of the same document or a file; `none` for no definition.
fn render(fixture_text: &str) -> String {
    let it = fixture(fixture_text);
    match definition(&it.analysis, it.offset) {
        Some((origin, Target::Here(span))) => format!("{} → {}\n", it.span(origin), it.span(span)),
        Some((origin, Target::File(path))) => format!("{} → file {}\n", it.span(origin), it.relative(&path)),
        None => "none\n".to_owned(),
    }
}

/// 1.0 contracts: each case the target of its `$0`.
#[test]
fn definition_cases() {
    check_cases(
        &[
            ("health_interface", &base_at("interface: api", 0, 13)),
            ("contract_file", &base_at("interfaces/events.yaml", 0, 5)),
            (
                "of_a_health_interface_nothing_declares",
                "interfaces:\n  - name: api\n    type: http\nruntime:\n  health:\n    interface: adm$0in\n",
            ),
            (
                "configuration_schema",
                "pactoVersion: \"1.0\"\nconfiguration:\n  schema: config/sch$0ema.json\n//- config/schema.json\n{}\n",
            ),
            ("on_a_key_goes_nowhere", &base_at("workload:", 0, 2)),
            (
                "local_dependency",
                "//- app/pacto.yaml\npactoVersion: \"1.0\"\ndependencies:\n  - ref: ../bil$0ling\n    compatibility: ^1.0.0\n//- billing/pacto.yaml\npactoVersion: \"1.0\"\n",
            ),
        ],
        render,
        expect![[r#"
            === health_interface
            23:16-23:19 → 7:11-7:14
            === contract_file
            13:15-13:37 → file interfaces/events.yaml
            === of_a_health_interface_nothing_declares
            none
            === configuration_schema
            3:11-3:29 → file config/schema.json
            === on_a_key_goes_nowhere
            none
            === local_dependency
            3:10-3:20 → file billing/pacto.yaml
        "#]],
    );
}

/// 2.0 contracts, as `definition_cases`.
#[test]
fn definition_v2_cases() {
    check_cases(
        &[
            ("binding_interface", &super::base_v2_at("interface: rest-api", 0, 13)),
            (
                "directory_is_not_a_spec_file",
                "pactoVersion: \"2.0\"\ninterfaces:\n  - {name: a, type: openapi, ref: inter$0faces}\n//- interfaces/a.yaml\nopenapi: 3.0.0\n",
            ),
            ("spec_file", &super::base_v2_at("interfaces/events.yaml", 0, 5)),
            ("configuration_schema", &super::base_v2_at("configuration/schema.json", 0, 5)),
            (
                "local_policy_ref_opens_its_contract",
                "//- app/pacto.yaml\npactoVersion: \"2.0\"\nservice: {name: app, version: 1.0.0}\npolicies:\n  - name: platform\n    ref: ../plat$0form\n//- platform/pacto.yaml\npactoVersion: \"2.0\"\n",
            ),
            ("policy_schema", &super::base_v2_at("policy/schema.json", 0, 5)),
            (
                "file_dependency_ref_opens_its_contract",
                "//- app/pacto.yaml\npactoVersion: \"2.0\"\ndependencies:\n  - name: auth\n    ref: file://../au$0th\n    required: true\n    compatibility: ^1.0.0\n//- auth/pacto.yaml\npactoVersion: \"2.0\"\n",
            ),
        ],
        render,
        expect![[r#"
            === binding_interface
            38:18-38:26 → 8:11-8:19
            === directory_is_not_a_spec_file
            none
            === spec_file
            14:10-14:32 → file interfaces/events.yaml
            === configuration_schema
            17:13-17:38 → file configuration/schema.json
            === local_policy_ref_opens_its_contract
            5:10-5:21 → file platform/pacto.yaml
            === policy_schema
            21:13-21:31 → file policy/schema.json
            === file_dependency_ref_opens_its_contract
            4:10-4:24 → file auth/pacto.yaml
        "#]],
    );
}
