// The settings table against package.json, and the reading of each setting.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { Config, initializationOptions, requiresRestart, SECTION, SETTINGS } from '../../src/config';

// Compiled to out/tests/unit/: the extension's directory is three levels up.
const extensionDir = join(__dirname, '..', '..', '..');

interface Manifest {
    contributes: {
        configuration: { properties: Record<string, { scope?: string; default?: unknown }> };
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
    // The server re-reads its settings on workspace/didChangeConfiguration.
    assert.equal(
        requiresRestart((section) => section.startsWith('pacto.registry') || section === 'pacto.offline'),
        false,
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

test('the server settings are the section minus the client-only ones, nested, unset ones left out', () => {
    const values: Record<string, unknown> = {
        'server.path': '/opt/pacto',
        'trace.server': 'verbose',
        'publish.repository': { '**/pacto.yaml': 'oci://127.0.0.1:5000/team/svc' },
        'registry.insecure': ['127.0.0.1:5000'],
        'registry.timeoutSeconds': 3,
        offline: false,
        'cache.tagTtlSeconds': null,
    };
    const config = new Config({ get: <T>(key: string) => values[key] as T });
    assert.deepEqual(config.serverSettings, {
        publish: { repository: { '**/pacto.yaml': 'oci://127.0.0.1:5000/team/svc' } },
        registry: { insecure: ['127.0.0.1:5000'], timeoutSeconds: 3 },
        offline: false,
    });
    assert.deepEqual(new Config({ get: () => undefined }).serverSettings, {});
});

test('initialization options: virtual documents and the settings', () => {
    assert.deepEqual(initializationOptions({ offline: true, registry: { timeoutSeconds: 1 } }), {
        virtualDocuments: true,
        offline: true,
        registry: { timeoutSeconds: 1 },
    });
});

test('the declared defaults are the server defaults of the contract', () => {
    const defaults = Object.fromEntries(
        Object.entries(manifest.contributes.configuration.properties).map(([name, it]) => [name, it.default]),
    );
    assert.deepEqual(defaults, {
        'pacto.server.path': null,
        'pacto.publish.repository': {},
        'pacto.registry.insecure': [],
        'pacto.registry.timeoutSeconds': 10,
        'pacto.offline': false,
        'pacto.cache.tagTtlSeconds': 60,
        'pacto.migration.hint': true,
        'pacto.generate.options': {},
        'pacto.trace.server': 'off',
    });
    assert.equal(manifest.contributes.configuration.properties['pacto.publish.repository'].scope, 'resource');
});
