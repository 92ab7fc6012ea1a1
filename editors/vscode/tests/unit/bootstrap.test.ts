// Server discovery and its error messages, on real files in a temporary directory.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, test } from 'node:test';

import {
    BootstrapError,
    cargoBinDirs,
    checkServer,
    expandHome,
    findServer,
    INSTALL_HINT,
    type ServerLookup,
    serverExecutable,
} from '../../src/bootstrap';

const root = mkdtempSync(join(tmpdir(), 'pacto-bootstrap-'));
after(() => rmSync(root, { recursive: true, force: true }));

function fakePacto(dir: string, output = 'pacto version 9.9.9'): string {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'pacto');
    writeFileSync(path, `#!/bin/sh\necho '${output}'\n`);
    chmodSync(path, 0o755);
    return path;
}

function lookup(overrides: Partial<ServerLookup>): ServerLookup {
    return {
        configuredPath: null,
        extensionDir: join(root, 'no-extension'),
        // A HOME of its own: the machine's real ~/.cargo/bin may hold a pacto.
        env: { PATH: '', HOME: join(root, 'no-home') },
        platform: 'linux',
        ...overrides,
    };
}

describe('findServer', () => {
    const onPath = fakePacto(join(root, 'bin'));
    const bundled = fakePacto(join(root, 'extension', 'server'));
    const configured = fakePacto(join(root, 'configured'));

    test('setting first', () => {
        const env = { PATH: join(root, 'bin'), PACTO_SERVER_PATH: onPath };
        assert.deepEqual(
            findServer(lookup({ configuredPath: configured, extensionDir: join(root, 'extension'), env })),
            {
                path: configured,
                source: 'setting',
            },
        );
    });

    test('environment before bundled', () => {
        const env = { PATH: '', PACTO_SERVER_PATH: onPath };
        assert.deepEqual(findServer(lookup({ extensionDir: join(root, 'extension'), env })), {
            path: onPath,
            source: 'environment',
        });
    });

    test('bundled before PATH', () => {
        const env = { PATH: join(root, 'bin') };
        assert.deepEqual(findServer(lookup({ extensionDir: join(root, 'extension'), env })), {
            path: bundled,
            source: 'bundled',
        });
    });

    test('PATH after bundled, skipping empty and missing entries', () => {
        const env = { PATH: ['', join(root, 'missing'), join(root, 'bin')].join(delimiter) };
        assert.deepEqual(findServer(lookup({ env })), { path: onPath, source: 'PATH' });
    });

    test('a non-executable file on PATH is skipped', () => {
        const dir = join(root, 'not-executable');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'pacto'), '');
        chmodSync(join(dir, 'pacto'), 0o644);
        const env = { PATH: [dir, join(root, 'bin')].join(delimiter) };
        assert.deepEqual(findServer(lookup({ env })), { path: onPath, source: 'PATH' });
    });

    test('after PATH, ~/.cargo/bin, where `cargo install` puts it', () => {
        const home = join(root, 'cargo-home-user');
        const path = fakePacto(join(home, '.cargo', 'bin'));
        const env = { PATH: join(root, 'missing'), HOME: home };
        assert.deepEqual(findServer(lookup({ env })), { path, source: 'cargo' });
    });

    test('$CARGO_HOME/bin before ~/.cargo/bin', () => {
        const home = join(root, 'cargo-home-both');
        fakePacto(join(home, '.cargo', 'bin'));
        const path = fakePacto(join(root, 'custom-cargo', 'bin'));
        const env = { PATH: '', HOME: home, CARGO_HOME: join(root, 'custom-cargo') };
        assert.deepEqual(findServer(lookup({ env })), { path, source: 'cargo' });
    });

    test('PATH before cargo', () => {
        const home = join(root, 'cargo-home-path');
        fakePacto(join(home, '.cargo', 'bin'));
        const env = { PATH: join(root, 'bin'), HOME: home };
        assert.deepEqual(findServer(lookup({ env })), { path: onPath, source: 'PATH' });
    });

    test('cargoBinDirs: $CARGO_HOME (with ~) then the default, without repeats', () => {
        assert.deepEqual(cargoBinDirs({ HOME: '/h', CARGO_HOME: '~/rust/cargo' }), [
            '/h/rust/cargo/bin',
            '/h/.cargo/bin',
        ]);
        assert.deepEqual(cargoBinDirs({ HOME: '/h', CARGO_HOME: '/h/.cargo' }), ['/h/.cargo/bin']);
        assert.deepEqual(cargoBinDirs({ USERPROFILE: '/u' }), ['/u/.cargo/bin']);
    });

    test('not found lists where it looked and says how to install', () => {
        const home = join(root, 'no-home');
        const env = { PATH: ['', join(root, 'missing')].join(delimiter), HOME: home, CARGO_HOME: join(root, 'c') };
        const bundled = join(root, 'no-extension', 'server', 'pacto');
        assert.throws(() => findServer(lookup({ env })), {
            name: 'Error',
            message:
                `pacto: the \`pacto\` binary was not found. Looked in the extension (${bundled}), ` +
                `PATH (${env.PATH}), ${join(root, 'c', 'bin')}, ${join(home, '.cargo', 'bin')}. ${INSTALL_HINT}`,
        });
        assert.throws(() => findServer(lookup({})), {
            message:
                `pacto: the \`pacto\` binary was not found. Looked in the extension (${bundled}), ` +
                `PATH (empty), ${join(home, '.cargo', 'bin')}. ${INSTALL_HINT}`,
        });
    });

    test('a setting that points nowhere is an error, not a fallback', () => {
        const missing = join(root, 'nowhere', 'pacto');
        const env = { PATH: join(root, 'bin') };
        assert.throws(
            () => findServer(lookup({ configuredPath: missing, env })),
            (err: unknown) => {
                assert.ok(err instanceof BootstrapError);
                assert.equal(
                    err.message,
                    `pacto: \`pacto.server.path\` is ${missing}, which is not an executable file. ${INSTALL_HINT}`,
                );
                return true;
            },
        );
    });

    test('a setting under ~ is expanded', () => {
        const home = join(root, 'home');
        const path = fakePacto(join(home, '.cargo', 'bin'));
        assert.deepEqual(findServer(lookup({ configuredPath: '~/.cargo/bin/pacto', env: { HOME: home } })), {
            path,
            source: 'setting',
        });
    });
});

describe('checkServer', () => {
    test('returns the version line', async () => {
        const path = fakePacto(join(root, 'good'));
        assert.equal(await checkServer({ path, source: 'setting' }), 'pacto version 9.9.9');
    });

    test('rejects a binary that is not pacto', async () => {
        const path = fakePacto(join(root, 'impostor'), 'something else 1.0');
        await assert.rejects(checkServer({ path, source: 'PATH' }), {
            message: `pacto: ${path} (from PATH) does not run: unexpected output "something else 1.0". ${INSTALL_HINT}`,
        });
    });
});

test('serverExecutable runs `pacto lsp`', () => {
    assert.deepEqual(serverExecutable('/opt/pacto', { A: '1' }), {
        command: '/opt/pacto',
        args: ['lsp'],
        options: { env: { A: '1' } },
    });
});

test('expandHome leaves other paths alone', () => {
    assert.equal(expandHome('~/bin/pacto', { HOME: '/home/me' }), '/home/me/bin/pacto');
    assert.equal(expandHome('/usr/bin/pacto', { HOME: '/home/me' }), '/usr/bin/pacto');
    assert.equal(expandHome('~other/pacto', { HOME: '/home/me' }), '~other/pacto');
});
