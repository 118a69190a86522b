// The extension in a real VS Code (code-server) with the real CodeLsp server and a generated tiny
// model: ghost text appears, Tab accepts it, the saved file holds it; a missing model is reported.
// Run through test/e2e/run.sh, which installs the tools and builds the server, .vsix and model.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { env, goToLineEnd, openFile, recorded, runCommand, startEditor } from './editor.mjs';

const run = promisify(execFile);
const serverDll = process.env.CODELSP_E2E_SERVER_DLL ?? new URL('../../server/codelsp.dll', import.meta.url).pathname;
const fixtureFile = 'Calculator.cs';
/** The empty line in Calculator.Sum, and what the test types there. */
const bodyLine = 12;
const typed = 'var total = ';
/** Few tokens: a random-weight model's output soon holds a byte that is not text, and the server drops such outputs. */
const maxTokens = 3;
mkdirSync(env.artifacts, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'codelsp-e2e-model-'));
let model;

let editor;
after(async () => {
    await editor?.close();
    rmSync(scratch, { recursive: true, force: true });
});

/**
 * A tiny model (`codelsp model tiny`) has random weights: whether its few tokens at the typing spot are printable
 * depends on the seed. Ask the real server's `complete` command, on the file as it will be typed, and keep the
 * first seed whose suggestion survives the server's cleaning and starts with a visible character.
 */
before(async () => {
    const lines = readFileSync(join(env.fixture, fixtureFile), 'utf8').split('\n');
    lines[bodyLine - 1] = typed;
    const probe = join(scratch, fixtureFile);
    writeFileSync(probe, lines.join('\n'));
    for (let seed = 1; seed <= 12; seed++) {
        const candidate = join(scratch, `tiny-seed${seed}.gguf`);
        await run('dotnet', [serverDll, 'model', 'tiny', candidate, '--seed', String(seed)]);
        const { stdout } = await run('dotnet', [serverDll, 'complete', `${probe}:${bodyLine}:${typed.length + 1}`,
            '--model', candidate, '--max-tokens', String(maxTokens), '--json']);
        const suggestion = JSON.parse(stdout).suggestion;
        // Starting with a visible character keeps the screenshot and the comparison simple.
        if (/^\S/.test(suggestion)) {
            console.log(`tiny model: seed ${seed}; 'codelsp complete' suggests ${JSON.stringify(suggestion)} after ${JSON.stringify(typed)}`);
            model = candidate;
            return;
        }
    }
    throw new Error('no tiny-model seed from 1 to 12 gives a printable suggestion at the typing spot');
}, { timeout: 180_000 });

async function withEditor(name, settings, body) {
    editor = await startEditor(name, settings);
    try {
        await body(editor);
    } catch (error) {
        await editor.page.screenshot({ path: join(env.artifacts, `${name}-failure.png`) }).catch(() => undefined);
        console.log(`code-server output (${name}):\n${editor.serverLog().slice(-4000)}`);
        console.log(`status bar labels seen (${name}): ${JSON.stringify((await recorded(editor.page).catch(() => undefined))?.statuses)}`);
        throw error;
    } finally {
        await editor.close();
        editor = undefined;
    }
}

