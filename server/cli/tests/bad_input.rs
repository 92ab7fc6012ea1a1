//! Hostile and broken inputs through the built binary: a clear message with a position or a
//! cause, exit 1, no panic, bounded time and memory.

use std::path::Path;
use std::process::{Command, Output};

fn pacto(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pacto"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the pacto binary runs")
}

fn bundle(contract: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::create_dir(dir.path().join("svc")).unwrap();
    std::fs::write(dir.path().join("svc/pacto.yaml"), contract).unwrap();
    dir
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_clean_failure(output: &Output) {
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(output));
    assert!(!stderr(output).contains("panicked"), "stderr: {}", stderr(output));
}

#[test]
fn file_over_the_size_limit_is_refused_before_reading() {
    let mut text = b"pactoVersion: \"1.0\"\nmetadata:\n  blob: \"".to_vec();
    text.resize(50 * 1024 * 1024, b'a');
    text.extend_from_slice(b"\"\n");
    let dir = bundle(&text);
    let output = pacto(dir.path(), &["validate", "svc"]);
    assert_clean_failure(&output);
    assert!(
        stderr(&output).contains(
            "ERROR [PARSE_ERROR] : failed to read svc/pacto.yaml: file is 52428802 bytes, larger than the 10485760-byte limit for a contract"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn alias_bomb_is_refused_with_the_limit_named() {
    let mut text = String::from("pactoVersion: \"1.0\"\nmetadata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let prev = level - 1;
        let refs = vec![format!("*a{prev}"); 10].join(", ");
        text.push_str(&format!("  a{level}: &a{level} [{refs}]\n"));
    }
    let dir = bundle(text.as_bytes());
    let output = pacto(dir.path(), &["validate", "svc"]);
    assert_clean_failure(&output);
    assert!(
        stderr(&output).contains("aliases expand to more than 100000 nodes; refusing to expand further"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("svc/pacto.yaml:7:47"), "{}", stderr(&output));
}

#[test]
fn deep_nesting_is_refused() {
    let text = format!("pactoVersion: \"1.0\"\nmetadata:\n  deep: {}\n", "[".repeat(100_000));
    let dir = bundle(text.as_bytes());
    let output = pacto(dir.path(), &["validate", "svc"]);
    assert_clean_failure(&output);
    assert!(stderr(&output).contains("recursion limit exceeded"), "{}", stderr(&output));

    let text = format!("pactoVersion: \"1.0\"\nmetadata:\n  deep:\n    {}x\n", "- ".repeat(100_000));
    let dir = bundle(text.as_bytes());
    let output = pacto(dir.path(), &["validate", "svc"]);
    assert_clean_failure(&output);
    assert!(stderr(&output).contains("nesting deeper than 10000 levels is not allowed"), "{}", stderr(&output));
}

#[test]
fn a_fifo_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("svc")).unwrap();
    let status = Command::new("mkfifo").arg(dir.path().join("svc/pacto.yaml")).status().unwrap();
    assert!(status.success());
    let output = pacto(dir.path(), &["validate", "svc"]);
    assert_clean_failure(&output);
    assert!(stderr(&output).contains("failed to read svc/pacto.yaml: not a regular file"), "{}", stderr(&output));
}

#[test]
fn a_contract_that_is_a_directory_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("svc/pacto.yaml")).unwrap();
    let output = pacto(dir.path(), &["validate", "svc"]);
    assert_clean_failure(&output);
    assert!(stderr(&output).contains("failed to read svc/pacto.yaml: not a regular file"), "{}", stderr(&output));
}

#[test]
fn init_creates_a_bundle_that_validates_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let output = pacto(dir.path(), &["init", "my-svc"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "Created my-svc/\n  my-svc/pacto.yaml\n  my-svc/interfaces/\n  my-svc/configuration/\n"
    );
    let output = pacto(dir.path(), &["validate", "my-svc"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "my-svc is valid\n");
    assert_eq!(stderr(&output), "");
    let again = pacto(dir.path(), &["init", "my-svc"]);
    assert_clean_failure(&again);
    assert_eq!(stderr(&again), "directory \"my-svc\" already exists\n");
}

#[test]
fn usage_errors_exit_one() {
    let dir = tempfile::tempdir().unwrap();
    let output = pacto(dir.path(), &["validate", "a", "b"]);
    assert_clean_failure(&output);
    let output = pacto(dir.path(), &["no-such-command"]);
    assert_clean_failure(&output);
    let output = pacto(dir.path(), &["version"]);
    assert_eq!(String::from_utf8_lossy(&output.stdout), format!("pacto version {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn schema_prints_the_embedded_schema() {
    let dir = tempfile::tempdir().unwrap();
    let output = pacto(dir.path(), &["schema"]);
    assert_eq!(output.status.code(), Some(0));
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/pacto-v1.0.schema.json"))
            .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), shipped);
}
