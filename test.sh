#!/usr/bin/env bash
# Every test of the project: the .NET test projects (real LLamaSharp on generated tiny models, in-process and
# out-of-process LSP tests), then the extension's unit tests and its end-to-end test in a real VS Code.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test CodeLsp.sln -c Release --nologo
# A real headless Neovim attached to the built server (skipped with a message when nvim is absent, except in CI).
bash tests/editors/neovim/run.sh
# The extension: unit tests, then the end-to-end test in code-server + chromium (installs its own tools; set
# CODELSP_SKIP_E2E=1 to leave it out of a quick local run).
if [ "${CODELSP_SKIP_E2E:-0}" != 1 ]; then
  bash extension/test/e2e/run.sh
fi
