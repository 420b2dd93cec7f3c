#!/usr/bin/env bash
# Packs the CLI as a .NET tool, installs it from a local folder source into a temporary tool path (no feed but that
# folder: the package must carry ILGPU, ScottPlot and the native libraries itself), then runs `klgpu eval` and a small
# landscape through the installed command on the CPU accelerator and checks what they print and write.
# Works from a fresh clone; needs only the .NET 10 SDK (and the NuGet packages a restore fetches).
# KLGPU_TOOL_TMP=DIR keeps the package, tool path and outputs in DIR (made if absent) instead of a removed temp folder.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [[ -n "${KLGPU_TOOL_TMP:-}" ]]; then
    tmp="$KLGPU_TOOL_TMP"
    mkdir -p "$tmp"
else
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
fi
fail() { echo "tool-install-check: $*" >&2; exit 1; }

version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)"
dotnet pack src/KlGpu.Cli -c Release -warnaserror -o "$tmp/packages" -p:Version="$version"
[[ -s "$tmp/packages/KlGpu.$version.nupkg" ]] || fail "dotnet pack wrote no KlGpu.$version.nupkg"

# A feed list holding only the local folder: the install cannot take anything from nuget.org.
cat > "$tmp/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$tmp/packages" />
  </packageSources>
</configuration>
EOF
dotnet tool install KlGpu --version "$version" --tool-path "$tmp/tools" --configfile "$tmp/nuget.config"
klgpu="$tmp/tools/klgpu"
[[ -x "$klgpu" ]] || fail "the install put no klgpu command in $tmp/tools"

cd "$tmp"   # away from the repository: the installed tool must need nothing from it
"$klgpu" --version
"$klgpu" eval --accelerator cpu --target "0.5*N(-2,1) + 0.5*N(2,1)" --q "N(0,2)" < /dev/null > eval.txt
cat eval.txt
# The README's example values: the installed tool computes what the built one does.
grep -q '^forward  KL(p || q) = 0\.1854269868' eval.txt || fail "eval printed no forward KL 0.1854269868…"
grep -q '^reverse  KL(q || p) = 0\.2278415081' eval.txt || fail "eval printed no reverse KL 0.2278415081…"
grep -q '^device: cpu ' eval.txt || fail "eval did not run on the CPU accelerator"

"$klgpu" landscape --accelerator cpu --mu -4:4:48 --sigma 0.1:4:48 --out landscape < /dev/null
for f in forward.npy reverse.npy mu.npy sigma.npy forward.png reverse.png landscape.png manifest.json; do
    [[ -s "landscape/$f" ]] || fail "the installed tool did not write landscape/$f"
done
[[ "$(head -c 6 landscape/forward.npy | tail -c 5)" == "NUMPY" ]] || fail "landscape/forward.npy is not a .npy file"
[[ "$(head -c 4 landscape/landscape.png | od -An -tx1 | tr -d ' \n')" == "89504e47" ]] || fail "landscape/landscape.png is not a PNG"
echo "tool-install-check: KlGpu $version packed, installed as $klgpu, eval and landscape ran on the CPU"
