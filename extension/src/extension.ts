// Starts the CodeLsp server over stdio and shows its state. All intelligence is in the server;
// this file only wires settings, commands and the status bar item to vscode-languageclient.
import { spawn } from 'node:child_process';
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
    WorkDoneProgressCancelNotification,
    WorkDoneProgressEnd,
    WorkDoneProgressReport,
} from 'vscode-languageclient/node';
import { cliInvocation, describeProgress, ModelListing, parseListing, parsePullLine, PercentTracker, PickAction, pickerEntries, PullEvent, recommended } from './models';
import { LogLevelName, parseServerLogLine } from './serverLog';
import { answeringModel, CodeLspSettings, Host, initializationOptions, needsRestart, readSettings, serverEnvironment, serverLaunch } from './settings';
import { initialStatus, isModelReadyLog, nextStatus, StatusEvent, StatusState, view } from './status';
import { registerNextEdits } from './nextEdits';

let client: LanguageClient | undefined;
let settings: CodeLspSettings;
let status: StatusState;
let statusItem: vscode.StatusBarItem;
let output: vscode.LogOutputChannel;
let traceOutput: vscode.LogOutputChannel;
let extensionPath: string;
let secrets: vscode.SecretStorage;
/** Where "CodeLsp: Set Engine API Key…" keeps the key (the editor's secret storage, never settings). */
const apiKeySecret = 'codelsp.engineApiKey';
let extensionContext: vscode.ExtensionContext;
/** Starts and stops run one after another: a settings change during a start must not interleave. */
let lifecycle: Promise<void> = Promise.resolve();
/** Open progress notifications, by the server's work-done token. */
const progressNotifications = new Map<ProgressToken, { report(percentage?: number, message?: string): void; done(): void }>();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    extensionPath = context.extensionPath;
    secrets = context.secrets;
    extensionContext = context;
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
        vscode.commands.registerCommand('codelsp.setEngineApiKey', setEngineApiKey),
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
    const launch = serverLaunch(settings, host());
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
        { command: launch.command, args: launch.args, options: { env: serverEnvironment(process.env, settings, await storedApiKey()) } },
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
            update({ type: 'modelReady', model: answeringModel(settings, message) });
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
        if (settings.engine === 'local' && settings.modelPath === '' && process.env.CODELSP_MODEL === undefined) {
            update({ type: 'noModel' });
            void offerModel();
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

function host(): Host {
    return {
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
    };
}

/** Runs a `codelsp` CLI command with the same executable the server runs from. */
function cli(commandArgs: string[]): { command: string; args: string[] } | undefined {
    const launch = serverLaunch(settings, host());
    if (!launch.ok) {
        fail(launch.message);
        return undefined;
    }
    return cliInvocation(launch, commandArgs);
}

async function listModels(): Promise<ModelListing | undefined> {
    const invocation = cli(['model', 'list', '--json']);
    if (invocation === undefined) {
        return undefined;
    }
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(resolve => {
        const child = spawn(invocation.command, invocation.args, { env: process.env });
        let out = '';
        let err = '';
        child.stdout.on('data', d => (out += String(d)));
        child.stderr.on('data', d => (err += String(d)));
        child.on('error', e => resolve({ code: null, stdout: '', stderr: e.message }));
        child.on('close', c => resolve({ code: c, stdout: out, stderr: err }));
    });
    try {
        if (code !== 0) {
            throw new Error(stderr.trim() || `exit code ${code}`);
        }
        return parseListing(stdout);
    } catch (error) {
        fail(`CodeLsp could not list the models: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
    }
}

/** "Select Model…": downloaded models, catalog models to download, or a file on disk. */
async function selectModel(): Promise<void> {
    const listing = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'CodeLsp: reading the model catalog' }, listModels);
    if (listing === undefined) {
        return;
    }
    type Item = vscode.QuickPickItem & { action?: PickAction };
    const items: Item[] = pickerEntries(listing, settings.modelPath).map(e => e.separator
        ? { label: e.label, kind: vscode.QuickPickItemKind.Separator }
        : { label: e.label, description: e.description, detail: e.detail, action: e.action });
    const picked = await vscode.window.showQuickPick(items, {
        title: 'CodeLsp: select a model',
        placeHolder: 'A downloaded model, a model to download (nothing is downloaded until you pick it), or a GGUF file',
        matchOnDescription: true,
        matchOnDetail: true,
    });
    await runPickAction(picked?.action);
}

async function runPickAction(action: PickAction | undefined): Promise<void> {
    switch (action?.kind) {
        case 'use':
            await useModel(action.path);
            break;
        case 'pull':
            await pullModel(action.name, action.displayName);
            break;
        case 'browse':
            await browseForModel();
            break;
    }
}

async function browseForModel(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Use this model',
        title: 'CodeLsp: select a GGUF model',
        filters: { 'GGUF models': ['gguf'], 'All files': ['*'] },
    });
    if (picked !== undefined && picked.length === 1) {
        await useModel(picked[0].fsPath);
    }
}

function useModel(path: string): Thenable<void> {
    return vscode.workspace.getConfiguration('codelsp').update('modelPath', path, vscode.ConfigurationTarget.Global);
}

/**
 * Downloads a catalog model with `codelsp model pull NAME --json-progress` under a cancellable progress
 * notification (size, speed, time left); when it is complete and verified it becomes the model. Cancelling
 * interrupts the CLI like Ctrl+C: the partial file stays, and picking the model again resumes it.
 */
async function pullModel(name: string, displayName: string): Promise<void> {
    const invocation = cli(['model', 'pull', name, '--json-progress']);
    if (invocation === undefined) {
        return;
    }
    output.info(`Downloading ${displayName}: ${invocation.command} ${invocation.args.join(' ')}`);
    const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `CodeLsp: downloading ${displayName}`, cancellable: true },
        (progress, token) => new Promise<{ done?: Extract<PullEvent, { event: 'done' }>; error?: string; cancelled: boolean }>(resolve => {
            const child = spawn(invocation.command, invocation.args, { env: process.env });
            const tracker = new PercentTracker();
            let done: Extract<PullEvent, { event: 'done' }> | undefined;
            let error: string | undefined;
            let stderr = '';
            readline.createInterface({ input: child.stdout, crlfDelay: Infinity, terminal: false }).on('line', line => {
                const event = parsePullLine(line);
                switch (event?.event) {
                    case 'progress':
                        progress.report({ message: describeProgress(event), increment: tracker.increment(event) });
                        break;
                    case 'notice':
                        output.info(event.message);
                        progress.report({ message: event.message });
                        break;
                    case 'done':
                        done = event;
                        break;
                    case 'error':
                        error = event.message;
                        break;
                }
            });
            child.stderr.on('data', d => (stderr = (stderr + String(d)).slice(-4000)));
            token.onCancellationRequested(() => child.kill('SIGINT'));
            child.on('error', e => resolve({ error: e.message, cancelled: false }));
            child.on('close', code => resolve({
                done,
                cancelled: token.isCancellationRequested,
                error: error ?? (done === undefined ? `codelsp model pull exited with code ${code}: ${stderr.trim()}` : undefined),
            }));
        }));
    if (outcome.done !== undefined) {
        output.info(`Downloaded ${outcome.done.path} (sha256 ${outcome.done.sha256}, ${outcome.done.verified ? 'verified' : 'not verified: the catalog has no checksum for it'})`);
        await useModel(outcome.done.path);
        void vscode.window.showInformationMessage(`CodeLsp: ${displayName} is downloaded${outcome.done.verified ? ' and verified' : ''}, and is now the model.`);
    } else if (outcome.cancelled) {
        void vscode.window.showInformationMessage(`CodeLsp: download of ${displayName} cancelled. Choosing it again resumes where it stopped.`);
    } else {
        output.error(outcome.error ?? 'model pull failed');
        void vscode.window.showErrorMessage(`CodeLsp: downloading ${displayName} failed. ${outcome.error ?? ''}`, 'Show Logs').then(choice => {
            if (choice === 'Show Logs') {
                output.show(true);
            }
        });
    }
}

/** On the first start without a model: one notification that offers the recommended model. Nothing is downloaded without a click. */
async function offerModel(): Promise<void> {
    const key = 'codelsp.modelOffered';
    if (extensionContext.globalState.get<boolean>(key) === true) {
        return;
    }
    await extensionContext.globalState.update(key, true);
    const listing = await listModels();
    if (listing === undefined) {
        return;
    }
    const model = recommended(listing);
    const download = model !== undefined && model.path === null ? `Download ${model.displayName}` : undefined;
    const choice = await vscode.window.showInformationMessage(
        'CodeLsp needs a code model (a GGUF file) to suggest completions. ' +
            (download !== undefined ? `Download the recommended one (${model!.sizeBytes !== null ? Math.round(model!.sizeBytes / 1e6) + ' MB' : 'size unknown'}), or choose one?` : 'Choose one?'),
        ...(download !== undefined ? [download] : []),
        'Choose a Model…',
    );
    if (choice === download && model !== undefined) {
        await pullModel(model.name, model.displayName);
    } else if (choice === 'Choose a Model…') {
        await selectModel();
    }
}

/** The key kept by "Set Engine API Key…"; a secret store that cannot be read (some remote hosts) means no key, not no server. */
async function storedApiKey(): Promise<string | undefined> {
    try {
        return await secrets.get(apiKeySecret);
    } catch (error) {
        output.warn(`Could not read the engine API key from the secret storage: ${String(error)}`);
        return undefined;
    }
}

/** Stores a team engine's API key in the editor's secret storage; the server gets it in its environment on restart. */
async function setEngineApiKey(): Promise<void> {
    const key = await vscode.window.showInputBox({
        title: 'CodeLsp: API key of the inference engine',
        prompt: 'Kept in the editor\'s secret storage and passed to the server in its environment; never written to settings. Leave empty to remove it.',
        password: true,
        ignoreFocusOut: true,
    });
    if (key === undefined) {
        return;
    }
    if (key.trim() === '') {
        await secrets.delete(apiKeySecret);
    } else {
        await secrets.store(apiKeySecret, key.trim());
    }
    await restart();
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
            // A model load is a notification, and so is work the user may cancel (an AI action: its Cancel button
            // sends window/workDoneProgress/cancel); other work (loading the projects) shows in the status bar's spinner.
            const cancellable = params.cancellable === true;
            const location = model || cancellable ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
            void vscode.window.withProgress({ location, title: params.title, cancellable }, (p, cancel) => {
                cancel.onCancellationRequested(() => void client?.sendNotification(WorkDoneProgressCancelNotification.type, { token }));
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
