// The extension's entry point: it only activates. It builds the `Ctx`, registers the commands of one table,
// starts the client once there is a contract, and shows start errors, which VS Code would otherwise swallow.
import * as vscode from 'vscode';

import { COMMANDS } from './commands';
import { requiresRestart } from './config';
import { Ctx } from './ctx';
import { DIFF_SCHEME } from './diff_uri';
import { DiffContentProvider } from './diff_view';

let ctx: Ctx | undefined;

export async function activate(extCtx: vscode.ExtensionContext): Promise<void> {
    ctx = new Ctx(extCtx);
    for (const [name, factory] of Object.entries(COMMANDS)) {
        ctx.pushExtCleanup(vscode.commands.registerCommand(name, factory(ctx)));
    }
    const diffs = new DiffContentProvider(ctx);
    ctx.pushExtCleanup(diffs);
    ctx.pushExtCleanup(vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, diffs));
    // A saved contract changes its diffs: open ones are read again.
    ctx.pushExtCleanup(vscode.workspace.onDidSaveTextDocument(() => diffs.refreshAll()));
    ctx.pushExtCleanup(
        vscode.workspace.onDidChangeConfiguration(async (event) => {
            // A server never asked for (no contract yet) starts on the first contract, with the new values.
            if (ctx?.wanted && requiresRestart((section) => event.affectsConfiguration(section))) {
                await vscode.commands.executeCommand('pacto.restartServer');
            }
        }),
    );
    await ctx.startOnContract(showStartError);
}

function showStartError(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(message, 'Open Settings').then((choice) => {
        if (choice === 'Open Settings') {
            void vscode.commands.executeCommand('workbench.action.openSettings', 'pacto.server.path');
        }
    });
}

export async function deactivate(): Promise<void> {
    await ctx?.stop();
    ctx = undefined;
}
