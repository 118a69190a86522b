// Next edits in VS Code with the stable API only: after an edit, asks the server (codelsp/nextEdits) for the
// follow-up sites, shows the nearest as an inline hint (a diff-style decoration), counts them in the status bar, and
// offers commands (with keys that never take Tab) to jump, accept, accept all and dismiss. Accepting applies the
// server's edit, which the compiler already checked, at the document version it was computed for.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { applicableTogether, hintText, NextEditItem, NextEditList, nextIndex, statusText, without } from './nextEditList';

const DEBOUNCE_MS = 250;

export function registerNextEdits(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
    let list: NextEditList | undefined;
    let current = 0;
    let timer: NodeJS.Timeout | undefined;
    let request: vscode.CancellationTokenSource | undefined;

    const status = vscode.window.createStatusBarItem('codelsp.nextEdits', vscode.StatusBarAlignment.Right, 99);
    status.name = 'CodeLsp follow-up edits';
    status.command = 'codelsp.nextEdit.jump';
    const struck = vscode.window.createTextEditorDecorationType({
        textDecoration: 'line-through',
        backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
    });
    const hint = vscode.window.createTextEditorDecorationType({
        after: { color: new vscode.ThemeColor('editorGhostText.foreground'), fontStyle: 'italic', margin: '0 0 0 0.5em' },
        backgroundColor: new vscode.ThemeColor('diffEditor.insertedTextBackground'),
    });

    const toRange = (e: NextEditItem) => new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character);

    function render(): void {
        const count = list?.edits.length ?? 0;
        void vscode.commands.executeCommand('setContext', 'codelsp.nextEditsAvailable', count > 0);
        const text = statusText(count);
        if (text) {
            status.text = text;
            status.accessibilityInformation = { label: text.replace(/^\$\([^)]*\)\s*/, '') };
            status.tooltip = `${list!.edits[current]?.title ?? ''}\nAlt+] next site · Alt+Enter accept · Alt+Shift+Enter accept all · Alt+[ dismiss`;
            status.show();
        } else {
            status.hide();
        }
        for (const editor of vscode.window.visibleTextEditors) {
            const edit = list?.edits[current];
            const here = edit && editor.document.uri.toString() === edit.textDocument.uri;
            editor.setDecorations(struck, here && !toRange(edit).isEmpty ? [toRange(edit)] : []);
            editor.setDecorations(hint, here ? [{
                range: new vscode.Range(toRange(edit).end, toRange(edit).end),
                hoverMessage: `${edit.title}\n\n${edit.reason}${edit.diagnostic ? ` (${edit.diagnostic})` : ''}`,
                renderOptions: { after: { contentText: hintText(edit) } },
            }] : []);
        }
    }

    function clear(): void {
        list = undefined;
        current = 0;
        render();
    }

    async function refresh(document: vscode.TextDocument): Promise<void> {
        const client = getClient();
        const editor = vscode.window.activeTextEditor;
        if (!client || !editor || editor.document !== document) {
            return;
        }
        request?.cancel();
        request = new vscode.CancellationTokenSource();
        const version = document.version;
        try {
            const result = await client.sendRequest<{ edits: NextEditItem[] }>('codelsp/nextEdits', {
                textDocument: { uri: document.uri.toString(), version },
                position: editor.selection.active,
            }, request.token);
            if (document.version !== version) {
                return; // typed over meanwhile; the next change asks again
            }
            list = { uri: document.uri.toString(), version, edits: result.edits };
            current = 0;
            render();
        } catch {
            // Cancelled by a newer change, or the server is restarting: nothing to show.
        }
    }

    function feedback(command: 'codelsp.nextEditAccepted' | 'codelsp.nextEditDismissed', ids: string[]): void {
        const client = getClient();
        for (const id of ids) {
            void client?.sendRequest('workspace/executeCommand', { command, arguments: [id] }).then(undefined, () => undefined);
        }
    }

    async function apply(edits: NextEditItem[]): Promise<void> {
        const together = applicableTogether(edits);
        const workspaceEdit = new vscode.WorkspaceEdit();
        for (const edit of together) {
            const uri = vscode.Uri.parse(edit.textDocument.uri);
            const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === edit.textDocument.uri);
            if (open && edit.textDocument.version !== null && open.version !== edit.textDocument.version) {
                void vscode.window.showInformationMessage('CodeLsp: the document changed since the follow-up edits were computed; nothing was applied.');
                clear();
                return;
            }
            workspaceEdit.replace(uri, toRange(edit), edit.newText);
        }
        const applied = await vscode.workspace.applyEdit(workspaceEdit);
        if (applied) {
            feedback('codelsp.nextEditAccepted', together.map(e => e.id));
        }
        // The document changed: the change listener asks the server for what follows now.
    }

    async function jump(): Promise<void> {
        if (!list || list.edits.length === 0) {
            return;
        }
        const editor = vscode.window.activeTextEditor;
        const edit = list.edits[current];
        // Already at this site: move on to the next one.
        if (editor && editor.document.uri.toString() === edit.textDocument.uri && toRange(edit).contains(editor.selection.active)) {
            current = nextIndex(current, list.edits.length);
        }
        const target = list.edits[current];
        const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(target.textDocument.uri));
        const shown = await vscode.window.showTextDocument(document, { preserveFocus: false });
        shown.selection = new vscode.Selection(toRange(target).start, toRange(target).start);
        shown.revealRange(toRange(target), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        render();
    }

    context.subscriptions.push(
        status,
        struck,
        hint,
        vscode.workspace.onDidChangeTextDocument(e => {
            if (e.document.languageId !== 'csharp' || e.contentChanges.length === 0) {
                return;
            }
            if (timer) {
                clearTimeout(timer);
            }
            if (list && list.uri === e.document.uri.toString()) {
                clear(); // the old edits' ranges no longer fit
            }
            timer = setTimeout(() => void refresh(e.document), DEBOUNCE_MS);
        }),
        vscode.window.onDidChangeVisibleTextEditors(() => render()),
        vscode.commands.registerCommand('codelsp.nextEdit.jump', jump),
        vscode.commands.registerCommand('codelsp.nextEdit.accept', async () => {
            const edit = list?.edits[current];
            if (edit && list) {
                list = without(list, edit.id);
                await apply([edit]);
                render();
            }
        }),
        vscode.commands.registerCommand('codelsp.nextEdit.acceptAll', async () => {
            if (list) {
                const edits = list.edits;
                clear();
                await apply(edits);
            }
        }),
        vscode.commands.registerCommand('codelsp.nextEdit.dismiss', () => {
            if (list) {
                feedback('codelsp.nextEditDismissed', list.edits.map(e => e.id));
            }
            clear();
        }),
    );
}
