// The extension as users get it (the packaged .vsix) in a real VS Code: code-server 4.100.3 (VS Code 1.100.3)
// served on 127.0.0.1 and driven from headless Chromium. What is asserted is what a user sees: the Problems panel,
// the hover, the suggestion list, the quick fix menu, the code lens, the tabs the commands open.
//
// The server is found with no setting: `pacto` sits only in the temporary HOME's ~/.cargo/bin, as after
// `cargo install`, and not on the PATH code-server runs with.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
    copyFileSync,
    cpSync,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readdirSync,
    readFileSync,
    rmSync,
    writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { type BrowserLike, launchChromium, type PageLike } from './browser';

// Compiled to out/tests/ui/: the extension is three levels up, the repository five.
const extensionDir = join(__dirname, '..', '..', '..');
const repoDir = join(extensionDir, '..', '..');
const fixtureDir = join(extensionDir, 'tests', 'ui', 'fixture');
const pactoBin = process.env.PACTO_BIN ?? join(repoDir, 'target', 'debug', 'pacto');
const pluginBin = join(pactoBin, '..', 'pacto-plugin-kubernetes');

/** Each wait for something to show gives up after this; the first one also waits for the server to start. */
const UI_TIMEOUT_MS = 30_000;
/** code-server's first start unpacks and indexes; later ones take a few seconds. */
const START_TIMEOUT_MS = 60_000;

const cacheDir = process.env.PACTO_VSCODE_UI_CACHE ?? '';
const version = (JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8')) as { version: string }).version;
const vsix = join(extensionDir, `pacto-${version}.vsix`);

const root = mkdtempSync(join(tmpdir(), 'pacto-vscode-ui-'));
const home = join(root, 'home');
const workspace = join(root, 'workspace');
const dataDir = join(root, 'data');
const extensionsDir = join(root, 'extensions');

let codeServer: ChildProcess | undefined;
let codeServerLog = '';
let browser: BrowserLike | undefined;
let page: PageLike;

before(async () => {
    // Fails loudly: a missing tool is a broken setup, never a reason to skip.
    assert.ok(cacheDir !== '' && existsSync(join(cacheDir, 'node_modules', '.bin', 'code-server')), 'run install.sh');
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    assert.ok(existsSync(pactoBin) && existsSync(pluginBin), `${pactoBin} and ${pluginBin} must be built`);

    const cargoBin = join(home, '.cargo', 'bin');
    mkdirSync(cargoBin, { recursive: true });
    copyFileSync(pactoBin, join(cargoBin, 'pacto'));
    copyFileSync(pluginBin, join(cargoBin, 'pacto-plugin-kubernetes'));
    execFileSync('chmod', ['755', join(cargoBin, 'pacto'), join(cargoBin, 'pacto-plugin-kubernetes')]);

    cpSync(fixtureDir, workspace, { recursive: true });
    // The lens and the diff compare against git HEAD: the fixture is committed as it is.
    const git = (...args: string[]): void => {
        execFileSync('git', ['-c', 'user.name=ui', '-c', 'user.email=ui@example.com', ...args], {
            cwd: workspace,
            stdio: 'ignore',
        });
    };
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'fixture');

    mkdirSync(join(dataDir, 'User'), { recursive: true });
    writeFileSync(
        join(dataDir, 'User', 'settings.json'),
        JSON.stringify({
            'workbench.startupEditor': 'none',
            'workbench.tips.enabled': false,
            'security.workspace.trust.enabled': false,
            'telemetry.telemetryLevel': 'off',
            'extensions.autoCheckUpdates': false,
            'extensions.autoUpdate': false,
            'editor.quickSuggestions': { other: false, comments: false, strings: false },
            'editor.hover.enabled': true,
            'git.openRepositoryInParentFolders': 'never',
            // The protocol goes to the Pacto output log, whose end a failed wait prints.
            'pacto.trace.server': 'messages',
        }),
    );

    const env = serverEnv();
    const bin = join(cacheDir, 'node_modules', '.bin', 'code-server');
    const common = ['--extensions-dir', extensionsDir, '--user-data-dir', dataDir];
    execFileSync(bin, [...common, '--install-extension', vsix], { env, stdio: 'pipe' });

    const port = await freePort();
    codeServer = spawn(
        bin,
        [
            ...common,
            '--auth',
            'none',
            '--bind-addr',
            `127.0.0.1:${port}`,
            '--disable-telemetry',
            '--disable-update-check',
            '--disable-workspace-trust',
            '--disable-getting-started-override',
            workspace,
        ],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    codeServer.stdout?.on('data', (chunk: Buffer) => (codeServerLog += chunk.toString()));
    codeServer.stderr?.on('data', (chunk: Buffer) => (codeServerLog += chunk.toString()));
    await waitFor(() => codeServerLog.includes('HTTP server listening'), START_TIMEOUT_MS, 'code-server to listen');

    browser = await launchChromium(cacheDir, join(root, 'chromium'));
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    // Files are opened through quick open, as a user does: a document opened by URL gets a URI of its own, which
    // the language client does not map to the file the server knows.
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, {
        waitUntil: 'domcontentloaded',
        timeout: START_TIMEOUT_MS,
    });
    await page.waitForSelector('.monaco-workbench .part.sidebar .explorer-folders-view', {
        visible: true,
        timeout: START_TIMEOUT_MS,
    });
});