test('ghost text from the CodeLsp server is accepted with Tab and saved', { timeout: 180_000 }, async () => {
    await withEditor('accept', { 'codelsp.modelPath': model, 'codelsp.maxTokens': maxTokens }, async ({ page, workspace, stateDir, phase }) => {
        await openFile(page, fixtureFile);
        phase(`${fixtureFile} open`);
        // Typing before the provider is registered gives no ghost text, and the editor does not ask again.
        const ready = page.locator('[aria-label^="CodeLsp ready"]');
        await ready.first().waitFor({ timeout: 60_000 });
        phase('status bar says ready');

        await goToLineEnd(page, bodyLine);
        await page.keyboard.type(typed, { delay: 30 });
        const ghost = page.locator('.ghost-text-decoration, .ghost-text-decoration-preview');
        await ghost.first().waitFor({ timeout: 30_000 });

        const rec = await recorded(page);
        const keystrokeToGhostMs = Math.round(rec.ghostAt - rec.lastKeyAt);
        console.log(`keystroke -> ghost text: ${keystrokeToGhostMs} ms`);
        // The first line of the suggestion, as rendered after the cursor (one span per token colour).
        const ghostText = (await ghost.allTextContents()).join('').split('\n')[0].replace(/\u00a0/g, ' ');
        console.log(`ghost text (first line): ${JSON.stringify(ghostText)}`);
        await page.screenshot({ path: join(env.artifacts, 'ghost-text.png') });
        assert.ok(ghostText.trim().length > 0, 'the ghost text is not empty');

        await page.keyboard.press('Tab');
        await ghost.first().waitFor({ state: 'detached', timeout: 10_000 });
        await page.keyboard.press('Control+S');
        const file = join(workspace, fixtureFile);
        const saved = await poll(() => {
            const text = readFileSync(file, 'utf8');
            return text.includes(typed.trimEnd()) ? text : undefined;
        }, 10_000, `${fixtureFile} on disk to hold the typed text`);
        const line = saved.split('\n')[bodyLine - 1];
        console.log(`saved line ${bodyLine}: ${JSON.stringify(line)}`);
        // The editor draws a tab in ghost text as spaces: compare with runs of whitespace collapsed.
        const squash = text => text.replace(/\s+/g, ' ').trim();
        assert.ok(squash(line).startsWith(squash(typed + ghostText)) && squash(line).length > squash(typed).length,
            `line ${bodyLine} on disk holds the typed text followed by the accepted ghost text ${JSON.stringify(ghostText)}`);

        // The status bar went through the server's states and now shows the last latency.
        const statuses = (await recorded(page)).statuses;
        console.log(`status bar labels seen: ${JSON.stringify(statuses)}`);
        const firstReady = statuses.findIndex(s => s.startsWith('CodeLsp ready'));
        assert.ok(firstReady > 0, 'ready came after starting/loading');
        assert.ok(statuses.slice(0, firstReady).some(s => s.startsWith('CodeLsp starting')), 'starting was shown before ready');
        assert.ok(statuses.slice(0, firstReady).some(s => s.startsWith('CodeLsp loading')), 'model loading was shown before ready');
        assert.ok(statuses.some(s => s.startsWith('CodeLsp busy')), 'busy was shown while completing');
        await page.locator('[aria-label^="CodeLsp ready"][aria-label$=" ms"]').first().waitFor({ timeout: 5_000 });
        const modelName = model.split('/').pop().replace(/\.gguf$/, '');
        assert.ok(statuses.some(s => s.includes(`model ${modelName}`)), 'the status bar names the model');

        // The toggle command writes codelsp.enable; the status bar follows.
        await runCommand(page, 'CodeLsp: Toggle Inline Completions');
        await page.locator('[aria-label^="CodeLsp disabled"]').first().waitFor({ timeout: 10_000 });
        await runCommand(page, 'CodeLsp: Toggle Inline Completions');
        await page.locator('[aria-label^="CodeLsp ready"]').first().waitFor({ timeout: 10_000 });

        // Accepting ran the item's command on the server (workspace/executeCommand), which counts it in its local
        // statistics; the server writes them when it shuts down, so restart it (also testing that command).
        await runCommand(page, 'CodeLsp: Restart Server');
        const statsFile = join(stateDir, 'codelsp', 'stats.json');
        const stats = await poll(() => {
            try {
                const data = JSON.parse(readFileSync(statsFile, 'utf8'));
                return Object.values(data.Models).some(c => c.Accepted >= 1) ? data : undefined;
            } catch {
                return undefined;
            }
        }, 20_000, `an accepted suggestion in ${statsFile}`);
        console.log(`server statistics after the restart: ${JSON.stringify(stats.Models)}`);
        await page.locator('[aria-label^="CodeLsp ready"]').first().waitFor({ timeout: 30_000 });
    });
});

test('a missing model file gives one clear error and an error status', { timeout: 120_000 }, async () => {
    const missing = '/nonexistent/codelsp-e2e/missing.gguf';
    await withEditor('missing-model', { 'codelsp.modelPath': missing }, async ({ page, phase }) => {
        await openFile(page, fixtureFile);
        phase(`${fixtureFile} open`);
        const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Model file not found' });
        await toast.first().waitFor({ timeout: 60_000 });
        const message = await toast.first().locator('.notification-list-item-message').textContent();
        console.log(`error shown: ${JSON.stringify(message)}`);
        assert.ok(message.includes(missing), 'the message names the missing file');
        await page.locator('[aria-label^="CodeLsp error"][aria-label*="Model file not found"]').first().waitFor({ timeout: 10_000 });
        await page.screenshot({ path: join(env.artifacts, 'missing-model.png') });
        assert.equal(await page.locator('.notifications-toasts .notification-list-item', { hasText: 'Model file not found' }).count(), 1,
            'the error is shown once');
    });
});

