// The `pacto.*` settings: one table, read in one class. Adding a setting is one entry in `SETTINGS` plus its
// declaration in package.json (a unit test checks that the two agree).

/** Reads one key of the `pacto` section: `vscode.workspace.getConfiguration('pacto')` satisfies it. */
export interface ConfigSource {
    get<T>(key: string): T | undefined;
}

/** Every setting the extension reads, by the key under `pacto.`, and whether a change needs a server restart. */
export const SETTINGS = {
    serverPath: { key: 'server.path', requiresRestart: true },
    // Read by vscode-languageclient itself from `<client id>.trace.server`; listed so the table is complete.
    traceServer: { key: 'trace.server', requiresRestart: false },
} as const;

export const SECTION = 'pacto';

export class Config {
    constructor(private readonly source: ConfigSource) {}

    /** The configured server binary, or `null` when unset or blank. */
    get serverPath(): string | null {
        const value = this.source.get<string | null>(SETTINGS.serverPath.key);
        return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
    }
}

/** Whether a configuration change touches a setting that only takes effect after a restart. */
export function requiresRestart(affectsConfiguration: (section: string) => boolean): boolean {
    return Object.values(SETTINGS).some(
        (setting) => setting.requiresRestart && affectsConfiguration(`${SECTION}.${setting.key}`),
    );
}
