//! The language server through the protocol, in process: one group per feature, with exact ranges and texts.

use expect_test::{Expect, expect};
use serde_json::{Value, json};

use crate::testing::{Client, Opened, contract_bundle, range_text, render_diagnostics, uri_of};

const CONTRACT: &str = "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: 1.0.0\n";

#[test]
fn diagnostics_are_published_with_the_version_and_precise_ranges() {
    let mut client = Client::start_default();
    let text = "pactoVersion: \"1.0\"\nservice:\n  nme: svc\n  version: 1.0.0\ninterfaces:\n  - {name: api, type: http, port: 80}\n  - {name: api, type: htp, port: 81}\nruntime:\n  health: {interface: api}\n";
    let (_dir, uri) = contract_bundle(text);
    client.open(&uri, text);
    let diagnostics = client.diagnostics(&uri, 1);
    expect![[r#"
        2:1-2:8 1 pacto PARSE_ERROR: service.name is required
        3:3-3:6 1 pacto PARSE_ERROR: field nme not found in type contract.ServiceIdentity; did you mean `name`?
        7:12-7:15 1 pacto DUPLICATE_INTERFACE_NAME: interface name "api" is already declared at interfaces[0]
          related 6:12-6:15: "interfaces[0] declares \"api\" first"
        7:23-7:26 1 pacto SCHEMA_VIOLATION: at '/interfaces/1/type': value must be one of 'http', 'grpc', 'event'
        8:1-8:8 1 pacto SCHEMA_VIOLATION: at '/runtime': missing properties 'workload', 'state'
        9:3-9:9 1 pacto HEALTH_PATH_REQUIRED: health check path is required when the health interface type is http
          related 6:12-6:15: "interface \"api\" is declared here"
    "#]]
    .assert_eq(&render_diagnostics(&diagnostics));
    assert_eq!(diagnostics[0]["codeDescription"]["href"].as_str().map(|it| it.ends_with("#parse_error")), Some(true));
    client.shutdown();
}

#[test]
fn diagnostics_follow_incremental_edits_and_pull_agrees() {
    let mut client = Client::start_default();
    let (_dir, uri) = contract_bundle(CONTRACT);
    client.open(&uri, CONTRACT);
    assert_eq!(render_diagnostics(&client.diagnostics(&uri, 1)), "none\n");
    // Type an `x` after `1.0.0`: an invalid version.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 3, "character": 16}, "end": {"line": 3, "character": 16}}, "text": "-"}
        ]}),
    );
    expect![[r#"
        4:12-4:18 1 pacto INVALID_SEMVER: service version "1.0.0-" is not valid semver: invalid semantic version
    "#]]
    .assert_eq(&render_diagnostics(&client.diagnostics(&uri, 2)));
    let pulled = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    assert_eq!(pulled["kind"], "full");
    expect![[r#"
        4:12-4:18 1 pacto INVALID_SEMVER: service version "1.0.0-" is not valid semver: invalid semantic version
    "#]]
    .assert_eq(&render_diagnostics(pulled["items"].as_array().unwrap()));
    client.shutdown();
}

#[test]
fn other_yaml_files_are_left_alone() {
    let mut client = Client::start_default();
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("values.yaml"));
    client.open(&uri, "foo: [1, 2\n");
    assert_eq!(render_diagnostics(&client.diagnostics(&uri, 1)), "none\n");
    let hover = client
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}));
    assert_eq!(hover, Value::Null);
    // A YAML file whose first key is pactoVersion is a contract, whatever its name.
    let other = uri_of(&dir.path().join("service.yaml"));
    client.open(&other, "# a contract\npactoVersion: \"1.0\"\n");
    expect![[r#"
        2:1-2:13 1 pacto PARSE_ERROR: service.name is required
        2:1-2:13 1 pacto PARSE_ERROR: service.version is required
    "#]]
    .assert_eq(&render_diagnostics(&client.diagnostics(&other, 1)));
    client.shutdown();
}

/// Opens a `$0` fixture as the `pacto.yaml` of a bundle that also holds `interfaces/openapi.yaml` (an empty
/// contract cannot be followed by a section: its bundle has the contract alone).
fn open_at(fixture: &str) -> (Client, Opened) {
    let mut client = Client::start_default();
    let fixture = if fixture.ends_with('\n') {
        format!("{fixture}//- interfaces/openapi.yaml\nopenapi: 3.0.0\n")
    } else {
        fixture.to_owned()
    };
    let opened = client.open_fixture(&fixture);
    (client, opened)
}

fn hover(fixture: &str, expect: Expect) {
    let (mut client, opened) = open_at(fixture);
    let result = client.request("textDocument/hover", opened.at());
    let rendered = if result.is_null() {
        "no hover\n".to_owned()
    } else {
        format!("{}\n{}\n", range_text(&result["range"]), result["contents"]["value"].as_str().unwrap())
    };
    expect.assert_eq(&rendered);
    client.shutdown();
}

#[test]
fn hover_on_a_key_explains_the_field() {
    hover(
        "pactoVersion: \"1.0\"\nservice: {name: a, version: '1'}\ninterfaces:\n  - name: api\n    ty$0pe: http\n    port: 80\n",
        expect![[r#"
        5:5-5:9
        **`interfaces.type`** · string · required

        Protocol of the interface. It decides which of port and contract are required.

        Allowed values:
        - `http`: A request/response API over HTTP, such as REST; needs a port and may point to an OpenAPI document.
        - `grpc`: Remote procedure calls over gRPC; needs a port and a contract, normally a .proto file.
        - `event`: Asynchronous messages published or consumed through a broker; needs a contract such as an AsyncAPI document and takes no port.
    "#]],
    );
}

#[test]
fn hover_on_an_enum_value_explains_the_value() {
    hover(
        "pactoVersion: \"1.0\"\nruntime:\n  workload: sch$0eduled\n",
        expect![[r#"
        3:13-3:22
        **`scheduled`** (runtime.workload): A task that runs to completion on a recurring schedule, like a cron job.
    "#]],
    );
}

#[test]
fn hover_on_health_interface_shows_the_interface() {
    hover(
        "pactoVersion: \"1.0\"\ninterfaces:\n  - {name: api, type: http, port: 8080, contract: interfaces/openapi.yaml}\nruntime:\n  health:\n    interface: a$0pi\n",
        expect![[r#"
            6:16-6:19
            Health checks go to this interface:

            **`api`** · http · port 8080

            contract: `interfaces/openapi.yaml`
        "#]],
    );
}

#[test]
fn hover_on_a_contract_path_says_whether_it_exists() {
    hover(
        "pactoVersion: \"1.0\"\ninterfaces:\n  - {name: api, type: http, port: 1, contract: interfaces/open$0api.yaml}\n",
        expect![[r#"
        3:48-3:71
        `interfaces/openapi.yaml` exists in the bundle.
    "#]],
    );
    hover(
        "pactoVersion: \"1.0\"\ninterfaces:\n  - {name: api, type: http, port: 1, contract: missing$0.yaml}\n",
        expect![[r#"
        3:48-3:60
        `missing.yaml` is not in the bundle (`FILE_NOT_FOUND`).
    "#]],
    );
}

fn completion(fixture: &str, expect: Expect) {
    let (mut client, opened) = open_at(fixture);
    let result = client.request("textDocument/completion", opened.at());
    let mut out = String::new();
    for item in result.as_array().into_iter().flatten() {
        let edit = &item["textEdit"];
        out.push_str(&format!(
            "{} [{}] {:?}\n",
            item["label"].as_str().unwrap(),
            range_text(&edit["range"]),
            edit["newText"].as_str().unwrap()
        ));
    }
    expect.assert_eq(&out);
    client.shutdown();
}

#[test]
fn completion_of_keys_while_typing_under_runtime() {
    completion(
        "pactoVersion: \"1.0\"\nruntime:\n  wor$0\n  state:\n    type: stateless\n",
        expect![[r#"
        workload [3:3-3:6] "workload: ${1|service,job,scheduled|}"
        lifecycle [3:3-3:6] "lifecycle:\n    "
        health [3:3-3:6] "health:\n    interface: $1"
    "#]],
    );
}

#[test]
fn completion_on_an_empty_line_under_interfaces() {
    completion(
        "pactoVersion: \"1.0\"\ninterfaces:\n  - name: api\n    $0\n",
        expect![[r#"
        type [4:5-4:5] "type: ${1|http,grpc,event|}"
        port [4:5-4:5] "port: $1"
        visibility [4:5-4:5] "visibility: ${1|public,internal|}"
        contract [4:5-4:5] "contract: $1"
    "#]],
    );
}

#[test]
fn completion_of_values() {
    completion(
        "pactoVersion: \"1.0\"\ninterfaces:\n  - name: api\n    type: $0\n",
        expect![[r#"
        http [4:11-4:11] "http"
        grpc [4:11-4:11] "grpc"
        event [4:11-4:11] "event"
    "#]],
    );
    completion(
        "pactoVersion: $0\n",
        expect![[r#"
        "1.0" [1:15-1:15] "\"1.0\""
    "#]],
    );
    completion(
        "pactoVersion: \"1.0\"\ninterfaces:\n  - {name: api, type: http, port: 1}\n  - {name: events, type: event, contract: x}\nruntime:\n  health:\n    interface: $0\n",
        expect![[r#"
            api [7:16-7:16] "api"
            events [7:16-7:16] "events"
        "#]],
    );
    completion(
        "pactoVersion: \"1.0\"\ninterfaces:\n  - name: api\n    contract: $0\n",
        expect![[r#"
        interfaces/openapi.yaml [4:15-4:15] "interfaces/openapi.yaml"
    "#]],
    );
}

#[test]
fn completion_of_top_level_keys_and_an_empty_file() {
    completion(
        "$0",
        expect![[r#"
            pacto contract [1:1-1:1] "pactoVersion: \"2.0\"\n\nservice:\n  name: ${1:my-service}\n  version: ${2:0.1.0}\n  owner:\n    team: ${3:my-team}\n\n# Every interface names its spec file in the bundle (OpenAPI, AsyncAPI or gRPC):\n# interfaces:\n#   - name: api\n#     type: openapi\n#     ref: interfaces/openapi.yaml\n\nworkload: ${4|service,job,scheduled|}\n\nstate:\n  type: ${5|stateless,stateful,hybrid|}\n  persistence:\n    scope: ${6|local,shared|}\n    durability: ${7|ephemeral,persistent|}\n  dataCriticality: ${8|low,medium,high|}\n\ncapabilities:\n  - type: ${9|health,metrics|}\n"
            pacto contract (1.0) [1:1-1:1] "pactoVersion: \"1.0\"\n\nservice:\n  name: ${1:my-service}\n  version: ${2:0.1.0}\n  owner: ${3:team/my-team}\n\ninterfaces:\n  - name: ${4:api}\n    type: ${5|http,grpc,event|}\n    port: ${6:8080}\n\nruntime:\n  workload: ${7|service,job,scheduled|}\n  state:\n    type: ${8|stateless,stateful,hybrid|}\n    persistence:\n      scope: ${9|local,shared|}\n      durability: ${10|ephemeral,persistent|}\n    dataCriticality: ${11|low,medium,high|}\n\nscaling:\n  min: ${12:1}\n  max: ${13:3}\n"
        "#]],
    );
    completion(
        "pactoVersion: \"1.0\"\n$0\n",
        expect![[r#"
        service [2:1-2:1] "service:\n  name: $1\n  version: $2"
        interfaces [2:1-2:1] "interfaces:\n  - name: $1\n    type: ${2|http,grpc,event|}"
        configuration [2:1-2:1] "configuration:\n  schema: $1"
        dependencies [2:1-2:1] "dependencies:\n  - ref: $1\n    compatibility: $2"
        runtime [2:1-2:1] "runtime:\n  workload: ${1|service,job,scheduled|}\n  state:\n    type: ${2|stateless,stateful,hybrid|}\n    persistence:\n      scope: ${3|local,shared|}\n      durability: ${4|ephemeral,persistent|}\n    dataCriticality: ${5|low,medium,high|}"
        scaling [2:1-2:1] "scaling:\n  "
        metadata [2:1-2:1] "metadata:\n  "
    "#]],
    );
}

#[test]
fn definition_from_health_interface_and_contract_path() {
    let text = "pactoVersion: \"1.0\"\ninterfaces:\n  - name: api\n    type: http\n    contract: interfaces/openapi.yaml\nruntime:\n  health:\n    interface: api\n";
    let mut client = Client::start_default();
    let (dir, uri) = contract_bundle(text);
    std::fs::create_dir_all(dir.path().join("interfaces")).unwrap();
    std::fs::write(dir.path().join("interfaces/openapi.yaml"), "openapi: 3.0.0\n").unwrap();
    client.open(&uri, text);
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let to_interface = client.request("textDocument/definition", at(7, 17));
    assert_eq!(
        (to_interface["uri"].as_str(), range_text(&to_interface["range"])),
        (Some(uri.as_str()), "3:11-3:14".to_owned())
    );
    let to_file = client.request("textDocument/definition", at(4, 20));
    assert_eq!(to_file["uri"].as_str(), Some(uri_of(&dir.path().join("interfaces/openapi.yaml")).as_str()));
    assert_eq!(client.request("textDocument/definition", at(0, 2)), Value::Null);
    client.shutdown();
}

#[test]
fn definition_from_a_local_dependency_opens_its_contract() {
    let text = "pactoVersion: \"1.0\"\ndependencies:\n  - ref: ../db\n    compatibility: ^1.0.0\n  - ref: file://../db\n    compatibility: ^1.0.0\n";
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("app")).unwrap();
    std::fs::create_dir_all(root.path().join("db")).unwrap();
    std::fs::write(root.path().join("db/pacto.yaml"), "pactoVersion: \"1.0\"\n").unwrap();
    let uri = uri_of(&root.path().join("app/pacto.yaml"));
    let mut client = Client::start_default();
    client.open(&uri, text);
    for line in [2, 4] {
        let target = client.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 12}}),
        );
        let expected = uri_of(&root.path().join("db/pacto.yaml").canonicalize().unwrap());
        assert_eq!(target["uri"].as_str(), Some(expected.as_str()), "line {line}");
    }
    client.shutdown();
}

#[test]
fn document_symbols_outline_the_contract() {
    let text = "pactoVersion: \"1.0\"\nservice:\n  name: svc\ninterfaces:\n  - name: api\n    type: http\n";
    let mut client = Client::start_default();
    let (_dir, uri) = contract_bundle(text);
    client.open(&uri, text);
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    fn walk(symbols: &Value, depth: usize, out: &mut String) {
        for it in symbols.as_array().into_iter().flatten() {
            out.push_str(&format!(
                "{}{} {}\n",
                "  ".repeat(depth),
                it["name"].as_str().unwrap(),
                range_text(&it["selectionRange"])
            ));
            walk(&it["children"], depth + 1, out);
        }
    }
    let mut out = String::new();
    walk(&symbols, 0, &mut out);
    expect![[r#"
        pactoVersion 1:1-1:13
        service 2:1-2:8
          name 3:3-3:7
        interfaces 4:1-4:11
          api 5:5-5:9
            name 5:5-5:9
            type 6:5-6:9
    "#]]
    .assert_eq(&out);
    client.shutdown();
}

#[test]
fn utf8_is_negotiated_and_positions_are_exact_for_emoji_and_cjk() {
    let text = "pactoVersion: \"1.0\"\r\nmetadata:\r\n  owner: 中文😀\r\nservice:\r\n  name: svc\r\n  version: bad\r\n";
    for (capabilities, expected) in [
        (json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}), ("utf-8", "6:12-6:15")),
        (json!({}), ("utf-16", "6:12-6:15")),
    ] {
        let (mut client, init) = Client::start(capabilities);
        assert_eq!(init["capabilities"]["positionEncoding"], expected.0);
        let (_dir, uri) = contract_bundle(text);
        client.open(&uri, text);
        let diagnostics = client.diagnostics(&uri, 1);
        assert_eq!(range_text(&diagnostics[0]["range"]), expected.1, "{}", expected.0);
        // Replace the emoji (2 UTF-16 units, 4 UTF-8 bytes) by `x`, in each encoding's columns.
        let (start, end) = if expected.0 == "utf-8" { (15, 19) } else { (11, 13) };
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
                {"range": {"start": {"line": 2, "character": start}, "end": {"line": 2, "character": end}}, "text": "x"}
            ]}),
        );
        client.diagnostics(&uri, 2);
        let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
        assert_eq!(symbols[1]["children"][0]["detail"], "中文x");
        client.shutdown();
    }
}

/// A small deterministic generator: tests must not depend on a random seed they cannot replay.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

#[test]
fn thousands_of_random_edits_keep_the_text_in_sync() {
    let mut client = Client::start_default();
    let initial = "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: 1.0.0\nmetadata:\n  note: 中文😀\n";
    let (_dir, uri) = contract_bundle(initial);
    client.open(&uri, initial);
    client.diagnostics(&uri, 1);
    let mut expected: Vec<u16> = initial.encode_utf16().collect();
    let mut rng = Lcg(7);
    let pieces = ["a", "é", "😀", "\n", ": ", "中", "\r\n", "  - x\n", ""];
    let mut version = 1;
    for _ in 0..2_000 {
        // Positions as UTF-16 offsets into the whole text, some landing inside a surrogate pair.
        let len = expected.len();
        let start = rng.next(len + 1);
        let end = (start + rng.next(4)).min(len);
        // The raw positions go to the server, some inside a surrogate pair or between `\r` and
        // `\n`; the server clamps them to the character's start, as `snap` does for our model.
        let insert = pieces[rng.next(pieces.len())];
        let (start_line, start_col) = line_col(&expected, start);
        let (end_line, end_col) = line_col(&expected, end);
        let (start, end) = (snap(&expected, start), snap(&expected, end));
        expected.splice(start..end, insert.encode_utf16());
        version += 1;
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [
                {"range": {"start": {"line": start_line, "character": start_col}, "end": {"line": end_line, "character": end_col}}, "text": insert}
            ]}),
        );
    }
    client.diagnostics(&uri, version);
    let expected = String::from_utf16(&expected).unwrap();
    // The server's text must equal the expected text: its diagnostics and outline (every key
    // with its range) must be those of the expected text opened fresh.
    let (_other_dir, other) = contract_bundle(&expected);
    client.open(&other, &expected);
    let fresh = render_diagnostics(&client.diagnostics(&other, 1));
    let pulled = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    let ours = render_diagnostics(pulled["items"].as_array().unwrap());
    assert_eq!(ours, fresh);
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let fresh_symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": other}}));
    assert_eq!(symbols, fresh_symbols);
    client.shutdown();
}

/// Where the server puts a position that is not on a character boundary: the start of the
/// surrogate pair, or the end of the line's content for a column between `\r` and `\n`.
fn snap(text: &[u16], at: usize) -> usize {
    let inside_pair = at > 0 && at < text.len() && (0xDC00..0xE000).contains(&text[at]);
    let inside_crlf = at > 0 && at < text.len() && text[at - 1] == u16::from(b'\r') && text[at] == u16::from(b'\n');
    if inside_pair || inside_crlf { at - 1 } else { at }
}

fn line_col(text: &[u16], at: usize) -> (usize, usize) {
    let mut line = 0;
    let mut col = 0;
    let mut idx = 0;
    while idx < at {
        let unit = text[idx];
        if unit == u16::from(b'\n') {
            line += 1;
            col = 0;
        } else if unit == u16::from(b'\r') {
            if text.get(idx + 1) != Some(&u16::from(b'\n')) {
                line += 1;
                col = 0;
            } else {
                col += 1;
            }
        } else {
            col += 1;
        }
        idx += 1;
    }
    (line, col)
}

fn code_actions(text: &str, expect: Expect) {
    let mut client = Client::start_default();
    let (_dir, uri) = contract_bundle(text);
    client.open(&uri, text);
    client.diagnostics(&uri, 1);
    let end = json!({"line": text.lines().count() + 1, "character": 0});
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": end}, "context": {"diagnostics": []}}),
    );
    let mut out = String::new();
    for action in actions.as_array().into_iter().flatten() {
        let preferred = if action["isPreferred"] == json!(true) { " (preferred)" } else { "" };
        let fixes = action["diagnostics"][0]["code"].as_str().unwrap_or("-");
        out.push_str(&format!("{}{preferred} [{fixes}]\n", action["title"].as_str().unwrap()));
        for edit in action["edit"]["changes"][&uri].as_array().into_iter().flatten() {
            out.push_str(&format!("  {} {:?}\n", range_text(&edit["range"]), edit["newText"].as_str().unwrap()));
        }
    }
    expect.assert_eq(&out);
    client.shutdown();
}

#[test]
fn quick_fixes_for_keys_values_and_missing_fields() {
    code_actions(
        "pactoVersion: 1.0\nservice:\n  nme: svc\n  version: 1.0.0\ninterfaces:\n  - name: api\n    type: htpp\n    port: 80\n  - {name: b, type: grpc, port: 1}\n",
        expect![[r#"
            Rename to `name` (preferred) [PARSE_ERROR]
              3:3-3:6 "name"
            Quote the version: "1.0" (preferred) [SCHEMA_VIOLATION]
              1:15-1:18 "\"1.0\""
            Replace with `http` (preferred) [SCHEMA_VIOLATION]
              7:11-7:15 "http"
            Add `contract` (preferred) [SCHEMA_VIOLATION]
              9:34-9:34 ", contract: \"\""
        "#]],
    );
}

#[test]
fn quick_fixes_for_cross_field_rules() {
    code_actions(
        "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: 1.0.0\ninterfaces:\n  - {name: api, type: http, port: 80}\n  - {name: web, type: http, port: 81}\nruntime:\n  workload: job\n  state:\n    type: stateless\n    persistence: {scope: local, durability: persistent}\n    dataCriticality: low\n  health:\n    interface: apx\nscaling:\n  min: 5\n  max: 2\n",
        expect![[r#"
            Use ephemeral durability (preferred) [SCHEMA_VIOLATION]
              12:45-12:55 "ephemeral"
            Make the service stateful [SCHEMA_VIOLATION]
              11:11-11:20 "stateful"
            Point the health check at `api` [HEALTH_INTERFACE_NOT_FOUND]
              15:16-15:19 "api"
            Point the health check at `web` [HEALTH_INTERFACE_NOT_FOUND]
              15:16-15:19 "web"
            Swap `min` and `max` (preferred) [SCALING_MIN_EXCEEDS_MAX]
              17:8-17:9 "2"
              18:8-18:9 "5"
            Remove `scaling` from the job (preferred) [JOB_SCALING_NOT_ALLOWED]
              16:1-19:1 ""
        "#]],
    );
    code_actions(
        "pactoVersion: \"1.0\"\nservice:\n  name: svc\n  version: 1.0.0\ninterfaces:\n  - {name: api, type: http, port: 80}\nruntime:\n  workload: service\n  state: {type: stateless, persistence: {scope: local, durability: ephemeral}, dataCriticality: low}\n  health:\n    interface: api\n",
        expect![[r#"
            Add `path` (preferred) [HEALTH_PATH_REQUIRED]
              11:19-11:19 "\n    path: /health"
        "#]],
    );
}

#[test]
fn references_and_rename_of_interface_names() {
    let text = "pactoVersion: \"1.0\"\ninterfaces:\n  - name: api\n    type: http\n  - name: \"web\"\n    type: http\nruntime:\n  health:\n    interface: api\n";
    let mut client = Client::start_default();
    let (_dir, uri) = contract_bundle(text);
    client.open(&uri, text);
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let refs = client.request("textDocument/references", json!({"textDocument": {"uri": uri}, "position": {"line": 8, "character": 16}, "context": {"includeDeclaration": true}}));
    let ranges: Vec<String> = refs.as_array().unwrap().iter().map(|it| range_text(&it["range"])).collect();
    assert_eq!(ranges, ["3:11-3:14", "9:16-9:19"]);
    let prepared = client.request("textDocument/prepareRename", at(2, 11));
    assert_eq!(range_text(&prepared), "3:11-3:14");
    assert_eq!(client.request("textDocument/prepareRename", at(3, 11)), Value::Null);
    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 11}, "newName": "public-api"}),
    );
    let edits: Vec<String> = edit["changes"][&uri]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| format!("{} {}", range_text(&it["range"]), it["newText"]))
        .collect();
    assert_eq!(edits, ["3:11-3:14 \"public-api\"", "9:16-9:19 \"public-api\""]);
    // A quoted name stays quoted.
    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 12}, "newName": "www"}),
    );
    assert_eq!(edit["changes"][&uri][0]["newText"], "\"www\"");
    let refused = client.request_raw(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 11}, "newName": "x"}),
    );
    assert_eq!(refused["error"]["message"], "only interface names can be renamed");
    client.shutdown();
}

#[test]
fn folding_selection_and_links() {
    let text = "pactoVersion: \"1.0\"\ninterfaces:\n  - name: api\n    type: http\n    contract: openapi.yaml\nconfiguration:\n  schema: missing.json\n";
    let mut client = Client::start_default();
    let (dir, uri) = contract_bundle(text);
    std::fs::write(dir.path().join("openapi.yaml"), "openapi: 3.0.0\n").unwrap();
    client.open(&uri, text);
    let folds = client.request("textDocument/foldingRange", json!({"textDocument": {"uri": uri}}));
    let folds: Vec<String> =
        folds.as_array().unwrap().iter().map(|it| format!("{}-{}", it["startLine"], it["endLine"])).collect();
    assert_eq!(folds, ["1-4", "2-4", "5-6"]);
    let selection = client.request(
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": uri}, "positions": [{"line": 3, "character": 11}]}),
    );
    let mut chain = Vec::new();
    let mut it = &selection[0];
    while !it.is_null() {
        chain.push(range_text(&it["range"]));
        it = &it["parent"];
    }
    assert_eq!(chain, ["4:11-4:15", "4:5-4:15", "3:5-5:27", "3:3-5:27", "2:1-5:27", "1:1-7:23"]);
    let links = client.request("textDocument/documentLink", json!({"textDocument": {"uri": uri}}));
    let links: Vec<String> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|it| {
            format!("{} {}", range_text(&it["range"]), it["target"].as_str().unwrap().rsplit('/').next().unwrap())
        })
        .collect();
    assert_eq!(links, ["5:15-5:27 openapi.yaml"]);
    client.shutdown();
}

#[test]
fn file_not_found_is_rechecked_when_watched_files_change() {
    let capabilities = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let (mut client, _) = Client::start(capabilities);
    let registration = client.wait_for(|it| it["method"] == "client/registerCapability");
    assert_eq!(registration["params"]["registrations"][0]["method"], "workspace/didChangeWatchedFiles");
    let text = "pactoVersion: \"1.0\"\nservice: {name: svc, version: 1.0.0}\nconfiguration:\n  schema: schema.json\n";
    let (dir, uri) = contract_bundle(text);
    client.open(&uri, text);
    expect![[r#"
        4:11-4:22 1 pacto FILE_NOT_FOUND: configuration schema file "schema.json" not found in bundle
    "#]]
    .assert_eq(&render_diagnostics(&client.diagnostics(&uri, 1)));
    std::fs::write(dir.path().join("schema.json"), "{}").unwrap();
    let created = uri_of(&dir.path().join("schema.json"));
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": created, "type": 1}]}));
    assert_eq!(render_diagnostics(&client.diagnostics(&uri, 1)), "none\n");
    client.shutdown();
}

/// Without a watched-files event (a client that does not watch, a change it missed), the answers
/// about the bundle's files are reused only for `FILE_FACTS_TTL` (1 s): an edit after that sees the disk.
#[test]
fn file_not_found_is_rechecked_by_an_edit_once_the_file_facts_expire() {
    let mut client = Client::start_default();
    let text = "pactoVersion: \"1.0\"\nservice: {name: svc, version: 1.0.0}\nconfiguration:\n  schema: schema.json\n";
    let (dir, uri) = contract_bundle(text);
    client.open(&uri, text);
    let found = "4:11-4:22 1 pacto FILE_NOT_FOUND: configuration schema file \"schema.json\" not found in bundle\n";
    assert_eq!(render_diagnostics(&client.diagnostics(&uri, 1)), found);
    std::fs::write(dir.path().join("schema.json"), "{}").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let edit = |version: i64, text: &str| {
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [
            {"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}}, "text": text}
        ]})
    };
    client.notify("textDocument/didChange", edit(2, "# a comment\n"));
    assert_eq!(render_diagnostics(&client.diagnostics(&uri, 2)), "none\n");
    client.shutdown();
}

#[test]
fn a_client_that_pulls_is_not_pushed_to() {
    let capabilities = json!({
        "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}, "diagnostics": {"refreshSupport": true}}
    });
    let (mut client, init) = Client::start(capabilities);
    assert_eq!(init["capabilities"]["diagnosticProvider"]["identifier"], "pacto");
    let text = "pactoVersion: \"1.0\"\nservice: {name: svc, version: 1.0.0}\nconfiguration:\n  schema: schema.json\n";
    let (dir, uri) = contract_bundle(text);
    client.open(&uri, text);
    let pulled = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    assert_eq!(pulled["items"][0]["code"], "FILE_NOT_FOUND");
    std::fs::write(dir.path().join("schema.json"), "{}").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&dir.path().join("schema.json")), "type": 1}]}),
    );
    client.wait_for(|it| it["method"] == "workspace/diagnostic/refresh");
    let pulled = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    assert_eq!(pulled["items"], json!([]));
    client.request("shutdown", Value::Null);
    let pushed = client.take_pending(|it| it["method"] == "textDocument/publishDiagnostics");
    assert_eq!(pushed, Vec::<Value>::new());
}

#[test]
fn a_client_that_does_not_pull_is_not_offered_pulls() {
    let (client, init) = Client::start(json!({}));
    assert_eq!(init["capabilities"].get("diagnosticProvider"), None);
    drop(client);
}
