// Finds and checks the `pacto` binary, and says how to launch its language server. No `vscode` import here, so
// the unit and end-to-end tests run this exact code under plain node.
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** `pacto version` longer than this means a wrong or hung binary. */
export const VERSION_CHECK_TIMEOUT_MS = 10_000;

/** Overrides the setting-less lookup, for development and tests (the setting still wins). */
export const SERVER_PATH_ENV = 'PACTO_SERVER_PATH';

export const INSTALL_HINT =
    'Install it with `cargo install --path server/cli` from a pacto checkout, ' +
    'or set `pacto.server.path` to the binary.';

export type ServerSource = 'setting' | 'environment' | 'bundled' | 'PATH' | 'cargo';

export interface ServerLookup {
    /** `pacto.server.path`, or null when unset. */
    configuredPath: string | null;
    /** The extension's install directory: a platform package ships `server/pacto` there. */
    extensionDir: string;
    env: NodeJS.ProcessEnv;
    platform: NodeJS.Platform;
}

export interface FoundServer {
    path: string;
    source: ServerSource;
}

/** How to start the language server, in the shape of vscode-languageclient's `Executable`. */
export interface ServerExecutable {
    command: string;
    args: string[];
    options: { env: NodeJS.ProcessEnv };
}

export class BootstrapError extends Error {}

/**
 * The server binary, in this order: the setting, `$PACTO_SERVER_PATH`, the bundled `server/pacto`, `pacto` on
 * PATH, then cargo's bin directories. An explicit setting or variable that points nowhere is an error, not a reason
 * to look further: the user asked for that binary.
 */
export function findServer(lookup: ServerLookup): FoundServer {
    const exe = lookup.platform === 'win32' ? 'pacto.exe' : 'pacto';
    const explicit: [string | null | undefined, ServerSource][] = [
        [lookup.configuredPath, 'setting'],
        [lookup.env[SERVER_PATH_ENV], 'environment'],
    ];
    for (const [value, source] of explicit) {
        if (value === null || value === undefined || value === '') {
            continue;
        }
        const path = expandHome(value, lookup.env);
        if (!isExecutable(path, lookup.platform)) {
            const where = source === 'setting' ? '`pacto.server.path`' : `$${SERVER_PATH_ENV}`;
            throw new BootstrapError(`pacto: ${where} is ${path}, which is not an executable file. ${INSTALL_HINT}`);
        }
        return { path, source };
    }
    const bundled = join(lookup.extensionDir, 'server', exe);
    if (isExecutable(bundled, lookup.platform)) {
        return { path: bundled, source: 'bundled' };
    }
    const path = lookup.env.PATH ?? lookup.env.Path ?? '';
    for (const dir of path.split(delimiter)) {
        if (dir === '') {
            continue;
        }
        const candidate = join(dir, exe);
        if (isExecutable(candidate, lookup.platform)) {
            return { path: candidate, source: 'PATH' };
        }
    }
    // `cargo install` puts the binary here, and an extension host started from a desktop menu, by code-server or
    // for a remote window often lacks that directory on its PATH.
    const cargoDirs = cargoBinDirs(lookup.env);
    for (const dir of cargoDirs) {
        const candidate = join(dir, exe);
        if (isExecutable(candidate, lookup.platform)) {
            return { path: candidate, source: 'cargo' };
        }
    }
    const looked = [`the extension (${bundled})`, path === '' ? 'PATH (empty)' : `PATH (${path})`];
    looked.push(...cargoDirs);
    throw new BootstrapError(
        `pacto: the \`pacto\` binary was not found. Looked in ${looked.join(', ')}. ${INSTALL_HINT}`,
    );
}

/** Where `cargo install` puts binaries: `$CARGO_HOME/bin` when that is set, and `~/.cargo/bin` (its default). */
export function cargoBinDirs(env: NodeJS.ProcessEnv): string[] {
    const dirs: string[] = [];
    if (env.CARGO_HOME) {
        dirs.push(join(expandHome(env.CARGO_HOME, env), 'bin'));
    }
    const fallback = join(homeDir(env), '.cargo', 'bin');
    if (!dirs.includes(fallback)) {
        dirs.push(fallback);
    }
    return dirs;
}

/** Runs `<path> version` and returns its output line (`pacto version 0.1.0`), or fails with the fix. */
export function checkServer(server: FoundServer): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(server.path, ['version'], { timeout: VERSION_CHECK_TIMEOUT_MS }, (err, stdout, stderr) => {
            const line = stdout.trim().split('\n')[0] ?? '';
            if (err || !line.startsWith('pacto version ')) {
                const why = err ? err.message : `unexpected output ${JSON.stringify(line || stderr.trim())}`;
                reject(
                    new BootstrapError(
                        `pacto: ${server.path} (from ${server.source}) does not run: ${why}. ${INSTALL_HINT}`,
                    ),
                );
                return;
            }
            resolve(line);
        });
    });
}

/** The command line of the language server: `pacto lsp` on stdio. */
export function serverExecutable(path: string, env: NodeJS.ProcessEnv): ServerExecutable {
    return { command: path, args: ['lsp'], options: { env } };
}

/** `~` and `~/…` mean the home directory, as in a shell; VS Code settings do not expand them. */
export function expandHome(path: string, env: NodeJS.ProcessEnv): string {
    if (path === '~' || path.startsWith('~/')) {
        return join(homeDir(env), path.slice(1));
    }
    return path;
}

/** The home directory of `env` (HOME, or USERPROFILE on Windows), else the process owner's. */
function homeDir(env: NodeJS.ProcessEnv): string {
    return env.HOME ?? env.USERPROFILE ?? homedir();
}

function isExecutable(path: string, platform: NodeJS.Platform): boolean {
    try {
        if (!statSync(path).isFile()) {
            return false;
        }
        // Windows has no execute bit: any file named pacto.exe will do.
        if (platform !== 'win32') {
            accessSync(path, constants.X_OK);
        }
        return true;
    } catch {
        return false;
    }
}
