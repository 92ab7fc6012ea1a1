// The language client's lifecycle (start, restart, stop) and the two disposal lists: one for the extension's
// lifetime, one for the current client's.
import * as vscode from 'vscode';
import * as lc from 'vscode-languageclient/node';

import { checkServer, findServer, type FoundServer, serverExecutable } from './bootstrap';
import { Config, initializationOptions, SECTION } from './config';
import { showDocumentMiddleware } from './diff_view';

export const CLIENT_ID = 'pacto';

// Contracts are `pacto.yaml` / `pacto.yml`, or any YAML whose first key is `pactoVersion`: the server receives
// every YAML file and answers only for contracts, so it can run beside the YAML extension.
const DOCUMENT_SELECTOR: lc.DocumentSelector = [
    { scheme: 'file', pattern: '**/pacto.yaml' },
    { scheme: 'file', pattern: '**/pacto.yml' },
    { scheme: 'file', language: 'yaml' },
];

export class Ctx {
    private client: lc.LanguageClient | undefined;
    private server: FoundServer | undefined;
    private readonly clientSubscriptions: vscode.Disposable[] = [];
    /** The Pacto output channel: the client's log and the output of the `pacto` CLI commands. */
    readonly output: vscode.OutputChannel;

    constructor(readonly extCtx: vscode.ExtensionContext) {
        this.output = vscode.window.createOutputChannel('Pacto');
        this.pushExtCleanup(this.output);
    }

    /** The binary the running client was started with; the commands run the same one. */
    get serverPath(): string | undefined {
        return this.server?.path;
    }

    get languageClient(): lc.LanguageClient | undefined {
        return this.client;
    }

    pushExtCleanup(disposable: vscode.Disposable): void {
        this.extCtx.subscriptions.push(disposable);
    }

    pushClientCleanup(disposable: vscode.Disposable): void {
        this.clientSubscriptions.push(disposable);
    }

    async start(): Promise<void> {
        // Read afresh on every start: a restart after a settings change must see the new values.
        const config = new Config(vscode.workspace.getConfiguration(SECTION));
        const server = findServer({
            configuredPath: config.serverPath,
            extensionDir: this.extCtx.extensionPath,
            env: process.env,
            platform: process.platform,
        });
        await checkServer(server);
        this.server = server;

        const executable = serverExecutable(server.path, process.env);
        const serverOptions: lc.ServerOptions = { run: executable, debug: executable };
        const clientOptions: lc.LanguageClientOptions = {
            documentSelector: DOCUMENT_SELECTOR,
            outputChannel: this.output,
            initializationOptions: initializationOptions(config.serverSettings),
            // Sends the section on every change; the server also pulls it with `workspace/configuration`, which
            // vscode-languageclient answers from the same settings.
            synchronize: { configurationSection: SECTION },
            middleware: { window: { showDocument: showDocumentMiddleware } },
        };
        this.client = new lc.LanguageClient(CLIENT_ID, 'Pacto', serverOptions, clientOptions);
        await this.client.start();
    }

    async stop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
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
