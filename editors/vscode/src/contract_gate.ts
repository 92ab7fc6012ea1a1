// Keeps every YAML document that is not a contract away from `pacto lsp`, and starts the server only once a contract
// is seen. The client's document selector must cover all YAML (a file is a contract by its first key, which no
// selector can express), so this gate decides per document: the sync middleware says which documents the server
// gets, and the send middleware drops every message about a document the server was not given, whichever feature
// sends it (hover, folding, pulled diagnostics, ...), so no provider can leak one. No `vscode` import: the
// end-to-end test puts this exact gate between its client and the real server.
import { type DocumentLike, isContractDocument } from './contract';

/** Sends a document event on to the server (vscode-languageclient's `next`). */
export type Next<T> = (data: T) => Promise<void>;

/**
 * How the gate opens or closes a document on the server outside VS Code's own open and close events: through the
 * client's open and close features, so that the client's bookkeeping (synced documents, pulled diagnostics) stays
 * right. Both end up in {@link ContractGate.didOpen} / {@link ContractGate.didClose}.
 */
export interface Resync<D> {
    open(doc: D): Promise<void>;
    close(doc: D): Promise<void>;
}

export const DID_OPEN = 'textDocument/didOpen';
export const DID_CLOSE = 'textDocument/didClose';

/** One gate per client: a new server starts knowing no document. */
export class ContractGate<D extends DocumentLike> {
    /** The documents the sync middleware passes on, by URI: those that were contracts at their last event. */
    private readonly contracts = new Set<string>();
    /** What the server holds open, by URI: a didOpen went out and no didClose since. */
    private readonly held = new Set<string>();

    constructor(private readonly resync: Resync<D>) {}

    /** Whether the server holds the document: messages about it reach the server. */
    holds(uri: string): boolean {
        return this.held.has(uri);
    }

    didOpen(doc: D, next: Next<D>): Promise<void> {
        if (!isContractDocument(doc)) {
            return Promise.resolve();
        }
        this.contracts.add(doc.uri.toString());
        return next(doc);
    }

    /**
     * An edit can make a document a contract (its first key typed) or stop it being one (that key removed or
     * changed), and the server then gets it opened or closed, never an edit of a document it does not hold.
     * Closing rather than going on sending edits keeps one rule (the server holds exactly the open documents that
     * are contracts now), and the server would answer nothing for such a document anyway; its diagnostics go with
     * it. The cost is a full-text didOpen when the key comes back, which for a contract-sized file is nothing.
     */
    didChange<E extends { readonly document: D }>(event: E, next: Next<E>): Promise<void> {
        const doc = event.document;
        const was = this.contracts.has(doc.uri.toString());
        const is = isContractDocument(doc);
        if (was && is) {
            return next(event);
        }
        if (!was && is) {
            // The didOpen carries the whole text, this edit included, so the edit itself is not sent.
            return this.resync.open(doc);
        }
        if (was && !is) {
            return this.resync.close(doc);
        }
        return Promise.resolve();
    }

    didClose(doc: D, next: Next<D>): Promise<void> {
        return this.contracts.delete(doc.uri.toString()) ? next(doc) : Promise.resolve();
    }

    /** didSave, willSave: only for documents passed on. */
    passedOn<T>(doc: D, data: T, next: Next<T>): Promise<void> {
        return this.contracts.has(doc.uri.toString()) ? next(data) : Promise.resolve();
    }

    /**
     * Whether a message may go to the server: one about a document (`params.textDocument.uri`) only if the server
     * holds it, a didOpen only for a document passed on. Messages about no document (initialize, executeCommand,
     * configuration) always pass. Also tracks what the server holds.
     */
    admits(method: string, params: unknown): boolean {
        const uri = textDocumentUri(params);
        if (uri === undefined) {
            return true;
        }
        if (method === DID_OPEN) {
            if (!this.contracts.has(uri)) {
                return false;
            }
            this.held.add(uri);
            return true;
        }
        if (method === DID_CLOSE) {
            return this.held.delete(uri);
        }
        return this.held.has(uri);
    }
}

/** A message type as vscode-languageclient hands it to the send middleware: a method name or a signature. */
type MessageType = string | { readonly method: string };

/**
 * The language client's middleware around `gate`, in the shapes of vscode-languageclient's `Middleware` members
 * (spread into it by ctx.ts; the end-to-end test calls these very functions).
 */
export function gateMiddleware<D extends DocumentLike>(gate: ContractGate<D>) {
    return {
        didOpen: (doc: D, next: Next<D>): Promise<void> => gate.didOpen(doc, next),
        didChange: <E extends { readonly document: D }>(event: E, next: Next<E>): Promise<void> =>
            gate.didChange(event, next),
        didClose: (doc: D, next: Next<D>): Promise<void> => gate.didClose(doc, next),
        didSave: (doc: D, next: Next<D>): Promise<void> => gate.passedOn(doc, doc, next),
        willSave: <E extends { readonly document: D }>(event: E, next: Next<E>): Promise<void> =>
            gate.passedOn(event.document, event, next),
        willSaveWaitUntil: <E extends { readonly document: D }, T>(
            event: E,
            next: (event: E) => Thenable<T[]>,
        ): Thenable<T[]> => (gate.holds(event.document.uri.toString()) ? next(event) : Promise.resolve([])),
        // Every request and notification of every feature passes here: one about a document the server does not
        // hold is answered "nothing" (null, which every feature takes) without reaching it.
        sendRequest: <P, R, T extends MessageType, K>(
            type: T,
            param: P | undefined,
            token: K | undefined,
            next: (type: T, param?: P, token?: K) => Promise<R>,
        ): Promise<R> => (gate.admits(methodOf(type), param) ? next(type, param, token) : Promise.resolve(null as R)),
        sendNotification: <R, T extends MessageType>(
            type: T,
            next: (type: T, params?: R) => Promise<void>,
            params: R,
        ): Promise<void> => (gate.admits(methodOf(type), params) ? next(type, params) : Promise.resolve()),
    };
}

function methodOf(type: MessageType): string {
    return typeof type === 'string' ? type : type.method;
}

function textDocumentUri(params: unknown): string | undefined {
    if (typeof params !== 'object' || params === null || !('textDocument' in params)) {
        return undefined;
    }
    const doc = params.textDocument;
    if (typeof doc !== 'object' || doc === null || !('uri' in doc)) {
        return undefined;
    }
    return typeof doc.uri === 'string' ? doc.uri : undefined;
}

/**
 * Starts the server once, on the first contract offered or when told the workspace holds one, and never for plain
 * YAML: the extension activates on every YAML file (`onLanguage:yaml`), because only the text tells whether a YAML
 * file is a contract.
 */
export class StartOnContract {
    private startPromise: Promise<void> | undefined;

    constructor(private readonly start: () => Promise<void>) {}

    get started(): boolean {
        return this.startPromise !== undefined;
    }

    /** Starts the server if `doc` is the first contract; returns the start it began, to report its failure once. */
    offer(doc: DocumentLike): Promise<void> | undefined {
        return !this.started && isContractDocument(doc) ? this.startNow() : undefined;
    }

    /** Starts the server unless it was started: a contract is already known (e.g. by name in the workspace). */
    startNow(): Promise<void> | undefined {
        if (this.started) {
            return undefined;
        }
        // A failed start is not retried on the next contract: it would fail again on every keystroke. The
        // `Restart Server` command retries.
        this.startPromise = this.start();
        return this.startPromise;
    }
}
