//! `pacto completion bash|zsh|fish|powershell`: the script that hooks pacto into the shell, from
//! clap_complete. Like the reference's cobra scripts, it asks the binary itself at each TAB, so the
//! subcommands, flags, formats and installed plugins offered are always this binary's.

use std::io::Write;

use clap_complete::env::{Bash, EnvCompleter, Fish, Powershell, Zsh};

use crate::cli::Shell;

/// The environment variable the script sets when it calls back. Our own name, not clap's default
/// `COMPLETE`, so a `COMPLETE` left in some environment cannot turn a pacto run into a completion.
pub const COMPLETE_VAR: &str = "PACTO_COMPLETE";

pub fn run(shell: Shell) -> Result<(), String> {
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Powershell => &Powershell,
    };
    let mut script = Vec::new();
    completer
        .write_registration(COMPLETE_VAR, "pacto", "pacto", &program(), &mut script)
        .map_err(|err| format!("failed to write the completion script: {err}"))?;
    std::io::stdout().write_all(&script).map_err(|err| format!("failed to write the completion script: {err}"))
}

/// How the script calls pacto back: as it was started here, made absolute when it was started by a
/// relative path (`./target/debug/pacto`), which clap_complete's own registration does too.
fn program() -> String {
    let Some(arg0) = std::env::args_os().next() else { return "pacto".to_owned() };
    let path = std::path::PathBuf::from(arg0);
    let path = match std::env::current_dir() {
        Ok(dir) if path.components().count() > 1 => dir.join(path),
        _ => path,
    };
    path.to_string_lossy().into_owned()
}
