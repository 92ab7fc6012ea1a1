//! Document symbols: the outline of keys, list items named by `name` or `ref`.

use expect_test::expect;

use super::BASE;
use crate::features::symbols::{Symbol, symbols};
use crate::fixture::fixture;

fn render(symbol: &Symbol, text: &str, depth: usize, out: &mut String) {
    let detail = symbol.detail.as_deref().map(|it| format!(" ({it})")).unwrap_or_default();
    out.push_str(&format!(
        "{}{}{} {} sel {}\n",
        "  ".repeat(depth),
        symbol.name,
        detail,
        crate::fixture::render_span(text, symbol.span),
        crate::fixture::render_span(text, symbol.selection)
    ));
    for child in &symbol.children {
        render(child, text, depth + 1, out);
    }
}

/// The whole outline of the fixture, one symbol a line.
fn outline(fixture_text: &str) -> String {
    let it = fixture(fixture_text);
    let mut out = String::new();
    for symbol in symbols(it.analysis.root().unwrap()) {
        render(&symbol, it.text(), 0, &mut out);
    }
    out
}

#[test]
fn symbols_of_the_base_contract() {
    expect![[r#"
        pactoVersion (1.0) 1:1-1:20 sel 1:1-1:13
        service 2:1-5:23 sel 2:1-2:8
          name (payments) 3:3-3:17 sel 3:3-3:7
          version (1.2.0) 4:3-4:17 sel 4:3-4:10
          owner (team/payments) 5:3-5:23 sel 5:3-5:8
        interfaces 6:1-13:37 sel 6:1-6:11
          api (http) 7:5-10:38 sel 7:5-7:9
            name (api) 7:5-7:14 sel 7:5-7:9
            type (http) 8:5-8:15 sel 8:5-8:9
            port (8080) 9:5-9:15 sel 9:5-9:9
            contract (interfaces/openapi.yaml) 10:5-10:38 sel 10:5-10:13
          events (event) 11:5-13:37 sel 11:5-11:9
            name (events) 11:5-11:17 sel 11:5-11:9
            type (event) 12:5-12:16 sel 12:5-12:9
            contract (interfaces/events.yaml) 13:5-13:37 sel 13:5-13:13
        runtime 14:1-24:18 sel 14:1-14:8
          workload (service) 15:3-15:20 sel 15:3-15:11
          state 16:3-21:25 sel 16:3-16:8
            type (stateless) 17:5-17:20 sel 17:5-17:9
            persistence 18:5-20:28 sel 18:5-18:16
              scope (local) 19:7-19:19 sel 19:7-19:12
              durability (ephemeral) 20:7-20:28 sel 20:7-20:17
            dataCriticality (low) 21:5-21:25 sel 21:5-21:20
          health 22:3-24:18 sel 22:3-22:9
            interface (api) 23:5-23:19 sel 23:5-23:14
            path (/health) 24:5-24:18 sel 24:5-24:9
    "#]]
    .assert_eq(&outline(BASE));
}

#[test]
fn symbols_of_dependencies_are_named_by_their_ref() {
    let text = "dependencies:\n  - ref: oci://r.io/a/b:1.0.0\n    compatibility: ^1.0.0\n  - ref: ../local\n";
    expect![[r#"
        dependencies 1:1-4:18 sel 1:1-1:13
          oci://r.io/a/b:1.0.0 2:5-3:26 sel 2:5-2:8
            ref (oci://r.io/a/b:1.0.0) 2:5-2:30 sel 2:5-2:8
            compatibility (^1.0.0) 3:5-3:26 sel 3:5-3:18
          ../local 4:5-4:18 sel 4:5-4:8
            ref (../local) 4:5-4:18 sel 4:5-4:8
    "#]]
    .assert_eq(&outline(text));
}

#[test]
fn symbols_v2_name_the_list_items() {
    let it = crate::fixture::fixture(super::BASE_V2);
    let mut actual = String::new();
    // Two levels: the sections and their entries (the items' own keys are as in 1.0).
    for symbol in symbols(it.analysis.root().unwrap()) {
        let shallow = Symbol { children: Vec::new(), ..symbol.clone() };
        render(&shallow, it.text(), 0, &mut actual);
        for child in &symbol.children {
            render(&Symbol { children: Vec::new(), ..child.clone() }, it.text(), 1, &mut actual);
        }
    }
    expect![[r#"
        pactoVersion (2.0) 1:1-1:20 sel 1:1-1:13
        service 2:1-6:19 sel 2:1-2:8
          name (payments) 3:3-3:17 sel 3:3-3:7
          version (1.2.0) 4:3-4:17 sel 4:3-4:10
          owner 5:3-6:19 sel 5:3-5:8
        interfaces 7:1-14:32 sel 7:1-7:11
          rest-api (openapi) 8:5-11:23 sel 8:5-8:9
          events (asyncapi) 12:5-14:32 sel 12:5-12:9
        configurations 15:1-18:19 sel 15:1-15:15
          default 16:5-18:19 sel 16:5-16:9
        policies 19:1-21:31 sel 19:1-19:9
          standards 20:5-21:31 sel 20:5-20:9
        dependencies 22:1-26:26 sel 22:1-22:13
          auth 23:5-26:26 sel 23:5-23:9
        workload (service) 27:1-27:18 sel 27:1-27:9
        state 28:1-33:23 sel 28:1-28:6
          type (stateless) 29:3-29:18 sel 29:3-29:7
          persistence 30:3-32:26 sel 30:3-30:14
          dataCriticality (low) 33:3-33:23 sel 33:3-33:18
        capabilities 34:1-41:26 sel 34:1-34:13
          health 35:5-39:20 sel 35:5-35:9
          acme.example/pci (extension) 40:5-41:26 sel 40:5-40:9
        readiness 42:1-49:18 sel 42:1-42:10
          expires (2099-06-30) 43:3-43:22 sel 43:3-43:10
          claims 44:3-49:18 sel 44:3-44:9
    "#]]
    .assert_eq(&actual);
}

#[test]
fn symbols_v2_claims_contacts_and_revisions() {
    let text = "pactoVersion: \"2.0\"\nservice:\n  owner:\n    contacts:\n      - {type: email, value: a@b.c}\nreadiness:\n  history:\n    - {date: 2026-01-01, version: 1.0.0, author: me, description: first}\n  claims:\n    - {id: runbook, type: document}\n    - {type: report}\n";
    expect![[r#"
        pactoVersion (2.0) 1:1-1:20 sel 1:1-1:13
        service 2:1-5:36 sel 2:1-2:8
          owner 3:3-5:36 sel 3:3-3:8
            contacts 4:5-5:36 sel 4:5-4:13
              a@b.c (email) 5:9-5:36 sel 5:10-5:14
                type (email) 5:10-5:21 sel 5:10-5:14
                value (a@b.c) 5:23-5:35 sel 5:23-5:28
        readiness 6:1-11:21 sel 6:1-6:10
          history 7:3-8:73 sel 7:3-7:10
            1.0.0 8:7-8:73 sel 8:8-8:12
              date (2026-01-01) 8:8-8:24 sel 8:8-8:12
              version (1.0.0) 8:26-8:40 sel 8:26-8:33
              author (me) 8:42-8:52 sel 8:42-8:48
              description (first) 8:54-8:72 sel 8:54-8:65
          claims 9:3-11:21 sel 9:3-9:9
            runbook (document) 10:7-10:36 sel 10:8-10:10
              id (runbook) 10:8-10:19 sel 10:8-10:10
              type (document) 10:21-10:35 sel 10:21-10:25
            report 11:7-11:21 sel 11:8-11:12
              type (report) 11:8-11:20 sel 11:8-11:12
    "#]]
    .assert_eq(&outline(text));
}
