//! Command-line arguments: the reference's commands and global flags (spec §7.1).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use crate::config;

#[derive(Debug, Parser)]
#[command(name = "pacto", about = "Validate, explain and create Pacto service contracts", disable_version_flag = true)]
pub struct Cli {
    /// Output format: text, json or markdown (anything else is text); for graph also dot or mermaid
    #[arg(
        long,
        global = true,
        env = "PACTO_OUTPUT_FORMAT",
        default_value = "text",
        add = ArgValueCandidates::new(output_format_candidates)
    )]
    pub output_format: String,
    /// Debug logging to stderr
    #[arg(short, long, global = true, env = "PACTO_VERBOSE", value_parser = clap::builder::FalseyValueParser::new())]
    pub verbose: bool,
    /// Disable the bundle cache
    #[arg(long, global = true, env = "PACTO_NO_CACHE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_cache: bool,
    /// Config file (YAML: output-format, no-cache, verbose; default ~/.config/pacto/pacto.yaml)
    #[arg(long, global = true, env = "PACTO_CONFIG", value_hint = clap::ValueHint::FilePath)]
    pub config: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a contract bundle (a directory holding pacto.yaml)
    Validate {
        /// Bundle directory
        path: Option<String>,
        /// Also enforce the 2.0 readiness gate (score against minScore, expiry) at the current time
        #[arg(long)]
        readiness: bool,
    },
    /// Summarise a contract
    Explain {
        /// Bundle directory
        path: Option<String>,
    },
    /// Create a new bundle that validates
    Init {
        /// Service name, also the directory to create
        name: String,
        /// Contract format version to write: 1.0 or 2.0
        #[arg(long, default_value = crate::commands::init::DEFAULT_VERSION)]
        pacto_version: String,
    },
    /// Pack a bundle into a reproducible tar.gz, after validating it
    Pack {
        /// Bundle directory
        path: Option<String>,
        /// Archive to write (default: <name>-<version>.tar.gz in the current directory)
        #[arg(short, long)]
        output: Option<String>,
    },
    /// Validate a bundle and push it to an OCI registry (tag: service.version when the ref has none)
    Push {
        /// oci://registry/repository[:tag]
        reference: String,
        /// Bundle directory
        #[arg(short, long, default_value = ".")]
        path: String,
        /// Overwrite an existing tag
        #[arg(short, long)]
        force: bool,
    },
    /// Pull a bundle from an OCI registry (tag-less: the highest semver tag)
    Pull {
        /// oci://registry/repository[:tag|@digest]
        reference: String,
        /// Output directory (default: the service name)
        #[arg(short, long)]
        output: Option<String>,
    },
    /// Check credentials against a registry and store them where Docker keeps them
    Login {
        /// Registry host, e.g. ghcr.io or localhost:5000
        registry: String,
        #[arg(short, long)]
        username: Option<String>,
        #[arg(short, long)]
        password: Option<String>,
        /// Read the password from stdin
        #[arg(long)]
        password_stdin: bool,
    },
    /// Run the language server on stdin/stdout
    Lsp {
        /// Log level on stderr: error, warn, info, debug or trace (default: $PACTO_LOG, else warn)
        #[arg(long)]
        log_level: Option<String>,
        /// Use stdin/stdout (the only transport; accepted for clients that pass it)
        #[arg(long)]
        stdio: bool,
    },
    /// Run the Model Context Protocol server for AI agents (stdio, or streamable HTTP on 127.0.0.1 at /mcp)
    Mcp {
        /// Transport: stdio or http
        #[arg(short, long, default_value = "stdio", value_parser = ["stdio", "http"])]
        transport: String,
        /// Port for the http transport (127.0.0.1 only)
        #[arg(long, default_value_t = 8585)]
        port: u16,
    },
    /// Generate files from the contract with a plugin (pacto-plugin-<name>)
    Generate {
        /// Plugin name: runs pacto-plugin-<name> from PATH or ~/.config/pacto/plugins/
        #[arg(add = ArgValueCandidates::new(plugin_candidates))]
        plugin: String,
        /// Bundle directory
        path: Option<String>,
        /// Output directory (default: <plugin>-output)
        #[arg(short, long)]
        output: Option<String>,
        /// A plugin option, key=value (repeatable)
        #[arg(long = "option", value_name = "KEY=VALUE")]
        options: Vec<String>,
        /// Generate even when the contract has validation errors
        #[arg(long)]
        no_validate: bool,
        /// Seconds the plugin may run before it is stopped (default 60)
        #[arg(long, value_name = "SECONDS")]
        timeout: Option<u64>,
    },
    /// Compare two contract bundles and classify the changes (exit 1 on breaking changes)
    Diff {
        /// The old bundle directory
        old: String,
        /// The new bundle directory
        new: String,
    },
    /// Write the contract's Markdown documentation
    Doc {
        /// Bundle directory
        path: Option<String>,
        /// Write <dir>/<service>.md (the Markdown still goes to stdout)
        #[arg(short, long)]
        output: Option<String>,
        /// Serve the documentation as an HTML page on 127.0.0.1 until stopped
        #[arg(long)]
        serve: bool,
        /// Port for --serve (0: any free port)
        #[arg(long, default_value_t = 8484)]
        port: u16,
    },
    /// Show the dependency graph (text or json; also dot and mermaid)
    Graph {
        /// Bundle directory
        path: Option<String>,
        /// Also show the configuration and policy refs of a 2.0 root (never fetched)
        #[arg(long, conflicts_with = "only_references")]
        with_references: bool,
        /// Show only the configuration and policy refs of a 2.0 root
        #[arg(long)]
        only_references: bool,
        /// Show the services of the workspace that depend on this contract, transitively
        #[arg(long, conflicts_with_all = ["with_references", "only_references"])]
        reverse: bool,
        /// The workspace --reverse searches (default: the enclosing git repository, else the current directory)
        #[arg(long, value_name = "ROOT", requires = "reverse")]
        workspace: Option<String>,
    },
    /// Migrate a 1.0 contract to 2.0: prints the new contract and a report (--write: writes them)
    Migrate {
        /// Bundle directory
        path: Option<String>,
        /// Write pacto.yaml and any placeholder spec, atomically (default: print, write nothing)
        #[arg(long)]
        write: bool,
    },
    /// Pin a 2.0 bundle's dependencies and references in pacto.lock
    Lock {
        /// Bundle directory
        path: Option<String>,
        /// Re-resolve every pin (ignore the old lock's)
        #[arg(long)]
        update: bool,
        /// Re-resolve only this dependency (its locked name); repeatable
        #[arg(long = "update-name", value_name = "DEP")]
        update_name: Vec<String>,
        /// Write nothing; fail when pacto.lock is missing or stale
        #[arg(long, conflicts_with_all = ["update", "update_name"])]
        check: bool,
    },
    /// Print the version
    Version,
    /// Print the shell completion script (e.g. `source <(pacto completion bash)`)
    Completion { shell: Shell },
    /// Print the contract JSON Schema (Draft 2020-12), e.g. for yaml-language-server
    Schema,
}

