// Every `pacto.*` command: one table of `(ctx) => handler`. A new command is one entry here and one in
// package.json's `contributes.commands` (the package test checks that they agree).
import { execFile, spawn } from 'node:child_process';
import { dirname } from 'node:path';

import * as vscode from 'vscode';
import * as lc from 'vscode-languageclient/node';

import { displayCommand, packArgs, pullArgs, pushArgs, refProblem } from './cli';
import { isContractDocument, isContractName } from './contract';
import { CONTRACT_GLOB, type Ctx, EXCLUDED_DIRS } from './ctx';
import { generatedPath, pluginNameProblem } from './generate';
import { showGraph } from './graph_view';
import {
    CLIENT_COMMANDS,
    type DependencyGraphArguments,
    type DependencyGraphResult,
    type DiffAgainst,
    type GenerateArguments,
    type GenerateParams,
    type GenerateResult,
    SERVER_COMMANDS,
    type ShowDiffArguments,
} from './lsp_ext';
import { contractsByFirstKey, findings, type ValidateReport, validateArgs, validatorOf } from './validate';

type Cmd = (...args: unknown[]) => unknown;

/** A `pacto validate` run longer than this is killed, so the command always finishes. */
const VALIDATE_TIMEOUT_MS = 30_000;
/** `pacto pack`, `push` or `pull` running longer than this is killed: a registry that never answers. */
const CLI_TIMEOUT_MS = 300_000;
/** Every YAML file, for those whose first key is `pactoVersion`. */
const YAML_GLOB = '**/*.{yaml,yml}';

// The ids differ from the server's commands (`pacto.showDiff`, ...), which vscode-languageclient registers itself.
export const COMMANDS: Record<string, (ctx: Ctx) => Cmd> = {
    'pacto.restartServer': restartServer,
    'pacto.validateWorkspace': validateWorkspace,
    'pacto.showDiffAgainstPublished': (ctx) => showDiff(ctx, 'published'),
    'pacto.showDiffAgainstHead': (ctx) => showDiff(ctx, 'head'),
    'pacto.showDependencyGraph': showDependencyGraph,
    'pacto.pack': pack,
    'pacto.push': push,
    'pacto.pull': pull,
    'pacto.generateFiles': generateFiles,
    [CLIENT_COMMANDS.showReferences]: showReferences,
};

/**
 * The "used by N services" lens: its LSP locations shown in VS Code's reference view, as rust-analyzer's
 * `showReferences` does (`editor.action.showReferences` takes VS Code's own types, not LSP JSON).
 */
function showReferences(ctx: Ctx): Cmd {
    return async (uri, position, locations) => {
        const client = ctx.languageClient;
        if (!client || typeof uri !== 'string') {
            return;
        }
        const converter = client.protocol2CodeConverter;
        await vscode.commands.executeCommand(
            'editor.action.showReferences',
            vscode.Uri.parse(uri),
            converter.asPosition(position as lc.Position),
            (locations as lc.Location[]).map((it) => converter.asLocation(it)),
        );
    };
}

function restartServer(ctx: Ctx): Cmd {
    return async () => {
        try {
            await ctx.restart();
        } catch (err) {
            void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
        }
    };
}

/**
 * Validates every contract of the workspace into the Problems panel: each `pacto.yaml` bundle with `pacto validate`,
 * as CI would, and each other contract (`pacto.yml`, YAML whose first key is `pactoVersion`), which that command
 * cannot read, with the server's diagnostics.
 */
function validateWorkspace(ctx: Ctx): Cmd {
    const collection = vscode.languages.createDiagnosticCollection('pacto validate');
    ctx.pushExtCleanup(collection);
    return async () => {
        let binary: string;
        try {
            binary = await ctx.binary();
        } catch (err) {
            void vscode.window.showErrorMessage(errorMessage(err));
            return;
        }
        const contracts = await findContracts();
        collection.clear();
        let nErrors = 0;
        let nWarnings = 0;
        await Promise.all(
            contracts.map(async (uri) => {
                let diagnostics: vscode.Diagnostic[];
                try {
                    diagnostics =
                        validatorOf(uri.fsPath) === 'cli'
                            ? cliDiagnostics(await runValidate(binary, dirname(uri.fsPath)))
                            : await serverDiagnostics(ctx, uri);
                } catch (err) {
                    // One unreadable bundle must not hide the others' findings.
                    void vscode.window.showErrorMessage(errorMessage(err));
                    return;
                }
                const nFileErrors = diagnostics.filter((it) => it.severity === vscode.DiagnosticSeverity.Error).length;
                nErrors += nFileErrors;
                nWarnings += diagnostics.length - nFileErrors;
                collection.set(uri, diagnostics);
            }),
        );
        void vscode.window.showInformationMessage(
            `pacto: ${contracts.length} contract(s), ${nErrors} error(s), ${nWarnings} warning(s)`,
        );
    };
}

