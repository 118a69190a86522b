// One real editor per test: a fresh code-server (own user-data, extensions, config and XDG
// folders) with the packaged .vsix installed, driven by Debian's chromium through playwright-core.
// Reusing a server or a user-data-dir between tests leaks state, so nothing here is shared.
import { spawn, execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);

export const env = {
    codeServer: required('CODELSP_E2E_CODE_SERVER'),
    vsix: required('CODELSP_E2E_VSIX'),
    artifacts: required('CODELSP_E2E_ARTIFACTS'),
    fixture: new URL('./fixture/', import.meta.url).pathname,
    chromium: process.env.CODELSP_E2E_CHROMIUM ?? '/usr/bin/chromium',
};

function required(name) {
    const value = process.env[name];
    if (!value) {
        throw new Error(`${name} is not set; run the e2e test through test/e2e/run.sh`);
    }
    return value;
}

/** Settings that keep the editor quiet and deterministic; the word suggest widget would take Tab. */
const baseSettings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'editor.inlineSuggest.enabled': true,
    'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
    'editor.suggestOnTriggerCharacters': false,
    'editor.wordBasedSuggestions': 'off',
    'editor.acceptSuggestionOnEnter': 'off',
    'files.autoSave': 'off',
};

/**
 * Starts code-server on a free 127.0.0.1 port with the .vsix installed and `settings`, opens
 * chromium on it, and returns the page plus the workspace folder (a copy of the fixture).
 */
export async function startEditor(name, settings) {
    const t0 = Date.now();
    const phase = what => console.log(`[${name} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${what}`);
    const root = mkdtempSync(join(tmpdir(), `codelsp-e2e-${name}-`));
    const dirs = Object.fromEntries(['userData', 'extensions', 'config', 'xdgConfig', 'xdgData', 'xdgCache', 'xdgState', 'workspace', 'chromium']
        .map(d => [d, join(root, d)]));
    for (const d of Object.values(dirs)) {
        mkdirSync(d, { recursive: true });
    }
    cpSync(env.fixture, dirs.workspace, { recursive: true });
    mkdirSync(join(dirs.userData, 'User'), { recursive: true });
    // CODELSP_E2E_SETTINGS (JSON) adds settings for debugging, e.g. a locally built codelsp.server.path.
    const extra = JSON.parse(process.env.CODELSP_E2E_SETTINGS ?? '{}');
    writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...baseSettings, ...settings, ...extra }, null, 2));
    const configFile = join(dirs.config, 'config.yaml');
    writeFileSync(configFile, 'auth: none\ncert: false\n');

    const childEnv = {
        ...process.env,
        XDG_CONFIG_HOME: dirs.xdgConfig,
        XDG_DATA_HOME: dirs.xdgData,
        XDG_CACHE_HOME: dirs.xdgCache,
        // The CodeLsp server keeps its log and acceptance statistics here.
        XDG_STATE_HOME: dirs.xdgState,
    };
    const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--config', configFile];
    await run(env.codeServer, [...common, '--install-extension', env.vsix], { env: childEnv });
    phase('extension installed');

    const port = await freePort();
    const server = spawn(env.codeServer, [
        ...common,
        '--bind-addr', `127.0.0.1:${port}`,
        '--auth', 'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        dirs.workspace,
    ], { env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let serverLog = '';
    server.stdout.on('data', d => (serverLog += d));
    server.stderr.on('data', d => (serverLog += d));
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000, () => serverLog);
    phase(`code-server listening on 127.0.0.1:${port}`);

    const browser = await chromium.launchPersistentContext(dirs.chromium, {
        executablePath: env.chromium,
        headless: true,
        viewport: { width: 1400, height: 900 },
        args: [
            '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
        ],
    });
    const page = browser.pages()[0] ?? await browser.newPage();
    await page.addInitScript(recordInPage);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    phase('workbench shown');

    return {
        page,
        phase,
        workspace: dirs.workspace,
        stateDir: dirs.xdgState,
        /** This editor's XDG_DATA_HOME: the server's models folder is codelsp/models under it. */
        dataDir: dirs.xdgData,
        serverLog: () => serverLog,
        /** Stops everything; keeps the extension's "CodeLsp" log as an artifact, then deletes the test's folders. */
        async close() {
            await browser.close().catch(() => undefined);
            await stopGroup(server);
            for (const log of findFiles(join(dirs.userData, 'logs'), 'CodeLsp.log')) {
                copyFileSync(log, join(env.artifacts, `${name}-CodeLsp.log`));
            }
            rmSync(root, { recursive: true, force: true });
        },
    };
}

