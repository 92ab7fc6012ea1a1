// The settings table against package.json, and the reading of each setting.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { Config, requiresRestart, SECTION, SETTINGS } from '../../src/config';

// Compiled to out/tests/unit/: the extension's directory is three levels up.
const extensionDir = join(__dirname, '..', '..', '..');

interface Manifest {
    contributes: {
        configuration: { properties: Record<string, { scope?: string }> };
        commands: { command: string }[];
    };
}

const manifest = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8')) as Manifest;

test('package.json declares exactly the settings of the table', () => {
    const declared = Object.keys(manifest.contributes.configuration.properties).sort();
    const table = Object.values(SETTINGS)
        .map((it) => `${SECTION}.${it.key}`)
        .sort();
    assert.deepEqual(declared, table);
});

test('the server path is machine scoped', () => {
    // A workspace must not choose the binary the extension runs.
    assert.equal(manifest.contributes.configuration.properties['pacto.server.path'].scope, 'machine');
});

test('serverPath is null when unset or blank', () => {
    const config = (value: unknown) => new Config({ get: <T>() => value as T });
    assert.equal(config(undefined).serverPath, null);
    assert.equal(config(null).serverPath, null);
    assert.equal(config('  ').serverPath, null);
    assert.equal(config(' /opt/pacto ').serverPath, '/opt/pacto');
});

test('only the server path needs a restart', () => {
    assert.equal(
        requiresRestart((section) => section === 'pacto.server.path'),
        true,
    );
    assert.equal(
        requiresRestart((section) => section === 'pacto.trace.server'),
        false,
    );
    assert.equal(
        requiresRestart(() => false),
        false,
    );
});
