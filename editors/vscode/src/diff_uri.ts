// The `pacto-diff:` documents: `pacto-diff:<contract path>.diff.md?against=published|head`, as the server names
// them in `window/showDocument`. No `vscode` import, so the mapping is unit-tested under node.
import type { DiffAgainst } from './lsp_ext';

export const DIFF_SCHEME = 'pacto-diff';
const SUFFIX = '.diff.md';
const AGAINST: readonly DiffAgainst[] = ['published', 'head'];

/** The parts of a `pacto-diff:` URI: its path and its query (as `vscode.Uri` splits them). */
export interface UriParts {
    path: string;
    query: string;
}

/** The URI of the diff of the contract at `contractPath` (the `.md` suffix makes VS Code treat it as Markdown). */
export function diffUri(contractPath: string, against: DiffAgainst): UriParts {
    return { path: contractPath + SUFFIX, query: `against=${against}` };
}

/** The contract path and the side of a `pacto-diff:` URI, or an error that says what is wrong with it. */
export function parseDiffUri(uri: UriParts): { contractPath: string; against: DiffAgainst } {
    if (!uri.path.endsWith(SUFFIX) || uri.path.length === SUFFIX.length) {
        throw new Error(`pacto: ${uri.path} is not a diff document (it must end with ${SUFFIX})`);
    }
    const against = new URLSearchParams(uri.query).get('against') ?? 'published';
    if (!(AGAINST as readonly string[]).includes(against)) {
        throw new Error(`pacto: unknown diff side ${JSON.stringify(against)}: use one of ${AGAINST.join(', ')}`);
    }
    return { contractPath: uri.path.slice(0, -SUFFIX.length), against: against as DiffAgainst };
}
