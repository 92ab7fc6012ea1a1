// The dependency graph webview: one panel, reused, showing the graph of the contract it was last asked for.
import { basename, dirname } from 'node:path';

import * as vscode from 'vscode';

import { graphHtml, makeNonce } from './graph_html';
import type { DependencyGraphResult } from './lsp_ext';

/** Where the extension keeps files the webview may load; nothing else is reachable from it. */
export const MEDIA_DIR = 'media';
export const MERMAID_SCRIPT = 'mermaid.min.js';

let panel: vscode.WebviewPanel | undefined;

export function showGraph(extensionUri: vscode.Uri, contract: vscode.Uri, graph: DependencyGraphResult): void {
    const media = vscode.Uri.joinPath(extensionUri, MEDIA_DIR);
    const title = `Dependencies of ${basename(dirname(contract.fsPath))}`;
    if (!panel) {
        panel = vscode.window.createWebviewPanel('pacto.graph', title, vscode.ViewColumn.Beside, {
            enableScripts: true,
            localResourceRoots: [media],
        });
        panel.onDidDispose(() => (panel = undefined));
    }
    panel.title = title;
    panel.webview.html = graphHtml({
        cspSource: panel.webview.cspSource,
        mermaidScript: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, MERMAID_SCRIPT)).toString(),
        nonce: makeNonce(),
        title,
        mermaid: graph.mermaid,
        text: graph.text,
    });
    panel.reveal(undefined, true);
}
