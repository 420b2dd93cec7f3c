#!/usr/bin/env bash
# A real Slurm on this one machine: installs Debian's slurm-wlm and munge, starts munged, slurmctld and slurmd on localhost
# (no systemd, so proctrack/linuxproc, task/none and no cgroups), submits a 3-task job array running the built klgpu with
# --shard auto --shards 3, merges the shards and checks the merge equals the unsharded run byte for byte.
# Needs root (apt-get, daemons). Exit 0: passed; 1: the comparison failed; 2: Slurm could not be set up here (says why).
# Usage: tests/cluster/slurm-single-node.sh   (from anywhere; builds klgpu in Release if it is not built)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
say() { echo "slurm-single-node: $*" >&2; }
cannot() { say "cannot run Slurm here: $*"; exit 2; }

[[ $(id -u) -eq 0 ]] || cannot "needs root to install packages and start munged, slurmctld and slurmd"
if ! command -v slurmctld > /dev/null || ! command -v munged > /dev/null || ! command -v sbatch > /dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q > /dev/null || cannot "apt-get update failed"
    apt-get install -y -q slurm-wlm munge > /dev/null || cannot "apt-get install slurm-wlm munge failed"
fi

dll="$repo/src/KlGpu.Cli/bin/Release/net10.0/klgpu.dll"
[[ -f "$dll" ]] || dotnet build "$repo/src/KlGpu.Cli" -c Release -warnaserror > /dev/null
klgpu() { dotnet "$dll" "$@"; }

work="$(mktemp -d /tmp/klgpu-slurm.XXXXXX)"
chmod 0755 "$work" # munged runs as munge and must reach its folder
pids=()
cleanup() {
    # Only the daemons this script started, by their ids.
    local rc=$?
    for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
    # slurmctld writes its state as it stops: wait for each daemon to go before removing the folder.
    for _ in $(seq 50); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2> /dev/null && alive=1; done
        [[ $alive -eq 0 ]] && break
        sleep 0.2
    done
    rm -rf "$work" || true
    exit $rc
}
trap cleanup EXIT

# ---- munge: the key the package made, a socket in our own folder ----
[[ -s /etc/munge/munge.key ]] || { mungekey --create 2> /dev/null || /usr/sbin/create-munge-key -f > /dev/null; } || cannot "no munge key and none could be made"
mkdir -p "$work/munge"
chown munge:munge "$work/munge" /etc/munge/munge.key 2> /dev/null || true
chmod 0755 "$work/munge" # munged wants its socket folder searchable by all, writable by it alone
socket="$work/munge/munge.socket"
runuser -u munge -- /usr/sbin/munged --socket="$socket" --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
    --seed-file="$work/munge/munged.seed" || cannot "munged did not start: $(tail -n 3 "$work/munge/munged.log" 2> /dev/null | tr '\n' ' ')"
pids+=("$(cat "$work/munge/munged.pid")")
munge -n --socket="$socket" | unmunge --socket="$socket" > /dev/null || cannot "munge cannot encode and decode a credential"

# ---- Slurm: one node, this host, everything in $work ----
node="$(hostname -s)"
cpus="$(nproc)"
mkdir -p "$work/state" "$work/spool" "$work/log"
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" << CONF
ClusterName=klgpu-ci
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
NodeName=$node NodeHostname=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=ci Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -i || cannot "slurmctld did not start: $(tail -n 3 "$work/log/slurmctld.log" 2> /dev/null | tr '\n' ' ')"
for _ in $(seq 50); do [[ -s "$work/slurmctld.pid" ]] && break; sleep 0.2; done
pids+=("$(cat "$work/slurmctld.pid" 2> /dev/null)")
slurmd || cannot "slurmd did not start: $(tail -n 3 "$work/log/slurmd.log" 2> /dev/null | tr '\n' ' ')"
for _ in $(seq 50); do [[ -s "$work/slurmd.pid" ]] && break; sleep 0.2; done
pids+=("$(cat "$work/slurmd.pid" 2> /dev/null)")
for _ in $(seq 60); do
    state="$(sinfo -h -N -o '%T' 2> /dev/null | head -n 1 || true)"
    [[ "$state" == idle* || "$state" == mixed* ]] && break
    sleep 0.5
done
[[ "$state" == idle* || "$state" == mixed* ]] || cannot "the node did not come up (state \"$state\"): $(tail -n 3 "$work/log/slurmctld.log" | tr '\n' ' ')"
say "slurmctld and slurmd are up on $node ($cpus CPUs)"

# ---- the study: unsharded, then as a job array of 3 shards, merged ----
study=(landscape --target "0.5*N(-2,0.6) + 0.5*N(1.5,1)" --mu -5:5:48 --sigma 0.1:4:30 --divergence forward,reverse,js)
klgpu "${study[@]}" --out "$work/whole" > /dev/null
printf -v args '%q ' "${study[@]}"
cat > "$work/shard.sbatch" << JOB
#!/usr/bin/env bash
#SBATCH --job-name=klgpu-shard
#SBATCH --output=$work/log/shard-%a.out
#SBATCH --cpus-per-task=1
exec dotnet "$dll" $args --out "$work/sharded" --shard auto --shards 3
JOB
sbatch --array=0-2 --wait --quiet "$work/shard.sbatch" || { cat "$work"/log/shard-*.out >&2 || true; say "the job array failed"; exit 1; }
klgpu merge "$work/sharded" > /dev/null || { say "klgpu merge failed"; exit 1; }
for f in forward.npy reverse.npy js.npy mu.npy sigma.npy landscape.csv; do
    cmp -s "$work/whole/$f" "$work/sharded/$f" || { say "$f of the merged shards differs from the unsharded run"; exit 1; }
done
say "passed: sbatch --array=0-2 with --shard auto --shards 3, merged, equals the unsharded run byte for byte"
