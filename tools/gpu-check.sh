#!/usr/bin/env bash
# The GPU check, in two parts.
#
#   tools/gpu-check.sh publish [DIR]   here (the .NET SDK): publishes klgpu self-contained for linux-x64 and packs it as
#                                      DIR/klgpu-linux-x64.tar.xz (DIR defaults to publish/gpu-check), small enough
#                                      to carry to the GPU machine, which needs no .NET.
#   tools/gpu-check.sh run [DIR]       on the GPU machine, from the repository root: unpacks DIR's archive and runs
#                                      1. klgpu devices;
#                                      2. klgpu devices --check (the GPU tests: the device against the CPU from the same
#                                         inputs, values to 1e-12: the 4096² landscape, whose CPU side is a 118² sub-grid,
#                                         4,096 Gaussian restarts × ≤ 2,000 steps, 16 mixture:2 restarts);
#                                      3. klgpu bench --suite all: the 4096² landscape and 1,000,000 restarts × ≤ 2,000
#                                         steps on CUDA;
#                                      4. klgpu basins --family mixture:2 --restarts 4096 on CUDA, timed as a whole process.
#                                      Each step has its own time limit (290 s in all). Logs go to $OUT if set (the
#                                      lent machine's return folder), else DIR/results; a summary line per step is printed.
#
# The project's tests never need a GPU; this script is how a GPU gets checked. To try the run part without one:
#   KLGPU_GPU_CHECK_ACCELERATOR=cpu KLGPU_GPU_CHECK_SMALL=1 tools/gpu-check.sh run DIR
# (the CPU accelerator and small sizes; on the CPU the check's device side is ILGPU's CPU accelerator).
set -uo pipefail
cd "$(dirname "$0")/.."
part="${1:-}"
dir="${2:-publish/gpu-check}"
archive="$dir/klgpu-linux-x64.tar.xz"

case "$part" in
publish)
    set -e
    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
    rm -rf "$dir/klgpu"
    mkdir -p "$dir"
    dotnet publish src/KlGpu.Cli -c Release -r linux-x64 --self-contained true -warnaserror -o "$dir/klgpu"
    tar -C "$dir" -cJf "$archive.tmp" klgpu
    mv "$archive.tmp" "$archive"
    rm -rf "$dir/klgpu"
    echo "gpu-check: wrote $archive ($(du -h "$archive" | cut -f1)); on the GPU machine: tools/gpu-check.sh run $dir"
    ;;
run)
    [[ -s "$archive" ]] || { echo "gpu-check: no $archive; run tools/gpu-check.sh publish $dir first" >&2; exit 2; }
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    tar -C "$work" -xJf "$archive"
    klgpu="$work/klgpu/klgpu"
    results="${OUT:-$dir/results}"
    mkdir -p "$results"
    accelerator="${KLGPU_GPU_CHECK_ACCELERATOR:-cuda:0}"
    if [[ -n "${KLGPU_GPU_CHECK_SMALL:-}" ]]; then
        check=(--grid 64 --restarts 64 --steps 300 --mixture-restarts 2 --mixture-steps 100)
        bench=(--grid 128 --restarts 2000 --repeats 1)
        mixture=(--restarts 8 --steps 100)
    else
        check=(--grid 4096 --restarts 4096 --steps 2000 --mixture-restarts 16 --mixture-steps 1500)
        bench=(--grid 4096 --restarts 1000000 --repeats 3)
        mixture=(--restarts 4096)
    fi
    mkdir -p "$work/no-peers"   # the numpy peers are timed on the 2-core machine, not here
    failed=0
    summary=()
    step() {   # name, limit in seconds, command...
        local name="$1" limit="$2"
        shift 2
        local t0 t1 rc
        t0=$(date +%s.%N)
        timeout "$limit" "$@" < /dev/null > "$results/$name.txt" 2>&1
        rc=$?
        t1=$(date +%s.%N)
        cat "$results/$name.txt"
        local line
        line="$(printf '%-9s exit %3d  %7.1f s (limit %d s): %s' "$name" "$rc" "$(echo "$t1 - $t0" | bc)" "$limit" "$*")"
        summary+=("$line")
        echo "gpu-check: $line"
        [[ $rc -eq 0 ]] || failed=1
    }
    echo "gpu-check: $(uname -n), $(nproc) cores, accelerator $accelerator, $(date -u +%FT%TZ)"
    command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader
    step devices 20 "$klgpu" devices
    step check 90 "$klgpu" devices --check --accelerator "$accelerator" "${check[@]}"
    step bench 120 "$klgpu" bench --suite all --accelerator "$accelerator" --no-peer --peers "$work/no-peers" "${bench[@]}"
    step mixture 60 "$klgpu" basins --family mixture:2 --divergence reverse --accelerator "$accelerator" --out "$work/mixture" "${mixture[@]}"
    printf '%s\n' "${summary[@]}" > "$results/summary.txt"
    echo "gpu-check: summary in $results/summary.txt"
    printf '  %s\n' "${summary[@]}"
    exit $failed
    ;;
*)
    echo "usage: tools/gpu-check.sh publish|run [DIR]" >&2
    exit 2
    ;;
esac
