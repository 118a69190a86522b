// The extension in a real VS Code (code-server) with the real CodeLsp server and a generated tiny
// model: ghost text appears, Tab accepts it, the saved file holds it; a missing model is reported.
// Run through test/e2e/run.sh, which installs the tools and builds the server, .vsix and model.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { env, goToLineEnd, openFile, recorded, startEditor } from './editor.mjs';

const model = process.env.CODELSP_E2E_MODEL;
const fixtureFile = 'Calculator.cs';
/** The empty line in Calculator.Sum. */
const bodyLine = 12;
mkdirSync(env.artifacts, { recursive: true });

let editor;
after(async () => editor?.close());

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
    assert.ok(model, 'CODELSP_E2E_MODEL must name the generated tiny model');
    await withEditor('accept', { 'codelsp.modelPath': model }, async ({ page, workspace, phase }) => {
        await openFile(page, fixtureFile);
        phase(`${fixtureFile} open`);
        // Typing before the provider is registered gives no ghost text, and the editor does not ask again.
        const ready = page.locator('[aria-label^="CodeLsp ready"]');
        await ready.first().waitFor({ timeout: 60_000 });
        phase('status bar says ready');

        await goToLineEnd(page, bodyLine);
        const typed = 'var total = ';
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
        }, 10_000);
        const line = saved.split('\n')[bodyLine - 1];
        console.log(`saved line ${bodyLine}: ${JSON.stringify(line)}`);
        assert.ok(saved.includes(typed + ghostText) || line.includes(typed + ghostText.trimEnd()),
            `the saved file holds the typed text followed by the accepted ghost text ${JSON.stringify(ghostText)}`);

        // The status bar went through the server's states and now shows the last latency.
        const statuses = (await recorded(page)).statuses;
        console.log(`status bar labels seen: ${JSON.stringify(statuses)}`);
        const firstReady = statuses.findIndex(s => s.startsWith('CodeLsp ready'));
        assert.ok(firstReady > 0, 'ready came after starting/loading');
        assert.ok(statuses.slice(0, firstReady).some(s => /^CodeLsp (starting|loading)/.test(s)), 'starting or loading was shown before ready');
        assert.ok(statuses.some(s => s.startsWith('CodeLsp busy')), 'busy was shown while completing');
        await page.locator('[aria-label^="CodeLsp ready"][aria-label$=" ms"]').first().waitFor({ timeout: 5_000 });
        const modelName = model.split('/').pop().replace(/\.gguf$/, '');
        assert.ok(statuses.some(s => s.includes(`model ${modelName}`)), 'the status bar names the model');
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
        await page.locator('[aria-label^="CodeLsp error: Model file not found"]').first().waitFor({ timeout: 10_000 });
        await page.screenshot({ path: join(env.artifacts, 'missing-model.png') });
        assert.equal(await page.locator('.notifications-toasts .notification-list-item', { hasText: 'Model file not found' }).count(), 1,
            'the error is shown once');
    });
});

async function poll(read, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = read();
        if (value !== undefined) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error('timed out');
        }
        await new Promise(r => setTimeout(r, 100));
    }
}
