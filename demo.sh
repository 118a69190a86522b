#!/usr/bin/env bash
# The main job without an editor: build codelsp and print one completion in a sample C# file, with its time split.
# Uses $CODELSP_MODEL when set; otherwise writes a tiny random-weight model (its suggestions are noise: it shows
# that the whole path runs, not what a real model writes).
set -euo pipefail
cd "$(dirname "$0")"
dotnet publish server/CodeLsp.Server -c Release -o artifacts/codelsp --nologo -v quiet
model="${CODELSP_MODEL:-}"
if [ -z "$model" ]; then
  model=artifacts/tiny.gguf
  dotnet artifacts/codelsp/codelsp.dll model tiny "$model"
  echo "No CODELSP_MODEL set: using the tiny test model $model (random weights: expect noise)." >&2
fi
dotnet artifacts/codelsp/codelsp.dll model inspect "$model"
dotnet artifacts/codelsp/codelsp.dll complete tests/fixtures/hello/Greeter.cs:17:13 --model "$model" --json
