//! `pacto`: the Pacto contract standard's command line (and, later, its language server).

mod cli;
mod commands;
mod config;
mod load;
mod log;
mod plugin;
mod refs;
mod render;
mod serve;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A completion call-back from the script `pacto completion <shell>` printed: answers and exits.
    clap_complete::CompleteEnv::with_factory(cli::command).var(commands::completion::COMPLETE_VAR).complete();
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    log::set_verbose(cli.verbose);
    load::set_no_cache(cli.no_cache);
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Every failure is one message on stderr and exit 1, as the reference (spec §0).
            let _ = writeln!(std::io::stderr(), "{err}");
            ExitCode::FAILURE
        }
    }
}
