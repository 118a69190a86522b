// Starts the CodeLsp server over stdio and shows its state. All intelligence is in the server;
// this file only wires settings, commands and the status bar item to vscode-languageclient.
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import {
    LanguageClient,
    LanguageClientOptions,
    LogMessageNotification,
    MessageType,
    ProgressToken,
    ShowMessageNotification,
    State,
    WorkDoneProgressBegin,
    WorkDoneProgressEnd,
    WorkDoneProgressReport,
} from 'vscode-languageclient/node';
import { LogLevelName, parseServerLogLine } from './serverLog';
import { CodeLspSettings, initializationOptions, modelName, needsRestart, readSettings, serverLaunch } from './settings';
import { initialStatus, isModelReadyLog, nextStatus, StatusEvent, StatusState, view } from './status';
import { registerNextEdits } from './nextEdits';

let client: LanguageClient | undefined;
let settings: CodeLspSettings;
let status: StatusState;
let statusItem: vscode.StatusBarItem;
let output: vscode.LogOutputChannel;
let traceOutput: vscode.LogOutputChannel;
let extensionPath: string;
/** Starts and stops run one after another: a settings change during a start must not interleave. */
let lifecycle: Promise<void> = Promise.resolve();
/** Open progress notifications, by the server's work-done token. */
const progressNotifications = new Map<ProgressToken, { report(percentage?: number, message?: string): void; done(): void }>();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    extensionPath = context.extensionPath;
    settings = currentSettings();
    status = initialStatus(settings.enable);
    output = vscode.window.createOutputChannel('CodeLsp', { log: true });
    traceOutput = vscode.window.createOutputChannel('CodeLsp LSP Trace', { log: true });
    statusItem = vscode.window.createStatusBarItem('codelsp.status', vscode.StatusBarAlignment.Right, 100);
    statusItem.name = 'CodeLsp';
    render();
    statusItem.show();

    context.subscriptions.push(
        output,
        traceOutput,
        statusItem,
        vscode.commands.registerCommand('codelsp.selectModel', selectModel),
        vscode.commands.registerCommand('codelsp.showLogs', () => output.show(true)),
        vscode.commands.registerCommand('codelsp.restartServer', restart),
        vscode.commands.registerCommand('codelsp.toggleCompletions', toggleCompletions),
        vscode.workspace.onDidChangeConfiguration(e => {
            if (!e.affectsConfiguration('codelsp')) {
                return;
            }
            const before = settings;
            settings = currentSettings();
            update({ type: 'enabledChanged', enabled: settings.enable });
            // Everything else reaches the running server through workspace/didChangeConfiguration.
            if (needsRestart(before, settings)) {
                void restart();
            }
        }),
    );
    registerNextEdits(context, () => client);
    await serialized(start);
}

export function deactivate(): Thenable<void> | undefined {
    return serialized(stop);
}

function serialized(step: () => Promise<void>): Promise<void> {
    lifecycle = lifecycle.then(step, step);
    return lifecycle;
}

function currentSettings(): CodeLspSettings {
    const config = vscode.workspace.getConfiguration('codelsp');
    return readSettings((key, fallback) => config.get(key, fallback));
}

async function start(): Promise<void> {
    update({ type: 'serverStarting' });
    const launch = serverLaunch(settings, {
        extensionPath,
        platform: process.platform,
        env: process.env,
        isFile: p => {
            try {
                return fs.statSync(p).isFile();
            } catch {
                return false;
            }
        },
    });
    if (!launch.ok) {
        fail(launch.message);
        return;
    }
    output.info(`Starting ${launch.description}`);

    const clientOptions: LanguageClientOptions = {
        documentSelector: [
            { scheme: 'file', language: 'csharp' },
            { scheme: 'untitled', language: 'csharp' },
        ],
        synchronize: { configurationSection: 'codelsp' },
        initializationOptions: () => initializationOptions(settings),
        outputChannel: output,
        traceOutputChannel: traceOutput,
        stdioOptions: {
            // Only used by non-stdio transports; with stdio, stdout carries LSP.
            stdout: (input, channel) => readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on('line', line => channel.info(line)),
            stderr: (input, channel) => {
                let previous: LogLevelName | undefined;
                readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on('line', line => {
                    const { level, message } = parseServerLogLine(line, previous);
                    previous = level;
                    channel[level](message);
                });
            },
        },
        // A server that cannot initialize will not do better on a retry; the user fixes and restarts.
        initializationFailedHandler: () => false,
        middleware: {
            handleWorkDoneProgress: (token, params) => onWorkDoneProgress(token, params),
            provideInlineCompletionItems: async (document, position, context, token, next) => {
                if (!settings.enable) {
                    return null;
                }
                update({ type: 'requestStarted' });
                const started = performance.now();
                let latencyMs: number | undefined;
                try {
                    const result = await next(document, position, context, token);
                    latencyMs = token.isCancellationRequested ? undefined : performance.now() - started;
                    return result;
                } finally {
                    update({ type: 'requestFinished', latencyMs });
                }
            },
        },
    };
    const newClient = new LanguageClient(
        'codelsp',
        'CodeLsp',
        { command: launch.command, args: launch.args, options: { env: process.env } },
        clientOptions,
    );
    // Registered before start() so they replace the client's defaults, also after a restart.
    newClient.onNotification(ShowMessageNotification.type, ({ type, message }) => {
        if (type === MessageType.Error) {
            fail(message);
        } else if (type === MessageType.Warning) {
            void vscode.window.showWarningMessage(message);
        } else {
            void vscode.window.showInformationMessage(message);
        }
    });
    newClient.onNotification(LogMessageNotification.type, ({ type, message }) => {
        log(type, message);
        if (isModelReadyLog(message) && status.phase.kind !== 'error') {
            update({ type: 'modelReady', model: modelName(settings.modelPath) || message });
        }
    });
    newClient.onDidChangeState(e => {
        if (e.newState === State.Stopped) {
            endAllProgress();
            update({ type: 'serverStopped' });
        }
    });
    client = newClient;
    try {
        await newClient.start();
        if (settings.modelPath === '' && process.env.CODELSP_MODEL === undefined) {
            update({ type: 'noModel' });
        }
    } catch (error) {
        // languageclient has already shown a notification that opens this output; say here what to check.
        const message = `The CodeLsp server could not start (${launch.description}): ${error instanceof Error ? error.message : String(error)}. ` +
            'Its own output above says why; check that the .NET 10 runtime is installed ("dotnet --list-runtimes") and codelsp.server.path, ' +
            'then run "CodeLsp: Restart Server".';
        update({ type: 'error', message });
        output.error(message);
    }
}

