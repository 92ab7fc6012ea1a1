// Custom LSP methods and server commands of the pacto server: the mirror of `server/lsp/src/lsp_ext.rs`, name for
// name and field for field (its test reads this file). Plain method names and types, no `vscode` or JSON-RPC
// import, so the end-to-end test speaks to the server with these very definitions.

/** `initialize`'s `initializationOptions`; the server settings go beside these, at the top level. */
export interface InitializationOptions {
    /** This client shows `pacto-diff:` documents itself, so the server need not write diffs to files. */
    virtualDocuments?: boolean;
}

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

/**
 * Server commands (`workspace/executeCommand`). vscode-languageclient registers each under the same id. The
 * arguments of `x` are `XArguments`.
 */
export const SERVER_COMMANDS = {
    /** The server answers `null` and opens the diff with `window/showDocument` on a `pacto-diff:` URI. */
    showDiff: 'pacto.showDiff',
    /** → `DependencyGraphResult`. */
    dependencyGraph: 'pacto.dependencyGraph',
    /** → `GenerateResult`. */
    generate: 'pacto.generate',
} as const;

export type ShowDiffArguments = [uri: string, against: DiffAgainst];

export type DependencyGraphArguments = [uri: string];

export interface DependencyGraphResult {
    json: unknown;
    mermaid: string;
    text: string;
}

export type GenerateArguments = [params: GenerateParams];

export interface GenerateParams {
    uri: string;
    plugin: string;
    /** Over the setting `pacto.generate.options`. */
    options?: Record<string, string>;
    /** The server also writes the files to a preview directory and shows them. */
    open?: boolean;
}

export interface GenerateResult {
    files: GeneratedFile[];
    message: string;
}

export interface GeneratedFile {
    /** Relative to the plugin's output directory. */
    path: string;
    content: string;
}

/** Commands the server puts in code lenses for the client to run (not `workspace/executeCommand`). */
export const CLIENT_COMMANDS = {
    /** The "used by N services" lens: the dependents, shown in the reference view. */
    showReferences: 'pacto.showReferences',
} as const;

/** LSP's `Position` and `Location[]` as JSON, converted by the client's protocol converter. */
export type ShowReferencesArguments = [uri: string, position: unknown, locations: unknown[]];