after(async () => {
    await browser?.close().catch(() => undefined);
    codeServer?.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
});

/** code-server's environment: a HOME of the test's own, and a PATH on which no `pacto` exists. */
function serverEnv(): NodeJS.ProcessEnv {
    const path = (process.env.PATH ?? '')
        .split(delimiter)
        .filter((dir) => dir !== '' && !existsSync(join(dir, 'pacto')) && !dir.includes('.cargo'))
        .join(delimiter);
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOME: home,
        PATH: path,
        XDG_DATA_HOME: join(root, 'xdg-data'),
        XDG_CONFIG_HOME: join(root, 'xdg-config'),
        XDG_CACHE_HOME: join(root, 'xdg-cache'),
    };
    for (const name of ['CARGO_HOME', 'PACTO_SERVER_PATH', 'PACTO_BIN', 'VSCODE_IPC_HOOK_CLI']) {
        delete env[name];
    }
    return env;
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error())));
        });
    });
}

/** The last lines of the extension's output channel, as code-server logs it. */
function pactoLogTail(lines = 60): string {
    const logs = join(dataDir, 'logs');
    const found = existsSync(logs)
        ? (readdirSync(logs, { recursive: true }) as string[]).filter((it) => it.endsWith('-Pacto.log'))
        : [];
    if (found.length === 0) {
        return '(no Pacto output log)';
    }
    const text = readFileSync(join(logs, found.sort()[found.length - 1]), 'utf8');
    return text.split('\n').slice(-lines).join('\n');
}

let failures = 0;

/** What the screen showed when a wait gave up, kept beside the compiled tests (with the page's HTML, to debug). */
async function failureShot(): Promise<string> {
    if (!browser) {
        return 'no browser yet';
    }
    const dir = join(__dirname, 'failures');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `failure-${++failures}`);
    await page.screenshot({ path: `${base}.png` }).catch(() => undefined);
    const html = await page.evaluate<string>('document.body.outerHTML').catch(() => '');
    writeFileSync(`${base}.html`, html);
    return `${base}.png`;
}

