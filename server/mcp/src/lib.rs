//! `pacto mcp`: the Model Context Protocol server that lets AI agents validate, read, compare,
//! fix and write Pacto contracts. This crate knows the protocol (through `rmcp`, the official
//! SDK), the tools' names, schemas and argument rules, and the pure tools; everything that reads
//! bundles or registries goes through a [`Backend`], which the command line implements with its
//! own commands, so `pacto_validate` says exactly what `pacto validate` says.

mod generate;
mod server;
mod suggest;
mod tools;

pub use server::{PactoServer, serve_http, serve_stdio};

use serde_json::Value;

/// What the tools need from the rest of pacto. Every method may block (disk, registry): the
/// server calls them off its event loop. An `Err` is a message the agent sees as the tool's
/// error result; a contract with findings or a breaking diff is an `Ok`.
pub trait Backend: Send + Sync + 'static {
    /// `pacto validate --output-format json` (`Path`, `Valid`, `Errors`, `Warnings`), each finding
    /// with `Line`/`Column` and, where the language server has quick fixes, `Fixes`.
    fn validate(&self, path: &str) -> Result<Value, String>;
    /// `pacto explain --output-format json`.
    fn explain(&self, reference: &str) -> Result<Value, String>;
    /// `pacto graph --output-format json`.
    fn graph(&self, reference: &str) -> Result<Value, String>;
    /// What `pacto doc` prints.
    fn doc(&self, reference: &str) -> Result<String, String>;
    /// `pacto diff --output-format json`.
    fn diff(&self, old: &str, new: &str) -> Result<Value, String>;
    /// Applies the quick fixes for `codes` (all when `None`) and returns the new text; writes the
    /// contract only when `write` is set.
    fn fix(&self, path: &str, codes: Option<&[String]>, write: bool) -> Result<Value, String>;
    /// `pacto migrate --output-format json` (with `--write` when `write` is set).
    fn migrate(&self, path: &str, write: bool) -> Result<Value, String>;
    /// `pacto graph --reverse <path> [--workspace <workspace>] --output-format json`.
    fn dependents(&self, path: &str, workspace: Option<&str>) -> Result<Value, String>;
}
