// The small part of puppeteer-core the UI tests use, typed here: puppeteer-core lives in the UI tools' cache
// outside the clone (install.sh), so neither the linter nor the type checker can see its own types.
import { join } from 'node:path';

export interface KeyboardLike {
    press(key: string): Promise<void>;
    down(key: string): Promise<void>;
    up(key: string): Promise<void>;
    type(text: string, options?: { delay?: number }): Promise<void>;
}

export interface ElementLike {
    click(): Promise<void>;
    /** Runs `fn` on the element, in the page. */
    evaluate<T>(fn: (element: { innerText: string }) => T): Promise<T>;
}

export interface PageLike {
    goto(url: string, options?: { waitUntil?: string; timeout?: number }): Promise<unknown>;
    waitForSelector(selector: string, options?: { visible?: boolean; timeout?: number }): Promise<ElementLike | null>;
    evaluate<T>(fn: string): Promise<T>;
    $(selector: string): Promise<ElementLike | null>;
    $$(selector: string): Promise<ElementLike[]>;
    screenshot(options: { path: string }): Promise<unknown>;
    setViewport(viewport: { width: number; height: number }): Promise<void>;
    keyboard: KeyboardLike;
}

export interface BrowserLike {
    newPage(): Promise<PageLike>;
    close(): Promise<void>;
}

interface Puppeteer {
    launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<BrowserLike>;
}

/** Debian's Chromium with the flags this closed network needs (no background connections, no first run). */
export async function launchChromium(cacheDir: string, userDataDir: string): Promise<BrowserLike> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const puppeteer = require(join(cacheDir, 'node_modules', 'puppeteer-core')) as Puppeteer;
    return puppeteer.launch({
        executablePath: process.env.PACTO_CHROMIUM ?? '/usr/bin/chromium',
        headless: true,
        args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            `--user-data-dir=${userDataDir}`,
            '--window-size=1400,900',
            // For a person debugging the suite: puppeteer.connect({ browserURL: 'http://127.0.0.1:<port>' }).
            ...(process.env.PACTO_UI_DEBUG_PORT ? [`--remote-debugging-port=${process.env.PACTO_UI_DEBUG_PORT}`] : []),
        ],
    });
}
