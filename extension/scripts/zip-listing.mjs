// The file names in a zip (a .vsix), read from its central directory — enough to check what a package holds
// without an unzip tool. Handles archives without a trailing comment search beyond 64 KiB, as zip allows.

/** @param {Buffer} zip @returns {string[]} */
export function listZip(zip) {
    const eocdSignature = 0x06054b50;
    let eocd = -1;
    for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
        if (zip.readUInt32LE(i) === eocdSignature) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0) throw new Error('not a zip file: no end-of-central-directory record');
    const count = zip.readUInt16LE(eocd + 10);
    let offset = zip.readUInt32LE(eocd + 16);
    const names = [];
    for (let n = 0; n < count; n++) {
        if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory entry at ${offset}`);
        const nameLength = zip.readUInt16LE(offset + 28);
        const extraLength = zip.readUInt16LE(offset + 30);
        const commentLength = zip.readUInt16LE(offset + 32);
        names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
        offset += 46 + nameLength + extraLength + commentLength;
    }
    return names;
}
