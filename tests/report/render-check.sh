#!/usr/bin/env bash
# Renders each kind of report.html in headless Chromium and checks it drew: the page sets data-klgpu-drawn on <body>
# once every plot has drawn (data-klgpu-error on a script error), and its screenshot is not blank. Chromium runs with
# every host name unresolvable, so a page that needed the network would fail here. Installs Debian's chromium if absent.
# Needs a Release build (dotnet build KlGpu.sln -c Release). Usage: tests/report/render-check.sh [KEEP_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v chromium >/dev/null; then
    echo "render-check: installing chromium" >&2
    { apt-get install -y --no-install-recommends chromium || { apt-get update && apt-get install -y --no-install-recommends chromium; }; } >/dev/null
fi
out="${1:-$(mktemp -d)}"
[[ $# -ge 1 ]] || trap 'rm -rf "$out"' EXIT
mkdir -p "$out"
klgpu() { dotnet src/KlGpu.Cli/bin/Release/net10.0/klgpu.dll "$@" < /dev/null > /dev/null; }

klgpu landscape --target "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)" --mu -5:5:96 --sigma 0.05:5:96 --html --out "$out/landscape"
klgpu basins --target "0.5*N(-2.75,1) + 0.5*N(2.75,1)" --restarts 256 --mu -6:6 --sigma 0.2:6 --trajectories 6 --html --quiet --out "$out/basins"
klgpu basins --target "0.5*N(-2.75,1) + 0.5*N(2.75,1)" --family gaussian-fixed-sigma:1 --restarts 64 --mu -6:6 --html --quiet --out "$out/basins-fixed"
klgpu sweep --target-template "0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)" --param d=3:7:9 --restarts 64 --mu -6:6 --sigma 0.2:6 --html --quiet --out "$out/sweep"
klgpu sweep-alpha --target "0.5*N(-3,1) + 0.5*N(3,1)" --alpha 0:1:6 --restarts 64 --html --quiet --out "$out/sweep-alpha"
# A mixture q: its sweep (three values, no transition between them, to stay cheap) and its basins as a table.
klgpu sweep --family mixture:2 --target-template "0.3*N(-{d},1) + 0.4*N(0,1) + 0.3*N({d},1)" --param d=2:2.4:3 --restarts 8 --steps 600 --html --quiet --out "$out/sweep-mixture"
klgpu basins --family mixture:2 --target "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)" --restarts 16 --steps 600 --html --out "$out/basins-mixture"

failed=0
for run in landscape basins basins-fixed sweep sweep-alpha sweep-mixture basins-mixture; do
    page="$out/$run/report.html"
    flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --host-resolver-rules="MAP * ~NOTFOUND" --virtual-time-budget=20000)
    timeout 180 chromium "${flags[@]}" --dump-dom "file://$(realpath "$page")" > "$out/$run.dom" 2> "$out/$run.chromium.log" || true
    timeout 180 chromium "${flags[@]}" --window-size=1600,1000 --screenshot="$out/$run.png" "file://$(realpath "$page")" >> "$out/$run.chromium.log" 2>&1 || true
    body="$(grep -o -m1 '<body[^>]*>' "$out/$run.dom" || true)"
    if [[ "$body" != *'data-klgpu-drawn="1"'* || "$body" == *data-klgpu-error* ]]; then
        echo "render-check: $run: the page did not draw: ${body:-no <body> in the DOM}" >&2
        failed=1
        continue
    fi
    if [[ ! -s "$out/$run.png" ]]; then
        echo "render-check: $run: no screenshot" >&2
        failed=1
        continue
    fi
    read -r width height colours drawn < <(python3 tests/report/png-stats.py "$out/$run.png")
    if (( colours < 50 )) || ! python3 -c "import sys; sys.exit(float(sys.argv[1]) < 0.01)" "$drawn"; then
        echo "render-check: $run: the screenshot looks blank ($colours colours, $drawn of it not white)" >&2
        failed=1
        continue
    fi
    echo "render-check: $run drew ($width×$height screenshot, $colours colours, $drawn of it not white)"
done
exit "$failed"
