//! The config file through the built binary: where it is found, flag > environment > file, and the
//! errors for a file that cannot be read or parsed.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{stderr, stdout};
use expect_test::expect;
use pacto_testkit::registry::fake::{FakeRegistry, example_routes};
use pacto_testkit::registry::home::{Home, failed, ok};

/// Writes `text` as the default config file of `home`, `$HOME/.config/pacto/pacto.yaml`.
fn default_config(home: &Home, text: &str) -> PathBuf {
    let path = home.path().join(".config/pacto/pacto.yaml");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path
}

/// The first line of stdout: the verdict in text, `{` in JSON.
fn first_line(home: &Home, args: &[&str], envs: &[(&str, &str)]) -> String {
    ok(&home.pacto(args, envs)).lines().next().unwrap_or_default().to_owned()
}

#[test]
fn config_default_file_sets_the_output_format_and_flag_and_environment_win() {
    let home = Home::new();
    let validate = ["validate", "payments-api"];
    assert_eq!(first_line(&home, &validate, &[]), "payments-api is valid");
    default_config(&home, "output-format: json\n");
    assert_eq!(first_line(&home, &validate, &[]), "{");
    assert_eq!(first_line(&home, &validate, &[("PACTO_OUTPUT_FORMAT", "text")]), "payments-api is valid");
    assert_eq!(
        first_line(&home, &["validate", "payments-api", "--output-format", "text"], &[]),
        "payments-api is valid"
    );
    // The flag wins over the environment too.
    assert_eq!(
        first_line(&home, &["--output-format", "json", "validate", "payments-api"], &[("PACTO_OUTPUT_FORMAT", "text")]),
        "{"
    );
    // XDG_CONFIG_HOME is not where the reference looks for it (Home sets it to another directory).
    fs::remove_file(home.path().join(".config/pacto/pacto.yaml")).unwrap();
    fs::create_dir_all(home.path().join("config/pacto")).unwrap();
    fs::write(home.path().join("config/pacto/pacto.yaml"), "output-format: json\n").unwrap();
    assert_eq!(first_line(&home, &validate, &[]), "payments-api is valid");
}

#[test]
fn config_explicit_file_by_flag_or_environment_replaces_the_default() {
    let home = Home::new();
    default_config(&home, "output-format: json\n");
    fs::write(home.path().join("text.yaml"), "output-format: text\n").unwrap();
    fs::write(home.path().join("json.yaml"), "Output-Format: json\n").unwrap();
    let validate = ["validate", "payments-api"];
    assert_eq!(first_line(&home, &["--config", "text.yaml", "validate", "payments-api"], &[]), "payments-api is valid");
    assert_eq!(first_line(&home, &validate, &[("PACTO_CONFIG", "text.yaml")]), "payments-api is valid");
    assert_eq!(
        first_line(&home, &["validate", "payments-api", "--config", "json.yaml"], &[("PACTO_CONFIG", "text.yaml")]),
        "{"
    );
}

#[test]
fn config_verbose_applies_unless_the_environment_says_otherwise() {
    let home = Home::new();
    default_config(&home, "verbose: true\n");
    let output = home.pacto(&["validate", "payments-api"], &[]);
    assert_eq!(stdout(&output), "payments-api is valid\n");
    assert!(
        stderr(&output).contains(" level=DEBUG msg=\"validated contract\" file=payments-api/pacto.yaml "),
        "{}",
        stderr(&output)
    );
    let output = home.pacto(&["validate", "payments-api"], &[("PACTO_VERBOSE", "false")]);
    assert_eq!(stderr(&output), "");
}

#[test]
fn config_no_cache_sends_every_pull_to_the_registry_unless_the_environment_says_otherwise() {
    let (routes, _) = example_routes("acme/svc", "2.1.0");
    let fake = FakeRegistry::start(routes);
    let home = Home::new();
    let target = format!("oci://{}/acme/svc:2.1.0", fake.addr);
    let pull = |envs: &[(&str, &str)]| ok(&home.pacto(&["pull", &target, "-o", "out"], envs));
    assert_eq!(pull(&[]), "Pulled payments-api@2.1.0 -> out/\n");
    let n_first = fake.requests().len();
    default_config(&home, "no-cache: true\n");
    pull(&[]);
    let n_uncached = fake.requests().len();
    assert!(n_uncached > n_first, "no-cache from the file did not bypass the cache: {:?}", fake.requests());
    pull(&[("PACTO_NO_CACHE", "false")]);
    assert_eq!(fake.requests().len(), n_uncached, "the environment did not win over the file: {:?}", fake.requests());
}

#[test]
fn config_that_cannot_be_read_or_parsed_is_an_error_naming_it() {
    let home = Home::new();
    let run = |args: &[&str]| failed(&home.pacto(args, &[])).replace(&home.path().display().to_string(), "<home>");
    let validate = ["validate", "payments-api"];
    assert_eq!(
        run(&["--config", "missing.yaml", "validate", "payments-api"]),
        "failed to read config file missing.yaml: no such file or directory\n"
    );
    assert_eq!(
        run(&["--config", "payments-api", "validate", "payments-api"]),
        "failed to read config file payments-api: not a regular file\n"
    );
    fs::write(home.path().join("broken.yaml"), "output-format: [json\n").unwrap();
    expect![[r#"
        failed to parse config file broken.yaml:2:1: while parsing a flow sequence, expected ',' or ']'
    "#]]
    .assert_eq(&run(&["--config", "broken.yaml", "validate", "payments-api"]));
    let path = default_config(&home, "verbose: maybe\n");
    expect![[r#"
        failed to parse config file <home>/.config/pacto/pacto.yaml:1:10: verbose must be true or false
    "#]]
    .assert_eq(&run(&validate));
    fs::write(&path, "- output-format: json\n").unwrap();
    expect![[r#"
        failed to parse config file <home>/.config/pacto/pacto.yaml:1:3: expected a mapping of settings (output-format, no-cache, verbose)
    "#]].assert_eq(&run(&validate));
    // Unreadable: the default file too is an error once it exists (run as nobody when we are root).
    fs::write(&path, "verbose: true\n").unwrap();
    make_unreadable(&path);
    expect![[r#"
        failed to read config file <home>/.config/pacto/pacto.yaml: permission denied
    "#]]
    .assert_eq(&unreadable_run(&home, &validate));
}

fn make_unreadable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o000)).unwrap();
}

/// Runs as nobody when we are root, who reads any file; the home must then be enterable by nobody.
fn unreadable_run(home: &Home, args: &[&str]) -> String {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let is_root = fs::metadata("/proc/self").map(|it| it.uid() == 0).unwrap_or(false);
    let mut command = home.command(args, &[]);
    if is_root {
        for dir in [home.path().to_path_buf(), home.path().join(".config"), home.path().join(".config/pacto")] {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
        }
        let program = command.get_program().to_owned();
        let mut wrapped = std::process::Command::new("setpriv");
        wrapped.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(program).args(command.get_args());
        for (key, value) in command.get_envs() {
            match value {
                Some(value) => wrapped.env(key, value),
                None => wrapped.env_remove(key),
            };
        }
        wrapped.current_dir(home.path());
        command = wrapped;
    }
    let output = command.output().unwrap();
    failed(&output).replace(&home.path().display().to_string(), "<home>")
}
