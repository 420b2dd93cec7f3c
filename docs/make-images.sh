#!/usr/bin/env bash
# Regenerates the README's pictures by running the real CLI, so they cannot drift from the code.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dotnet run --project src/KlGpu.Cli -c Release -- landscape --mu -5:5:400 --sigma 0.05:5:400 --out "$tmp"
cp "$tmp/landscape.png" docs/images/landscape.png
