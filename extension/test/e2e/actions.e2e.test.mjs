// AI code actions in a real VS Code (code-server) with the real CodeLsp server: invoked from the light bulb, run
// under a progress notification, applied as one undo step when the compiler accepts the answer (a scripted
// OpenAI-compatible engine on 127.0.0.1 returns a valid body), refused with "Show attempt" when it does not (the
// tiny random-weight model), the file on disk untouched. Run through test/e2e/run.sh.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { env, goToLineEnd, openFile, startEditor } from './editor.mjs';
import { startOpenAiDouble } from './openai-double.mjs';

const run = promisify(execFile);
const serverDll = process.env.CODELSP_E2E_SERVER_DLL ?? new URL('../../server/codelsp.dll', import.meta.url).pathname;
const file = 'Shelf.cs';
/** The line `throw new NotImplementedException();` in Shelf.Count (1-based). */
const stubLine = 14;
const validBody = '```csharp\npublic int Count()\n{\n    return _items.Count;\n}\n```';
const scratch = mkdtempSync(join(tmpdir(), 'codelsp-e2e-actions-'));
let double;
let tiny;

before(async () => {
    double = await startOpenAiDouble(validBody);
    tiny = join(scratch, 'tiny.gguf');
    await run('dotnet', [serverDll, 'model', 'tiny', tiny]);
}, { timeout: 120_000 });

after(async () => {
    await double?.close();
    rmSync(scratch, { recursive: true, force: true });
});

async function withEditor(name, settings, body) {
    const editor = await startEditor(name, settings);
    try {
        await body(editor);
    } catch (error) {
        await editor.page.screenshot({ path: join(env.artifacts, `${name}-failure.png`) }).catch(() => undefined);
        console.log(`code-server output (${name}):\n${editor.serverLog().slice(-4000)}`);
        throw error;
    } finally {
        await editor.close();
    }
}

/** Opens the light bulb menu on the stub line (Ctrl+.) and picks the AI action. */
async function runImplementAction(page, phase) {
    await goToLineEnd(page, stubLine);
    const action = page.locator('.action-widget .monaco-list-row', { hasText: 'Implement Count with AI' });
    // The server answers codeAction only once the document is open on its side; ask again until the entry shows.
    for (let attempt = 0; attempt < 20 && await action.count() === 0; attempt++) {
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+.');
        await action.first().waitFor({ timeout: 3_000 }).catch(() => undefined);
    }
    await action.first().waitFor({ timeout: 5_000 });
    phase('light bulb lists "Implement Count with AI"');
    await page.screenshot({ path: join(env.artifacts, 'ai-action-menu.png') });
    await action.first().click();
}

test('an AI action from the light bulb applies a compiler-checked body as one undo step', { timeout: 240_000 }, async () => {
    const settings = { 'codelsp.engine': 'openai', 'codelsp.engineUrl': double.url, 'codelsp.engineModel': 'double-instruct' };
    await withEditor('ai-action-applied', settings, async ({ page, workspace, phase }) => {
        await openFile(page, file);
        await page.locator('[aria-label^="CodeLsp ready"]').first().waitFor({ timeout: 60_000 });
        phase('status bar says ready');
        await runImplementAction(page, phase);

        const path = join(workspace, file);
        await page.locator('.view-line', { hasText: 'return _items.Count;' }).first().waitFor({ timeout: 60_000 });
        phase('the checked body is in the editor');
        await page.screenshot({ path: join(env.artifacts, 'ai-action-applied.png') });
        assert.ok(double.requests.some(r => r.url === '/v1/chat/completions'), 'the action asked the engine');

        await page.keyboard.press('Control+S');
        const saved = await poll(() => (readFileSync(path, 'utf8').includes('return _items.Count;') ? readFileSync(path, 'utf8') : undefined), 10_000, 'the saved body');
        assert.ok(!saved.includes('NotImplementedException'), 'the stub is gone');
        await compiles(saved);

        // One undo step takes the whole action back.
        await page.keyboard.press('Control+Z');
        await page.keyboard.press('Control+S');
        await poll(() => (readFileSync(path, 'utf8').includes('throw new NotImplementedException();') ? true : undefined), 10_000, 'the stub back after one undo');
    });
});

test('a rejected AI answer writes nothing and offers "Show attempt"', { timeout: 240_000 }, async () => {
    await withEditor('ai-action-refused', { 'codelsp.modelPath': tiny }, async ({ page, workspace, phase }) => {
        const path = join(workspace, file);
        const before = readFileSync(path, 'utf8');
        await openFile(page, file);
        await page.locator('[aria-label^="CodeLsp ready"]').first().waitFor({ timeout: 60_000 });
        await runImplementAction(page, phase);

        const refusal = page.locator('.notifications-toasts .notification-list-item', { hasText: 'no valid implementation of Count' });
        await refusal.first().waitFor({ timeout: 120_000 });
        const message = await refusal.first().locator('.notification-list-item-message').textContent();
        console.log(`refusal shown: ${JSON.stringify(message)}`);
        await refusal.first().locator('.monaco-button', { hasText: 'Show attempt' }).first().waitFor({ timeout: 5_000 });
        await page.screenshot({ path: join(env.artifacts, 'ai-action-refused.png') });
        assert.equal(readFileSync(path, 'utf8'), before, 'the file on disk is unchanged');
        assert.equal(await page.locator('.tab.active.dirty').count(), 0, 'the editor holds no unsaved change');
    });
});

/** Builds the saved file in a throwaway class library: the applied edit compiles. */
async function compiles(source) {
    const dir = mkdtempSync(join(scratch, 'build-'));
    writeFileSync(join(dir, 'Check.csproj'), '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup></Project>');
    writeFileSync(join(dir, file), source);
    await run('dotnet', ['build', dir, '-nologo', '-v', 'q'], { timeout: 180_000 });
}

async function poll(read, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = read();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise(r => setTimeout(r, 100));
    }
}