async function waitFor(
    check: () => boolean | Promise<boolean>,
    timeoutMs: number,
    what: string | (() => string),
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
        if (Date.now() > deadline) {
            const shot = await failureShot();
            throw new Error(
                `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()} (screen: ${shot})\n` +
                    `code-server said:\n${codeServerLog}\nthe end of the Pacto output:\n${pactoLogTail()}`,
            );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

/** The visible text of the first element matching `selector` (non-breaking spaces made plain), or ''. */
function textOf(selector: string): Promise<string> {
    return page.evaluate<string>(
        `(() => { const it = document.querySelector(${JSON.stringify(selector)}); ` +
            `return it ? it.innerText.replace(/\\u00a0/g, ' ') : ''; })()`,
    );
}

/** Waits until the text of `selector` satisfies `check`, and returns it. */
async function waitForText(selector: string, check: (text: string) => boolean, what: string): Promise<string> {
    let last = '';
    await waitFor(
        async () => {
            last = await textOf(selector);
            return check(last);
        },
        UI_TIMEOUT_MS,
        () => `${what} (last text of ${selector}: ${JSON.stringify(last)})`,
    );
    return last;
}

/** Waits until the titles of the open tabs (all groups, one per line) satisfy `check`. */
async function waitForTabs(check: (titles: string) => boolean, what: string): Promise<void> {
    let last = '';
    await waitFor(
        async () => {
            last = await page.evaluate<string>(
                `[...document.querySelectorAll('.tab[role=tab]')].map((it) => it.getAttribute('aria-label')).join('\\n')`,
            );
            return check(last);
        },
        UI_TIMEOUT_MS,
        () => `${what} (tabs: ${JSON.stringify(last)})`,
    );
}

async function chord(...keys: string[]): Promise<void> {
    for (const key of keys.slice(0, -1)) {
        await page.keyboard.down(key);
    }
    await page.keyboard.press(keys[keys.length - 1]);
    for (const key of keys.slice(0, -1).reverse()) {
        await page.keyboard.up(key);
    }
}

const QUICK_INPUT = '.quick-input-widget .quick-input-box input';

/**
 * Types into the quick input (palette, quick open, go to line, input boxes) and accepts it, once the highlighted
 * entry satisfies `ready` (the list filters as it is typed, and file results arrive later).
 */
async function quickInput(open: () => Promise<void>, text: string, ready?: (row: string) => boolean): Promise<void> {
    // Keys pressed while a webview (the graph, a Markdown preview) has focus go to its frame, not to VS Code.
    if (await page.evaluate<boolean>(`document.activeElement?.tagName === 'IFRAME'`)) {
        const title = await page.$('.part.sidebar > .composite.title');
        await (title ?? assert.fail('no sidebar title to focus')).click();
    }
    await open();
    await page.waitForSelector(QUICK_INPUT, { visible: true, timeout: UI_TIMEOUT_MS });
    await page.keyboard.type(text, { delay: 10 });
    if (ready) {
        await waitForText('.quick-input-list .monaco-list-row.focused', ready, `the entry for ${JSON.stringify(text)}`);
    }
    await page.keyboard.press('Enter');
    await waitFor(
        async () => (await page.$(`${QUICK_INPUT}:focus`)) === null,
        UI_TIMEOUT_MS,
        `the quick input to close after ${JSON.stringify(text)}`,
    );
}

const runCommand = (label: string): Promise<void> =>
    quickInput(
        () => page.keyboard.press('F1'),
        label,
        (row) => row.startsWith(label),
    );

/** Opens a workspace file by its relative path, through quick open (Ctrl+P). */
function openFile(path: string): Promise<void> {
    const [name, ...dirs] = path.split('/').reverse();
    return quickInput(
        () => chord('Control', 'p'),
        path,
        (row) => row.startsWith(name) && dirs.every((dir) => row.includes(dir)),
    );
}

const goToLine = (line: number, column: number): Promise<void> =>
    quickInput(() => chord('Control', 'g'), `${line}:${column}`);

/** Opens the Problems panel, or focuses it when open. */
const showProblems = (): Promise<void> => runCommand('Problems: Focus on Problems View');

const ACTIVE_EDITOR = '.part.editor .editor-group-container.active .monaco-editor';

/**
 * The visible lines of the active editor by line number: Monaco draws each line and its number at the same
 * `top`, in two different layers.
 */
async function visibleLines(): Promise<Map<number, string>> {
    const pairs = await page.evaluate<[number, string][]>(`(() => {
        const editor = document.querySelector(${JSON.stringify(ACTIVE_EDITOR)});
        if (!editor) { return []; }
        const numbers = new Map();
        for (const it of editor.querySelectorAll('.margin-view-overlays > div')) {
            const n = parseInt(it.innerText, 10);
            if (!Number.isNaN(n)) { numbers.set(it.style.top, n); }
        }
        const out = [];
        for (const it of editor.querySelectorAll('.view-lines > .view-line')) {
            if (numbers.has(it.style.top)) { out.push([numbers.get(it.style.top), it.innerText.replace(/\u00a0/g, ' ')]); }
        }
        return out;
    })()`);
    return new Map(pairs);
}

async function waitForLine(line: number, expected: string): Promise<void> {
    let last: string | undefined;
    await waitFor(
        async () => {
            last = (await visibleLines()).get(line);
            return last === expected;
        },
        UI_TIMEOUT_MS,
        () => `line ${line} to read ${JSON.stringify(expected)} (it reads ${JSON.stringify(last)})`,
    );
}

const PROBLEMS = '.markers-panel';
const oneOf = (...values: string[]): string => `value must be one of ${values.map((it) => `'${it}'`).join(', ')}`;
const at = (line: number, column: number): string => `\npacto\nSCHEMA_VIOLATION\n[Ln ${line}, Col ${column}]`;

describe('the extension in VS Code 1.100 (code-server)', () => {
    test('contracts show their findings in the Problems panel with line and column; plain YAML shows nothing', async () => {
        await openFile('billing/pacto.yml');
        await openFile('orders/service.yaml');
        await openFile('plain.yaml');
        await openFile('pacto.yaml');
        await waitForLine(13, '    type: statelss');
        await showProblems();
        // Each file's entry: its name and folder, its count, then message, source, code and position.
        const expected = [
            `pacto.yaml\n1\nat '/runtime/state/type': ${oneOf('stateless', 'stateful', 'hybrid')}${at(13, 11)}`,
            `pacto.ymlbilling\n1\nat '/runtime/workload': ${oneOf('service', 'job', 'scheduled')}${at(6, 13)}`,
            `service.yamlorders\n1\nat '/runtime/state/dataCriticality': ${oneOf('low', 'medium', 'high')}${at(13, 22)}`,
        ];
        const text = await waitForText(
            PROBLEMS,
            (it) => expected.every((entry) => it.includes(entry)),
            'the three contracts in the Problems panel',
        );
        assert.ok(!text.includes('plain.yaml'), `plain YAML must get nothing from pacto:\n${text}`);
    });

    test('hover on a key shows its documentation (screenshot of a finding and a hover)', async () => {
        await openFile('pacto.yaml');
        await goToLine(11, 4);
        await runCommand('Show or Focus Hover');
        const hover = await waitForText(
            '.monaco-hover:not(.hidden)',
            (it) => it.includes('Kind of workload the platform runs'),
            'the hover on `workload`',
        );
        assert.match(hover, /a long-running service, a one-off job or a scheduled task/);
        const shot = join(root, 'vscode.png');
        await page.screenshot({ path: shot });
        assert.ok(readFileSync(shot).length > 10_000, 'the screenshot is drawn');
        if (process.env.PACTO_UPDATE_SCREENSHOTS === '1') {
            copyFileSync(shot, join(repoDir, 'docs', 'vscode.png'));
        }
        await page.keyboard.press('Escape');
    });

    test('completion offers enum values and keys, and choosing one inserts it', async () => {
        await openFile('pacto.yaml');
        await goToLine(11, 20);
        for (let i = 0; i < 'service'.length; i++) {
            await page.keyboard.press('Backspace');
        }
        await waitForLine(11, '  workload: ');
        await chord('Control', ' ');
        const values = await waitForText(
            '.suggest-widget.visible',
            (it) => it.includes('scheduled') && it.includes('job'),
            'the workload values',
        );
        assert.match(values, /service/);
        await page.keyboard.type('sche', { delay: 20 });
        await page.keyboard.press('Enter');
        await waitForLine(11, '  workload: scheduled');

        await goToLine(21, 1);
        await page.keyboard.type('scal', { delay: 20 });
        await chord('Control', ' ');
        await waitForText('.suggest-widget.visible', (it) => it.includes('scaling'), 'the key `scaling`');
        await page.keyboard.press('Enter');
        await waitFor(
            async () => ((await visibleLines()).get(21) ?? '').startsWith('scaling:'),
            UI_TIMEOUT_MS,
            'line 21 to start with `scaling:`',
        );
        // Back to the file as committed, so the next tests see its one finding.
        for (let i = 0; i < 30; i++) {
            const lines = await visibleLines();
            if (lines.get(11) === '  workload: service' && !lines.has(22)) {
                break;
            }
            await chord('Control', 'z');
        }
        await waitForLine(11, '  workload: service');
        await waitForLine(21, '');
    });

    test('a quick fix applies and its finding goes away', async () => {
        await openFile('pacto.yaml');
        await goToLine(13, 12);
        await chord('Control', '.');
        await waitForText('.action-widget', (it) => it.includes('stateless'), 'the quick fix menu');
        await page.keyboard.press('Enter');
        await waitForLine(13, '    type: stateless');
        await showProblems();
        await waitForText(
            PROBLEMS,
            (it) => !it.includes("at '/runtime/state/type'") && it.includes("at '/runtime/workload'"),
            'the fixed finding to go and the others to stay',
        );
    });

    test('the code lens on `service` shows and its command runs', async () => {
        await openFile('pacto.yaml');
        // The quick fix changed the contract against git HEAD.
        const lens = await waitForText(
            `${ACTIVE_EDITOR} .codelens-decoration`,
            // The "used by" lens answers once the workspace index is built.
            (it) => it.includes('vs git HEAD:') && it.includes('used by 0'),
            'the git HEAD lens',
        );
        // HEAD holds the misspelt state type; the fixed one is a different type to the diff. No contract of the
        // workspace depends on this one.
        assert.equal(
            lens,
            'Set publish repository…\n | \nvs git HEAD: 1 breaking · 0 potential · 0 safe\n | \nused by 0 services',
        );
        const links = await page.$$(`${ACTIVE_EDITOR} .codelens-decoration a`);
        const texts = await Promise.all(links.map((it) => it.evaluate((el) => el.innerText)));
        const head = links[texts.findIndex((it) => it.startsWith('vs git HEAD'))];
        await (head ?? assert.fail(`no git HEAD lens among ${JSON.stringify(texts)}`)).click();
        // The server names the diff document after the contract; it opens in the Markdown preview.
        await waitForTabs((it) => it.split('\n').includes('Preview pacto.yaml.diff.md'), 'the diff preview');
    });

    test('the commands run from the command palette', async () => {
        await openFile('pacto.yaml');
        await runCommand('Pacto: Show Dependency Graph');
        await waitForTabs((it) => it.includes('Dependencies of workspace'), 'the graph tab');

        await openFile('billing/pacto.yml');
        await runCommand('Pacto: Show Diff Against Git HEAD');
        await waitForTabs((it) => it.includes('Preview pacto.yml.diff.md'), 'the billing diff preview');

        await openFile('pacto.yaml');
        await runCommand('Pacto: Generate');
        // The input box proposes `kubernetes`: accept it.
        await page.waitForSelector('.quick-input-widget .quick-input-box input', { visible: true });
        await page.keyboard.press('Enter');
        await waitForTabs((it) => it.includes('deployment.yaml'), 'the generated files');
    });

    // For a person debugging the suite: everything stays up after the tests (see browser.ts).
    if (process.env.PACTO_UI_DEBUG_PORT) {
        test('paused for debugging', () => new Promise(() => undefined));
    }
});
