// The language client's lifecycle (start once there is a contract, restart, stop) and the two disposal lists: one
// for the extension's lifetime, one for the current client's.
import * as vscode from 'vscode';
import * as lc from 'vscode-languageclient/node';

import { checkServer, findServer, type FoundServer, serverExecutable } from './bootstrap';
import { Config, initializationOptions, SECTION } from './config';
import { CONTRACT_NAMES } from './contract';
import { ContractGate, gateMiddleware, StartOnContract } from './contract_gate';
import { showDocumentMiddleware } from './diff_view';

export const CLIENT_ID = 'pacto';

// Contracts are `pacto.yaml` / `pacto.yml`, or any YAML whose first key is `pactoVersion`. No selector can say
// "first key", so the selector covers every YAML file on disk and the `ContractGate` middleware passes on only the
// contracts: plain YAML never reaches the server, which can then run beside the YAML extension.
const DOCUMENT_SELECTOR: lc.DocumentSelector = [
    { scheme: 'file', pattern: '**/pacto.yaml' },
    { scheme: 'file', pattern: '**/pacto.yml' },
    { scheme: 'file', language: 'yaml' },
];

/** The contract names anywhere in the workspace, for `findFiles`; the activation events list the same names. */
export const CONTRACT_GLOB = `**/{${CONTRACT_NAMES.join(',')}}`;
/** Directories no contract search looks into. */
export const EXCLUDED_DIRS = '**/{node_modules,.git,target}/**';

export class Ctx {
    private client: lc.LanguageClient | undefined;
    private starting: Promise<void> | undefined;
    private startAsked = false;
    private server: FoundServer | undefined;
    private readonly clientSubscriptions: vscode.Disposable[] = [];
    /** The Pacto output channel: the client's log and the output of the `pacto` CLI commands. */
    readonly output: vscode.OutputChannel;

    constructor(readonly extCtx: vscode.ExtensionContext) {
        this.output = vscode.window.createOutputChannel('Pacto');
        this.pushExtCleanup(this.output);
    }

    get languageClient(): lc.LanguageClient | undefined {
        return this.client;
    }

    /**
     * Whether the client was asked to start, even if that failed: a settings change then restarts it, so that setting
     * `pacto.server.path` after the "not found" error starts the server.
     */
    get wanted(): boolean {
        return this.startAsked;
    }

    pushExtCleanup(disposable: vscode.Disposable): void {
        this.extCtx.subscriptions.push(disposable);
    }

    pushClientCleanup(disposable: vscode.Disposable): void {
        this.clientSubscriptions.push(disposable);
    }

    /**
     * Starts the server now if a contract is open or the workspace holds a `pacto.yaml` / `pacto.yml`, else when the
     * first contract is opened or typed (a YAML file whose first key becomes `pactoVersion`). A workspace with only
     * plain YAML never starts it. `onError` reports a failed start, once.
     */
    async startOnContract(onError: (err: unknown) => void): Promise<void> {
        const starter = new StartOnContract(() => this.start());
        const offer = (doc: vscode.TextDocument): void => {
            const start = starter.offer(doc);
            if (start) {
                stopWatching();
                start.catch(onError);
            }
        };
        // Listening before looking, so a document opened while the workspace is searched is not missed.
        const watchers = [
            vscode.workspace.onDidOpenTextDocument(offer),
            vscode.workspace.onDidChangeTextDocument((event) => offer(event.document)),
        ];
        const stopWatching = (): void => {
            for (const it of watchers.splice(0)) {
                it.dispose();
            }
        };
        this.pushExtCleanup({ dispose: stopWatching });
        vscode.workspace.textDocuments.forEach(offer);
        if (starter.started) {
            return;
        }
        // Names only: finding YAML files by their first key would mean reading every YAML file of the workspace.
        const named = await vscode.workspace.findFiles(CONTRACT_GLOB, EXCLUDED_DIRS, 1);
        if (named.length > 0) {
            stopWatching();
            await starter.startNow()?.catch(onError);
        }
    }

    /** Starts the client unless it runs or is starting; commands that need the server call this too. */
    start(): Promise<void> {
        this.startAsked = true;
        this.starting ??= this.startClient().catch((err: unknown) => {
            this.starting = undefined;
            throw err;
        });
        return this.starting;
    }

    /** The `pacto` binary: the server's, else found and checked now (the CLI commands need no server). */
    async binary(): Promise<string> {
        return this.server?.path ?? (await this.findServer()).path;
    }

    private async findServer(): Promise<FoundServer> {
        // Read afresh on every start: a restart after a settings change must see the new values.
        const config = new Config(vscode.workspace.getConfiguration(SECTION));
        const server = findServer({
            configuredPath: config.serverPath,
            extensionDir: this.extCtx.extensionPath,
            env: process.env,
            platform: process.platform,
        });
        await checkServer(server);
        return server;
    }

    private async startClient(): Promise<void> {
        const config = new Config(vscode.workspace.getConfiguration(SECTION));
        const server = await this.findServer();
        this.server = server;

        const executable = serverExecutable(server.path, process.env);
        const serverOptions: lc.ServerOptions = { run: executable, debug: executable };
        // A new server holds no document; the client offers it every open one again, through this gate.
        const gate = new ContractGate<vscode.TextDocument>({
            open: (doc) => this.resync(lc.DidOpenTextDocumentNotification.method, doc),
            close: (doc) => this.resync(lc.DidCloseTextDocumentNotification.method, doc),
        });
        const clientOptions: lc.LanguageClientOptions = {
            documentSelector: DOCUMENT_SELECTOR,
            outputChannel: this.output,
            initializationOptions: initializationOptions(config.serverSettings),
            // Sends the section on every change; the server also pulls it with `workspace/configuration`, which
            // vscode-languageclient answers from the same settings.
            synchronize: { configurationSection: SECTION },
            middleware: {
                window: { showDocument: showDocumentMiddleware },
                ...gateMiddleware(gate),
            },
        };
        this.client = new lc.LanguageClient(CLIENT_ID, 'Pacto', serverOptions, clientOptions);
        await this.client.start();
    }

    /**
     * Opens or closes a document on the server through the client's own open or close feature (so its synced
     * documents and pulled diagnostics follow), when an edit made the document a contract or stopped it being one.
     */
    private async resync(
        method: typeof lc.DidOpenTextDocumentNotification.method | typeof lc.DidCloseTextDocumentNotification.method,
        doc: vscode.TextDocument,
    ): Promise<void> {
        const client = this.client;
        if (!client) {
            return;
        }
        if (method === lc.DidOpenTextDocumentNotification.method) {
            await client.getFeature(method).getProvider(doc)?.send(doc);
            // The client pulls a document's diagnostics when it opens, unless it pulled them before (it did, empty,
            // while the document was plain YAML): ask for a pull of the open documents.
            client
                .getFeature(lc.DocumentDiagnosticRequest.method)
                ?.getProvider(doc)
                ?.onDidChangeDiagnosticsEmitter.fire();
        } else {
            await client.getFeature(method).getProvider(doc)?.send(doc);
        }
    }

    async stop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        this.starting = undefined;
        for (const it of this.clientSubscriptions.splice(0)) {
            it.dispose();
        }
        if (client) {
            await client.stop();
            await client.dispose();
        }
    }

    async restart(): Promise<void> {
        await this.stop();
        await this.start();
    }
}
