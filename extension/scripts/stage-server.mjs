// Puts the server into extension/server/ for packaging: a framework-dependent publish of
// CodeLsp.Server, keeping only the native libraries of one platform.
//   node scripts/stage-server.mjs <rid> [publishDir]
// Without publishDir it runs `dotnet publish` into ../artifacts/server-publish first.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = resolve(extensionDir, '..');
const [rid, publishArg] = process.argv.slice(2);
if (!rid) {
    console.error('usage: node scripts/stage-server.mjs <rid, e.g. linux-x64> [publishDir]');
    process.exit(2);
}

let publishDir = publishArg ? resolve(publishArg) : join(repoDir, 'artifacts', 'server-publish');
if (!publishArg) {
    execFileSync('dotnet', ['publish', join(repoDir, 'server', 'CodeLsp.Server'), '-c', 'Release', '-o', publishDir, '--nologo'], {
        stdio: 'inherit',
    });
}
if (!existsSync(join(publishDir, 'codelsp.dll'))) {
    console.error(`${publishDir} has no codelsp.dll: not a publish of CodeLsp.Server`);
    process.exit(1);
}

const target = join(extensionDir, 'server');
rmSync(target, { recursive: true, force: true });
cpSync(publishDir, target, {
    recursive: true,
    // runtimes/<other rid>/ would add ~80 MB of natives the platform package never loads.
    filter: src => {
        const rel = src.slice(publishDir.length + 1).split(/[\\/]/);
        return !(rel[0] === 'runtimes' && rel.length >= 2 && rel[1] !== rid);
    },
});
// The extension always runs `dotnet codelsp.dll`; the apphost is for the build machine's platform.
rmSync(join(target, 'codelsp'), { force: true });
rmSync(join(target, 'codelsp.exe'), { force: true });
if (!existsSync(join(target, 'runtimes', rid))) {
    console.error(`warning: the publish has no runtimes/${rid}; the model backend will not load on ${rid}`);
}

const size = dir => readdirSync(dir).reduce((sum, name) => {
    const p = join(dir, name);
    const s = statSync(p);
    return sum + (s.isDirectory() ? size(p) : s.size);
}, 0);
console.log(`staged ${target} for ${rid}: ${(size(target) / 1048576).toFixed(1)} MiB`);
