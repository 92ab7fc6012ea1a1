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
// Written by `npm run package:platform` on this machine, when a release build or $PACTO_BIN was there.
const platformVsix = join(extensionDir, `pacto-${process.platform}-${process.arch}-${version}.vsix`);

const COMMANDS = [
    'pacto.restartServer',
    'pacto.validateWorkspace',
    'pacto.showDiffAgainstPublished',
    'pacto.showDiffAgainstHead',
    'pacto.showDependencyGraph',
    'pacto.pack',
    'pacto.push',
    'pacto.pull',
    'pacto.generateFiles',
    'pacto.showReferences',
];

const UNIVERSAL_FILES = [
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension/LICENSE.txt',
    'extension/media/mermaid.LICENSE',
    'extension/media/mermaid.min.js',
    'extension/out/main.js',
    'extension/package.json',
    // vsce writes the README under a lowercase name.
    'extension/readme.md',
    'extension/schemas/pacto-v1.0.schema.json',
];

// A .vsix is a zip; python3's zipfile reads it on any machine that has python3, unlike `unzip`.
function unzip(what: 'list' | 'read' | 'mode', entry = '', archive = vsix): string {
    const script =
        'import sys, zipfile\n' +
        'z = zipfile.ZipFile(sys.argv[1])\n' +
        "if sys.argv[2] == 'list': print('\\n'.join(sorted(z.namelist())))\n" +
        "elif sys.argv[2] == 'mode': print(oct(z.getinfo(sys.argv[3]).external_attr >> 16))\n" +
        'else: sys.stdout.write(z.read(sys.argv[3]).decode())\n';
    return execFileSync('python3', ['-c', script, archive, what, entry], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
    });
}

test('the vsix exists', () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run npm run package first`);
});

test('only the allowlisted files are packed', () => {
    assert.deepEqual(unzip('list').trim().split('\n'), UNIVERSAL_FILES);
});

test('extension/package.json is the manifest', () => {
    const manifest = JSON.parse(unzip('read', 'extension/package.json')) as Record<string, unknown> & {
        contributes: {
            commands: { command: string }[];
            yamlValidation: { url: string }[];
            menus: Record<string, { command: string; when: string }[]>;
        };
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
        COMMANDS,
    );
    assert.equal(manifest.contributes.yamlValidation[0].url, './schemas/pacto-v1.0.schema.json');
    // The explorer menu offers only declared commands, and only on contracts.
    for (const item of manifest.contributes.menus['explorer/context']) {
        assert.ok(COMMANDS.includes(item.command), item.command);
        assert.equal(item.when, 'resourceFilename =~ /^pacto\\.ya?ml$/');
    }
});

test('the bundle registers every command of package.json and bundles the client', () => {
    const main = unzip('read', 'extension/out/main.js');
    for (const command of COMMANDS) {
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

test('the licence is the repository LICENSE, and Mermaid ships with its own', () => {
    assert.equal(
        unzip('read', 'extension/LICENSE.txt'),
        readFileSync(join(extensionDir, '..', '..', 'LICENSE'), 'utf8'),
    );
    assert.match(unzip('read', 'extension/media/mermaid.LICENSE'), /^The MIT License/);
    const manifest = unzip('read', 'extension.vsixmanifest');
    assert.ok(manifest.includes('<License>extension/LICENSE.txt</License>'), manifest);
});

test('the Mermaid library is the one from node_modules', () => {
    assert.equal(
        unzip('read', 'extension/media/mermaid.min.js'),
        readFileSync(join(extensionDir, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js'), 'utf8'),
    );
});

test('the platform vsix holds the server under server/', { skip: !existsSync(platformVsix) && 'not built' }, () => {
    const files = unzip('list', '', platformVsix).trim().split('\n');
    assert.deepEqual(files, [...UNIVERSAL_FILES, 'extension/server/pacto'].sort());
    // The bootstrap only takes an executable file: the mode must survive the zip.
    assert.equal(unzip('mode', 'extension/server/pacto', platformVsix).trim(), '0o100755');
    const manifest = unzip('read', 'extension.vsixmanifest', platformVsix);
    assert.ok(
        manifest.includes(`TargetPlatform="${process.platform}-${process.arch}"`),
        'the manifest names the platform',
    );
});
