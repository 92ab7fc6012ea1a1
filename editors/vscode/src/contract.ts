// Which documents are Pacto contracts: `pacto.yaml`, `pacto.yml`, or YAML whose first key is `pactoVersion`. The
// rule is the Neovim plugin's (`editors/nvim/plugin/pacto.lua`, `detect_by_first_key`), so a file is a contract in
// both editors or in neither. No `vscode` import: the unit and end-to-end tests run this exact code under node.

/** Only this many lines are looked at for the first key, as in the Neovim plugin: a longer preamble is not a contract. */
export const FIRST_KEY_LINES = 50;

/** The names that make a file a contract whatever it holds. */
export const CONTRACT_NAMES: readonly string[] = ['pacto.yaml', 'pacto.yml'];

/** What the detection needs of a document; `vscode.TextDocument` has it. */
export interface DocumentLike {
    readonly uri: { readonly scheme: string; toString(): string };
    readonly fileName: string;
    readonly languageId: string;
    readonly lineCount: number;
    lineAt(line: number): { readonly text: string };
}

// Lua's `%s` (the Neovim rule's whitespace class) is ASCII only; JavaScript's `\s` would also take Unicode spaces.
const SKIPPED_LINE = /^(?:[ \t\n\v\f\r]*|[ \t\n\v\f\r]*#.*|%.*|---[ \t\n\v\f\r]*)$/;
// The key at column 0, bare or quoted. Like the Neovim rule, either quote may open or close it.
const PACTO_VERSION_KEY = /^(?:pactoVersion|["']pactoVersion["'])[ \t\n\v\f\r]*:/;

/**
 * Whether the first key among `lines` is `pactoVersion`. Blank lines, comments, `%` directives and the `---`
 * document marker may come before it; only the first {@link FIRST_KEY_LINES} lines are read.
 */
export function firstKeyIsPactoVersion(lines: Iterable<string>): boolean {
    const it = lines[Symbol.iterator]();
    for (let idx = 0; idx < FIRST_KEY_LINES; idx++) {
        const next = it.next();
        if (next.done === true) {
            return false;
        }
        // Neovim drops a UTF-8 byte order mark when it reads a file, so its rule never sees one; a document
        // handed over as text may still start with it.
        const line = idx === 0 && next.value.startsWith('\uFEFF') ? next.value.slice(1) : next.value;
        if (!SKIPPED_LINE.test(line)) {
            return PACTO_VERSION_KEY.test(line);
        }
    }
    return false;
}

/** Whether the file's name alone makes it a contract (exact and case-sensitive, like the CLI's `pacto.yaml`). */
export function isContractName(path: string): boolean {
    const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
    return CONTRACT_NAMES.includes(name);
}

/**
 * Whether a document is a contract now: a `file:` document named `pacto.yaml` / `pacto.yml`, or a `file:` YAML
 * document whose first key is `pactoVersion`. Other schemes are left out because the server resolves a
 * contract's files (interfaces, dependencies) relative to its directory on disk.
 */
export function isContractDocument(doc: DocumentLike): boolean {
    if (doc.uri.scheme !== 'file') {
        return false;
    }
    if (isContractName(doc.fileName)) {
        return true;
    }
    return doc.languageId === 'yaml' && firstKeyIsPactoVersion(firstLines(doc));
}

/** The document's lines up to {@link FIRST_KEY_LINES}, read one by one, so a large YAML file is not copied. */
function* firstLines(doc: DocumentLike): Generator<string> {
    const n = Math.min(doc.lineCount, FIRST_KEY_LINES);
    for (let line = 0; line < n; line++) {
        yield doc.lineAt(line).text;
    }
}
