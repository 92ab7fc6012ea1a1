//! A scratch home for runs against a registry (of the CLI, or of a language server in process), and the checks
//! every registry test makes on a CLI run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::{EXAMPLE_FILES, example, stderr, stdout};

/// A scratch home: the example copied to `payments-api/`, and its own cache and config directories so
/// nothing of the machine's (a Docker login, an old cache) takes part.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    #[allow(clippy::new_without_default, reason = "it writes a directory tree: not what a `Default` is expected to do")]
    pub fn new() -> Home {
        let dir = tempfile::tempdir().unwrap();
        for rel in EXAMPLE_FILES {
            let dest = dir.path().join("payments-api").join(rel);
            fs::create_dir_all(dest.parent().unwrap()).unwrap();
            fs::copy(example().join(rel), dest).unwrap();
        }
        Home { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn pacto(&self, args: &[&str], envs: &[(&str, &str)]) -> Output {
        self.command(args, envs).output().unwrap()
    }

    /// The digests of the blobs in this home's cache, after checking that each holds what its name says
    /// and that no temp file was left behind: a fault must never leave the cache corrupt.
    pub fn cached_blobs(&self) -> Vec<String> {
        let dir = self.path().join("cache/pacto/blobs/sha256");
        let Ok(read) = fs::read_dir(&dir) else { return Vec::new() };
        let mut names: Vec<String> = read.map(|it| it.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        for name in &names {
            let digest = pacto_oci::Digest::of(&fs::read(dir.join(name)).unwrap());
            assert_eq!(digest.hex(), name, "cached blob {name} does not hold what its name says");
        }
        names
    }

    /// The `pacto` command [`Home::pacto`] runs, for a test that must change how it runs.
    pub fn command(&self, args: &[&str], envs: &[(&str, &str)]) -> Command {
        let mut command = Command::new(pacto_binary());
        for name in [
            "PACTO_REGISTRY_TOKEN",
            "PACTO_REGISTRY_USERNAME",
            "PACTO_REGISTRY_PASSWORD",
            "PACTO_REGISTRY_TIMEOUT",
            "PACTO_NO_CACHE",
            "PACTO_CA_FILE",
            "PACTO_INSECURE_REGISTRIES",
            "PACTO_OUTPUT_FORMAT",
            "PACTO_VERBOSE",
            "PACTO_CONFIG",
            "DOCKER_CONFIG",
            "REGISTRY_AUTH_FILE",
        ] {
            command.env_remove(name);
        }
        command
            .args(args)
            .current_dir(self.path())
            .envs(self.vars("cache"))
            .env("NO_COLOR", "1")
            .envs(envs.iter().copied());
        command
    }

    /// The variables that make this the home of a run: HOME, its cache in `<home>/<cache>` and its config.
    pub fn vars(&self, cache: &str) -> [(&'static str, PathBuf); 3] {
        Home::vars_of(self.path(), cache)
    }

    /// [`Home::vars`] of the directory `home`.
    pub fn vars_of(home: &Path, cache: &str) -> [(&'static str, PathBuf); 3] {
        [("HOME", home.to_path_buf()), ("XDG_CACHE_HOME", home.join(cache)), ("XDG_CONFIG_HOME", home.join("config"))]
    }
}

/// The `pacto` binary built beside the running test (`target/<profile>/deps/<test>`): cargo builds it for the CLI's
/// tests, whose compile-time `CARGO_BIN_EXE_pacto` a shared crate cannot read.
fn pacto_binary() -> PathBuf {
    let test = std::env::current_exe().expect("the test's own path");
    let binary = test.parent().and_then(Path::parent).expect("a test in target/<profile>/deps").join("pacto");
    let binary = binary.with_extension(std::env::consts::EXE_EXTENSION);
    assert!(binary.is_file(), "{} is not built (cargo build -p pacto)", binary.display());
    binary
}

#[track_caller]
pub fn ok(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(output));
    stdout(output)
}

#[track_caller]
pub fn failed(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(1), "stdout: {}", stdout(output));
    assert_eq!(stdout(output), "");
    stderr(output)
}

pub fn files_below(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = EXAMPLE_FILES
        .iter()
        .filter(|rel| dir.join(rel).is_file())
        .map(|rel| (rel.to_string(), fs::read(dir.join(rel)).unwrap()))
        .collect();
    out.sort();
    out
}
