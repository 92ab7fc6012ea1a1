//! One module per LSP feature: each takes an analysis and a byte offset, returns plain data.

pub mod code_action;
pub mod completion;
pub mod definition;
pub mod hover;
pub mod migrate;
pub mod references;
pub mod structure;
pub mod symbols;

#[cfg(test)]
mod tests;