test('without a model: one offer, then the picker lists downloads, the catalog and Browse; a pick is used', { timeout: 150_000 }, async () => {
    await withEditor('model-picker', {}, async ({ page, dataDir, phase }) => {
        // A model already in this editor's models folder ($XDG_DATA_HOME/codelsp/models), as `model pull` leaves it.
        const modelsDir = join(dataDir, 'codelsp', 'models');
        mkdirSync(modelsDir, { recursive: true });
        copyFileSync(model, join(modelsDir, 'tiny-e2e.gguf'));
        await openFile(page, fixtureFile);
        phase(`${fixtureFile} open`);

        // First use without a model: one notification offers the recommended model; nothing downloads without a click.
        const offer = page.locator('.notifications-toasts .notification-list-item', { hasText: 'CodeLsp needs a code model' });
        await offer.first().waitFor({ timeout: 60_000 });
        const offerText = await offer.first().textContent();
        console.log(`first-use offer: ${JSON.stringify(offerText)}`);
        assert.ok(/Download Qwen2\.5-Coder 1\.5B/.test(offerText), 'the offer names the recommended model');
        await page.screenshot({ path: join(env.artifacts, 'model-offer.png') });
        assert.equal(await offer.count(), 1, 'offered once');
        assert.deepEqual(readdirSync(modelsDir), ['tiny-e2e.gguf'], 'nothing was downloaded');

        await runCommand(page, 'CodeLsp: Select Model');
        const row = text => page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
        await row('Qwen2.5-Coder 1.5B').waitFor({ timeout: 30_000 });
        await row('tiny-e2e.gguf').waitFor();
        await page.screenshot({ path: join(env.artifacts, 'model-picker.png') });
        const rows = await page.locator('.quick-input-list .monaco-list-row').allTextContents();
        console.log(`model picker rows (visible): ${JSON.stringify(rows)}`);
        assert.ok(rows.some(r => r.includes('recommended')), 'the recommended catalog model is marked');
        const input = page.locator('.quick-input-widget input');
        await input.fill('Browse');
        await row('Browse for a GGUF file').waitFor();

        // Picking the downloaded model writes codelsp.modelPath; the server loads it.
        await input.fill('tiny-e2e');
        await row('tiny-e2e.gguf').waitFor();
        await page.keyboard.press('Enter');
        await page.locator('[aria-label^="CodeLsp ready"]').first().waitFor({ timeout: 60_000 });
        phase('the picked model is loaded');
    });
});

test('a signature change shows a follow-up hint; accepting updates the calls and the saved file compiles', { timeout: 240_000 }, async () => {
    await withEditor('next-edits', { 'codelsp.modelPath': model, 'codelsp.maxTokens': maxTokens }, async ({ page, workspace, phase }) => {
        await openFile(page, 'Orders.cs');
        await page.locator('[aria-label^="CodeLsp ready"]').first().waitFor({ timeout: 60_000 });
        phase('Orders.cs open, server ready');

        // Add a parameter to Total: "int price)" becomes "int price, int discount)".
        await goToLineEnd(page, 5);
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.type(', int discount', { delay: 30 });
        const count = page.locator('[aria-label*="2 follow-up edits"]');
        await count.first().waitFor({ timeout: 60_000 });
        phase('status bar counts 2 follow-up edits');
        // Alt+] goes to the nearest site, where the proposed change shows as an inline hint (a CSS decoration, so the
        // screenshot is the evidence).
        await page.keyboard.press('Alt+BracketRight');
        await page.waitForTimeout(500);
        await page.screenshot({ path: join(env.artifacts, 'next-edits-hint.png') });
        phase('hint shown');

        await runCommand(page, 'CodeLsp: Accept All Follow-up Edits');
        // Save only once the editor shows both calls updated (the edit is applied asynchronously).
        await poll(async () => {
            const shown = (await page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
            return shown.includes('Total(quantity, price, discount) + Total(quantity, price, discount)') ? shown : undefined;
        }, 20_000, 'the editor to show both updated calls');
        await page.keyboard.press('Control+S');
        const file = join(workspace, 'Orders.cs');
        const saved = await poll(() => {
            const text = readFileSync(file, 'utf8');
            return text.includes('Total(quantity, price, discount) + Total(quantity, price, discount)') ? text : undefined;
        }, 20_000, 'Orders.cs on disk to hold both updated calls');
        assert.ok(saved.includes('public static int Total(int quantity, int price, int discount)'));

        // The saved file compiles: build it in a throwaway project.
        const project = mkdtempSync(join(tmpdir(), 'codelsp-e2e-build-'));
        try {
            writeFileSync(join(project, 'Check.csproj'), '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework><OutputType>Library</OutputType></PropertyGroup></Project>');
            copyFileSync(file, join(project, 'Orders.cs'));
            const { stdout } = await run('dotnet', ['build', project, '-nologo', '-v', 'q', '-p:TreatWarningsAsErrors=false'], { timeout: 180_000 });
            console.log(`dotnet build of the saved Orders.cs: ${stdout.split('\n').filter(l => /error|Warn|Build succeeded/.test(l)).join(' | ')}`);
        } finally {
            rmSync(project, { recursive: true, force: true });
        }
    });
});

async function poll(read, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await read();
        if (value !== undefined) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        }
        await new Promise(r => setTimeout(r, 100));
    }
}
