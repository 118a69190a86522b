#!/usr/bin/env bash
# The Neovim test: a real headless Neovim (Debian's 0.7.2 in CI) drives the built server through
# editors/neovim/codelsp.lua. Without nvim it says so and skips, unless CODELSP_REQUIRE_NVIM=1 (CI sets it).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
here="$repo/tests/editors/neovim"
if ! command -v nvim >/dev/null; then
  if [ "${CODELSP_REQUIRE_NVIM:-0}" = 1 ]; then
    echo "neovim test: nvim is not installed (apt-get install neovim)" >&2
    exit 1
  fi
  echo "neovim test: SKIPPED — nvim is not installed (apt-get install neovim; CI installs it)" >&2
  exit 0
fi
dll="$repo/server/CodeLsp.Server/bin/Release/net10.0/codelsp.dll"
[ -f "$dll" ] || dotnet build "$repo/server/CodeLsp.Server" -c Release --nologo -v q
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/work" "$scratch/state"
cp "$here/Sample.cs" "$scratch/work/Sample.cs"
export XDG_STATE_HOME="$scratch/state"
line=14 typed='        _count = '

# A tiny model has random weights: pick the first seed whose suggestion at the typing spot survives the server's
# cleaning (the e2e test does the same), asked through `codelsp complete` on the file as it will be typed.
probe="$scratch/probe/Sample.cs"
mkdir -p "$(dirname "$probe")"
awk -v n="$line" -v t="$typed" 'NR==n{print t; next}{print}' "$here/Sample.cs" > "$probe"
model=""
for seed in 1 2 3 4 5 6 7 8 9 10 11 12; do
  candidate="$scratch/tiny-$seed.gguf"
  dotnet "$dll" model tiny "$candidate" --seed "$seed" 2>/dev/null
  suggestion="$(dotnet "$dll" complete "$probe:$line:$((${#typed} + 1))" --model "$candidate" --max-tokens 16 --json 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("suggestion") or "")')"
  if [ -n "${suggestion//[[:space:]]/}" ]; then
    echo "neovim test: tiny model seed $seed suggests $(printf %q "$suggestion")" >&2
    model="$candidate"
    break
  fi
done
[ -n "$model" ] || { echo "neovim test: no tiny-model seed from 1 to 12 gives a suggestion" >&2; exit 1; }

echo "neovim test: $(nvim --version | head -1)" >&2
CODELSP_REPO="$repo" CODELSP_DLL="$dll" CODELSP_TEST_MODEL="$model" CODELSP_TEST_FILE="$scratch/work/Sample.cs" \
CODELSP_TEST_LINE="$line" CODELSP_TEST_TYPED="$typed" \
  timeout 180 nvim --headless --clean -u NONE -c "luafile $here/session.lua"
echo "neovim test: passed" >&2
