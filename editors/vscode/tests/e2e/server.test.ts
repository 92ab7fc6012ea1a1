// The real `pacto lsp`, found and launched by the extension's own bootstrap, spoken to over stdio as VS Code's
// client would: UTF-16 positions, versioned diagnostics, hover and completion; and behind the extension's contract
// gate, which lets only contracts through and starts the server on the first one.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';

import {
    createMessageConnection,
    type MessageConnection,
    StreamMessageReader,
    StreamMessageWriter,
} from 'vscode-jsonrpc/node';

import { checkServer, findServer, serverExecutable } from '../../src/bootstrap';
import { Config, initializationOptions } from '../../src/config';
import { type DocumentLike } from '../../src/contract';
import { ContractGate, DID_CLOSE, DID_OPEN, gateMiddleware, StartOnContract } from '../../src/contract_gate';
import { DIFF_SCHEME, parseDiffUri } from '../../src/diff_uri';
import { generatedPath } from '../../src/generate';
import { graphHtml, makeNonce } from '../../src/graph_html';
import {
    DIFF_DOCUMENT,
    type DependencyGraphResult,
    type DiffDocumentParams,
    type DiffDocumentResult,
    type GenerateParams,
    type GenerateResult,
    CLIENT_COMMANDS,
    SERVER_COMMANDS,
} from '../../src/lsp_ext';
import { findings, type ValidateReport, validateArgs, validatorOf } from '../../src/validate';

// Compiled to out/tests/e2e/: the extension is three levels up, the repository five.
const extensionDir = join(__dirname, '..', '..', '..');
const repoDir = join(extensionDir, '..', '..');
const pactoBin = process.env.PACTO_BIN ?? join(repoDir, 'target', 'debug', 'pacto');

/** Every wait on the server gives up after this, so a silent server fails the test instead of hanging it. */
const SERVER_TIMEOUT_MS = 10_000;

const INVALID_CONTRACT = `pactoVersion: "1.0"
service:
  name: demo
  version: 0.1.0
interfaces:
  - name: api
    type: http
    port: 8080
    contract: interfaces/openapi.yaml
runtime:
  workload: service
  state:
    type: statelss
    persistence:
      scope: local
      durability: ephemeral
    dataCriticality: low
  health:
    interface: apii
    path: /health
`;

/** A valid contract named `name`, with `extra` appended (e.g. its dependencies). */
function validContract(name: string, version: string, extra = ''): string {
    return `pactoVersion: "1.0"
service:
  name: ${name}
  version: ${version}
interfaces:
  - name: api
    type: http
    port: 8080
    contract: interfaces/openapi.yaml
runtime:
  workload: service
  state:
    type: stateless
    persistence:
      scope: local
      durability: ephemeral
    dataCriticality: low
  health:
    interface: api
    path: /health
${extra}`;
}

const OPENAPI = 'openapi: 3.0.3\ninfo: {title: demo, version: 0.1.0}\npaths: {}\n';

/** Debian's Chromium renders the graph webview's page; CI installs it (scripts/test). */
function findChromium(): string | undefined {
    for (const dir of (process.env.PATH ?? '').split(':')) {
        for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
            if (dir && existsSync(join(dir, name))) {
                return join(dir, name);
            }
        }
    }
    return undefined;
}

interface Diagnostic {
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    severity?: number;
    code?: string | number;
    message: string;
}

function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), SERVER_TIMEOUT_MS);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `pacto lsp`, found, checked and launched by the extension's own bootstrap; the connection is not listening yet. */
async function launchServer(): Promise<{ server: ChildProcess; connection: MessageConnection; serverPath: string }> {
    const found = findServer({
        configuredPath: pactoBin,
        extensionDir,
        env: process.env,
        platform: process.platform,
    });
    await checkServer(found);
    const executable = serverExecutable(found.path, process.env);
    const server = spawn(executable.command, executable.args, {
        env: executable.options.env,
        stdio: ['pipe', 'pipe', 'inherit'],
    });
    const connection = createMessageConnection(
        new StreamMessageReader(server.stdout),
        new StreamMessageWriter(server.stdin),
    );
    return { server, connection, serverPath: found.path };
}

