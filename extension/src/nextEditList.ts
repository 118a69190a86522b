// The follow-up ("next") edits the server proposes after an edit: which one is nearest, how it reads in the
// status bar and as an inline hint. Pure: no `vscode` import; nextEdits.ts renders it.

export interface Pos { line: number; character: number }
export interface Rng { start: Pos; end: Pos }

/** One item of the codelsp/nextEdits result. */
export interface NextEditItem {
    textDocument: { uri: string; version: number | null };
    range: Rng;
    newText: string;
    reason: string;
    source: 'compiler' | 'model';
    id: string;
    title: string;
    diagnostic?: string;
}

/** The edits as the server ordered them (nearest to the cursor first), minus those already applied or dismissed. */
export interface NextEditList {
    uri: string;
    version: number;
    edits: NextEditItem[];
}

export function statusText(count: number): string | undefined {
    if (count === 0) {
        return undefined;
    }
    return `$(arrow-right) ${count} follow-up edit${count === 1 ? '' : 's'}`;
}

const isEmpty = (r: Rng) => r.start.line === r.end.line && r.start.character === r.end.character;

/** What the hint after the site says: the inserted text, or "→ new" for a replacement (the old text is struck through). */
export function hintText(edit: NextEditItem, maxLength = 60): string {
    const flat = edit.newText.replace(/\s*\r?\n\s*/g, ' ').trim();
    const shown = flat.length > maxLength ? flat.slice(0, maxLength - 1) + '…' : flat;
    const marker = edit.source === 'model' ? ' (model)' : '';
    if (isEmpty(edit.range)) {
        return `+ ${shown}${marker}`;
    }
    return shown.length === 0 ? `(delete)${marker}` : `→ ${shown}${marker}`;
}

/** The edit after `current` in list order, wrapping around (for "jump to the next site"). */
export function nextIndex(current: number, count: number): number {
    return count === 0 ? -1 : (current + 1) % count;
}

/** Removes an applied or dismissed edit; the others keep their order. */
export function without(list: NextEditList, id: string): NextEditList {
    return { ...list, edits: list.edits.filter(e => e.id !== id) };
}

/** Edits of one document that can be applied together: no two overlap (the server promises it; checked again here). */
export function applicableTogether(edits: NextEditItem[]): NextEditItem[] {
    const kept: NextEditItem[] = [];
    const before = (a: Pos, b: Pos) => a.line < b.line || (a.line === b.line && a.character < b.character);
    for (const e of edits) {
        const overlaps = kept.some(k => k.textDocument.uri === e.textDocument.uri && before(k.range.start, e.range.end) && before(e.range.start, k.range.end));
        if (!overlaps) {
            kept.push(e);
        }
    }
    return kept;
}
