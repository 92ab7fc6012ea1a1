// The dependency graph page: the strict content security policy, the bundled Mermaid only, escaped text.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { contentSecurityPolicy, escapeHtml, graphHtml, makeNonce } from '../../src/graph_html';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const SCRIPT = `${CSP_SOURCE}/ext/media/mermaid.min.js`;

function page(mermaid: string, text = 'svc 1.0.0\n'): string {
    return graphHtml({ cspSource: CSP_SOURCE, mermaidScript: SCRIPT, nonce: 'N0nce', title: 'Deps', mermaid, text });
}

test('the policy: nothing by default, scripts by nonce only', () => {
    assert.equal(
        contentSecurityPolicy(CSP_SOURCE, 'N0nce'),
        "default-src 'none'; script-src 'nonce-N0nce'; " +
            `style-src ${CSP_SOURCE} 'unsafe-inline'; img-src ${CSP_SOURCE} data:; font-src ${CSP_SOURCE}`,
    );
});

test('the page carries the policy, and every script has the nonce', () => {
    const html = page('graph TD\n  a --> b');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    assert.equal(csp?.[1], escapeHtml(contentSecurityPolicy(CSP_SOURCE, 'N0nce')));
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.deepEqual(scripts, [`<script nonce="N0nce" src="${SCRIPT}">`, '<script nonce="N0nce">']);
    // Nothing from the network: the only URL is the webview's own.
    assert.deepEqual(
        (html.match(/https?:\/\/[^\s"'<>]+/g) ?? []).filter((it) => !it.startsWith(CSP_SOURCE)),
        [],
    );
    assert.ok(!/\son[a-z]+=/.test(html), 'no inline event handlers');
});

test('the graph text is escaped, so a service name cannot inject markup', () => {
    const html = page('graph TD\n  a["<img src=x onerror=alert(1)>"] --> b', '<b>svc</b>');
    assert.ok(
        html.includes(
            '<pre class="mermaid" id="graph">graph TD\n  a[&#34;&#60;img src=x onerror=alert(1)&#62;&#34;] --&#62; b</pre>',
        ),
    );
    assert.ok(html.includes('<pre class="text">&#60;b&#62;svc&#60;/b&#62;</pre>'));
    assert.ok(!html.includes('<img'));
});

test('nonces are fresh and long enough', () => {
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(a, makeNonce());
});
