#!/usr/bin/env bash
# Whole-process times of published klgpu builds under start-up settings, interleaved: every round runs each variant
# once, in a rotated order, so a busy machine's drift falls on all of them alike. Prints each run, then the median,
# min and max per workload and variant.
#   tools/startup-variants.sh ROUNDS WORKLOAD PLAIN_DIR R2R_DIR
# WORKLOAD: eval | landscape512 | basins4096. PLAIN_DIR and R2R_DIR: `dotnet publish src/KlGpu.Cli -c Release
# -r linux-x64 --self-contained false [-p:PublishReadyToRun=true] -o DIR` folders.
set -euo pipefail
rounds="$1" workload="$2" plain="$3" r2r="$4"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
variants=("plain" "plain-TC0" "plain-PGO0" "r2r" "r2r-TC0")
run() {   # variant → prints wall seconds
    local v="$1" exe env=()
    case "$v" in
        plain*) exe="$plain/klgpu" ;;
        r2r*) exe="$r2r/klgpu" ;;
    esac
    case "$v" in
        *-TC0) env=(DOTNET_TieredCompilation=0) ;;
        *-PGO0) env=(DOTNET_TieredPGO=0) ;;
    esac
    local args
    case "$workload" in
        eval) args=(eval --target "0.5*N(-2,1) + 0.5*N(2,1)" --q "N(0,2)") ;;
        landscape512) args=(landscape --mu -5:5:512 --sigma 0.05:5:512 --out "$out/$v") ;;
        basins4096) args=(basins --target "0.5*N(-2.75,1) + 0.5*N(2.75,1)" --restarts 4096 --out "$out/$v") ;;
        *) echo "unknown workload $workload" >&2; exit 2 ;;
    esac
    local t0 t1
    t0=$(date +%s%N)
    env "${env[@]}" "$exe" "${args[@]}" < /dev/null > "$out/last.txt" 2>&1 || { cat "$out/last.txt" >&2; exit 1; }
    t1=$(date +%s%N)
    echo "scale=3; ($t1 - $t0) / 1000000000" | bc
}
declare -A times
n=${#variants[@]}
for ((r = 0; r < rounds; r++)); do
    for ((k = 0; k < n; k++)); do
        v="${variants[$(((k + r) % n))]}"
        t="$(run "$v")"
        times[$v]+="$t "
        echo "round $r $v $t"
    done
done
for v in "${variants[@]}"; do
    echo "${times[$v]}" | tr ' ' '\n' | grep . | sort -n | awk -v v="$v" -v w="$workload" \
        '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%-13s %-11s median %.3f s  min %.3f  max %.3f  (%d runs)\n", w, v, m, a[1], a[NR], NR}'
done
