// The real `pacto lsp`, found and launched by the extension's own bootstrap, spoken to over stdio as VS Code's
// client would: UTF-16 positions, versioned diagnostics, hover and completion.
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
import { DIFF_SCHEME, parseDiffUri } from '../../src/diff_uri';
import { generatedPath } from '../../src/generate';
import { graphHtml, makeNonce } from '../../src/graph_html';
import {
    DIFF_DOCUMENT,
    type DependencyGraph,
    type DiffDocumentParams,
    type DiffDocumentResult,
    type GenerateParams,
    type GenerateResult,
    SERVER_COMMANDS,
} from '../../src/lsp_ext';
import { findings, type ValidateReport, validateArgs } from '../../src/validate';

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

        const found = findServer({
            configuredPath: pactoBin,
            extensionDir,
            env: process.env,
            platform: process.platform,
        });
        await checkServer(found);
        serverPath = found.path;
        const executable = serverExecutable(found.path, process.env);
        server = spawn(executable.command, executable.args, {
            env: executable.options.env,
            stdio: ['pipe', 'pipe', 'inherit'],
        });
        connection = createMessageConnection(
            new StreamMessageReader(server.stdout!),
            new StreamMessageWriter(server.stdin!),
        );
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
            connection.sendRequest<{ capabilities: { positionEncoding?: string } }>('initialize', {
                processId: process.pid,
                rootUri: pathToFileURL(workspace).href,
                // What the extension sends, from settings as a user would write them. Offline: tests never
                // reach a registry.
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
                    },
                },
            }),
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
            connection.sendRequest<DependencyGraph>('workspace/executeCommand', {
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
                connection.sendRequest<DependencyGraph>('workspace/executeCommand', {
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
                    if (lenses.length === 2) {
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