/**
 * The `initialize` params: VS Code's client capabilities that matter here, and the extension's options. VS Code
 * pulls diagnostics; `pull` says so, and the server then answers `textDocument/diagnostic` instead of pushing.
 */
function initializeParams(workspace: string, pull = false): object {
    return {
        processId: process.pid,
        rootUri: pathToFileURL(workspace).href,
        // What the extension sends, from settings as a user would write them. Offline: tests never reach a
        // registry.
        initializationOptions: initializationOptions(
            new Config({ get: <T>(key: string) => ({ offline: true })[key] as T }).serverSettings,
        ),
        workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'workspace' }],
        capabilities: {
            general: { positionEncodings: ['utf-16'] },
            window: { showDocument: { support: true } },
            workspace: { codeLens: { refreshSupport: true } },
            textDocument: {
                publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true },
                hover: { contentFormat: ['markdown', 'plaintext'] },
                completion: { completionItem: { snippetSupport: true } },
                synchronization: { didSave: true },
                ...(pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
            },
        },
    };
}

describe('pacto lsp through the bootstrap', { timeout: 60_000 }, () => {
    const workspace = mkdtempSync(join(tmpdir(), 'pacto-e2e-'));
    const bundleDir = join(workspace, 'svc');
    const contractUri = pathToFileURL(join(bundleDir, 'pacto.yaml')).href;
    const published = new Map<string, { version?: number; diagnostics: Diagnostic[] }[]>();
    const shownDocuments: { uri: string }[] = [];
    // A bundle in a git repository whose work tree bumps the version: the diff and lens against HEAD.
    const headBundle = join(workspace, 'head');
    const headUri = pathToFileURL(join(headBundle, 'pacto.yaml')).href;
    let server: ChildProcess;
    let connection: MessageConnection;
    let serverPath: string;
    let positionEncoding: unknown;

    before(async () => {
        mkdirSync(join(bundleDir, 'interfaces'), { recursive: true });
        writeFileSync(join(bundleDir, 'pacto.yaml'), INVALID_CONTRACT);
        writeFileSync(join(bundleDir, 'interfaces', 'openapi.yaml'), OPENAPI);
        // An app with a local dependency, for the dependency graph.
        for (const [name, version, extra] of [
            [
                'app',
                '1.0.0',
                'dependencies:\n  - ref: file://../auth\n    required: true\n    compatibility: "^2.0.0"\n',
            ],
            ['auth', '2.0.0', ''],
        ]) {
            mkdirSync(join(workspace, name, 'interfaces'), { recursive: true });
            writeFileSync(join(workspace, name, 'pacto.yaml'), validContract(name, version, extra));
            writeFileSync(join(workspace, name, 'interfaces', 'openapi.yaml'), OPENAPI);
        }

        mkdirSync(join(headBundle, 'interfaces'), { recursive: true });
        writeFileSync(join(headBundle, 'pacto.yaml'), validContract('head', '1.0.0'));
        writeFileSync(join(headBundle, 'interfaces', 'openapi.yaml'), OPENAPI);
        const git = ['-C', headBundle, '-c', 'user.name=t', '-c', 'user.email=t@example.com'];
        for (const args of [
            ['init', '-q'],
            ['add', '.'],
            ['commit', '-q', '-m', '1.0.0'],
        ]) {
            execFileSync('git', [...git, ...args], { stdio: 'ignore' });
        }
        writeFileSync(join(headBundle, 'pacto.yaml'), validContract('head', '1.1.0'));

        ({ server, connection, serverPath } = await launchServer());
        connection.onNotification(
            'textDocument/publishDiagnostics',
            (params: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
                const list = published.get(params.uri) ?? [];
                list.push({ version: params.version, diagnostics: params.diagnostics });
                published.set(params.uri, list);
            },
        );
        connection.onRequest('window/showDocument', (params: { uri: string }) => {
            shownDocuments.push(params);
            return { success: true };
        });
        // Registrations and configuration pulls get the empty answers VS Code gives when nothing is set.
        connection.onRequest(() => null);
        connection.onNotification(() => undefined);
        connection.listen();

        const res = await withTimeout(
            'initialize',
            connection.sendRequest<{ capabilities: { positionEncoding?: string } }>(
                'initialize',
                initializeParams(workspace),
            ),
        );
        positionEncoding = res.capabilities.positionEncoding;
        await connection.sendNotification('initialized', {});
    });

    after(async () => {
        try {
            await withTimeout('shutdown', connection.sendRequest('shutdown'));
            await connection.sendNotification('exit');
        } finally {
            connection?.dispose();
            server?.kill();
            rmSync(workspace, { recursive: true, force: true });
        }
    });

    async function open(uri: string, text: string): Promise<void> {
        await connection.sendNotification('textDocument/didOpen', {
            textDocument: { uri, languageId: 'yaml', version: 1, text },
        });
    }

    async function diagnosticsOfVersion(uri: string, version: number): Promise<Diagnostic[]> {
        return withTimeout(
            `diagnostics of ${uri} version ${version}`,
            new Promise((resolve) => {
                const poll = setInterval(() => {
                    const it = published.get(uri)?.find((it) => it.version === version);
                    if (it) {
                        clearInterval(poll);
                        resolve(it.diagnostics);
                    }
                }, 10);
            }),
        );
    }

    test('UTF-16 is negotiated, as VS Code offers only that', () => {
        assert.equal(positionEncoding ?? 'utf-16', 'utf-16');
    });

    test('diagnostics: exact codes and ranges, pushed with the version', async () => {
        await open(contractUri, INVALID_CONTRACT);
        const diagnostics = await diagnosticsOfVersion(contractUri, 1);
        const rows = diagnostics
            .map((it) => ({ code: it.code, severity: it.severity, range: it.range }))
            .sort((a, b) => a.range.start.line - b.range.start.line);
        assert.deepEqual(rows, [
            {
                code: 'SCHEMA_VIOLATION',
                severity: 1,
                range: { start: { line: 12, character: 10 }, end: { line: 12, character: 18 } },
            },
            {
                code: 'HEALTH_INTERFACE_NOT_FOUND',
                severity: 1,
                range: { start: { line: 18, character: 15 }, end: { line: 18, character: 19 } },
            },
        ]);
    });

    test('hover: the field description', async () => {
        const res = await withTimeout(
            'hover',
            connection.sendRequest<{ contents: { kind: string; value: string } }>('textDocument/hover', {
                textDocument: { uri: contractUri },
                position: { line: 12, character: 5 },
            }),
        );
        assert.equal(res.contents.kind, 'markdown');
        assert.match(res.contents.value, /^\*\*`runtime\.state\.type`\*\* · string · required\n/);
        assert.ok(res.contents.value.includes('Whether instances keep data between requests'), res.contents.value);
    });

    test('completion: the enum values at the cursor', async () => {
        const uri = pathToFileURL(join(workspace, 'completion', 'pacto.yaml')).href;
        await open(
            uri,
            'pactoVersion: "1.0"\nservice:\n  name: demo\n  version: 0.1.0\nruntime:\n  state:\n    type: \n',
        );
        const res = await withTimeout(
            'completion',
            connection.sendRequest<{ items: { label: string }[] } | { label: string }[]>('textDocument/completion', {
                textDocument: { uri },
                position: { line: 6, character: 10 },
            }),
        );
        const items = Array.isArray(res) ? res : res.items;
        assert.deepEqual(items.map((it) => it.label).sort(), ['hybrid', 'stateful', 'stateless']);
    });

    test('validate workspace: the CLI report the command turns into problems', async () => {
        const report = await new Promise<ValidateReport>((resolve, reject) => {
            const child = spawn(serverPath, validateArgs(bundleDir), { stdio: ['ignore', 'pipe', 'ignore'] });
            let stdout = '';
            child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
            child.on('error', reject);
            child.on('close', () => resolve(JSON.parse(stdout) as ValidateReport));
        });
        assert.deepEqual(findings(report), [
            {
                severity: 'error',
                code: 'SCHEMA_VIOLATION',
                line: 12,
                character: 10,
                message:
                    "runtime.state.type: at '/runtime/state/type': value must be one of 'stateless', 'stateful', 'hybrid'",
            },
        ]);
    });

    test('dependency graph: the text and Mermaid of `pacto graph`', async () => {
        const uri = pathToFileURL(join(workspace, 'app', 'pacto.yaml')).href;
        const graph = await withTimeout(
            'pacto.dependencyGraph',
            connection.sendRequest<DependencyGraphResult>('workspace/executeCommand', {
                command: SERVER_COMMANDS.dependencyGraph,
                arguments: [uri],
            }),
        );
        assert.equal(graph.text, 'app@1.0.0\n└─ auth@2.0.0 [local]\n');
        assert.equal(
            graph.mermaid,
            'graph TD\n' +
                '  n0["app@1.0.0"]\n' +
                '  n1["auth@2.0.0 [local]"]\n' +
                '  n0 --> n1\n' +
                '  classDef root stroke-width:3px\n' +
                '  class n0 root\n' +
                '  classDef local stroke-dasharray:6 3\n' +
                '  class n1 local\n',
        );
    });

    test(
        "dependency graph webview: the bundled Mermaid draws the graph under the page's policy",
        { skip: !findChromium() && 'no chromium on PATH' },
        async () => {
            const uri = pathToFileURL(join(workspace, 'app', 'pacto.yaml')).href;
            const graph = await withTimeout(
                'pacto.dependencyGraph',
                connection.sendRequest<DependencyGraphResult>('workspace/executeCommand', {
                    command: SERVER_COMMANDS.dependencyGraph,
                    arguments: [uri],
                }),
            );
            // As in the webview, with `file:` for the webview's resource origin.
            const page = join(workspace, 'graph.html');
            writeFileSync(
                page,
                graphHtml({
                    cspSource: 'file:',
                    mermaidScript: pathToFileURL(join(extensionDir, 'media', 'mermaid.min.js')).href,
                    nonce: makeNonce(),
                    title: 'Dependencies of app',
                    mermaid: graph.mermaid,
                    text: graph.text,
                }),
            );
            const dom = execFileSync(
                findChromium()!,
                [
                    '--headless',
                    '--no-sandbox',
                    '--disable-gpu',
                    `--user-data-dir=${join(workspace, 'chromium')}`,
                    '--virtual-time-budget=10000',
                    '--dump-dom',
                    pathToFileURL(page).href,
                ],
                { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 << 20 },
            );
            const drawn = /<pre class="mermaid" id="graph"[^>]*>(<svg[\s\S]*?<\/svg>)<\/pre>/.exec(dom);
            assert.ok(drawn, `no SVG in the graph: ${dom.slice(0, 2000)}`);
            for (const label of ['app@1.0.0', 'auth@2.0.0 [local]']) {
                assert.ok(drawn[1].includes(label), `${label} not drawn`);
            }
            assert.ok(dom.includes('<p id="error" hidden="">'), 'Mermaid reported an error');
            // The picture in editors/README.md, redrawn on request.
            if (process.env.PACTO_UPDATE_SCREENSHOTS === '1') {
                const docs = join(extensionDir, '..', '..', 'docs');
                execFileSync(
                    findChromium()!,
                    [
                        '--headless',
                        '--no-sandbox',
                        '--disable-gpu',
                        `--user-data-dir=${join(workspace, 'chromium')}`,
                        '--virtual-time-budget=10000',
                        '--hide-scrollbars',
                        '--window-size=480,300',
                        `--screenshot=${join(docs, 'vscode-graph.png')}`,
                        pathToFileURL(page).href,
                    ],
                    { timeout: 60_000, stdio: 'ignore' },
                );
            }
        },
    );

    test("generate: the plugin's files, each opened under the bundle", async () => {
        // The kubernetes plugin is built beside pacto (cargo build --workspace), where `pacto generate` finds it.
        const bundle = join(workspace, 'auth');
        const params: GenerateParams = {
            uri: pathToFileURL(join(bundle, 'pacto.yaml')).href,
            plugin: 'kubernetes',
            options: {},
        };
        const res = await withTimeout(
            'pacto.generate',
            connection.sendRequest<GenerateResult>('workspace/executeCommand', {
                command: SERVER_COMMANDS.generate,
                arguments: [params],
            }),
        );
        assert.deepEqual(
            res.files.map((it) => generatedPath(bundle, it.path)),
            [join(bundle, 'deployment.yaml'), join(bundle, 'service.yaml')],
        );
        assert.match(res.files[0].content, /^apiVersion: apps\/v1\nkind: Deployment\n/m);
        assert.equal(res.message, 'Generated 2 file(s) using kubernetes: Kubernetes manifests for auth@2.0.0');
    });

    test('code lenses on the service line: against the registry and against git HEAD', async () => {
        await open(headUri, validContract('head', '1.1.0'));
        // The server reads HEAD in the background: ask until its lens is there, as a refresh would make VS Code do.
        const lenses = await withTimeout(
            'the lens against HEAD',
            (async () => {
                for (;;) {
                    const lenses = await connection.sendRequest<
                        {
                            range: { start: { line: number } };
                            command: { title: string; command: string; arguments: unknown[] };
                        }[]
                    >('textDocument/codeLens', { textDocument: { uri: headUri } });
                    // The third lens, "used by", answers from the workspace index once its scan has ended.
                    if (lenses.length === 3 && !lenses[2].command.title.includes('indexing')) {
                        return lenses;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
            })(),
        );
        assert.deepEqual(
            lenses.map((it) => [it.range.start.line, it.command.title, it.command.command, it.command.arguments]),
            [
                [1, 'Set publish repository…', SERVER_COMMANDS.showDiff, [headUri, 'published']],
                [1, 'vs git HEAD: 0 breaking · 0 potential · 1 safe', SERVER_COMMANDS.showDiff, [headUri, 'head']],
                [1, 'used by 0 services', CLIENT_COMMANDS.showReferences, [headUri, { line: 2, character: 8 }, []]],
            ],
        );
    });

    test('show diff: the server opens a pacto-diff: document, whose content is pacto/diffDocument', async () => {
        // After the lens test: the server knows HEAD.
        await withTimeout(
            'pacto.showDiff',
            connection.sendRequest('workspace/executeCommand', {
                command: SERVER_COMMANDS.showDiff,
                arguments: [headUri, 'head'],
            }),
        );
        const shown = await withTimeout(
            'window/showDocument',
            (async () => {
                while (shownDocuments.length === 0) {
                    await new Promise((resolve) => setTimeout(resolve, 20));
                }
                return shownDocuments[0].uri;
            })(),
        );
        // Split as vscode.Uri splits it, then mapped back by the extension's own code.
        const url = new URL(shown);
        assert.equal(url.protocol, `${DIFF_SCHEME}:`);
        const { contractPath, against } = parseDiffUri({
            path: decodeURIComponent(url.pathname),
            query: url.search.slice(1),
        });
        assert.deepEqual([contractPath, against], [join(headBundle, 'pacto.yaml'), 'head']);

        const params: DiffDocumentParams = { uri: pathToFileURL(contractPath).href, against };
        const res = await withTimeout(DIFF_DOCUMENT, connection.sendRequest<DiffDocumentResult>(DIFF_DOCUMENT, params));
        assert.match(res.markdown, /^## Contract Diff\n\n\*\*Classification:\*\* `NON_BREAKING`\n/);
        assert.ok(
            res.markdown.includes(
                '| NON_BREAKING | `service.version` | modified | service.version modified | `1.0.0` | `1.1.0` |',
            ),
            res.markdown,
        );
    });
});

/** A text document as the contract gate sees a `vscode.TextDocument`. */
class FakeDocument implements DocumentLike {
    readonly uri: { scheme: string; toString(): string };
    readonly languageId = 'yaml';
    version = 1;

    constructor(
        readonly fileName: string,
        public text: string,
    ) {
        const href = pathToFileURL(fileName).href;
        this.uri = { scheme: 'file', toString: () => href };
    }

    get lineCount(): number {
        return this.text.split('\n').length;
    }

    lineAt(line: number): { text: string } {
        return { text: this.text.split('\n')[line] };
    }
}

// The extension's contract gate, its client middleware and its lazy start, between a client that calls them where
// vscode-languageclient does (ctx.ts) and the real server: every message goes through the send middleware, and is
// recorded if it goes out.
describe('only contracts reach pacto lsp, which starts on the first one', { timeout: 60_000 }, () => {
    const workspace = mkdtempSync(join(tmpdir(), 'pacto-e2e-gate-'));
    const plainPath = join(workspace, 'deploy', 'values.yaml');
    const namedPath = join(workspace, 'named', 'pacto.yml');
    const firstKeyPath = join(workspace, 'billing', 'service.yaml');
    /** Every message sent to the server, as `method file vN`: what the server's trace would show. */
    const sent: string[] = [];
    const published = new Map<string, { version?: number; diagnostics: Diagnostic[] }[]>();
    const openDocs: FakeDocument[] = [];
    let nStarts = 0;
    let server: ChildProcess | undefined;
    let connection: MessageConnection | undefined;

    // As ctx.ts does through the client's open and close features, which call the middleware.
    const gate: ContractGate<FakeDocument> = new ContractGate<FakeDocument>({
        open: (doc) => middleware.didOpen(doc, sendDidOpen),
        close: (doc) => middleware.didClose(doc, sendDidClose),
    });
    const middleware = gateMiddleware(gate);
    const starter = new StartOnContract(async () => {
        nStarts++;
        ({ server, connection } = await launchServer());
        connection.onNotification(
            'textDocument/publishDiagnostics',
            (params: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
                const list = published.get(params.uri) ?? [];
                list.push({ version: params.version, diagnostics: params.diagnostics });
                published.set(params.uri, list);
            },
        );
        connection.onRequest(() => null);
        connection.onNotification(() => undefined);
        connection.listen();
        await withTimeout('initialize', request('initialize', initializeParams(workspace)));
        await notify('initialized', {});
        // A client that starts offers every open document, through the didOpen middleware.
        for (const doc of openDocs) {
            await middleware.didOpen(doc, sendDidOpen);
        }
    });

    function describeMessage(method: string, params: unknown): string {
        const doc = (params as { textDocument?: { uri: string; version?: number } }).textDocument;
        if (!doc) {
            return method;
        }
        const name = doc.uri.slice(pathToFileURL(workspace).href.length + 1);
        return doc.version === undefined ? `${method} ${name}` : `${method} ${name} v${doc.version}`;
    }

    function notify(method: string, params: object): Promise<void> {
        return middleware.sendNotification(
            method,
            (method, params) => {
                sent.push(describeMessage(method, params));
                return connection!.sendNotification(method, params);
            },
            params,
        );
    }

    function request<R>(method: string, params: object): Promise<R | null> {
        return middleware.sendRequest(method, params, undefined, (method, params) => {
            sent.push(describeMessage(method, params));
            return connection!.sendRequest<R>(method, params);
        });
    }

    function sendDidOpen(doc: FakeDocument): Promise<void> {
        return notify(DID_OPEN, {
            textDocument: { uri: doc.uri.toString(), languageId: doc.languageId, version: doc.version, text: doc.text },
        });
    }

    function sendDidClose(doc: FakeDocument): Promise<void> {
        return notify(DID_CLOSE, { textDocument: { uri: doc.uri.toString() } });
    }

    /** VS Code opens a file: the extension may start the server; a running client sends didOpen through the gate. */
    async function openFile(path: string, text: string): Promise<FakeDocument> {
        mkdirSync(join(path, '..', 'interfaces'), { recursive: true });
        writeFileSync(join(path, '..', 'interfaces', 'openapi.yaml'), OPENAPI);
        writeFileSync(path, text);
        const doc = new FakeDocument(path, text);
        openDocs.push(doc);
        const start = starter.offer(doc);
        if (start) {
            await start;
        } else if (connection) {
            await middleware.didOpen(doc, sendDidOpen);
        }
        return doc;
    }

    /** The whole text replaced, as one change event. */
    async function edit(doc: FakeDocument, text: string): Promise<void> {
        doc.text = text;
        doc.version++;
        const event = { document: doc, contentChanges: [{ text }] };
        await middleware.didChange(event, (it) =>
            notify('textDocument/didChange', {
                textDocument: { uri: it.document.uri.toString(), version: it.document.version },
                contentChanges: it.contentChanges,
            }),
        );
    }

    async function close(doc: FakeDocument): Promise<void> {
        openDocs.splice(openDocs.indexOf(doc), 1);
        await middleware.didClose(doc, sendDidClose);
    }

    async function diagnosticsOfVersion(doc: FakeDocument): Promise<string[]> {
        const uri = doc.uri.toString();
        const version = doc.version;
        const diagnostics = await withTimeout(
            `diagnostics of ${uri} version ${version}`,
            (async () => {
                for (;;) {
                    const it = published.get(uri)?.find((it) => it.version === version);
                    if (it) {
                        return it.diagnostics;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 10));
                }
            })(),
        );
        return diagnostics
            .map((it) => {
                const { start, end } = it.range;
                return `${start.line}:${start.character}-${end.line}:${end.character} ${String(it.code)}`;
            })
            .sort();
    }

    after(async () => {
        try {
            if (connection) {
                await withTimeout('shutdown', connection.sendRequest('shutdown'));
                await connection.sendNotification('exit');
            }
        } finally {
            connection?.dispose();
            server?.kill();
            rmSync(workspace, { recursive: true, force: true });
        }
    });

    // The INVALID_CONTRACT findings, on lines counted from the contract's first line.
    const findingsFrom = (line: number) => [
        `${12 + line}:10-${12 + line}:18 SCHEMA_VIOLATION`,
        `${18 + line}:15-${18 + line}:19 HEALTH_INTERFACE_NOT_FOUND`,
    ];

    test('plain YAML opened: the server is not started and gets nothing', async () => {
        await openFile(plainPath, 'replicas: 2\npactoVersion: "1.0"\n');
        assert.equal(nStarts, 0);
        assert.equal(server, undefined);
        assert.deepEqual(sent, []);
    });

    test('the first contract starts the server, which is sent that contract and not the plain YAML', async () => {
        const named = await openFile(namedPath, INVALID_CONTRACT);
        assert.equal(nStarts, 1);
        assert.deepEqual(sent, ['initialize', 'initialized', 'textDocument/didOpen named/pacto.yml v1']);
        assert.deepEqual(await diagnosticsOfVersion(named), findingsFrom(0));
    });

    test('requests about plain YAML are answered null without reaching the server', async () => {
        const plainUri = pathToFileURL(plainPath).href;
        const position = { line: 0, character: 2 };
        for (const [method, params] of [
            ['textDocument/hover', { textDocument: { uri: plainUri }, position }],
            ['textDocument/completion', { textDocument: { uri: plainUri }, position }],
            ['textDocument/documentSymbol', { textDocument: { uri: plainUri } }],
            ['textDocument/diagnostic', { textDocument: { uri: plainUri } }],
            ['textDocument/willSaveWaitUntil', { textDocument: { uri: plainUri }, reason: 1 }],
        ] as const) {
            assert.equal(await request(method, params), null, method);
        }
        await notify('textDocument/didSave', { textDocument: { uri: plainUri } });
        // The same request about the contract goes out and is answered.
        const hover = await withTimeout(
            'hover',
            request<{ contents: { value: string } }>('textDocument/hover', {
                textDocument: { uri: pathToFileURL(namedPath).href },
                position: { line: 12, character: 5 },
            }),
        );
        assert.match(hover?.contents.value ?? '', /runtime\.state\.type/);
        assert.deepEqual(sent.slice(3), ['textDocument/hover named/pacto.yml']);
    });

    test('a YAML file whose first key is pactoVersion, after comments and ---, gets diagnostics', async () => {
        const doc = await openFile(firstKeyPath, `# The billing service.\n\n---\n${INVALID_CONTRACT}`);
        assert.deepEqual(sent.slice(4), ['textDocument/didOpen billing/service.yaml v1']);
        assert.deepEqual(await diagnosticsOfVersion(doc), findingsFrom(3));
    });

    test('plain YAML edited into a contract is opened on the server with its whole text, and closed when it stops being one', async () => {
        const plain = openDocs.find((it) => it.fileName === plainPath)!;
        await edit(plain, 'replicas: 3\n');
        assert.deepEqual(sent.slice(5), []);
        await edit(plain, `# now a contract\n${INVALID_CONTRACT}`);
        assert.deepEqual(sent.slice(5), ['textDocument/didOpen deploy/values.yaml v3']);
        assert.deepEqual(await diagnosticsOfVersion(plain), findingsFrom(1));
        await edit(plain, `${INVALID_CONTRACT}# still one\n`);
        assert.deepEqual(sent.slice(6), ['textDocument/didChange deploy/values.yaml v4']);
        await edit(plain, `replicas: 3\n${INVALID_CONTRACT}`);
        assert.deepEqual(sent.slice(7), ['textDocument/didClose deploy/values.yaml']);
        await edit(plain, 'replicas: 4\n');
        await close(plain);
        assert.deepEqual(sent.slice(8), []);
    });

    test('closing a contract closes it on the server; the whole conversation', async () => {
        const doc = openDocs.find((it) => it.fileName === firstKeyPath)!;
        await close(doc);
        assert.deepEqual(sent, [
            'initialize',
            'initialized',
            'textDocument/didOpen named/pacto.yml v1',
            'textDocument/hover named/pacto.yml',
            'textDocument/didOpen billing/service.yaml v1',
            'textDocument/didOpen deploy/values.yaml v3',
            'textDocument/didChange deploy/values.yaml v4',
            'textDocument/didClose deploy/values.yaml',
            'textDocument/didClose billing/service.yaml',
        ]);
    });
});

// Validate Workspace hands the CLI only `pacto.yaml` bundles (it reads no other file name) and asks the server, as
// VS Code's client would with pulled diagnostics, for every other contract file.
describe('validate workspace: the server validates the contracts the CLI cannot read', { timeout: 60_000 }, () => {
    const workspace = mkdtempSync(join(tmpdir(), 'pacto-e2e-validate-'));
    let server: ChildProcess;
    let connection: MessageConnection;

    before(async () => {
        ({ server, connection } = await launchServer());
        connection.onRequest(() => null);
        connection.onNotification(() => undefined);
        connection.listen();
        await withTimeout('initialize', connection.sendRequest('initialize', initializeParams(workspace, true)));
        await connection.sendNotification('initialized', {});
    });

    after(async () => {
        try {
            await withTimeout('shutdown', connection.sendRequest('shutdown'));
            await connection.sendNotification('exit');
        } finally {
            connection?.dispose();
            server?.kill();
            rmSync(workspace, { recursive: true, force: true });
        }
    });

    for (const [file, preamble] of [
        ['named/pacto.yml', ''],
        ['billing/service.yaml', '# The billing service.\n---\n'],
    ] as const) {
        test(`${file}: the CLI is not the validator; the server's pulled report`, async () => {
            const path = join(workspace, file);
            assert.equal(validatorOf(path), 'server');
            mkdirSync(join(path, '..', 'interfaces'), { recursive: true });
            writeFileSync(join(path, '..', 'interfaces', 'openapi.yaml'), OPENAPI);
            const text = `${preamble}${INVALID_CONTRACT}`;
            writeFileSync(path, text);
            const uri = pathToFileURL(path).href;
            await connection.sendNotification('textDocument/didOpen', {
                textDocument: { uri, languageId: 'yaml', version: 1, text },
            });
            const report = await withTimeout(
                'textDocument/diagnostic',
                connection.sendRequest<{ kind: string; items: Diagnostic[] }>('textDocument/diagnostic', {
                    textDocument: { uri },
                }),
            );
            const shift = preamble.split('\n').length - 1;
            assert.equal(report.kind, 'full');
            assert.deepEqual(
                report.items
                    .map((it) => `${it.range.start.line}:${it.range.start.character} ${String(it.code)}`)
                    .sort(),
                [`${12 + shift}:10 SCHEMA_VIOLATION`, `${18 + shift}:15 HEALTH_INTERFACE_NOT_FOUND`],
            );
        });
    }
});
