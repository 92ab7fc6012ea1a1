// `pacto validate` JSON reports to 0-based findings; which files Validate Workspace takes, and who validates them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import {
    contractsByFirstKey,
    FIRST_KEY_BYTES,
    findings,
    MAX_OPEN_FILES,
    validateArgs,
    validatorOf,
} from '../../src/validate';

const root = mkdtempSync(join(tmpdir(), 'pacto-validate-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('errors then warnings, 0-based', () => {
    const report = {
        Path: 'svc',
        Valid: false,
        Warnings: [
            { Path: 'interfaces.0.port', Code: 'PORT_IGNORED', Message: 'port is ignored', Line: 9, Column: 11 },
        ],
        Errors: [{ Path: 'runtime.state.type', Code: 'SCHEMA_VIOLATION', Message: 'bad value', Line: 13, Column: 11 }],
    };
    assert.deepEqual(findings(report), [
        {
            severity: 'error',
            code: 'SCHEMA_VIOLATION',
            line: 12,
            character: 10,
            message: 'runtime.state.type: bad value',
        },
        {
            severity: 'warning',
            code: 'PORT_IGNORED',
            line: 8,
            character: 10,
            message: 'interfaces.0.port: port is ignored',
        },
    ]);
});

test('null lists mean no findings', () => {
    assert.deepEqual(findings({ Path: 'svc', Valid: true, Errors: null, Warnings: null }), []);
});

test('validate asks for JSON', () => {
    assert.deepEqual(validateArgs('/ws/svc'), ['--output-format', 'json', 'validate', '/ws/svc']);
});

test('the CLI validates pacto.yaml bundles; the server every other contract file, which the CLI cannot read', () => {
    assert.equal(validatorOf('/ws/svc/pacto.yaml'), 'cli');
    assert.equal(validatorOf('/ws/svc/pacto.yml'), 'server');
    assert.equal(validatorOf('/ws/billing/service.yaml'), 'server');
});

test('YAML files whose first key is pactoVersion, in the order given', async () => {
    const dir = join(root, 'first-key');
    mkdirSync(join(dir, 'unreadable.yaml'), { recursive: true });
    const files: [string, string][] = [
        ['values.yaml', 'replicas: 2\npactoVersion: "1.0"\n'],
        ['billing.yaml', '# billing\n---\npactoVersion: "1.0"\n'],
        ['crlf.yml', '%YAML 1.2\r\n---\r\n"pactoVersion": "1.0"\r\n'],
        ['empty.yaml', ''],
        // The key just inside, then just past, the bytes read.
        ['inside.yaml', `${'#'.repeat(FIRST_KEY_BYTES - 30)}\npactoVersion: "1.0"\n`],
        ['past.yaml', `${'#'.repeat(FIRST_KEY_BYTES)}\npactoVersion: "1.0"\n`],
    ];
    for (const [name, text] of files) {
        writeFileSync(join(dir, name), text);
    }
    const paths = [...files.map(([name]) => join(dir, name)), join(dir, 'unreadable.yaml'), join(dir, 'missing.yaml')];
    assert.deepEqual(await contractsByFirstKey(paths), [
        join(dir, 'billing.yaml'),
        join(dir, 'crlf.yml'),
        join(dir, 'inside.yaml'),
    ]);
});

test('more files than are opened at once: every one is read, in order', async () => {
    const dir = join(root, 'many');
    mkdirSync(dir);
    const paths: string[] = [];
    for (let idx = 0; idx < MAX_OPEN_FILES * 2 + 1; idx++) {
        const path = join(dir, `${idx}.yaml`);
        writeFileSync(path, idx % 2 === 0 ? 'pactoVersion: "1.0"\n' : 'kind: Pod\n');
        paths.push(path);
    }
    assert.deepEqual(
        await contractsByFirstKey(paths),
        paths.filter((_, idx) => idx % 2 === 0),
    );
});