/**
 * The workspace's contracts: the named ones, and the YAML files whose first key is `pactoVersion`. Reading the
 * start of every YAML file is cheap for a command run by hand (a few kilobytes each), unlike doing it to decide
 * whether to start the server.
 */
async function findContracts(): Promise<vscode.Uri[]> {
    const [named, yaml] = await Promise.all([
        vscode.workspace.findFiles(CONTRACT_GLOB, EXCLUDED_DIRS),
        vscode.workspace.findFiles(YAML_GLOB, EXCLUDED_DIRS),
    ]);
    const byFirstKey = new Set(
        await contractsByFirstKey(yaml.filter((uri) => !isContractName(uri.fsPath)).map((uri) => uri.fsPath)),
    );
    return [...named, ...yaml.filter((uri) => byFirstKey.has(uri.fsPath))];
}

function cliDiagnostics(report: ValidateReport): vscode.Diagnostic[] {
    return findings(report).map((it) => {
        const position = new vscode.Position(it.line, it.character);
        const diagnostic = new vscode.Diagnostic(
            new vscode.Range(position, position),
            it.message,
            it.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        diagnostic.code = it.code;
        diagnostic.source = 'pacto validate';
        return diagnostic;
    });
}

/** The server's diagnostics of a contract file, which is opened (not shown) so that the server holds it. */
async function serverDiagnostics(ctx: Ctx, uri: vscode.Uri): Promise<vscode.Diagnostic[]> {
    await ctx.start();
    const client = ctx.languageClient;
    await vscode.workspace.openTextDocument(uri);
    const report = await client?.sendRequest(lc.DocumentDiagnosticRequest.type, {
        textDocument: { uri: client.code2ProtocolConverter.asUri(uri) },
    });
    // The contract gate answers null for a document the server does not hold: say so rather than report it clean.
    if (!client || !report || report.kind !== lc.DocumentDiagnosticReportKind.Full) {
        throw new Error(`pacto: ${vscode.workspace.asRelativePath(uri)} was not validated: the server did not take it`);
    }
    return client.protocol2CodeConverter.asDiagnostics(report.items);
}

function runValidate(binary: string, bundleDir: string): Promise<ValidateReport> {
    return new Promise((resolve, reject) => {
        // `pacto validate` exits 1 for an invalid bundle and still writes the report: read stdout either way.
        execFile(binary, validateArgs(bundleDir), { timeout: VALIDATE_TIMEOUT_MS }, (err, stdout, stderr) => {
            try {
                resolve(JSON.parse(stdout) as ValidateReport);
            } catch {
                reject(new Error(`pacto validate ${bundleDir} failed: ${err?.message ?? ''} ${stderr.trim()}`));
            }
        });
    });
}

function errorMessage(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

/** The client, started first if no contract had started it (the command names one). */
async function startedClient(ctx: Ctx): Promise<lc.LanguageClient | undefined> {
    try {
        await ctx.start();
    } catch (err) {
        void vscode.window.showErrorMessage(errorMessage(err));
        return undefined;
    }
    return ctx.languageClient;
}

/**
 * The contract a command acts on: the URI it was invoked with (explorer menu), the active editor's contract, or
 * one picked from the workspace's contracts.
 */
async function targetContract(arg: unknown): Promise<vscode.Uri | undefined> {
    if (arg instanceof vscode.Uri) {
        return arg;
    }
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && isContractDocument(doc)) {
        return doc.uri;
    }
    const contracts = await vscode.workspace.findFiles(CONTRACT_GLOB, EXCLUDED_DIRS);
    if (contracts.length <= 1) {
        if (contracts.length === 0) {
            void vscode.window.showErrorMessage('pacto: no pacto.yaml or pacto.yml in this workspace');
        }
        return contracts[0];
    }
    const picked = await vscode.window.showQuickPick(
        contracts.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
        { placeHolder: 'Which contract?' },
    );
    return picked?.uri;
}

function executeServerCommand<T>(client: lc.LanguageClient, command: string, args: unknown[]): Promise<T> {
    return client.sendRequest(lc.ExecuteCommandRequest.type, { command, arguments: args }) as Promise<T>;
}

/** The server opens the diff itself, with `window/showDocument` on a `pacto-diff:` URI (see diff_view.ts). */
function showDiff(ctx: Ctx, against: DiffAgainst): Cmd {
    return async (arg) => {
        const contract = await targetContract(arg);
        const client = contract && (await startedClient(ctx));
        if (!client || !contract) {
            return;
        }
        try {
            await executeServerCommand(client, SERVER_COMMANDS.showDiff, [
                contract.toString(),
                against,
            ] satisfies ShowDiffArguments);
        } catch (err) {
            void vscode.window.showErrorMessage(`pacto: no diff: ${errorMessage(err)}`);
        }
    };
}

function showDependencyGraph(ctx: Ctx): Cmd {
    return async (arg) => {
        const contract = await targetContract(arg);
        const client = contract && (await startedClient(ctx));
        if (!client || !contract) {
            return;
        }
        try {
            const graph = await executeServerCommand<DependencyGraphResult>(client, SERVER_COMMANDS.dependencyGraph, [
                contract.toString(),
            ] satisfies DependencyGraphArguments);
            showGraph(ctx.extCtx.extensionUri, contract, graph);
        } catch (err) {
            void vscode.window.showErrorMessage(`pacto: no dependency graph: ${errorMessage(err)}`);
        }
    };
}

/** Asks the plugin (and `key=value` options), then opens every generated file unsaved, at its would-be path. */
function generateFiles(ctx: Ctx): Cmd {
    return async (arg) => {
        const contract = await targetContract(arg);
        const client = contract && (await startedClient(ctx));
        if (!client || !contract) {
            return;
        }
        const plugin = await vscode.window.showInputBox({
            prompt: 'Generator plugin (runs pacto-plugin-<name>)',
            value: 'kubernetes',
            validateInput: pluginNameProblem,
        });
        if (!plugin) {
            return;
        }
        const params: GenerateParams = { uri: contract.toString(), plugin, options: {} };
        let res: GenerateResult;
        try {
            res = await executeServerCommand<GenerateResult>(client, SERVER_COMMANDS.generate, [
                params,
            ] satisfies GenerateArguments);
        } catch (err) {
            void vscode.window.showErrorMessage(`pacto: generate ${plugin} failed: ${errorMessage(err)}`);
            return;
        }
        const bundleDir = dirname(contract.fsPath);
        for (const file of res.files) {
            let path: string;
            try {
                path = generatedPath(bundleDir, file.path);
            } catch (err) {
                void vscode.window.showErrorMessage(errorMessage(err));
                continue;
            }
            // An untitled document with a path saves there on the first save, and nothing is written before.
            const uri = vscode.Uri.file(path).with({ scheme: 'untitled' });
            const doc = await vscode.workspace.openTextDocument(uri);
            const edit = new vscode.WorkspaceEdit();
            edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), file.content);
            await vscode.workspace.applyEdit(edit);
            await vscode.window.showTextDocument(doc, { preview: false });
        }
        void vscode.window.showInformationMessage(res.message || `pacto: ${res.files.length} file(s) generated`);
    };
}

