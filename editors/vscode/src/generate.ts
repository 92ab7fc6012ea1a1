// Where the files of `pacto.generate` open, and the check of a plugin name. No `vscode` import, so they are
// unit-tested under node.
import { isAbsolute, relative, resolve } from 'node:path';

/** Why `name` is not a plugin name (`pacto-plugin-<name>`), or undefined; the server applies the same rule. */
export function pluginNameProblem(name: string): string | undefined {
    return /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name)
        ? undefined
        : 'A plugin name: letters, digits, ".", "_" and "-", not starting with "."';
}

/**
 * The path a generated file is opened (and would be saved) at: `path` under the bundle directory. A path that is
 * absolute or leaves the bundle is refused, whatever the plugin answered.
 */
export function generatedPath(bundleDir: string, path: string): string {
    const target = resolve(bundleDir, path);
    const inside = relative(bundleDir, target);
    if (path === '' || isAbsolute(path) || inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
        throw new Error(`pacto: the plugin named a file outside the bundle: ${JSON.stringify(path)}`);
    }
    return target;
}
