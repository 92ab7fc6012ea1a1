//! `pacto graph` on the local fixtures of `tests/data/graph/`: shared nodes, a cycle, a conflict,
//! failed edges, in every output format.

use std::path::{Path, PathBuf};
use std::process::Command;

use expect_test::{Expect, expect};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/graph")
}

fn check(format: &str, expect: Expect) {
    let output = Command::new(env!("CARGO_BIN_EXE_pacto"))
        .args(["graph", "--output-format", format, "app"])
        .current_dir(data())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    // Errors name absolute paths: the checkout's location is not part of the expectation.
    let root = data().canonicalize().unwrap().display().to_string();
    expect.assert_eq(&String::from_utf8_lossy(&output.stdout).replace(&root, "<data>"));
}

#[test]
fn graph_text_tree() {
    check(
        "text",
        expect![[r#"
            app@1.0.0
            ├─ db@1.0.0 [local]
            │  └─ cache@1.4.0 [local]
            │     └─ db (error: cycle detected: ../db)
            ├─ cache@1.4.0 [local] (shared)
            ├─ db@2.0.0 [local]
            ├─ remote-pacto:1.0.0 (error: registry unreachable for 127.0.0.1:9/acme/remote-pacto:1.0.0: error sending request for url (https://127.0.0.1:9/v2/): client error (Connect): tcp connect error: Connection refused (os error 111))
            └─ missing (error: failed to access <data>/app/../missing: stat <data>/app/../missing: no such file or directory)

            Cycles (1):
              app -> ../db -> file://../cache -> ../db

            Conflicts (1):
              db: [db@1.0.0 db@2.0.0]
        "#]],
    );
}

#[test]
fn graph_json() {
    check(
        "json",
        expect![[r#"
            {
              "root": {
                "name": "app",
                "version": "1.0.0",
                "dependencies": [
                  {
                    "ref": "../db",
                    "required": true,
                    "compatibility": "^1.0.0",
                    "node": {
                      "name": "db",
                      "version": "1.0.0",
                      "ref": "../db",
                      "local": true,
                      "dependencies": [
                        {
                          "ref": "file://../cache",
                          "required": false,
                          "compatibility": "^1.0.0",
                          "node": {
                            "name": "cache",
                            "version": "1.4.0",
                            "ref": "file://../cache",
                            "local": true,
                            "dependencies": [
                              {
                                "ref": "../db",
                                "required": false,
                                "compatibility": "^1.0.0",
                                "error": "cycle detected: ../db",
                                "local": true
                              }
                            ]
                          },
                          "local": true
                        }
                      ]
                    },
                    "local": true
                  },
                  {
                    "ref": "file://../cache",
                    "required": false,
                    "compatibility": "^1.0.0",
                    "node": {
                      "name": "cache",
                      "version": "1.4.0",
                      "ref": "file://../cache",
                      "local": true
                    },
                    "shared": true,
                    "local": true
                  },
                  {
                    "ref": "../db2",
                    "required": false,
                    "compatibility": "^2.0.0",
                    "node": {
                      "name": "db",
                      "version": "2.0.0",
                      "ref": "../db2",
                      "local": true
                    },
                    "local": true
                  },
                  {
                    "ref": "oci://127.0.0.1:9/acme/remote-pacto:1.0.0",
                    "required": false,
                    "compatibility": "^1.0.0",
                    "error": "registry unreachable for 127.0.0.1:9/acme/remote-pacto:1.0.0: error sending request for url (https://127.0.0.1:9/v2/): client error (Connect): tcp connect error: Connection refused (os error 111)"
                  },
                  {
                    "ref": "../missing",
                    "required": false,
                    "compatibility": "^1.0.0",
                    "error": "failed to access <data>/app/../missing: stat <data>/app/../missing: no such file or directory",
                    "local": true
                  }
                ]
              },
              "cycles": [
                [
                  "app",
                  "../db",
                  "file://../cache",
                  "../db"
                ]
              ],
              "conflicts": [
                {
                  "name": "db",
                  "versions": [
                    "db@1.0.0",
                    "db@2.0.0"
                  ]
                }
              ]
            }
        "#]],
    );
}

#[test]
fn graph_dot_and_mermaid() {
    check(
        "dot",
        expect![[r#"
        digraph dependencies {
          rankdir=LR;
          "app@1.0.0" [shape=box, style=bold];
          "app@1.0.0" -> "db@1.0.0";
          "db@1.0.0" -> "cache@1.4.0";
          "cache@1.4.0" -> "db" [style=dashed, color=red];
          "app@1.0.0" -> "cache@1.4.0";
          "app@1.0.0" -> "db@2.0.0";
          "app@1.0.0" -> "remote-pacto:1.0.0" [style=dashed, color=red];
          "app@1.0.0" -> "missing" [style=dashed, color=red];
        }
    "#]],
    );
    check(
        "mermaid",
        expect![[r#"
        graph LR
          app_1_0_0["app@1.0.0"] --> db_1_0_0["db@1.0.0"]
          db_1_0_0["db@1.0.0"] --> cache_1_4_0["cache@1.4.0"]
          cache_1_4_0["cache@1.4.0"] -.-> db["db"]
          app_1_0_0["app@1.0.0"] --> cache_1_4_0["cache@1.4.0"]
          app_1_0_0["app@1.0.0"] --> db_2_0_0["db@2.0.0"]
          app_1_0_0["app@1.0.0"] -.-> remote_pacto_1_0_0["remote-pacto:1.0.0"]
          app_1_0_0["app@1.0.0"] -.-> missing["missing"]
    "#]],
    );
}

#[test]
fn graph_fails_only_when_the_root_cannot_load() {
    let output =
        Command::new(env!("CARGO_BIN_EXE_pacto")).args(["graph", "missing"]).current_dir(data()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "failed to access missing: stat missing: no such file or directory\n"
    );
}

#[test]
fn graph_offline_never_fetches() {
    let output = Command::new(env!("CARGO_BIN_EXE_pacto"))
        .args(["graph", "app"])
        .current_dir(data())
        .env("PACTO_OFFLINE", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("remote-pacto:1.0.0 (error: not fetched: oci://127.0.0.1:9/acme/remote-pacto:1.0.0 (offline: PACTO_OFFLINE is set))"),
        "{text}"
    );
}
