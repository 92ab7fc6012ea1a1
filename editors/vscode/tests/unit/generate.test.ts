// Plugin names and where generated files open.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { generatedPath, pluginNameProblem } from '../../src/generate';

test('plugin names', () => {
    for (const name of ['kubernetes', 'helm-3', 'my_plugin', 'v1.2']) {
        assert.equal(pluginNameProblem(name), undefined, name);
    }
    for (const name of ['', '.hidden', 'a/b', '../x', 'a b']) {
        assert.equal(
            pluginNameProblem(name),
            'A plugin name: letters, digits, ".", "_" and "-", not starting with "."',
            JSON.stringify(name),
        );
    }
});

test('generated files open under the bundle', () => {
    assert.equal(generatedPath('/w/svc', 'deployment.yaml'), '/w/svc/deployment.yaml');
    assert.equal(generatedPath('/w/svc', 'k8s/./service.yaml'), '/w/svc/k8s/service.yaml');
    assert.equal(generatedPath('/w/svc', 'a/../b.yaml'), '/w/svc/b.yaml');
});

test('a generated path outside the bundle is refused', () => {
    for (const path of ['', '.', '/etc/passwd', '../x.yaml', 'k8s/../../x.yaml']) {
        assert.throws(
            () => generatedPath('/w/svc', path),
            new Error(`pacto: the plugin named a file outside the bundle: ${JSON.stringify(path)}`),
            path,
        );
    }
});
