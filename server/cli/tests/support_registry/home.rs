//! A scratch home for one CLI run against a registry, and the checks every registry test makes on a run.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::{EXAMPLE_FILES, example, stderr, stdout};

/// A scratch home: the example copied to `payments-api/`, and its own cache and config directories so
/// nothing of the machine's (a Docker login, an old cache) takes part.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
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
        let mut command = Command::new(env!("CARGO_BIN_EXE_pacto"));
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
            .env("HOME", self.path())
            .env("XDG_CACHE_HOME", self.path().join("cache"))
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("NO_COLOR", "1")
            .envs(envs.iter().copied());
        command
    }
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
