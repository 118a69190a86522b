// Builds one .vsix per platform, each with the server and only that platform's native libraries, and checks each:
//   node scripts/package-all.mjs [rid ...]     (default: all five; writes dist/codelsp-<rid>.vsix)
// The server is published once (framework-dependent: every platform runs `dotnet codelsp.dll`); stage-server.mjs
// keeps runtimes/<rid>/ only. Prints each file's size and what it holds; exits 1 when a package is wrong.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listZip } from './zip-listing.mjs';

const extensionDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = resolve(extensionDir, '..');

// .NET runtime identifier → VS Code platform target, and the llama.cpp library each must carry. linux-x64 comes
// last so that extension/server/ is left staged for the machine that builds (and runs the end-to-end test).
export const platforms = {
    'linux-arm64': { target: 'linux-arm64', library: 'libllama.so' },
    'win-x64': { target: 'win32-x64', library: 'llama.dll' },
    'osx-x64': { target: 'darwin-x64', library: 'libllama.dylib' },
    'osx-arm64': { target: 'darwin-arm64', library: 'libllama.dylib' },
    'linux-x64': { target: 'linux-x64', library: 'libllama.so' },
};

/** What is wrong with a package's file list for `rid` (empty: nothing). */
export function checkPackage(rid, names) {
    const problems = [];
    const server = 'extension/server/';
    if (!names.includes(`${server}codelsp.dll`)) problems.push('no server (extension/server/codelsp.dll)');
    if (!names.includes('extension/dist/extension.js')) problems.push('no extension/dist/extension.js');
    const natives = names.filter(n => n.startsWith(`${server}runtimes/`));
    const foreign = [...new Set(natives.map(n => n.split('/')[3]).filter(r => r !== rid))];
    if (foreign.length > 0) problems.push(`natives of other platforms: ${foreign.join(', ')}`);
    const library = platforms[rid].library;
    if (!natives.some(n => n.startsWith(`${server}runtimes/${rid}/native/`) && n.endsWith(`/${library}`))) {
        problems.push(`no ${library} under runtimes/${rid}/native/`);
    }
    return problems;
}

async function main() {
    const rids = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(platforms);
    for (const rid of rids) {
        if (!platforms[rid]) {
            console.error(`unknown platform ${rid}; one of ${Object.keys(platforms).join(', ')}`);
            process.exit(2);
        }
    }
    const started = Date.now();
    const publishDir = join(repoDir, 'artifacts', 'server-publish');
    execFileSync('dotnet', ['publish', join(repoDir, 'server', 'CodeLsp.Server'), '-c', 'Release', '-o', publishDir, '--nologo', '-v', 'q'], { stdio: 'inherit' });
    const vsce = join(extensionDir, 'node_modules', '.bin', 'vsce');
    const rows = [];
    let failed = false;
    const published = Date.now();
    console.log(`server published in ${((published - started) / 1000).toFixed(0)} s`);
    for (const rid of rids) {
        const packageStarted = Date.now();
        execFileSync('node', [join(extensionDir, 'scripts', 'stage-server.mjs'), rid, publishDir], { stdio: ['ignore', 'ignore', 'inherit'] });
        const out = join(extensionDir, 'dist', `codelsp-${rid}.vsix`);
        execFileSync(vsce, ['package', '--target', platforms[rid].target, '--skip-license', '--allow-missing-repository', '--out', out],
            { cwd: extensionDir, stdio: ['ignore', 'ignore', 'inherit'] });
        const names = listZip(readFileSync(out));
        const problems = checkPackage(rid, names);
        const natives = names.filter(n => n.includes('/runtimes/')).length;
        rows.push(`${rid.padEnd(12)} ${(statSync(out).size / 1048576).toFixed(1).padStart(6)} MiB  ${String(names.length).padStart(4)} files, ${natives} native, ${((Date.now() - packageStarted) / 1000).toFixed(0)} s  ${out}${problems.length ? '  WRONG: ' + problems.join('; ') : ''}`);
        failed ||= problems.length > 0;
    }
    console.log(rows.join('\n'));
    console.log(`${rids.length} package(s) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    process.exit(failed ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    await main();
}
