//! One module per command; `run` routes to them.

pub mod completion;
mod diff;
mod doc;
mod explain;
mod generate;
pub mod graph;
pub(crate) mod init;
mod lock;
mod login;
mod mcp;
mod migrate;
mod pack;
mod pull;
mod push;
mod validate;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> Result<(), String> {
    let format = cli.format();
    let output_format = cli.output_format.clone();
    match cli.command {
        None => {
            use clap::CommandFactory;
            Cli::command().print_help().map_err(|err| err.to_string())?;
            Ok(())
        }
        Some(Command::Validate { path, readiness }) => validate::run(path.as_deref().unwrap_or("."), readiness, format),
        Some(Command::Explain { path }) => explain::run(path.as_deref().unwrap_or("."), format),
        Some(Command::Init { name, pacto_version }) => init::run(&name, &pacto_version, format),
        Some(Command::Pack { path, output }) => pack::run(path.as_deref().unwrap_or("."), output.as_deref(), format),
        Some(Command::Push { reference, path, force }) => {
            push::run(push::Args { reference: &reference, path: &path, force, no_cache: cli.no_cache }, format)
        }
        Some(Command::Pull { reference, output }) => pull::run(&reference, output.as_deref(), cli.no_cache, format),
        Some(Command::Lsp { log_level, .. }) => {
            pacto_lsp::run_stdio(log_level.as_deref()).map_err(|err| format!("language server failed: {err}"))
        }
        Some(Command::Mcp { transport, port }) => mcp::run(&transport, port),
        Some(Command::Generate { plugin, path, output, options, no_validate, timeout }) => {
            let args = generate::Args {
                plugin: &plugin,
                path: path.as_deref().unwrap_or("."),
                output: output.as_deref(),
                options: &options,
                no_validate,
                timeout,
            };
            generate::run(args, format)
        }
        Some(Command::Diff { old, new }) => diff::run(&old, &new, &cli.output_format),
        Some(Command::Doc { path, output, serve, port }) => {
            let serve = serve.then_some(port);
            doc::run(path.as_deref().unwrap_or("."), output.as_deref(), serve, format)
        }
        Some(Command::Graph { path, reverse: true, workspace, .. }) => {
            graph::reverse::run(path.as_deref().unwrap_or("."), workspace.as_deref(), &output_format)
        }
        Some(Command::Graph { path, with_references, only_references, .. }) => {
            let references = graph::References { with: with_references, only: only_references };
            graph::run(path.as_deref().unwrap_or("."), &output_format, references)
        }
        Some(Command::Login { registry, username, password, password_stdin }) => login::run(login::Args {
            registry: &registry,
            username: username.as_deref(),
            password: password.as_deref(),
            password_stdin,
        }),
        Some(Command::Lock { path, update, update_name, check }) => {
            let args = lock::Args { path: path.as_deref().unwrap_or("."), update, update_names: &update_name, check };
            lock::run(&args, format)
        }
        Some(Command::Version) => {
            println!("pacto version {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some(Command::Completion { shell }) => completion::run(shell),
        Some(Command::Migrate { path, write }) => migrate::run(path.as_deref().unwrap_or("."), write, format),
        Some(Command::Schema) => {
            print!("{}", pacto_core::validate::structural::SCHEMA_TEXT);
            Ok(())
        }
    }
}
