// The real `pacto lsp`, found and launched by the extension's own bootstrap, spoken to over stdio as VS Code's
// client would: UTF-16 positions, versioned diagnostics, hover and completion.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    let server: ChildProcess;
    let connection: MessageConnection;
    let serverPath: string;
    let positionEncoding: unknown;

    before(async () => {
        mkdirSync(join(bundleDir, 'interfaces'), { recursive: true });
        writeFileSync(join(bundleDir, 'pacto.yaml'), INVALID_CONTRACT);
        writeFileSync(
            join(bundleDir, 'interfaces', 'openapi.yaml'),
            'openapi: 3.0.3\ninfo: {title: demo, version: 0.1.0}\npaths: {}\n',
        );

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
        // Registrations and configuration pulls get the empty answers VS Code gives when nothing is set.
        connection.onRequest(() => null);
        connection.onNotification(() => undefined);
        connection.listen();

        const res = await withTimeout(
            'initialize',
            connection.sendRequest<{ capabilities: { positionEncoding?: string } }>('initialize', {
                processId: process.pid,
                rootUri: pathToFileURL(workspace).href,
                workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'workspace' }],
                capabilities: {
                    general: { positionEncodings: ['utf-16'] },
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
});
