import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialStatus, isModelReadyLog, nextStatus, StatusEvent, StatusState, view } from '../../src/status';

const run = (events: StatusEvent[], start: StatusState = initialStatus(true)): StatusState => events.reduce(nextStatus, start);

test('a new server is starting', () => {
    const v = view(initialStatus(true));
    assert.match(v.label, /^CodeLsp starting/);
    assert.equal(v.isError, false);
});

test('model loading shows its progress', () => {
    const s = run([{ type: 'progressBegin', title: 'Loading model tiny.gguf', percentage: 0 }, { type: 'progressReport', percentage: 42.4 }]);
    assert.deepEqual(s.phase, { kind: 'loading', title: 'Loading model tiny.gguf', percentage: 42.4 });
    assert.equal(view(s).text, '$(sync~spin) CodeLsp 42%');
    assert.equal(view(s).tooltip, 'Loading model tiny.gguf');
});

test('a report without a percentage keeps the last one', () => {
    const s = run([{ type: 'progressBegin', title: 'Loading', percentage: 10 }, { type: 'progressReport' }]);
    assert.equal(s.phase.kind === 'loading' && s.phase.percentage, 10);
});

test('a report outside loading changes nothing', () => {
    const s = run([{ type: 'modelReady', model: 'tiny' }]);
    assert.equal(nextStatus(s, { type: 'progressReport', percentage: 5 }), s);
});

test('ready names the model', () => {
    const v = view(run([{ type: 'progressBegin', title: 'Loading' }, { type: 'modelReady', model: 'tiny' }]));
    assert.equal(v.text, '$(sparkle) CodeLsp: tiny');
    assert.equal(v.label, 'CodeLsp ready, model tiny');
    assert.equal(v.command, 'codelsp.showLogs');
});

test('busy while a request is in flight, then ready with its latency', () => {
    const ready = run([{ type: 'modelReady', model: 'tiny' }]);
    const busy = run([{ type: 'requestStarted' }, { type: 'requestStarted' }], ready);
    assert.match(view(busy).label, /^CodeLsp busy/);
    const oneLeft = nextStatus(busy, { type: 'requestFinished', latencyMs: 41.6 });
    assert.match(view(oneLeft).label, /^CodeLsp busy/);
    const done = nextStatus(oneLeft, { type: 'requestFinished', latencyMs: 12.2 });
    assert.equal(done.inFlight, 0);
    assert.equal(view(done).text, '$(sparkle) CodeLsp: tiny · 12 ms');
    assert.match(view(done).tooltip, /Last completion: 12 ms/);
});

test('a cancelled request keeps the previous latency', () => {
    const s = run([{ type: 'modelReady', model: 'm' }, { type: 'requestStarted' }, { type: 'requestFinished', latencyMs: 30 }, { type: 'requestStarted' }, { type: 'requestFinished' }]);
    assert.equal(s.lastLatencyMs, 30);
    assert.equal(s.inFlight, 0);
});

test('in-flight never goes below zero', () => {
    assert.equal(run([{ type: 'requestFinished', latencyMs: 1 }]).inFlight, 0);
});

test('an error is shown in error colours and clicking it opens the logs', () => {
    const v = view(run([{ type: 'progressBegin', title: 'Loading' }, { type: 'error', message: 'Model file not found: /x.gguf' }]));
    assert.equal(v.isError, true);
    assert.equal(v.command, 'codelsp.showLogs');
    assert.match(v.label, /^CodeLsp error: Model file not found/);
    assert.match(v.tooltip, /Model file not found: \/x\.gguf\nClick to show the logs\./);
});

test('the server stopping after an error keeps the error on screen', () => {
    const s = run([{ type: 'error', message: 'boom' }, { type: 'serverStopped' }]);
    assert.equal(s.phase.kind, 'error');
    assert.equal(run([{ type: 'modelReady', model: 'm' }, { type: 'serverStopped' }]).phase.kind, 'stopped');
});

test('a new model load clears an error', () => {
    const s = run([{ type: 'error', message: 'Model file not found' }, { type: 'progressBegin', title: 'Loading model b.gguf' }]);
    assert.equal(s.phase.kind, 'loading');
});

test('restarting resets requests in flight', () => {
    const s = run([{ type: 'modelReady', model: 'm' }, { type: 'requestStarted' }, { type: 'serverStarting' }]);
    assert.equal(s.inFlight, 0);
    assert.equal(s.phase.kind, 'starting');
});

test('disabled completions show as off and clicking turns them on', () => {
    const s = run([{ type: 'modelReady', model: 'tiny' }, { type: 'enabledChanged', enabled: false }]);
    const v = view(s);
    assert.match(v.label, /^CodeLsp disabled/);
    assert.equal(v.command, 'codelsp.toggleCompletions');
    assert.match(view(nextStatus(s, { type: 'enabledChanged', enabled: true })).label, /^CodeLsp ready/);
});

test('the ready log line is recognised', () => {
    assert.equal(isModelReadyLog('Model ready: tiny.gguf (0.4 MiB, 12 ms)'), true);
    assert.equal(isModelReadyLog('Loaded model qwen2.5-coder in 812 ms'), true);
    assert.equal(isModelReadyLog('didOpen file:///a.cs'), false);
    assert.equal(isModelReadyLog('Loading model tiny.gguf'), false);
});

test('the end of loading waits for the ready line or the error', () => {
    const ended = run([{ type: 'progressBegin', title: 'Loading model m.gguf' }, { type: 'progressEnd', message: 'Model could not be loaded' }]);
    assert.match(view(ended).label, /^CodeLsp idle: Model could not be loaded/);
    assert.equal(view(ended).isError, false);
    assert.match(view(nextStatus(ended, { type: 'modelReady', model: 'm' })).label, /^CodeLsp ready/);
    assert.match(view(nextStatus(ended, { type: 'error', message: 'Model file not found' })).label, /^CodeLsp error/);
});

test('the end of progress does not undo an error that came first', () => {
    const s = run([{ type: 'progressBegin', title: 'Loading' }, { type: 'error', message: 'bad file' }, { type: 'progressEnd' }]);
    assert.equal(s.phase.kind, 'error');
});

test('no model configured asks for one, and clicking picks the file', () => {
    const v = view(run([{ type: 'noModel' }]));
    assert.match(v.label, /^CodeLsp idle: No model selected/);
    assert.equal(v.command, 'codelsp.selectModel');
    const loading = run([{ type: 'progressBegin', title: 'Loading' }, { type: 'noModel' }]);
    assert.equal(loading.phase.kind, 'loading');
});
