// Copies into the extension what git keeps elsewhere: the contract schema (for `contributes.yamlValidation`), the
// repository's LICENSE, and the Mermaid library with its licence (for the dependency graph webview, which loads
// nothing from the network).
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = join(extensionDir, '..', '..');
const mermaidDir = join(extensionDir, 'node_modules', 'mermaid');
const copies = [
    [join(repoDir, 'schemas', 'pacto-v1.0.schema.json'), join(extensionDir, 'schemas', 'pacto-v1.0.schema.json')],
    [join(repoDir, 'LICENSE'), join(extensionDir, 'LICENSE')],
    [join(mermaidDir, 'dist', 'mermaid.min.js'), join(extensionDir, 'media', 'mermaid.min.js')],
    [join(mermaidDir, 'LICENSE'), join(extensionDir, 'media', 'mermaid.LICENSE')],
];
for (const [source, target] of copies) {
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
}
