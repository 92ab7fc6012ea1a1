// The OCI reference check of Push/Pull and the `pacto` command lines of Pack, Push and Pull.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { displayCommand, packArgs, pullArgs, pushArgs, refProblem } from '../../src/cli';

test('a reference must be oci://registry/repository[:tag]', () => {
    assert.equal(refProblem('oci://127.0.0.1:5000/team/svc:1.0.0'), undefined);
    assert.equal(refProblem('  oci://ghcr.io/acme/payments  '), undefined);
    assert.equal(refProblem('oci://reg/repo@sha256:' + 'a'.repeat(64)), undefined);
    assert.equal(
        refProblem('ghcr.io/acme/payments'),
        'The reference must start with oci://, e.g. oci://registry.example.com/team/service:1.0.0',
    );
    assert.equal(refProblem('OCI://reg/repo')?.startsWith('The reference must start with oci://'), true);
    assert.equal(refProblem(''), refProblem('https://reg/repo'));
    for (const noRepository of ['oci://', 'oci://reg', 'oci:///repo', 'oci://reg/']) {
        assert.equal(
            refProblem(noRepository),
            'The reference needs a registry and a repository: oci://registry/repository[:tag]',
            noRepository,
        );
    }
    assert.equal(refProblem('oci://reg/my repo'), 'The reference must not contain spaces');
});

test('command lines', () => {
    assert.deepEqual(packArgs('/w/svc'), ['pack', '/w/svc']);
    assert.deepEqual(pushArgs(' oci://reg/team/svc ', '/w/svc'), ['push', 'oci://reg/team/svc', '--path', '/w/svc']);
    assert.deepEqual(pullArgs('oci://reg/team/svc:2.0.0'), ['pull', 'oci://reg/team/svc:2.0.0']);
    assert.deepEqual(pullArgs('oci://reg/svc', '/w/out'), ['pull', 'oci://reg/svc', '--output', '/w/out']);
});

test('the command line as shown in the output channel', () => {
    assert.equal(
        displayCommand('/usr/bin/pacto', pushArgs('oci://reg:5000/svc', '/my work/svc')),
        '/usr/bin/pacto push oci://reg:5000/svc --path "/my work/svc"',
    );
});
