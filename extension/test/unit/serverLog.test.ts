import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseServerLogLine } from '../../src/serverLog';

test('a server log line keeps its level and drops the prefix', () => {
    assert.deepEqual(parseServerLogLine('07:41:45.455 [INF] codelsp 0.1.0 serving LSP', undefined), { level: 'info', message: 'codelsp 0.1.0 serving LSP' });
    assert.deepEqual(parseServerLogLine('07:41:45.455 [WRN] Setting x ignored', 'info'), { level: 'warn', message: 'Setting x ignored' });
    assert.equal(parseServerLogLine('07:41:45.455 [FTL] boom', undefined).level, 'error');
    assert.equal(parseServerLogLine('07:41:45.455 [VRB] frame', undefined).level, 'trace');
});

test('continuation lines keep the level of the line they continue', () => {
    assert.deepEqual(parseServerLogLine('   at CodeLsp.Server.Program.Main()', 'warn'), { level: 'warn', message: '   at CodeLsp.Server.Program.Main()' });
});

test('text that is not the server log is an error (e.g. the .NET host failing)', () => {
    assert.equal(parseServerLogLine('You must install or update .NET to run this application.', undefined).level, 'error');
});
