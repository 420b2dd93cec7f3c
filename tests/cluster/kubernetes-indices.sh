#!/usr/bin/env bash
# The Kubernetes example of docs/cluster.md, without a cluster: lints its YAML with Debian's yamllint, checks the shards'
# Job is an Indexed Job with backoffLimitPerIndex on a ReadWriteMany volume, then runs that Job's klgpu command once per
# JOB_COMPLETION_INDEX (out of order, as pods finish), merges, and compares with the same study run whole.
# Exit 0: passed; 1: failed. Usage: tests/cluster/kubernetes-indices.sh (installs yamllint with apt-get if it is missing).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
say() { echo "kubernetes-indices: $*" >&2; }

if ! command -v yamllint > /dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -q yamllint || { apt-get update -q && apt-get install -y -q yamllint; }; } > /dev/null \
        || { say "yamllint is missing and could not be installed"; exit 1; }
fi
dll="$repo/src/KlGpu.Cli/bin/Release/net10.0/klgpu.dll"
[[ -f "$dll" ]] || dotnet build "$repo/src/KlGpu.Cli" -c Release -warnaserror > /dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The one yaml block of the page is what is checked, so the documentation cannot drift from the test.
awk '/^```yaml$/ { on = 1; next } /^```$/ { on = 0 } on' "$repo/docs/cluster.md" > "$work/job.yaml"
[[ -s "$work/job.yaml" ]] || { say "docs/cluster.md has no yaml block"; exit 1; }
yamllint -s -d '{extends: default, rules: {document-start: disable, line-length: {max: 120}}}' "$work/job.yaml"

# python3 and its yaml module come with yamllint. Prints completions, then the shards' args one per line.
python3 - "$work/job.yaml" > "$work/job.txt" << 'PY'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
claims = [d for d in docs if d["kind"] == "PersistentVolumeClaim"]
jobs = [d for d in docs if d["kind"] == "Job" and d["spec"].get("completionMode") == "Indexed"]
assert claims and "ReadWriteMany" in claims[0]["spec"]["accessModes"], "the output volume must be ReadWriteMany"
assert len(jobs) == 1, "one Indexed Job runs the shards"
spec = jobs[0]["spec"]
assert "backoffLimitPerIndex" in spec, "the shards' Job retries each index alone"
args = spec["template"]["spec"]["containers"][0]["args"]
n = spec["completions"]
assert args[args.index("--shards") + 1] == str(n), "--shards must equal completions"
print(n)
print("\n".join(args))
PY
n="$(head -n 1 "$work/job.txt")"
mapfile -t args < <(tail -n +2 "$work/job.txt" | sed "s|^/runs/|$work/runs/|")

whole=()
skip=0
for a in "${args[@]}"; do # the same study without --out and the shard: run whole
    if (( skip )); then skip=0; continue; fi
    case "$a" in --out|--shard|--shards) skip=1 ;; *) whole+=("$a") ;; esac
done
dotnet "$dll" "${whole[@]}" --out "$work/whole" > /dev/null

out=""
for ((k = 0; k < ${#args[@]}; k++)); do [[ "${args[k]}" == --out ]] && out="${args[k + 1]}"; done
for i in $(seq 0 $((n - 1)) | sort -r); do
    JOB_COMPLETION_INDEX="$i" dotnet "$dll" "${args[@]}" > /dev/null
done
JOB_COMPLETION_INDEX=0 dotnet "$dll" "${args[@]}" | grep -q "already complete" || { say "a finished index was not skipped"; exit 1; }
dotnet "$dll" merge "$out" > /dev/null
for f in "$work/whole"/*.npy "$work/whole/landscape.csv"; do
    cmp -s "$f" "$out/$(basename "$f")" || { say "$(basename "$f") of the merged indices differs from the whole run"; exit 1; }
done
say "passed: yamllint, and $n indices merged equal the whole run byte for byte"
