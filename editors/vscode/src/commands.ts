// Every `pacto.*` command: one table of `(ctx) => handler`. A new command is one entry here and one in
// package.json's `contributes.commands` (the package test checks that they agree).
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';

import * as vscode from 'vscode';

import type { Ctx } from './ctx';
import { findings, type ValidateReport, validateArgs } from './validate';

type Cmd = (...args: unknown[]) => unknown;

/** A `pacto validate` run longer than this is killed, so the command always finishes. */
const VALIDATE_TIMEOUT_MS = 30_000;

export const COMMANDS: Record<string, (ctx: Ctx) => Cmd> = {
    'pacto.restartServer': restartServer,
    'pacto.validateWorkspace': validateWorkspace,
};

function restartServer(ctx: Ctx): Cmd {
    return async () => {
        try {
            await ctx.restart();
        } catch (err) {
            void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
        }
    };
}

/** Runs `pacto validate` on every bundle of the workspace and shows the findings in the Problems panel. */
function validateWorkspace(ctx: Ctx): Cmd {
    const collection = vscode.languages.createDiagnosticCollection('pacto validate');
    ctx.pushExtCleanup(collection);
    return async () => {
        const binary = ctx.serverPath;
        if (!binary) {
            void vscode.window.showErrorMessage('pacto: the server is not running; see the Pacto output');
            return;
        }
        const contracts = await vscode.workspace.findFiles('**/pacto.yaml', '**/{node_modules,.git,target}/**');
        collection.clear();
        let nErrors = 0;
        let nWarnings = 0;
        await Promise.all(
            contracts.map(async (uri) => {
                let report: ValidateReport;
                try {
                    report = await runValidate(binary, dirname(uri.fsPath));
                } catch (err) {
                    // One unreadable bundle must not hide the others' findings.
                    void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
                    return;
                }
                const diagnostics = findings(report).map((it) => {
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
                const nBundleErrors = diagnostics.filter(
                    (it) => it.severity === vscode.DiagnosticSeverity.Error,
                ).length;
                nErrors += nBundleErrors;
                nWarnings += diagnostics.length - nBundleErrors;
                collection.set(uri, diagnostics);
            }),
        );
        void vscode.window.showInformationMessage(
            `pacto: ${contracts.length} bundle(s), ${nErrors} error(s), ${nWarnings} warning(s)`,
        );
    };
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
