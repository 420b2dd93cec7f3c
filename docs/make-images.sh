#!/usr/bin/env bash
# Regenerates the README's pictures by running the real CLI, so they cannot drift from the code.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dotnet run --project src/KlGpu.Cli -c Release -- landscape --mu -5:5:400 --sigma 0.05:5:400 --out "$tmp"
cp "$tmp/landscape.png" docs/images/landscape.png
dotnet run --project src/KlGpu.Cli -c Release -- basins --target "0.5*N(-2.75,1) + 0.5*N(2.75,1)" \
    --starts grid:64x48 --mu -6:6 --sigma 0.2:6 --trajectories 12 --quiet --out "$tmp/basins"
cp "$tmp/basins/basins.png" docs/images/basins.png
cp "$tmp/basins/basin-map.png" docs/images/basin-map.png
cp "$tmp/basins/densities.png" docs/images/densities.png
dotnet run --project src/KlGpu.Cli -c Release -- basins --target "0.5*N(-2.75,1) + 0.5*N(2.75,1)" \
    --restarts 2000 --mu -6:6 --sigma 0.2:6 --trajectories 12 --animate --quiet --out "$tmp/animated"
cp "$tmp/animated/basins.gif" docs/images/basins.gif
dotnet run --project src/KlGpu.Cli -c Release -- sweep --target-template "0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)" \
    --param d=0:8:33 --mu -6:6 --sigma 0.2:6 --quiet --out "$tmp/sweep"
cp "$tmp/sweep/bifurcation.png" docs/images/bifurcation.png
dotnet run --project src/KlGpu.Cli -c Release -- sweep --family mixture:2 --target-template "0.3*N(-{d},1) + 0.4*N(0,1) + 0.3*N({d},1)" \
    --param d=2:3.2:7 --quiet --out "$tmp/sweep-mixture"
cp "$tmp/sweep-mixture/bifurcation.png" docs/images/mixture-sweep.png
dotnet run --project src/KlGpu.Cli -c Release -- pressure --target "0.5*N(-2,0.5) + 0.5*N(2,0.5)" --q "N(2,0.6)" --out "$tmp/pressure"
cp "$tmp/pressure/pressure.png" docs/images/pressure.png
dotnet run --project src/KlGpu.Cli -c Release -- landscape --family mixture:2 --q "0.5*N(-1,0.5) + 0.5*N(1,0.5)" \
    --vary mean1,mean2 --x -3:3:96 --y -3:3:96 --divergence reverse --out "$tmp/slice"
cp "$tmp/slice/reverse.png" docs/images/mixture-slice.png
dotnet run --project src/KlGpu.Cli -c Release -- landscape --mu -5:5:200 --sigma 0.05:5:200 \
    --divergence forward,reverse,js,hellinger,alpha:0.5,renyi:2 --out "$tmp/family"
cp "$tmp/family/landscape.png" docs/images/divergence-family.png
for d in reverse forward; do
    dotnet run --project src/KlGpu.Cli -c Release -- basins --family mixture:2 --target "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)" \
        --divergence "$d" --restarts 64 --out "$tmp/mixture-$d"
    cp "$tmp/mixture-$d/densities.png" "docs/images/mixture-basins-$d.png"
done
dotnet run --project src/KlGpu.Cli -c Release -- landscape --target "0.5*N(-2,0.5) + 0.5*N(2,0.5)" \
    --divergence reverse,forward,ksd --mu -5:5:128 --sigma 0.05:5:128 --out "$tmp/ksd"
cp "$tmp/ksd/landscape.png" docs/images/ksd-landscape.png
dotnet run --project src/KlGpu.Cli -c Release -- sweep-alpha --target "0.5*N(-3,1) + 0.5*N(3,1)" --alpha 0:1:21 --restarts 256 \
    --quiet --out "$tmp/alpha"
cp "$tmp/alpha/bifurcation.png" docs/images/alpha-sweep.png
dotnet run --project src/KlGpu.Cli -c Release -- basins --target "0.5*N(-2.75,1) + 0.5*N(2.75,1)" --family flow:2 --divergence reverse \
    --restarts 12 --out "$tmp/flow"
cp "$tmp/flow/densities.png" docs/images/flow-densities.png
dotnet run --project src/KlGpu.Cli -c Release -- landscape --family flow:1 --target "0.5*N(-2.75,1) + 0.5*N(2.75,1)" \
    --q "flow(0, 2; S(0, 2, 0, 0.5))" --vary alpha1,gamma1 --x -2:2:48 --y -1.5:1:40 --out "$tmp/flow-slice"
cp "$tmp/flow-slice/reverse.png" docs/images/flow-slice.png
# The GUIDE's family comparison (section 8): the flows' optima under reverse KL on the three and the two modes.
dotnet run --project src/KlGpu.Cli -c Release -- basins --family flow:1 --target "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)" \
    --divergence reverse --restarts 64 --quiet --out "$tmp/guide-flow1"
cp "$tmp/guide-flow1/densities.png" docs/images/guide-flow1-three-modes.png
dotnet run --project src/KlGpu.Cli -c Release -- basins --family flow:2 --target "0.5*N(-2.75,1) + 0.5*N(2.75,1)" \
    --divergence reverse --restarts 16 --quiet --out "$tmp/guide-flow2"
cp "$tmp/guide-flow2/densities.png" docs/images/guide-flow2-two-modes.png
# report.html (--html), as headless Chromium draws it: the README's screenshot of a basins report.
command -v chromium >/dev/null || apt-get install -y --no-install-recommends chromium >/dev/null
dotnet run --project src/KlGpu.Cli -c Release -- basins --target "0.5*N(-2.75,1) + 0.5*N(2.75,1)" \
    --restarts 2000 --mu -6:6 --sigma 0.2:6 --trajectories 12 --html --quiet --out "$tmp/report"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --host-resolver-rules="MAP * ~NOTFOUND" --virtual-time-budget=20000 \
    --window-size=1400,620 --screenshot="$tmp/report.png" "file://$tmp/report/report.html" 2>/dev/null
cp "$tmp/report.png" docs/images/report-basins.png
