// The command lines of `pacto pack`, `push` and `pull`, and the check of an OCI reference. No `vscode` import,
// so they are unit-tested under node.

export const OCI_PREFIX = 'oci://';

/** Why `ref` is not an `oci://registry/repository[:tag|@digest]` reference, or undefined when it is one. */
export function refProblem(ref: string): string | undefined {
    const value = ref.trim();
    if (!value.startsWith(OCI_PREFIX)) {
        return `The reference must start with ${OCI_PREFIX}, e.g. oci://registry.example.com/team/service:1.0.0`;
    }
    const rest = value.slice(OCI_PREFIX.length);
    if (/\s/.test(rest)) {
        return 'The reference must not contain spaces';
    }
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1) {
        return 'The reference needs a registry and a repository: oci://registry/repository[:tag]';
    }
    return undefined;
}

/** `pacto pack <bundle>`: the archive goes to the working directory the command runs in. */
export function packArgs(bundleDir: string): string[] {
    return ['pack', bundleDir];
}

/** `pacto push <ref> --path <bundle>`. */
export function pushArgs(ref: string, bundleDir: string): string[] {
    return ['push', ref.trim(), '--path', bundleDir];
}

/** `pacto pull <ref>`, into `<output>` when given (else the service name under the working directory). */
export function pullArgs(ref: string, outputDir?: string): string[] {
    return outputDir ? ['pull', ref.trim(), '--output', outputDir] : ['pull', ref.trim()];
}

/** How a command line reads in the output channel: arguments with spaces or quotes are quoted. */
export function displayCommand(binary: string, args: string[]): string {
    return [binary, ...args].map((it) => (/^[\w@%+=:,./-]+$/.test(it) ? it : JSON.stringify(it))).join(' ');
}