/// The shells the reference's `pacto completion` answers for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

impl Cli {
    pub fn format(&self) -> Format {
        match self.output_format.as_str() {
            "json" => Format::Json,
            "markdown" => Format::Markdown,
            _ => Format::Text,
        }
    }
}

/// Output formats beyond the reference's, which only `pacto graph` can draw.
pub const PICTURE_FORMATS: &[&str] = &["dot", "mermaid"];

impl Cli {
    /// A picture format asked of a command that has none is an error, not silently text.
    fn check_output_format(&self) -> Result<(), String> {
        let format = self.output_format.as_str();
        // The language server prints no formatted output: an editor's environment must not stop it.
        if !PICTURE_FORMATS.contains(&format)
            || matches!(self.command, None | Some(Command::Graph { .. } | Command::Lsp { .. }))
        {
            return Ok(());
        }
        Err(format!("--output-format {format} is only for pacto graph; this command prints text, json or markdown"))
    }
}

/// The command's definition, for the completion engine.
pub fn command() -> clap::Command {
    Cli::command()
}

/// What `--output-format` takes, offered by completion; the flag itself accepts anything (unknown
/// values mean text, as in the reference), so these are candidates rather than possible values.
fn output_format_candidates() -> Vec<CompletionCandidate> {
    [
        ("text", "for people (the default)"),
        ("json", "the reference's JSON"),
        ("markdown", "diff only; text elsewhere"),
        ("sarif", "diff only: a SARIF 2.1.0 log"),
        ("dot", "graph only: Graphviz"),
        ("mermaid", "graph only: a Mermaid flowchart"),
    ]
    .into_iter()
    .map(|(name, help)| CompletionCandidate::new(name).help(Some(help.into())))
    .collect()
}

/// The plugins installed now, found where `pacto generate` would look for them.
fn plugin_candidates() -> Vec<CompletionCandidate> {
    crate::plugin::installed().into_iter().map(CompletionCandidate::new).collect()
}

impl Cli {
    /// Fills from the config file what no flag and no environment variable set: viper's order,
    /// flag > environment > file > default.
    fn apply_config(&mut self, matches: &ArgMatches) -> Result<(), String> {
        // The language server's settings come from the editor: a broken config file must not keep
        // an editor from starting it.
        if matches!(self.command, Some(Command::Lsp { .. })) {
            return Ok(());
        }
        let home = std::env::var_os("HOME").filter(|it| !it.is_empty()).map(PathBuf::from);
        let Some((path, required)) = config::path(self.config.as_deref(), home.as_deref()) else {
            return Ok(());
        };
        let settings = config::read(&path, required)?;
        let unset =
            |id: &str| !matches!(matches.value_source(id), Some(ValueSource::CommandLine | ValueSource::EnvVariable));
        if let Some(format) = settings.output_format.filter(|_| unset("output_format")) {
            self.output_format = format;
        }
        if let Some(no_cache) = settings.no_cache.filter(|_| unset("no_cache")) {
            self.no_cache = no_cache;
        }
        if let Some(verbose) = settings.verbose.filter(|_| unset("verbose")) {
            self.verbose = verbose;
        }
        Ok(())
    }
}

/// Parses the arguments and the config file; usage errors exit 1 (not clap's 2), help exits 0, as
/// the reference.
pub fn parse() -> Result<Cli, ExitCode> {
    let parsed = Cli::command().try_get_matches().and_then(|matches| Ok((Cli::from_arg_matches(&matches)?, matches)));
    let (mut cli, matches) = match parsed {
        Ok(it) => it,
        Err(err) => {
            let code = if err.use_stderr() { ExitCode::FAILURE } else { ExitCode::SUCCESS };
            let _ = err.print();
            return Err(code);
        }
    };
    match cli.apply_config(&matches).and_then(|()| cli.check_output_format()) {
        Ok(()) => Ok(cli),
        Err(err) => {
            eprintln!("{err}");
            Err(ExitCode::FAILURE)
        }
    }
}