function pack(ctx: Ctx): Cmd {
    return async (arg) => {
        const contract = await targetContract(arg);
        if (contract) {
            const bundleDir = dirname(contract.fsPath);
            await runCli(ctx, packArgs(bundleDir), workingDir(contract));
        }
    };
}

async function askRef(prompt: string): Promise<string | undefined> {
    const ref = await vscode.window.showInputBox({
        prompt,
        placeHolder: 'oci://registry.example.com/team/service:1.0.0',
        ignoreFocusOut: true,
        validateInput: refProblem,
    });
    return ref?.trim();
}

function push(ctx: Ctx): Cmd {
    return async (arg) => {
        const contract = await targetContract(arg);
        const ref = contract && (await askRef('Push the bundle to (the tag defaults to service.version)'));
        if (contract && ref) {
            await runCli(ctx, pushArgs(ref, dirname(contract.fsPath)), workingDir(contract));
        }
    };
}

function pull(ctx: Ctx): Cmd {
    return async () => {
        const folder = vscode.workspace.workspaceFolders?.[0];
        if (!folder) {
            void vscode.window.showErrorMessage('pacto: open a folder to pull into');
            return;
        }
        const ref = await askRef('Pull the bundle from (no tag: the highest version)');
        if (ref) {
            await runCli(ctx, pullArgs(ref), folder.uri.fsPath);
        }
    };
}

/** The workspace folder of the contract, where `pacto pack` writes its archive; else the bundle's parent. */
function workingDir(contract: vscode.Uri): string {
    return vscode.workspace.getWorkspaceFolder(contract)?.uri.fsPath ?? dirname(dirname(contract.fsPath));
}

/** Runs the same `pacto` binary as the server, its output in the Pacto channel, and reports how it ended. */
async function runCli(ctx: Ctx, args: string[], cwd: string): Promise<void> {
    let binary: string;
    try {
        binary = await ctx.binary();
    } catch (err) {
        void vscode.window.showErrorMessage(errorMessage(err));
        return;
    }
    const output = ctx.output;
    output.show(true);
    output.appendLine(`$ ${displayCommand(binary, args)}   (in ${cwd})`);
    const code = await new Promise<number | string>((resolve) => {
        const child = spawn(binary, args, { cwd, timeout: CLI_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (chunk: Buffer) => output.append(chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => output.append(chunk.toString()));
        child.on('error', (err) => resolve(err.message));
        child.on('close', (status, signal) => resolve(status ?? `killed by ${signal}`));
    });
    output.appendLine(`[exit ${code}]`);
    if (code === 0) {
        void vscode.window.showInformationMessage(`pacto ${args[0]}: done`);
    } else {
        void vscode.window.showErrorMessage(`pacto ${args[0]} failed (${code}); see the Pacto output`);
    }
}
