//! `pacto`: the Pacto contract standard's command line (and, later, its language server).

mod cli;
mod commands;
mod config;
mod load;
mod log;
mod plugin;
mod render;
mod serve;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
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
