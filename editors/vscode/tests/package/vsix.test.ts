// The packaged .vsix: its manifest and exactly the files the `.vscodeignore` allowlist lets in.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

// Compiled to out/tests/package/: the extension's directory is three levels up.
const extensionDir = join(__dirname, '..', '..', '..');
const { version } = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8')) as { version: string };
const vsix = join(extensionDir, `pacto-${version}.vsix`);

// A .vsix is a zip; python3's zipfile reads it on any machine that has python3, unlike `unzip`.
function unzip(what: 'list' | 'read', entry = ''): string {
    const script =
        'import sys, zipfile\n' +
        'z = zipfile.ZipFile(sys.argv[1])\n' +
        "print('\\n'.join(sorted(z.namelist()))) if sys.argv[2] == 'list' else sys.stdout.write(z.read(sys.argv[3]).decode())\n";
    return execFileSync('python3', ['-c', script, vsix, what, entry], { encoding: 'utf8' });
}

test('the vsix exists', () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run npm run package first`);
});

test('only the allowlisted files are packed', () => {
    assert.deepEqual(unzip('list').trim().split('\n'), [
        '[Content_Types].xml',
        'extension.vsixmanifest',
        'extension/out/main.js',
        'extension/package.json',
        // vsce writes the README under a lowercase name.
        'extension/readme.md',
        'extension/schemas/pacto-v1.0.schema.json',
    ]);
});

test('extension/package.json is the manifest', () => {
    const manifest = JSON.parse(unzip('read', 'extension/package.json')) as Record<string, unknown> & {
        contributes: { commands: { command: string }[]; yamlValidation: { url: string }[] };
    };
    assert.equal(manifest.name, 'pacto');
    assert.equal(manifest.version, version);
    assert.equal(manifest.main, './out/main.js');
    assert.deepEqual(manifest.activationEvents, [
        'workspaceContains:**/pacto.yaml',
        'workspaceContains:**/pacto.yml',
        'onLanguage:yaml',
    ]);
    assert.deepEqual(
        manifest.contributes.commands.map((it) => it.command),
        ['pacto.restartServer', 'pacto.validateWorkspace'],
    );
    assert.equal(manifest.contributes.yamlValidation[0].url, './schemas/pacto-v1.0.schema.json');
});

test('the bundle registers every command of package.json and bundles the client', () => {
    const main = unzip('read', 'extension/out/main.js');
    for (const command of ['pacto.restartServer', 'pacto.validateWorkspace']) {
        assert.ok(main.includes(`"${command}"`), `${command} not in out/main.js`);
    }
    // vscode-languageclient is bundled, not a runtime dependency (packaged with --no-dependencies).
    assert.ok(main.includes('textDocument/publishDiagnostics'));
    assert.ok(!main.includes('require("vscode-languageclient'));
});

test('the schema copy is the repository schema', () => {
    const packed = unzip('read', 'extension/schemas/pacto-v1.0.schema.json');
    assert.equal(packed, readFileSync(join(extensionDir, '..', '..', 'schemas', 'pacto-v1.0.schema.json'), 'utf8'));
});
