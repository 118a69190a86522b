import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { answeringModel, CodeLspSettings, defaults, findDotnet, Host, initializationOptions, modelName, needsRestart, readSettings, serverEnvironment, serverLaunch } from '../../src/settings';

/** A settings reader over a plain object, like `WorkspaceConfiguration.get`. */
function reader(values: Record<string, unknown>) {
    return <T>(key: string, fallback: T): T => (key in values ? (values[key] as T) : fallback);
}

function host(files: string[], env: Record<string, string> = { PATH: '/usr/bin:/bin' }): Host {
    return { extensionPath: '/ext', platform: 'linux', env, isFile: p => files.includes(p) };
}

const settings = (overrides: Partial<CodeLspSettings> = {}): CodeLspSettings => ({ ...defaults, ...overrides });

test('unset settings read as the defaults', () => {
    assert.deepEqual(readSettings(reader({})), defaults);
});

test('settings are read from the codelsp section keys', () => {
    const s = readSettings(reader({
        modelPath: ' /models/a.gguf ', enable: false, maxTokens: 32, contextSize: 2048, threads: 4, logLevel: 'debug', 'server.path': '/opt/codelsp',
    }));
    assert.deepEqual(s, {
        modelPath: '/models/a.gguf', enable: false, maxTokens: 32, contextSize: 2048, threads: 4, logLevel: 'debug', serverPath: '/opt/codelsp',
        engine: 'local', engineUrl: '', engineModel: '', engineFimFamily: '', engineApiKeyEnv: '',
    });
});

test('malformed values fall back to the defaults', () => {
    const s = readSettings(reader({ maxTokens: 0, contextSize: 1.5, threads: 0, logLevel: 'loud', modelPath: 42, enable: 'yes' }));
    assert.equal(s.maxTokens, defaults.maxTokens);
    assert.equal(s.contextSize, defaults.contextSize);
    assert.equal(s.threads, null);
    assert.equal(s.logLevel, 'information');
    assert.equal(s.modelPath, '');
    assert.equal(s.enable, true);
});

test('initializationOptions follow the server contract', () => {
    assert.deepEqual(initializationOptions(settings({ modelPath: '/m.gguf', threads: 3, maxTokens: 16 })), {
        modelPath: '/m.gguf', enable: true, maxTokens: 16, contextSize: 4096, threads: 3, logLevel: 'information',
        engine: 'local', engineUrl: null, engineModel: null, engineFimFamily: null, engineApiKeyEnv: null,
    });
});

test('"let the server choose" is sent as null', () => {
    const options = initializationOptions(settings());
    assert.equal(options.modelPath, null);
    assert.equal(options.threads, null);
});

test('the bundled server runs under dotnet found on PATH', () => {
    const launch = serverLaunch(settings({ logLevel: 'debug' }), host(['/ext/server/codelsp.dll', '/usr/bin/dotnet']));
    assert.deepEqual(launch, {
        ok: true, command: '/usr/bin/dotnet', args: ['/ext/server/codelsp.dll', 'serve', '--log-level', 'debug'], description: '/usr/bin/dotnet /ext/server/codelsp.dll',
    });
});

test('DOTNET_ROOT wins over PATH', () => {
    const h = host(['/usr/bin/dotnet', '/opt/dotnet/dotnet'], { PATH: '/usr/bin', DOTNET_ROOT: '/opt/dotnet' });
    assert.equal(findDotnet(h), '/opt/dotnet/dotnet');
});

test('dotnet.exe is looked up on Windows with ; separators', () => {
    const h: Host = { extensionPath: 'C:\\ext', platform: 'win32', env: { Path: 'C:\\Windows;C:\\Program Files\\dotnet' }, isFile: p => p === 'C:\\Program Files\\dotnet\\dotnet.exe' };
    assert.equal(findDotnet(h), 'C:\\Program Files\\dotnet\\dotnet.exe');
});

test('missing dotnet gives one message that says how to fix it', () => {
    const launch = serverLaunch(settings(), host(['/ext/server/codelsp.dll']));
    assert.equal(launch.ok, false);
    assert.match(!launch.ok ? launch.message : '', /\.NET 10 runtime.*"dotnet" was not found.*Install.*Restart Server/s);
});

test('a package without the server says which package to install', () => {
    const launch = serverLaunch(settings(), host(['/usr/bin/dotnet']));
    assert.equal(launch.ok, false);
    assert.match(!launch.ok ? launch.message : '', /no server.*codelsp\.server\.path/s);
});

