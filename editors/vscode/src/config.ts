// The `pacto.*` settings: one table, read in one class. Adding a setting is one entry in `SETTINGS` plus its
// declaration in package.json (a unit test checks that the two agree, and `server/lsp/tests/settings_match.rs`
// checks the server's ones against the server).

import type { InitializationOptions } from './lsp_ext';

/** Reads one key of the `pacto` section: `vscode.workspace.getConfiguration('pacto')` satisfies it. */
export interface ConfigSource {
    get<T>(key: string): T | undefined;
}

/**
 * Every setting the extension declares, by the key under `pacto.`: whether a change needs a server restart, and
 * whether the server reads it (the others are the client's own). The server re-reads its settings on
 * `workspace/didChangeConfiguration`, so none of them needs a restart.
 */
export const SETTINGS = {
    serverPath: { key: 'server.path', requiresRestart: true, server: false },
    // Read by vscode-languageclient itself from `<client id>.trace.server`; listed so the table is complete.
    traceServer: { key: 'trace.server', requiresRestart: false, server: false },
    publishRepository: { key: 'publish.repository', requiresRestart: false, server: true },
    registryInsecure: { key: 'registry.insecure', requiresRestart: false, server: true },
    registryTimeoutSeconds: { key: 'registry.timeoutSeconds', requiresRestart: false, server: true },
    offline: { key: 'offline', requiresRestart: false, server: true },
    cacheTagTtlSeconds: { key: 'cache.tagTtlSeconds', requiresRestart: false, server: true },
    migrationHint: { key: 'migration.hint', requiresRestart: false, server: true },
    generateOptions: { key: 'generate.options', requiresRestart: false, server: true },
} as const;

export const SECTION = 'pacto';

/** The server's settings in the shape of the `pacto` section (`{ registry: { insecure: [...] }, ... }`). */
export type ServerSettings = Record<string, unknown>;

export class Config {
    constructor(private readonly source: ConfigSource) {}

    /** The configured server binary, or `null` when unset or blank. */
    get serverPath(): string | null {
        const value = this.source.get<string | null>(SETTINGS.serverPath.key);
        return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
    }

    /**
     * The settings the server reads, nested as the section is, for `initializationOptions`. Unset ones are left
     * out, so the server applies its own defaults.
     */
    get serverSettings(): ServerSettings {
        const settings: ServerSettings = {};
        for (const setting of Object.values(SETTINGS)) {
            const value = setting.server ? this.source.get<unknown>(setting.key) : undefined;
            if (value === undefined || value === null) {
                continue;
            }
            const path = setting.key.split('.');
            let node = settings;
            for (const part of path.slice(0, -1)) {
                node = (node[part] ??= {}) as ServerSettings;
            }
            node[path[path.length - 1]] = value;
        }
        return settings;
    }
}

/**
 * The language server's `initializationOptions`: its settings, and that this client shows `pacto-diff:` documents
 * itself (so the server need not write diffs to temporary files).
 */
export function initializationOptions(settings: ServerSettings): InitializationOptions & ServerSettings {
    return { virtualDocuments: true, ...settings };
}

/** Whether a configuration change touches a setting that only takes effect after a restart. */
export function requiresRestart(affectsConfiguration: (section: string) => boolean): boolean {
    return Object.values(SETTINGS).some(
        (setting) => setting.requiresRestart && affectsConfiguration(`${SECTION}.${setting.key}`),
    );
}
