//! Decoding: spans kept on fields, yaml.v3 coercions, normalisation, and every decode fault.

use expect_test::expect;

use super::{Decoded, from_tree, missing_required, text};
use crate::syntax::parse;

/// `path "source text" message` per decode error.
fn rendered_errors(source: &str, decoded: &Decoded) -> Vec<String> {
    decoded
        .errors
        .iter()
        .map(|it| format!("{} {:?} {}", it.path, &source[it.span.start..it.span.end], it.message))
        .collect()
}

#[test]
fn fields_keep_their_spans_and_replicas_normalise() {
    let source = "pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\ninterfaces:\n  - {name: api, type: http, port: 8080.9}\nscaling: {replicas: 3}\ndependencies:\n  - {ref: x, compatibility: ^1, required: yes}\n";
    let parse = parse(source);
    let decoded = from_tree(parse.root.as_ref());
    assert_eq!(decoded.errors, vec![]);
    let contract = decoded.contract;
    let name = contract.service.name.as_ref().unwrap();
    assert_eq!(&source[name.span.start..name.span.end], "a");
    let port = contract.interfaces.as_ref().unwrap()[0].port.as_ref().unwrap();
    // yaml.v3 truncates a float into an int field; the schema reports it later.
    assert_eq!(port.value, 8080);
    assert_eq!(&source[port.span.start..port.span.end], "8080.9");
    let scaling = contract.scaling.unwrap();
    assert_eq!((scaling.replicas.map(|it| it.value), scaling.min, scaling.max), (Some(3), 3, 3));
    assert!(contract.dependencies.unwrap()[0].required.as_ref().unwrap().value);
    assert_eq!(text(&contract.pacto_version), "1.0");
}

#[test]
fn every_decode_fault_is_kept_with_its_span() {
    let source = "pactoVersion: [1]\nservice: x\ninterfaces: {a: 1}\nruntime:\n  workload: service\n  helth: {}\n  state: {type: [a]}\nscaling: {min: abc}\nmetadata: 3\nextra: 1\n";
    let decoded = from_tree(parse(source).root.as_ref());
    let rendered = rendered_errors(source, &decoded);
    expect![[r#"
        [
            "pactoVersion \"1\" cannot unmarshal !!seq into string",
            "service \"x\" cannot unmarshal !!str `x` into contract.ServiceIdentity",
            "interfaces \"a\" cannot unmarshal !!map into []contract.Interface",
            "runtime.helth \"helth\" field helth not found in type contract.Runtime; did you mean `health`?",
            "runtime.state.type \"a\" cannot unmarshal !!seq into string",
            "scaling.min \"abc\" cannot unmarshal !!str `abc` into int",
            "metadata \"3\" cannot unmarshal !!int `3` into map[string]interface {}",
            "extra \"extra\" field extra not found in type contract.Contract",
        ]
    "#]]
    .assert_debug_eq(&rendered);
    let missing: Vec<String> = missing_required(&decoded.contract).iter().map(|(path, _)| path.to_string()).collect();
    assert_eq!(missing, ["pactoVersion", "service.name", "service.version"]);
}

#[test]
fn int_fields_refuse_numbers_past_the_int_range_as_yaml_v3_does() {
    // Issue #13, measured on the reference: past i64 an integer is an unsigned !!int, past u64 a !!float; an int
    // field refuses both at parse time. The value is quoted by its first 7 bytes past 10, and a multi-byte
    // character is not cut in two.
    let source = "scaling:\n  replicas: 9223372036854775807\n  min: 9223372036854775808\n  max: 100000000000000000000\nservice: {name: 1.5e300, version: ééééé}\ninterfaces:\n  - {port: -9223372036854775809}\n  - {port: 18446744073709551615}\n  - {port: éééééé}\n";
    let decoded = from_tree(parse(source).root.as_ref());
    let rendered = rendered_errors(source, &decoded);
    expect![[r#"
        [
            "scaling.min \"9223372036854775808\" cannot unmarshal !!int `9223372...` into int",
            "scaling.max \"100000000000000000000\" cannot unmarshal !!float `1000000...` into int",
            "interfaces[1].port \"18446744073709551615\" cannot unmarshal !!int `1844674...` into int",
            "interfaces[2].port \"éééééé\" cannot unmarshal !!str `ééé...` into int",
        ]
    "#]]
    .assert_debug_eq(&rendered);
    let contract = decoded.contract;
    assert_eq!(contract.scaling.unwrap().replicas.map(|it| it.value), Some(i64::MAX));
    // Below i64 yaml.v3 resolves a float, which an int field takes, truncated to the range (then the schema speaks).
    assert_eq!(contract.interfaces.unwrap()[0].port.as_ref().map(|it| it.value), Some(i64::MIN));
}
