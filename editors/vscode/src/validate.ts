// Turns `pacto --output-format json validate <dir>` reports into findings with 0-based positions. No `vscode`
// import, so it is unit-tested under node.

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
