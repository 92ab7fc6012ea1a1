// The `pacto-diff:` documents: their content comes from the server's `pacto/diffDocument`, and they open in the
// Markdown preview. The server names them in `window/showDocument` because the client says
// `virtualDocuments: true` in its initialization options.
import * as vscode from 'vscode';
import * as lc from 'vscode-languageclient/node';

import type { Ctx } from './ctx';
import { DIFF_SCHEME, parseDiffUri } from './diff_uri';
import { DIFF_DOCUMENT, type DiffDocumentParams, type DiffDocumentResult } from './lsp_ext';

export class DiffContentProvider implements vscode.TextDocumentContentProvider {
    private readonly changes = new vscode.EventEmitter<vscode.Uri>();
    readonly onDidChange = this.changes.event;

    constructor(private readonly ctx: Ctx) {}

    async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
        const client = this.ctx.languageClient;
        if (!client) {
            return '# pacto: the server is not running\n\nSee the Pacto output for why.\n';
        }
        const { contractPath, against } = parseDiffUri(uri);
        const params: DiffDocumentParams = { uri: vscode.Uri.file(contractPath).toString(), against };
        const res = await client.sendRequest<DiffDocumentResult>(DIFF_DOCUMENT, params, token);
        return res.markdown;
    }

    /** Asks VS Code to read every open diff again, e.g. after a contract is saved. */
    refreshAll(): void {
        for (const doc of vscode.workspace.textDocuments) {
            if (doc.uri.scheme === DIFF_SCHEME) {
                this.changes.fire(doc.uri);
            }
        }
    }

    dispose(): void {
        this.changes.dispose();
    }
}

/**
 * The client's `window/showDocument` handler: a `pacto-diff:` document opens in the Markdown preview (its source
 * is one click away), anything else as vscode-languageclient would open it.
 */
export const showDocumentMiddleware: NonNullable<lc.Middleware['window']>['showDocument'] = async (params, next) => {
    const uri = vscode.Uri.parse(params.uri);
    if (uri.scheme !== DIFF_SCHEME) {
        const res = await next(params, new vscode.CancellationTokenSource().token);
        if (res instanceof lc.ResponseError) {
            throw res;
        }
        return res;
    }
    try {
        await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
        // Without the built-in Markdown extension, show the Markdown source.
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
    }
    return { success: true };
};
