//! Workspace symbols: the services of every indexed contract and their interfaces, those whose name
//! holds the query's characters in order (case-insensitive), as editors filter symbol lists.

use std::path::PathBuf;

use pacto_core::workspace::Index;

/// Symbols answered at most: the editor filters further as the user types, and a first empty query
/// in a large monorepo would otherwise send every interface of every contract.
pub const MAX_WORKSPACE_SYMBOLS: usize = 1_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: Kind,
    /// The service an interface belongs to.
    pub container: Option<String>,
    pub path: PathBuf,
    /// 1-based line of the name.
    pub line: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Service,
    Interface,
}

/// The matching symbols, services before their interfaces, contracts by path; at most
/// [`MAX_WORKSPACE_SYMBOLS`].
pub fn symbols(index: &Index, query: &str) -> Vec<Symbol> {
    let query = query.to_lowercase();
    let mut out = Vec::new();
    for entry in index.entries() {
        // A contract without a service name (unreadable so far) is still a place to go: its file names it.
        let service = match entry.name.as_str() {
            "" => entry
                .path
                .parent()
                .and_then(|it| it.file_name())
                .map_or(String::new(), |it| it.to_string_lossy().into_owned()),
            name => name.to_owned(),
        };
        if matches(&query, &service) {
            out.push(Symbol {
                name: service.clone(),
                kind: Kind::Service,
                container: None,
                path: entry.path.clone(),
                line: entry.name_line.max(1),
            });
        }
        for interface in entry.interfaces.iter().filter(|it| !it.name.is_empty() && matches(&query, &it.name)) {
            out.push(Symbol {
                name: interface.name.clone(),
                kind: Kind::Interface,
                container: Some(service.clone()),
                path: entry.path.clone(),
                line: interface.line.max(1),
            });
        }
        if out.len() >= MAX_WORKSPACE_SYMBOLS {
            out.truncate(MAX_WORKSPACE_SYMBOLS);
            break;
        }
    }
    out
}

/// The query's characters appear in `name` in order (`pay` and `pmts` both find `payments`).
fn matches(query: &str, name: &str) -> bool {
    let mut name = name.chars().flat_map(char::to_lowercase);
    query.chars().all(|wanted| name.any(|it| it == wanted))
}
