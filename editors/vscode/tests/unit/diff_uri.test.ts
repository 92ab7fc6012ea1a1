// `pacto-diff:` URIs, as the server names them, back to the `pacto/diffDocument` parameters.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { diffUri, parseDiffUri } from '../../src/diff_uri';

test('a diff URI names the contract and the side', () => {
    assert.deepEqual(diffUri('/w/svc/pacto.yaml', 'published'), {
        path: '/w/svc/pacto.yaml.diff.md',
        query: 'against=published',
    });
    assert.deepEqual(parseDiffUri({ path: '/w/svc/pacto.yaml.diff.md', query: 'against=head' }), {
        contractPath: '/w/svc/pacto.yaml',
        against: 'head',
    });
});

test('round trip, including odd paths', () => {
    for (const path of ['/w/svc/pacto.yaml', '/w/a b/pacto.yml', '/w/x.diff.md/pacto.yaml']) {
        for (const against of ['published', 'head'] as const) {
            assert.deepEqual(parseDiffUri(diffUri(path, against)), { contractPath: path, against });
        }
    }
});

test('no side means published, as the contract defaults', () => {
    assert.equal(parseDiffUri({ path: '/w/pacto.yaml.diff.md', query: '' }).against, 'published');
});

test('bad diff URIs are errors that say why', () => {
    assert.throws(
        () => parseDiffUri({ path: '/w/pacto.yaml', query: 'against=head' }),
        /^Error: pacto: \/w\/pacto\.yaml is not a diff document \(it must end with \.diff\.md\)$/,
    );
    assert.throws(() => parseDiffUri({ path: '.diff.md', query: '' }), /is not a diff document/);
    assert.throws(
        () => parseDiffUri({ path: '/w/pacto.yaml.diff.md', query: 'against=main' }),
        /^Error: pacto: unknown diff side "main": use one of published, head$/,
    );
});
