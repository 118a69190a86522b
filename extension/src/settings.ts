// Turns the user's codelsp.* settings into what the server is started with.
// Pure: no `vscode` import, so the unit tests run in plain node.
import * as path from 'node:path';

export type LogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error';
const logLevels: readonly LogLevel[] = ['trace', 'debug', 'information', 'warning', 'error'];

export interface CodeLspSettings {
    modelPath: string;
    enable: boolean;
    maxTokens: number;
    contextSize: number;
    /** null = let the server choose. */
    threads: number | null;
    logLevel: LogLevel;
    serverPath: string;
    /** Which engine answers: the in-process model, or a team's server. */
    engine: EngineKind;
    engineUrl: string;
    engineModel: string;
    engineFimFamily: string;
    /** Name of the environment variable holding the engine's key ('' = the server's default, CODELSP_ENGINE_API_KEY). */
    engineApiKeyEnv: string;
}

export type EngineKind = 'local' | 'llama.cpp' | 'ollama' | 'openai';
export const engineKinds: readonly EngineKind[] = ['local', 'llama.cpp', 'ollama', 'openai'];

/** Where the server reads the key when codelsp.engineApiKeyEnv is empty. */
export const defaultApiKeyEnv = 'CODELSP_ENGINE_API_KEY';

/** The shape of `vscode.WorkspaceConfiguration.get` that this module needs. */
export type SettingReader = <T>(key: string, defaultValue: T) => T;

export const defaults: CodeLspSettings = {
    modelPath: '',
    enable: true,
    maxTokens: 64,
    contextSize: 4096,
    threads: null,
    logLevel: 'information',
    serverPath: '',
    engine: 'local',
    engineUrl: '',
    engineModel: '',
    engineFimFamily: '',
    engineApiKeyEnv: '',
};

/** Reads the `codelsp` section, replacing missing or malformed values by the defaults. */
export function readSettings(get: SettingReader): CodeLspSettings {
    const int = <F extends number | null>(key: string, fallback: F, min: number): number | F => {
        const value = get<unknown>(key, fallback);
        return typeof value === 'number' && Number.isInteger(value) && value >= min ? value : fallback;
    };
    const str = (key: string): string => {
        const value = get<unknown>(key, '');
        return typeof value === 'string' ? value.trim() : '';
    };
    const level = get<unknown>('logLevel', defaults.logLevel);
    const engine = get<unknown>('engine', defaults.engine);
    return {
        modelPath: str('modelPath'),
        enable: get<unknown>('enable', true) !== false,
        maxTokens: int('maxTokens', defaults.maxTokens, 1),
        contextSize: int('contextSize', defaults.contextSize, 1),
        threads: int('threads', null, 1),
        logLevel: logLevels.includes(level as LogLevel) ? (level as LogLevel) : defaults.logLevel,
        serverPath: str('server.path'),
        engine: engineKinds.includes(engine as EngineKind) ? (engine as EngineKind) : defaults.engine,
        engineUrl: str('engineUrl'),
        engineModel: str('engineModel'),
        engineFimFamily: str('engineFimFamily'),
        engineApiKeyEnv: str('engineApiKeyEnv'),
    };
}

/** `initializationOptions` of the LSP `initialize` request (the server's contract). */
export interface InitializationOptions {
    modelPath: string | null;
    enable: boolean;
    maxTokens: number;
    contextSize: number;
    threads: number | null;
    logLevel: LogLevel;
    engine: EngineKind;
    engineUrl: string | null;
    engineModel: string | null;
    engineFimFamily: string | null;
    engineApiKeyEnv: string | null;
}

export function initializationOptions(s: CodeLspSettings): InitializationOptions {
    return {
        modelPath: s.modelPath === '' ? null : s.modelPath,
        enable: s.enable,
        maxTokens: s.maxTokens,
        contextSize: s.contextSize,
        threads: s.threads,
        logLevel: s.logLevel,
        engine: s.engine,
        engineUrl: s.engineUrl === '' ? null : s.engineUrl,
        engineModel: s.engineModel === '' ? null : s.engineModel,
        engineFimFamily: s.engineFimFamily === '' ? null : s.engineFimFamily,
        engineApiKeyEnv: s.engineApiKeyEnv === '' ? null : s.engineApiKeyEnv,
    };
}

/**
 * The server's environment: the editor's, plus the key stored with "CodeLsp: Set Engine API Key…" under the
 * variable the server reads it from. The key travels only this way: never in settings, arguments or logs.
 */
