// What `Validate Workspace` checks and how: `pacto --output-format json validate <dir>` reports turned into
// findings with 0-based positions, and which contract files the CLI can read. No `vscode` import, so it is
// unit-tested under node.
import { open } from 'node:fs/promises';
import { basename } from 'node:path';

import { firstKeyIsPactoVersion } from './contract';

/**
 * How much of a YAML file is read to find its first key. The rule looks at 50 lines at most; a contract whose
 * first key comes after more than this many bytes of comments is missed, which no real one does.
 */
export const FIRST_KEY_BYTES = 8192;

/** One item of the report's `Errors` or `Warnings`, as the reference CLI writes it. */
interface ReportItem {
    Path: string;
    Code: string;
    Message: string;
    Line: number;
    Column: number;
}

/** The JSON report of `pacto validate`; the reference writes `null`, not `[]`, for an empty list. */
export interface ValidateReport {
    Path: string;
    Valid: boolean;
    Errors: ReportItem[] | null;
    Warnings: ReportItem[] | null;
}

export interface Finding {
    severity: 'error' | 'warning';
    code: string;
    /** 0-based, like LSP and `vscode.Position`; the report's are 1-based. */
    line: number;
    character: number;
    message: string;
}

export function findings(report: ValidateReport): Finding[] {
    const convert =
        (severity: Finding['severity']) =>
        (item: ReportItem): Finding => ({
            severity,
            code: item.Code,
            line: Math.max(item.Line - 1, 0),
            character: Math.max(item.Column - 1, 0),
            message: `${item.Path}: ${item.Message}`,
        });
    return [...(report.Errors ?? []).map(convert('error')), ...(report.Warnings ?? []).map(convert('warning'))];
}

/** The command line that validates one bundle directory. */
export function validateArgs(bundleDir: string): string[] {
    return ['--output-format', 'json', 'validate', bundleDir];
}

/**
 * Who validates a contract file: `pacto validate` reads only `<dir>/pacto.yaml` (the spec, §1.1: a `pacto.yml` is
 * not recognised), so a `pacto.yml` or a YAML file whose first key is `pactoVersion` is validated by the server,
 * which takes any contract the editor does.
 */
export function validatorOf(path: string): 'cli' | 'server' {
    return basename(path) === 'pacto.yaml' ? 'cli' : 'server';
}

/** Files read at once when looking for first keys, well under the usual limit of open files (1024). */
export const MAX_OPEN_FILES = 64;

/**
 * The files among `paths` (YAML files on disk) whose first key is `pactoVersion`, in their order, reading only the
 * first {@link FIRST_KEY_BYTES} of each: cheap enough to run on every YAML file of a workspace. An unreadable file
 * is not a contract.
 */
export async function contractsByFirstKey(paths: readonly string[]): Promise<string[]> {
    const res: string[] = [];
    for (let start = 0; start < paths.length; start += MAX_OPEN_FILES) {
        const chunk = paths.slice(start, start + MAX_OPEN_FILES);
        const verdicts = await Promise.all(chunk.map(startsWithPactoVersion));
        res.push(...chunk.filter((_, idx) => verdicts[idx]));
    }
    return res;
}

async function startsWithPactoVersion(path: string): Promise<boolean> {
    let file;
    try {
        file = await open(path, 'r');
        const buffer = Buffer.alloc(FIRST_KEY_BYTES);
        const { bytesRead } = await file.read(buffer, 0, FIRST_KEY_BYTES, 0);
        return firstKeyIsPactoVersion(buffer.toString('utf8', 0, bytesRead).split(/\r?\n/));
    } catch {
        return false;
    } finally {
        await file?.close();
    }
}
