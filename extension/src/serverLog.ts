// The server logs to stderr as "HH:mm:ss.fff [INF] message" (Serilog). The output channel adds its
// own time and level, so each line is passed on at its own level without the server's prefix.
// Pure: no `vscode` import.

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const levels: Record<string, LogLevelName> = { VRB: 'trace', DBG: 'debug', INF: 'info', WRN: 'warn', ERR: 'error', FTL: 'error' };
const prefix = /^\d{2}:\d{2}:\d{2}\.\d{3} \[(VRB|DBG|INF|WRN|ERR|FTL)\] /;

export interface ServerLogLine {
    level: LogLevelName;
    message: string;
}

/**
 * Splits one stderr line. A line without the prefix (an exception's stack, or text the runtime
 * printed, such as "You must install .NET") continues the previous line's level, or is an error.
 */
export function parseServerLogLine(line: string, previous: LogLevelName | undefined): ServerLogLine {
    const match = prefix.exec(line);
    if (match === null) {
        return { level: previous ?? 'error', message: line };
    }
    return { level: levels[match[1]], message: line.slice(match[0].length) };
}
