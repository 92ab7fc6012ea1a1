// The dependency graph webview's page: the Mermaid text of `pacto.dependencyGraph`, rendered by the Mermaid
// library shipped in the extension's `media/` (never a CDN). No `vscode` import, so it is unit-tested under node.
import { randomBytes } from 'node:crypto';

export interface GraphPage {
    /** `webview.cspSource`: the origin the webview serves `localResourceRoots` from. */
    cspSource: string;
    /** The webview URI of `media/mermaid.min.js`. */
    mermaidScript: string;
    nonce: string;
    title: string;
    mermaid: string;
    /** The text tree of `pacto graph`, shown under the picture (and alone if Mermaid fails). */
    text: string;
}

/** A fresh nonce per page: only scripts carrying it run. */
export function makeNonce(): string {
    return randomBytes(18).toString('base64url');
}

export function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * No network, no inline event handlers, scripts only with the nonce. Styles allow 'unsafe-inline' because Mermaid
 * writes a `<style>` into every SVG it renders, which cannot carry the nonce; a style cannot run code.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
    return [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src ${cspSource} 'unsafe-inline'`,
        `img-src ${cspSource} data:`,
        `font-src ${cspSource}`,
    ].join('; ');
}

export function graphHtml(page: GraphPage): string {
    const nonce = escapeHtml(page.nonce);
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(page.cspSource, page.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
<style>
body { color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); }
#error { color: var(--vscode-errorForeground); }
pre.text { font-family: var(--vscode-editor-font-family); }
</style>
</head>
<body>
<h2>${escapeHtml(page.title)}</h2>
<pre class="mermaid" id="graph">${escapeHtml(page.mermaid)}</pre>
<p id="error" hidden></p>
<details><summary>As text</summary><pre class="text">${escapeHtml(page.text)}</pre></details>
<script nonce="${nonce}" src="${escapeHtml(page.mermaidScript)}"></script>
<script nonce="${nonce}">
(async () => {
    const dark = document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'default' });
    try {
        await mermaid.run({ nodes: [document.getElementById('graph')] });
    } catch (err) {
        const error = document.getElementById('error');
        error.textContent = 'Mermaid could not draw the graph: ' + err;
        error.hidden = false;
    }
})();
</script>
</body>
</html>
`;
}
