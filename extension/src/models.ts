// The model picker's data: what `codelsp model list --json` says, turned into quick-pick entries, and the JSON
// lines of `codelsp model pull --json-progress` turned into progress. Pure: no `vscode` import (unit-tested in node).

export interface CatalogRow {
    name: string;
    role: 'fim' | 'instruct' | 'next-edit' | string;
    displayName: string;
    recommended: boolean;
    quantization: string | null;
    sizeBytes: number | null;
    estimatedMemoryBytes: number | null;
    fits: boolean | null;
    sha256Known: boolean;
    licence: string | null;
    /** Where it is, when downloaded. */
    path: string | null;
}

export interface FileRow {
    path: string;
    sizeBytes: number;
    estimatedMemoryBytes: number;
    fits: boolean;
}

export interface ModelListing {
    modelsDir: string;
    machineMemoryBytes: number;
    catalog: CatalogRow[];
    otherFiles: FileRow[];
}

export type PickAction = { kind: 'use'; path: string } | { kind: 'pull'; name: string; displayName: string } | { kind: 'browse' };

export interface PickEntry {
    /** A separator row when set (VS Code's QuickPickItemKind.Separator). */
    separator?: boolean;
    label: string;
    description?: string;
    detail?: string;
    picked?: boolean;
    action?: PickAction;
}

export function parseListing(json: string): ModelListing {
    const value = JSON.parse(json) as Partial<ModelListing>;
    if (typeof value.modelsDir !== 'string' || !Array.isArray(value.catalog) || !Array.isArray(value.otherFiles)) {
        throw new Error('`codelsp model list --json` printed something else than a model listing');
    }
    return value as ModelListing;
}

export function formatBytes(bytes: number | null | undefined): string {
    if (bytes === null || bytes === undefined) return 'size unknown';
    if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
    return `${Math.round(bytes / 1e6)} MB`;
}

const basename = (p: string): string => p.split(/[\\/]/).pop() ?? p;

function memoryNote(memory: number | null, fits: boolean | null, machine: number): string {
    if (memory === null) return 'memory unknown';
    const need = `needs ~${formatBytes(memory)} of ${formatBytes(machine)} memory`;
    return fits === false ? `${need} — too much for this machine` : need;
}

/**
 * Downloaded models first (the catalog's and any other .gguf in the models folder), then the catalog's completion
 * models to download (the recommended one first), then "Browse…". Only FIM models complete code, so instruct and
 * next-edit models are not offered here.
 */
export function pickerEntries(listing: ModelListing, currentPath: string): PickEntry[] {
    const entries: PickEntry[] = [];
    const fim = listing.catalog.filter(m => m.role === 'fim');
    const downloaded: PickEntry[] = [
        ...fim.filter(m => m.path !== null).map(m => ({
            label: m.displayName,
            description: m.path === currentPath ? 'in use' : 'downloaded',
            detail: `${m.path} · ${formatBytes(m.sizeBytes)} · ${memoryNote(m.estimatedMemoryBytes, m.fits, listing.machineMemoryBytes)}`,
            picked: m.path === currentPath,
            action: { kind: 'use', path: m.path! } as PickAction,
        })),
        ...listing.otherFiles.map(f => ({
            label: basename(f.path),
            description: f.path === currentPath ? 'in use' : 'downloaded',
            detail: `${f.path} · ${formatBytes(f.sizeBytes)} · ${memoryNote(f.estimatedMemoryBytes, f.fits, listing.machineMemoryBytes)}`,
            picked: f.path === currentPath,
            action: { kind: 'use', path: f.path } as PickAction,
        })),
    ];
    if (downloaded.length > 0) {
        entries.push({ separator: true, label: 'Downloaded' }, ...downloaded);
    }
    const toDownload = fim.filter(m => m.path === null).sort((a, b) => Number(b.recommended) - Number(a.recommended));
    if (toDownload.length > 0) {
        entries.push({ separator: true, label: 'Download' });
        for (const m of toDownload) {
            entries.push({
                label: `$(cloud-download) ${m.displayName}`,
                description: [m.recommended ? 'recommended' : undefined, formatBytes(m.sizeBytes), m.licence ?? 'licence unverified']
                    .filter(Boolean).join(' · '),
                detail: `${memoryNote(m.estimatedMemoryBytes, m.fits, listing.machineMemoryBytes)}${m.sha256Known ? '' : ' · checksum unknown: not verified after download'}`,
                action: { kind: 'pull', name: m.name, displayName: m.displayName },
            });
        }
    }
    entries.push({ separator: true, label: '' }, { label: '$(folder-opened) Browse for a GGUF file…', action: { kind: 'browse' } });
    return entries;
}

/** The model to offer on first use: the catalog's recommended completion model. */
export function recommended(listing: ModelListing): CatalogRow | undefined {
    return listing.catalog.find(m => m.recommended && m.role === 'fim');
}

export type PullEvent =
    | { event: 'progress'; received: number; total: number | null; bytesPerSecond: number; etaSeconds: number | null }
    | { event: 'notice'; message: string }
    | { event: 'done'; path: string; bytes: number; sha256: string; verified: boolean; alreadyPresent: boolean }
    | { event: 'error'; kind: string; message: string; resumable: boolean };

/** One line of `model pull --json-progress`; undefined for anything else (the CLI prints nothing else on stdout). */
export function parsePullLine(line: string): PullEvent | undefined {
    try {
        const value = JSON.parse(line) as { event?: unknown };
        return typeof value.event === 'string' ? (value as PullEvent) : undefined;
    } catch {
        return undefined;
    }
}

/** "412 MB of 986 MB · 12.3 MB/s · 47 s left". */
export function describeProgress(p: Extract<PullEvent, { event: 'progress' }>): string {
    const parts = [p.total !== null ? `${formatBytes(p.received)} of ${formatBytes(p.total)}` : formatBytes(p.received)];
    if (p.bytesPerSecond > 0) parts.push(`${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s`);
    if (p.etaSeconds !== null) {
        const s = Math.round(p.etaSeconds);
        parts.push(s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s left` : `${s} s left`);
    }
    return parts.join(' · ');
}

/** Tracks the notification's percentage: VS Code's progress takes increments, the CLI reports totals. */
export class PercentTracker {
    private reported = 0;

    /** The increment to report for this sample (0 when the total is unknown). */
    increment(p: Extract<PullEvent, { event: 'progress' }>): number {
        if (p.total === null || p.total <= 0) return 0;
        const percent = Math.min(100, (100 * p.received) / p.total);
        const step = Math.max(0, percent - this.reported);
        this.reported += step;
        return step;
    }
}

/** The CLI invocation for a server command (`model list --json`, …) from the server's own launch line. */
export function cliInvocation(launch: { command: string; args: string[] }, commandArgs: string[]): { command: string; args: string[] } {
    const serve = launch.args.indexOf('serve');
    const prefix = serve >= 0 ? launch.args.slice(0, serve) : launch.args;
    return { command: launch.command, args: [...prefix, ...commandArgs] };
}
