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

#[test]
fn symbols_of_the_base_contract() {
    let it = fixture(BASE);
    let mut actual = String::new();
    for symbol in symbols(it.analysis.root().unwrap()) {
        render(&symbol, it.text(), 0, &mut actual);
    }
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
    .assert_eq(&actual);
}

#[test]
fn symbols_of_dependencies_are_named_by_their_ref() {
    let it = fixture("dependencies:\n  - ref: oci://r.io/a/b:1.0.0\n    compatibility: ^1.0.0\n  - ref: ../local\n");
    let mut actual = String::new();
    for symbol in symbols(it.analysis.root().unwrap()) {
        render(&symbol, it.text(), 0, &mut actual);
    }
    expect![[r#"
        dependencies 1:1-4:18 sel 1:1-1:13
          oci://r.io/a/b:1.0.0 2:5-3:26 sel 2:5-2:8
            ref (oci://r.io/a/b:1.0.0) 2:5-2:30 sel 2:5-2:8
            compatibility (^1.0.0) 3:5-3:26 sel 3:5-3:18
          ../local 4:5-4:18 sel 4:5-4:8
            ref (../local) 4:5-4:18 sel 4:5-4:8
    "#]]
    .assert_eq(&actual);
}