test('codelsp.server.path to an executable runs it directly', () => {
    const launch = serverLaunch(settings({ serverPath: '/opt/codelsp/codelsp' }), host(['/opt/codelsp/codelsp']));
    assert.deepEqual(launch, { ok: true, command: '/opt/codelsp/codelsp', args: ['serve', '--log-level', 'information'], description: '/opt/codelsp/codelsp' });
});

test('codelsp.server.path to a dll runs it under dotnet', () => {
    const launch = serverLaunch(settings({ serverPath: '/build/codelsp.dll' }), host(['/build/codelsp.dll', '/bin/dotnet']));
    assert.ok(launch.ok);
    assert.equal(launch.ok && launch.command, '/bin/dotnet');
    assert.deepEqual(launch.ok && launch.args.slice(0, 2), ['/build/codelsp.dll', 'serve']);
});

test('codelsp.server.path that does not exist is reported, not silently replaced', () => {
    const launch = serverLaunch(settings({ serverPath: '/nope/codelsp.dll' }), host(['/ext/server/codelsp.dll', '/usr/bin/dotnet']));
    assert.equal(launch.ok, false);
    assert.match(!launch.ok ? launch.message : '', /not found at codelsp\.server\.path "\/nope\/codelsp\.dll"/);
});

test('only a new server path needs a restart', () => {
    assert.equal(needsRestart(settings(), settings({ serverPath: '/x' })), true);
    assert.equal(needsRestart(settings(), settings({ modelPath: '/m.gguf', maxTokens: 8, enable: false, logLevel: 'trace' })), false);
});

test('the model name is the file name without .gguf', () => {
    assert.equal(modelName('/models/qwen2.5-coder-0.5b-q8_0.gguf'), 'qwen2.5-coder-0.5b-q8_0');
    assert.equal(modelName('C:\\models\\Tiny.GGUF'), 'Tiny');
    assert.equal(modelName(''), '');
});

test('engine settings are read, and an unknown engine falls back to local', () => {
    const s = readSettings(reader({ engine: 'openai', engineUrl: ' http://gpu:8000 ', engineModel: 'Qwen/Qwen2.5-Coder-7B', engineFimFamily: 'Qwen2.5-Coder', engineApiKeyEnv: 'TEAM_KEY' }));
    assert.equal(s.engine, 'openai');
    assert.equal(s.engineUrl, 'http://gpu:8000');
    assert.deepEqual(initializationOptions(s), {
        modelPath: null, enable: true, maxTokens: 64, contextSize: 4096, threads: null, logLevel: 'information',
        engine: 'openai', engineUrl: 'http://gpu:8000', engineModel: 'Qwen/Qwen2.5-Coder-7B', engineFimFamily: 'Qwen2.5-Coder', engineApiKeyEnv: 'TEAM_KEY',
    });
    assert.equal(readSettings(reader({ engine: 'cloud' })).engine, 'local');
});

test('the stored key reaches the server only through its environment, under the variable it reads', () => {
    const env = { PATH: '/bin' };
    assert.deepEqual(serverEnvironment(env, settings(), undefined), { PATH: '/bin' });
    assert.deepEqual(serverEnvironment(env, settings(), 'k1'), { PATH: '/bin', CODELSP_ENGINE_API_KEY: 'k1' });
    assert.deepEqual(serverEnvironment(env, settings({ engineApiKeyEnv: 'TEAM_KEY' }), 'k1'), { PATH: '/bin', TEAM_KEY: 'k1' });
    assert.equal(JSON.stringify(initializationOptions(settings({ engineApiKeyEnv: 'TEAM_KEY' }))).includes('k1'), false);
    assert.equal(needsRestart(settings(), settings({ engineApiKeyEnv: 'TEAM_KEY' })), true);
    assert.equal(needsRestart(settings(), settings({ engine: 'openai', engineUrl: 'http://x' })), false);
});

test('the status names the answering model and engine', () => {
    assert.equal(answeringModel(settings({ modelPath: '/m/qwen.gguf' }), 'codelsp: model qwen ready (/m/qwen.gguf, loaded in 1.0 s)'), 'qwen');
    const remote = settings({ engine: 'openai', engineUrl: 'http://gpu:8000' });
    assert.equal(answeringModel(remote, 'codelsp: model Qwen/Qwen2.5-Coder-7B ready (engine openai at http://gpu:8000/, answered in 12 ms)'), 'Qwen/Qwen2.5-Coder-7B · openai');
    assert.equal(answeringModel(settings({ engine: 'ollama', engineModel: 'qwen2.5-coder:7b' }), 'model ready'), 'qwen2.5-coder:7b · ollama');
});