async function stop(): Promise<void> {
    const old = client;
    client = undefined;
    endAllProgress();
    if (old !== undefined) {
        try {
            await old.dispose(5000);
        } catch (error) {
            output.warn(`Stopping the server: ${String(error)}`);
        }
    }
}

function restart(): Promise<void> {
    return serialized(async () => {
        await stop();
        await start();
    });
}

async function selectModel(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Use this model',
        title: 'CodeLsp: select a GGUF model',
        filters: { 'GGUF models': ['gguf'], 'All files': ['*'] },
    });
    if (picked !== undefined && picked.length === 1) {
        await vscode.workspace.getConfiguration('codelsp').update('modelPath', picked[0].fsPath, vscode.ConfigurationTarget.Global);
    }
}

async function toggleCompletions(): Promise<void> {
    await vscode.workspace.getConfiguration('codelsp').update('enable', !settings.enable, vscode.ConfigurationTarget.Global);
}

/** The server's progress tokens say what is loading; only a model load drives the status bar's loading state. */
function isModelLoad(token: ProgressToken): boolean {
    return String(token).startsWith('codelsp/model-load/');
}

function onWorkDoneProgress(token: ProgressToken, params: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd): void {
    const model = isModelLoad(token);
    switch (params.kind) {
        case 'begin': {
            if (model) update({ type: 'progressBegin', title: params.title, percentage: params.percentage });
            let reported = 0;
            let progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
            let finish = (): void => undefined;
            const report = (percentage?: number, message?: string): void => {
                const increment = percentage === undefined ? undefined : Math.max(0, Math.min(100, percentage) - reported);
                reported += increment ?? 0;
                progress?.report({ message, increment });
            };
            // A model load is a notification; other work (loading the projects) shows in the status bar's spinner.
            const location = model ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
            void vscode.window.withProgress({ location, title: params.title }, p => {
                progress = p;
                report(params.percentage, params.message);
                return new Promise<void>(resolve => (finish = resolve));
            });
            progressNotifications.set(token, { report, done: () => finish() });
            break;
        }
        case 'report':
            if (model) update({ type: 'progressReport', percentage: params.percentage });
            progressNotifications.get(token)?.report(params.percentage, params.message);
            break;
        case 'end':
            progressNotifications.get(token)?.done();
            progressNotifications.delete(token);
            if (model) update({ type: 'progressEnd', message: params.message });
            break;
    }
}

function endAllProgress(): void {
    for (const notification of progressNotifications.values()) {
        notification.done();
    }
    progressNotifications.clear();
}

function fail(message: string): void {
    update({ type: 'error', message });
    output.error(message);
    void vscode.window.showErrorMessage(message, 'Show Logs').then(choice => {
        if (choice === 'Show Logs') {
            output.show(true);
        }
    });
}

function log(type: MessageType, message: string): void {
    switch (type) {
        case MessageType.Error:
            output.error(message);
            break;
        case MessageType.Warning:
            output.warn(message);
            break;
        case MessageType.Info:
            output.info(message);
            break;
        default:
            output.debug(message);
    }
}

function update(event: StatusEvent): void {
    status = nextStatus(status, event);
    render();
}

function render(): void {
    const v = view(status);
    statusItem.text = v.text;
    statusItem.tooltip = v.tooltip;
    statusItem.command = v.command;
    statusItem.accessibilityInformation = { label: v.label };
    statusItem.backgroundColor = v.isError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
}
