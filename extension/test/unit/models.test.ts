import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliInvocation, describeProgress, ModelListing, parseListing, parsePullLine, PercentTracker, pickerEntries, recommended } from '../../src/models';

const row = (over: Partial<ModelListing['catalog'][number]>): ModelListing['catalog'][number] => ({
    name: 'm', role: 'fim', displayName: 'M', recommended: false, quantization: 'Q8_0', sizeBytes: 1e9, estimatedMemoryBytes: 1.2e9,
    fits: true, sha256Known: true, licence: 'apache-2.0', path: null, ...over,
});

const listing: ModelListing = {
    modelsDir: '/data/models',
    machineMemoryBytes: 16e9,
    catalog: [
        row({ name: 'small', displayName: 'Small', path: '/data/models/small.gguf' }),
        row({ name: 'big', displayName: 'Big', sizeBytes: 20e9, estimatedMemoryBytes: 24e9, fits: false, sha256Known: false }),
        row({ name: 'best', displayName: 'Best', recommended: true }),
        row({ name: 'chat', displayName: 'Chat', role: 'instruct' }),
    ],
    otherFiles: [{ path: '/data/models/mine.gguf', sizeBytes: 5e8, estimatedMemoryBytes: 6e8, fits: true }],
};

test('the picker lists downloaded models, then completion models to download (recommended first), then Browse', () => {
    const entries = pickerEntries(listing, '/data/models/mine.gguf');
    const labels = entries.map(e => (e.separator ? `--${e.label}` : e.label));
    assert.deepEqual(labels, [
        '--Downloaded', 'Small', 'mine.gguf',
        '--Download', '$(cloud-download) Best', '$(cloud-download) Big',
        '--', '$(folder-opened) Browse for a GGUF file…',
    ]);
    const mine = entries.find(e => e.label === 'mine.gguf')!;
    assert.equal(mine.description, 'in use');
    assert.deepEqual(mine.action, { kind: 'use', path: '/data/models/mine.gguf' });
    const big = entries.find(e => e.label.endsWith('Big'))!;
    assert.match(big.detail!, /too much for this machine/);
    assert.match(big.detail!, /checksum unknown/);
    assert.deepEqual(big.action, { kind: 'pull', name: 'big', displayName: 'Big' });
    assert.ok(!labels.some(l => l.includes('Chat')), 'instruct models do not complete code');
});

test('without downloads the picker starts with the download section', () => {
    const entries = pickerEntries({ ...listing, catalog: [row({ name: 'best', displayName: 'Best', recommended: true })], otherFiles: [] }, '');
    assert.equal(entries[0].label, 'Download');
    assert.equal(recommended(listing)?.name, 'best');
});

test('a listing that is not one is refused', () => {
    assert.throws(() => parseListing('{"hello":1}'), /not a model listing|something else/);
    assert.equal(parseListing(JSON.stringify(listing)).catalog.length, 4);
});

test('pull lines parse, other lines are ignored', () => {
    assert.deepEqual(parsePullLine('{"event":"notice","message":"hi"}'), { event: 'notice', message: 'hi' });
    assert.equal(parsePullLine('Pulling x'), undefined);
    assert.equal(parsePullLine('{"no":"event"}'), undefined);
});

test('progress reads as size, speed and time left; the percentage advances by increments', () => {
    const p = { event: 'progress' as const, received: 412e6, total: 986e6, bytesPerSecond: 12.3e6, etaSeconds: 107 };
    assert.equal(describeProgress(p), '412 MB of 986 MB · 12.3 MB/s · 1 min 47 s left');
    const tracker = new PercentTracker();
    const first = tracker.increment({ ...p, received: 493e6 });
    const second = tracker.increment({ ...p, received: 986e6 });
    assert.equal(Math.round(first), 50);
    assert.equal(Math.round(first + second), 100);
    assert.equal(tracker.increment({ ...p, received: 10, total: null }), 0);
});

test('CLI commands run through the same launcher as the server', () => {
    assert.deepEqual(cliInvocation({ command: '/usr/bin/dotnet', args: ['/ext/server/codelsp.dll', 'serve', '--log-level', 'debug'] }, ['model', 'list', '--json']),
        { command: '/usr/bin/dotnet', args: ['/ext/server/codelsp.dll', 'model', 'list', '--json'] });
    assert.deepEqual(cliInvocation({ command: '/opt/codelsp', args: ['serve'] }, ['model', 'pull', 'x']), { command: '/opt/codelsp', args: ['model', 'pull', 'x'] });
});
