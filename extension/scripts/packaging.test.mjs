// The package check: what a platform's .vsix must hold, and the zip listing it reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { checkPackage, platforms } from './package-all.mjs';
import { listZip } from './zip-listing.mjs';

const base = ['extension/package.json', 'extension/dist/extension.js', 'extension/server/codelsp.dll'];

test('a package with the server and only its own natives passes', () => {
    for (const [rid, { library }] of Object.entries(platforms)) {
        assert.deepEqual(checkPackage(rid, [...base, `extension/server/runtimes/${rid}/native/${library}`]), [], rid);
    }
});

test('natives of another platform, a missing library or a missing server are reported', () => {
    const problems = checkPackage('win-x64', [
        'extension/dist/extension.js',
        'extension/server/runtimes/win-x64/native/avx2/llama.dll',
        'extension/server/runtimes/linux-x64/native/libllama.so',
    ]);
    assert.deepEqual(problems, ['no server (extension/server/codelsp.dll)', 'natives of other platforms: linux-x64']);
    assert.deepEqual(checkPackage('osx-arm64', base), ['no libllama.dylib under runtimes/osx-arm64/native/']);
});

test('listZip reads the names from a zip central directory', () => {
    assert.deepEqual(listZip(makeZip(['a.txt', 'dir/b.bin'])), ['a.txt', 'dir/b.bin']);
    assert.throws(() => listZip(Buffer.from('not a zip at all, just some text long enough')), /not a zip/);
});

/** A minimal valid zip (stored entries), written here so the test needs no zip tool. */
function makeZip(names) {
    const locals = [];
    const centrals = [];
    let offset = 0;
    for (const name of names) {
        const nameBytes = Buffer.from(name);
        const data = deflateRawSync(Buffer.from(name));
        const local = Buffer.alloc(30);
        local.writeUInt32LE(0x04034b50, 0);
        local.writeUInt16LE(nameBytes.length, 26);
        locals.push(local, nameBytes, data);
        const central = Buffer.alloc(46);
        central.writeUInt32LE(0x02014b50, 0);
        central.writeUInt16LE(nameBytes.length, 28);
        central.writeUInt32LE(offset, 42);
        centrals.push(central, nameBytes);
        offset += local.length + nameBytes.length + data.length;
    }
    const directory = Buffer.concat(centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(names.length, 8);
    end.writeUInt16LE(names.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, directory, end]);
}
