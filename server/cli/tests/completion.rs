//! Shell completion: the scripts `pacto completion <shell>` prints, and, through the real bash script,
//! what a TAB offers (subcommands, installed plugins for `generate`, output formats).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{stderr, stdout};
use expect_test::expect;

fn plugins_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/plugins").canonicalize().unwrap()
}

/// The script for `shell`, the binary's path shown as `<pacto>`.
fn script(shell: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_pacto")).args(["completion", shell]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    stdout(&output).replace(env!("CARGO_BIN_EXE_pacto"), "<pacto>")
}

/// What bash offers for `pacto <words>` with the cursor in the last word: the script is sourced in
/// a real bash and its completion function run as bash runs it on TAB, with `PATH` set to the test
/// plugins first and `HOME` to `home`.
fn bash_complete(home: &Path, words: &[&str]) -> Vec<String> {
    let current = words.last().copied().unwrap_or_default();
    let previous = if words.len() > 1 { words[words.len() - 2] } else { "pacto" };
    let quoted: Vec<String> = words.iter().map(|it| format!("'{it}'")).collect();
    let program = format!(
        "source <('{pacto}' completion bash)\nCOMP_WORDS=(pacto {words})\nCOMP_CWORD={n}\nCOMP_TYPE=9\n\
         _clap_complete_pacto pacto '{current}' '{previous}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        pacto = env!("CARGO_BIN_EXE_pacto"),
        words = quoted.join(" "),
        n = words.len(),
    );
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .env("PATH", format!("{}:/usr/bin:/bin", plugins_dir().display()))
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .expect("bash runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    stdout(&output).lines().filter(|it| !it.is_empty()).map(str::to_owned).collect()
}

#[test]
fn completion_scripts_register_pacto_for_each_shell() {
    expect![[r#"

        _clap_complete_pacto() {
            local IFS=$'\013'
            local _CLAP_COMPLETE_INDEX=${COMP_CWORD}
            local _CLAP_COMPLETE_COMP_TYPE=${COMP_TYPE}
            if compopt +o nospace 2> /dev/null; then
                local _CLAP_COMPLETE_SPACE=false
            else
                local _CLAP_COMPLETE_SPACE=true
            fi
            local words=("${COMP_WORDS[@]}")
            if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                words[COMP_CWORD]="$2"
            fi
            COMPREPLY=( $( \
                _CLAP_IFS="$IFS" \
                _CLAP_COMPLETE_INDEX="$_CLAP_COMPLETE_INDEX" \
                _CLAP_COMPLETE_COMP_TYPE="$_CLAP_COMPLETE_COMP_TYPE" \
                _CLAP_COMPLETE_SPACE="$_CLAP_COMPLETE_SPACE" \
                PACTO_COMPLETE="bash" \
                "<pacto>" -- "${words[@]}" \
            ) )
            if [[ $? != 0 ]]; then
                unset COMPREPLY
            elif [[ $_CLAP_COMPLETE_SPACE == false ]] && [[ "${COMPREPLY-}" =~ [=/:]$ ]]; then
                compopt -o nospace
            fi
        }
        if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
            complete -o nospace -o bashdefault -o nosort -F _clap_complete_pacto pacto
        else
            complete -o nospace -o bashdefault -F _clap_complete_pacto pacto
        fi

    "#]]
    .assert_eq(&script("bash"));
    // The other shells' scripts call back the same way; each ends by registering for `pacto`.
    let zsh = script("zsh");
    assert!(zsh.starts_with("#compdef pacto\n"), "{zsh}");
    assert!(zsh.contains("        PACTO_COMPLETE=\"zsh\" \\\n        <pacto> -- \"${words[@]}\""), "{zsh}");
    assert!(zsh.ends_with("\ncompdef _clap_dynamic_completer_pacto pacto\n"), "{zsh}");
    assert_eq!(
        script("fish"),
        "complete --keep-order --exclusive --command pacto --arguments \"(PACTO_COMPLETE=fish <pacto> -- \
         (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))\"\n"
    );
    let powershell = script("powershell");
    assert!(
        powershell.contains("Register-ArgumentCompleter -Native -CommandName pacto -ScriptBlock {"),
        "{powershell}"
    );
    assert!(powershell.contains("    $env:PACTO_COMPLETE = \"powershell\";\n"), "{powershell}");
    assert!(powershell.contains("\n& <pacto> -- $args\n"), "{powershell}");
    // Anything else is a usage error listing the shells.
    let output = Command::new(env!("CARGO_BIN_EXE_pacto")).args(["completion", "tcsh"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with(
            "error: invalid value 'tcsh' for '<SHELL>'\n  [possible values: bash, zsh, fish, powershell]\n"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn completion_offers_the_subcommands() {
    let home = tempfile::tempdir().unwrap();
    expect!["validate explain init pack push pull login lsp mcp generate diff doc graph migrate lock version completion schema help --output-format --verbose --no-cache --config --help"].assert_eq(&bash_complete(home.path(), &[""]).join(" "));
    expect!["bash zsh fish powershell --output-format --verbose --no-cache --config --help"]
        .assert_eq(&bash_complete(home.path(), &["completion", ""]).join(" "));
}

#[test]
fn completion_of_generate_offers_the_installed_plugins() {
    let home = tempfile::tempdir().unwrap();
    // The reference's plugin directory: found without being executable.
    let plugins = home.path().join(".config/pacto/plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    std::fs::write(plugins.join("pacto-plugin-local"), "").unwrap();
    std::fs::write(plugins.join("README"), "").unwrap();
    let mut expected = vec!["badjson", "escape", "fail", "hang", "huge", "local", "test"];
    // A plugin beside pacto is found too (the workspace builds pacto-plugin-kubernetes there).
    if Path::new(env!("CARGO_BIN_EXE_pacto")).with_file_name("pacto-plugin-kubernetes").exists() {
        expected.push("kubernetes");
        expected.sort();
    }
    let offered = bash_complete(home.path(), &["generate", ""]);
    let plugins: Vec<&str> = offered.iter().map(String::as_str).filter(|it| !it.starts_with('-')).collect();
    assert_eq!(plugins, expected, "{offered:?}");
    assert_eq!(bash_complete(home.path(), &["generate", "h"]), ["hang", "huge"]);
    // A plugin name is the first argument only: the second is the bundle directory.
    assert!(!bash_complete(home.path(), &["generate", "test", ""]).contains(&"hang".to_owned()));
}

#[test]
fn completion_of_output_format_offers_every_format() {
    let home = tempfile::tempdir().unwrap();
    assert_eq!(
        bash_complete(home.path(), &["--output-format", ""]),
        ["text", "json", "markdown", "sarif", "dot", "mermaid"]
    );
    assert_eq!(bash_complete(home.path(), &["diff", "--output-format", "m"]), ["markdown", "mermaid"]);
}
