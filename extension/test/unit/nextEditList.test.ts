import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { applicableTogether, hintText, NextEditItem, nextIndex, statusText, without } from '../../src/nextEditList';

const edit = (id: string, line: number, start: number, end: number, newText: string, source: 'compiler' | 'model' = 'compiler'): NextEditItem => ({
    textDocument: { uri: 'file:///src/Checkout.cs', version: 3 },
    range: { start: { line, character: start }, end: { line, character: end } },
    newText, reason: 'reason', source, id, title: 'title',
});

test('the status bar counts the follow-up edits, and says nothing without any', () => {
    assert.equal(statusText(0), undefined);
    assert.equal(statusText(1), '$(arrow-right) 1 follow-up edit');
    assert.equal(statusText(3), '$(arrow-right) 3 follow-up edits');
});

test('the hint shows an insertion with +, a replacement with →, and marks what the model wrote', () => {
    assert.equal(hintText(edit('a', 6, 19, 19, ', cancellationToken')), '+ , cancellationToken');
    assert.equal(hintText(edit('b', 5, 22, 27, 'total')), '→ total');
    assert.equal(hintText(edit('c', 5, 22, 27, '')), '(delete)');
    assert.equal(hintText(edit('d', 6, 19, 19, ', CancellationToken.None', 'model')), '+ , CancellationToken.None (model)');
});

test('a long or multi-line edit is shown on one shortened line', () => {
    const stub = edit('e', 9, 0, 0, '\n    public string Name => throw new System.NotImplementedException();\n');
    const text = hintText(stub, 30);
    assert.equal(text.length <= 32, true);
    assert.match(text, /^\+ public string Name => throw n…$/);
});

test('jumping wraps around the sites', () => {
    assert.equal(nextIndex(0, 3), 1);
    assert.equal(nextIndex(2, 3), 0);
    assert.equal(nextIndex(0, 0), -1);
});

test('an accepted or dismissed edit leaves the list, the rest keep their order', () => {
    const list = { uri: 'file:///src/Cart.cs', version: 2, edits: [edit('a', 1, 0, 0, 'x'), edit('b', 2, 0, 0, 'y'), edit('c', 3, 0, 0, 'z')] };
    assert.deepEqual(without(list, 'b').edits.map(e => e.id), ['a', 'c']);
});

test('accept all never applies two overlapping edits of one document', () => {
    const kept = applicableTogether([edit('a', 5, 10, 20, 'x'), edit('b', 5, 15, 25, 'y'), edit('c', 5, 20, 20, 'z'), edit('d', 6, 0, 3, 'w')]);
    assert.deepEqual(kept.map(e => e.id), ['a', 'c', 'd']);
});
