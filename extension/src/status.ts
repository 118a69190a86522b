// The status bar's state machine: server lifecycle, model loading, requests in flight and the
// last completion's latency. Pure: no `vscode` import; extension.ts renders `view(state)`.

export type Phase =
    | { kind: 'starting' }
    | { kind: 'loading'; percentage?: number; title: string }
    | { kind: 'ready'; model: string }
    /** Running without a loaded model: none configured, or a load that ended without "ready". */
    | { kind: 'idle'; message: string }
    | { kind: 'error'; message: string }
    | { kind: 'stopped' };

export interface StatusState {
    phase: Phase;
    enabled: boolean;
    /** Completion requests sent and not yet answered. */
    inFlight: number;
    /** Milliseconds from request to answer of the last completed request. */
    lastLatencyMs?: number;
}

export type StatusEvent =
    | { type: 'serverStarting' }
    | { type: 'serverStopped' }
    | { type: 'progressBegin'; title: string; percentage?: number }
    | { type: 'progressReport'; percentage?: number }
    | { type: 'progressEnd'; message?: string }
    | { type: 'noModel' }
    | { type: 'modelReady'; model: string }
    | { type: 'error'; message: string }
    | { type: 'enabledChanged'; enabled: boolean }
    | { type: 'requestStarted' }
    | { type: 'requestFinished'; latencyMs?: number };

export function initialStatus(enabled: boolean): StatusState {
    return { phase: { kind: 'starting' }, enabled, inFlight: 0 };
}

export function nextStatus(state: StatusState, event: StatusEvent): StatusState {
    switch (event.type) {
        case 'serverStarting':
            return { ...state, phase: { kind: 'starting' }, inFlight: 0 };
        case 'serverStopped':
            // A crash or failed start already said why; keep that error on screen.
            return state.phase.kind === 'error' ? { ...state, inFlight: 0 } : { ...state, phase: { kind: 'stopped' }, inFlight: 0 };
        case 'progressBegin':
            return { ...state, phase: { kind: 'loading', title: event.title, percentage: event.percentage } };
        case 'progressReport':
            if (state.phase.kind !== 'loading') {
                return state;
            }
            return { ...state, phase: { ...state.phase, percentage: event.percentage ?? state.phase.percentage } };
        case 'progressEnd':
            // "Ready" is the server's log line and a failure its error message; both follow the end of progress.
            return state.phase.kind === 'loading'
                ? { ...state, phase: { kind: 'idle', message: event.message ?? 'Model loading ended' } }
                : state;
        case 'noModel':
            return state.phase.kind === 'starting' ? { ...state, phase: { kind: 'idle', message: noModelMessage } } : state;
        case 'modelReady':
            return { ...state, phase: { kind: 'ready', model: event.model } };
        case 'error':
            return { ...state, phase: { kind: 'error', message: event.message } };
        case 'enabledChanged':
            return { ...state, enabled: event.enabled };
        case 'requestStarted':
            return { ...state, inFlight: state.inFlight + 1 };
        case 'requestFinished':
            return {
                ...state,
                inFlight: Math.max(0, state.inFlight - 1),
                lastLatencyMs: event.latencyMs === undefined ? state.lastLatencyMs : Math.round(event.latencyMs),
            };
    }
}

export const noModelMessage = 'No model selected. Click to choose a GGUF file (CodeLsp: Select Model File…).';

export type Command = 'codelsp.showLogs' | 'codelsp.toggleCompletions' | 'codelsp.selectModel';

export interface StatusView {
    /** Visible text, with codicons. */
    text: string;
    /** Screen-reader label; always starts with "CodeLsp <state>" (the e2e test reads it). */
    label: string;
    tooltip: string;
    command: Command;
    isError: boolean;
}

export function view(state: StatusState): StatusView {
    const latency = state.lastLatencyMs === undefined ? '' : ` · ${state.lastLatencyMs} ms`;
    const latencyTip = state.lastLatencyMs === undefined ? '' : `\nLast completion: ${state.lastLatencyMs} ms`;
    const p = state.phase;
    switch (p.kind) {
        case 'starting':
            return plain('$(sync~spin) CodeLsp', 'CodeLsp starting', 'Starting the CodeLsp server…');
        case 'loading': {
            const pct = p.percentage === undefined ? '' : ` ${Math.round(p.percentage)}%`;
            return plain(`$(sync~spin) CodeLsp${pct}`, `CodeLsp loading${pct}`, p.title);
        }
        case 'idle':
            return {
                text: '$(circle-outline) CodeLsp',
                label: `CodeLsp idle: ${p.message}`,
                tooltip: p.message,
                command: p.message === noModelMessage ? 'codelsp.selectModel' : 'codelsp.showLogs',
                isError: false,
            };
        case 'stopped':
            return plain('$(debug-stop) CodeLsp', 'CodeLsp stopped', 'The CodeLsp server is not running. Run "CodeLsp: Restart Server".');
        case 'error':
            return {
                text: '$(error) CodeLsp',
                label: `CodeLsp error: ${p.message}`,
                tooltip: `${p.message}\nClick to show the logs.`,
                command: 'codelsp.showLogs',
                isError: true,
            };
        case 'ready':
            if (!state.enabled) {
                return {
                    text: '$(circle-slash) CodeLsp',
                    label: `CodeLsp disabled, model ${p.model}`,
                    tooltip: `Inline completions are off (model ${p.model}). Click to turn them on.`,
                    command: 'codelsp.toggleCompletions',
                    isError: false,
                };
            }
            if (state.inFlight > 0) {
                return plain(`$(loading~spin) CodeLsp: ${p.model}${latency}`, `CodeLsp busy, model ${p.model}`, `Completing with ${p.model}…${latencyTip}`);
            }
            return plain(`$(sparkle) CodeLsp: ${p.model}${latency}`, `CodeLsp ready, model ${p.model}${latency}`, `CodeLsp ready: ${p.model}${latencyTip}\nClick for the logs.`);
    }
}

function plain(text: string, label: string, tooltip: string): StatusView {
    return { text, label, tooltip, command: 'codelsp.showLogs', isError: false };
}

/**
 * Recognises the server's "model is ready" log line (the contract: a window/logMessage naming
 * the model once it has loaded).
 */
export function isModelReadyLog(message: string): boolean {
    return /\b(model\b.*\b(ready|loaded)|(ready|loaded)\b.*\bmodel)\b/i.test(message);
}