/** Opens a workspace file with Quick Open and waits for its editor. */
export async function openFile(page, fileName) {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => undefined);
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(fileName);
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator(`.tab.active[aria-label*="${fileName}"]`).waitFor();
    await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Moves the cursor to the end of a 1-based line, with plain cursor keys (no widgets involved). */
export async function goToLineEnd(page, line) {
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    for (let i = 1; i < line; i++) {
        await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('End');
}

/** Runs a command through the command palette. */
export async function runCommand(page, title) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    await page.keyboard.press('Enter');
}

/** What the page recorded: every CodeLsp status label it showed, last keydown, first ghost text. */
export function recorded(page) {
    return page.evaluate(() => window.__codelsp);
}

/**
 * Runs in the page before the workbench loads. Status bar updates can come and go within
 * milliseconds (a tiny model loads in ~20 ms), so they are recorded as they happen rather than
 * polled; likewise the times of the last keystroke and of the first ghost text after it.
 */
function recordInPage() {
    const state = { statuses: [], lastKeyAt: undefined, ghostAt: undefined };
    window.__codelsp = state;
    const note = label => {
        if (label && label.startsWith('CodeLsp') && state.statuses[state.statuses.length - 1] !== label) {
            state.statuses.push(label);
        }
    };
    document.addEventListener('keydown', () => {
        state.lastKeyAt = performance.now();
        state.ghostAt = undefined;
    }, true);
    new MutationObserver(records => {
        // Old values in order, then each target's current value: the label history as shown.
        const targets = new Set();
        for (const r of records) {
            if (r.type === 'attributes') {
                note(r.oldValue ?? undefined);
                targets.add(r.target);
            }
            for (const n of r.addedNodes) {
                if (n.nodeType === 1) {
                    targets.add(n);
                    n.querySelectorAll?.('[aria-label^="CodeLsp"]').forEach(e => targets.add(e));
                }
            }
        }
        targets.forEach(t => note(t.getAttribute('aria-label') ?? undefined));
        if (state.lastKeyAt !== undefined && state.ghostAt === undefined && document.querySelector('.ghost-text-decoration, .ghost-text-decoration-preview')) {
            state.ghostAt = performance.now();
        }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label'], attributeOldValue: true, characterData: false });
}

function freePort() {
    return new Promise((resolve, reject) => {
        const s = createServer();
        s.unref();
        s.on('error', reject);
        s.listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}

async function waitForHttp(url, timeoutMs, log) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        try {
            const response = await fetch(url);
            if (response.ok) {
                return;
            }
        } catch {
            // not listening yet
        }
        await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms:\n${log()}`);
}

/** Ends code-server and everything it started (extension host, the CodeLsp server). */
async function stopGroup(child) {
    const signal = sig => {
        try {
            process.kill(-child.pid, sig);
            return true;
        } catch {
            return false; // already gone
        }
    };
    if (!signal('SIGTERM')) {
        return;
    }
    const exited = new Promise(resolve => child.once('exit', resolve));
    const timeout = new Promise(resolve => setTimeout(resolve, 3000));
    await Promise.race([exited, timeout]);
    signal('SIGKILL');
}

function findFiles(dir, fileName) {
    try {
        return readdirSync(dir, { recursive: true, withFileTypes: true })
            .filter(e => e.isFile() && e.name === fileName)
            .map(e => join(e.parentPath, e.name));
    } catch {
        return [];
    }
}
