#!/usr/bin/env bash
# Builds the `codelsp` .NET tool package with the README's command, installs it into a temporary tool path the way a
# user would (`dotnet tool install … --add-source`), and runs it: a tiny model through the installed tool's own
# natives (`codelsp doctor`). Prints the package size and the time each step took.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
t0=$SECONDS
dotnet pack "$repo/server/CodeLsp.Server" -c Release -o "$scratch/feed" --nologo -v q -p:WarningsNotAsErrors=NU1603 >/dev/null
pkg="$(ls "$scratch"/feed/codelsp.*.nupkg)"
echo "tool: packed $(basename "$pkg") ($(du -m "$pkg" | cut -f1) MB) in $((SECONDS - t0)) s"
python3 - "$pkg" <<'PY'
import sys, zipfile, collections
names = zipfile.ZipFile(sys.argv[1]).namelist()
rids = collections.Counter(n.split('/')[4] for n in names if '/runtimes/' in n)
need = {'linux-x64': 'libllama.so', 'linux-arm64': 'libllama.so', 'win-x64': 'llama.dll', 'osx-x64': 'libllama.dylib', 'osx-arm64': 'libllama.dylib'}
missing = [rid for rid, lib in need.items() if not any(f'/runtimes/{rid}/native/' in n and n.endswith('/' + lib) for n in names)]
print('tool: natives per platform', dict(sorted(rids.items())))
if missing: sys.exit(f'tool: no llama library for {missing}')
PY
t1=$SECONDS
dotnet tool install --tool-path "$scratch/tools" codelsp --add-source "$scratch/feed" >/dev/null
echo "tool: installed into $scratch/tools in $((SECONDS - t1)) s"
"$scratch/tools/codelsp" model tiny "$scratch/tiny.gguf" 2>/dev/null
"$scratch/tools/codelsp" doctor --model "$scratch/tiny.gguf" --workspace "$scratch" 2>/dev/null | grep -E "native backend|result|checks|failed"
echo "tool: OK in $((SECONDS - t0)) s"