export function serverEnvironment(env: Readonly<Record<string, string | undefined>>, s: CodeLspSettings, storedKey: string | undefined): Record<string, string | undefined> {
    const result: Record<string, string | undefined> = { ...env };
    if (storedKey !== undefined && storedKey !== '') {
        result[s.engineApiKeyEnv === '' ? defaultApiKeyEnv : s.engineApiKeyEnv] = storedKey;
    }
    return result;
}

/**
 * What the status bar names: the local model's file name, or for a team's engine the model the server said it
 * serves (from its "ready" log line) and the engine kind.
 */
export function answeringModel(s: CodeLspSettings, readyMessage: string): string {
    if (s.engine === 'local') {
        return modelName(s.modelPath) || readyMessage;
    }
    const said = /model (.+?) ready \(engine /.exec(readyMessage);
    return `${said?.[1] ?? (s.engineModel || 'server model')} · ${s.engine}`;
}

/** What the host knows about the machine; injected so tests can describe any machine. */
export interface Host {
    extensionPath: string;
    platform: NodeJS.Platform;
    env: Readonly<Record<string, string | undefined>>;
    isFile(p: string): boolean;
}

export type ServerLaunch =
    | { ok: true; command: string; args: string[]; description: string }
    | { ok: false; message: string };

/** Where the .vsix carries the server (see scripts/stage-server.mjs). */
export function bundledServerDll(extensionPath: string): string {
    return path.join(extensionPath, 'server', 'codelsp.dll');
}

/**
 * Decides how to start the server: `codelsp.server.path` when set (a .dll runs under dotnet,
 * anything else is executed directly), else the framework-dependent server inside the .vsix.
 * Failures come back as one message that says what to do.
 */
export function serverLaunch(s: CodeLspSettings, host: Host): ServerLaunch {
    const args = ['serve', '--log-level', s.logLevel];
    let dll: string;
    if (s.serverPath !== '') {
        if (!host.isFile(s.serverPath)) {
            return {
                ok: false,
                message: `The CodeLsp server was not found at codelsp.server.path "${s.serverPath}". ` +
                    'Fix the setting or clear it to use the server built into the extension.',
            };
        }
        if (!s.serverPath.toLowerCase().endsWith('.dll')) {
            return { ok: true, command: s.serverPath, args, description: s.serverPath };
        }
        dll = s.serverPath;
    } else {
        dll = bundledServerDll(host.extensionPath);
        if (!host.isFile(dll)) {
            return {
                ok: false,
                message: `This CodeLsp package has no server (${dll} is missing). ` +
                    'Install the .vsix built for your platform, or set codelsp.server.path to a codelsp.dll or codelsp executable.',
            };
        }
    }
    const dotnet = findDotnet(host);
    if (dotnet === undefined) {
        return {
            ok: false,
            message: 'CodeLsp needs the .NET 10 runtime, but "dotnet" was not found on PATH or in DOTNET_ROOT. ' +
                'Install it (e.g. "sudo apt-get install dotnet-runtime-10.0", or see https://dotnet.microsoft.com/download), ' +
                'then run "CodeLsp: Restart Server".',
        };
    }
    return { ok: true, command: dotnet, args: [dll, ...args], description: `${dotnet} ${dll}` };
}

/** The dotnet host: DOTNET_ROOT first (how installs without a PATH entry are found), then PATH. */
export function findDotnet(host: Host): string | undefined {
    const exe = host.platform === 'win32' ? 'dotnet.exe' : 'dotnet';
    const sep = host.platform === 'win32' ? ';' : ':';
    const join = host.platform === 'win32' ? path.win32.join : path.posix.join;
    const dirs = [host.env.DOTNET_ROOT, ...(host.env.PATH ?? host.env.Path ?? '').split(sep)];
    for (const dir of dirs) {
        if (dir !== undefined && dir !== '' && host.isFile(join(dir, exe))) {
            return join(dir, exe);
        }
    }
    return undefined;
}

/** Settings whose change needs a new server process (the rest travel by didChangeConfiguration). */
export function needsRestart(before: CodeLspSettings, after: CodeLspSettings): boolean {
    // The stored key is put into the server's environment under engineApiKeyEnv when it starts.
    return before.serverPath !== after.serverPath || before.engineApiKeyEnv !== after.engineApiKeyEnv;
}

/** "qwen2.5-coder-0.5b-q8_0" for "/models/qwen2.5-coder-0.5b-q8_0.gguf". */
export function modelName(modelPath: string): string {
    const base = modelPath.split(/[\\/]/).pop() ?? '';
    return base.replace(/\.gguf$/i, '');
}
