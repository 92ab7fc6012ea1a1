// Custom LSP methods and server commands of the pacto server. This file mirrors `server/lsp/src/commands.rs`,
// `lens/` (`pacto/diffDocument`), `deps/graph.rs` and `generate.rs`: change both together. Plain method names and
// types, no `vscode` or JSON-RPC import, so the end-to-end test speaks to the server with these very definitions.

export type DiffAgainst = 'published' | 'head';

export interface DiffDocumentParams {
    /** The `file:` URI of the contract. */
    uri: string;
    against: DiffAgainst;
}

export interface DiffDocumentResult {
    title: string;
    markdown: string;
}

/** `DiffDocumentParams` → `DiffDocumentResult`: the diff of a contract as Markdown, the `pacto-diff:` content. */
export const DIFF_DOCUMENT = 'pacto/diffDocument';

/** Server commands (`workspace/executeCommand`). vscode-languageclient registers each under the same id. */
export const SERVER_COMMANDS = {
    /** Args `[uri, against]`; the server answers with `window/showDocument` on a `pacto-diff:` URI. */
    showDiff: 'pacto.showDiff',
    /** Args `[uri]` → `DependencyGraph`. */
    dependencyGraph: 'pacto.dependencyGraph',
    /** Args `[GenerateParams]` → `GenerateResult`. */
    generate: 'pacto.generate',
} as const;

export interface DependencyGraph {
    json: unknown;
    mermaid: string;
    text: string;
}

export interface GenerateParams {
    uri: string;
    plugin: string;
    options: Record<string, string>;
}

export interface GenerateResult {
    files: { path: string; content: string }[];
    message: string;
}

/**
 * Commands the server puts in code lenses for the client to run (not `workspace/executeCommand`): mirrors
 * `SHOW_REFERENCES` in `server/lsp/src/commands.rs`.
 */
export const CLIENT_COMMANDS = {
    /** Args `[uri, position, locations]` in LSP's shapes: the "used by N services" lens shows the dependents. */
    showReferences: 'pacto.showReferences',
} as const;
