// `pacto validate` JSON reports to 0-based findings.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { findings, validateArgs } from '../../src/validate';

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
