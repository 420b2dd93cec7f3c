#!/usr/bin/env python3
"""The hostile-input battery of issue 19: runs the built klgpu as a user might misuse it and counts what went wrong.

Families of cases: spec fuzzing, ranges, output folders, signals (SIGINT and SIGTERM mid-run), concurrent runs into one
folder, run files, extremes. After every case it checks:
  - sentinel files planted beside and inside the output folders are untouched (no deletion or change outside what
    klgpu wrote);
  - an output folder holds either nothing of klgpu's or one whole run: every file its manifest.json lists is there with
    the listed SHA-256, and no temp file is left once the process has ended;
  - a failing exit is 1 or 2 with one line on stderr and no stack trace; an exit of 0 prints no NaN and no negative
    divergence.
Prints the counts and exits 1 if any check failed. Usage (from the repository, after a Release build):
  /usr/bin/python3 tests/battery/hostile.py [path/to/klgpu.dll]
Standard library only.
"""
import hashlib
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DLL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "src/KlGpu.Cli/bin/Release/net10.0/klgpu.dll")
WORK = tempfile.mkdtemp(prefix="klgpu-battery-")
SENTINEL = b"a user's file: klgpu must never touch it\n"

counts = {"cases": 0, "exit 0": 0, "exit 2": 0, "exit other": 0, "deletions or changes outside klgpu's files": 0,
          "partial outputs": 0, "NaN or negative with exit 0": 0, "stack traces or multi-line errors": 0}
failures = []
sentinels = []
planted_manifests = {}


def plant(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(SENTINEL)
    sentinels.append(path)


def fail(kind, case, detail):
    counts[kind] += 1
    failures.append(f"{kind}: {case}: {detail}")


def check_sentinels(case):
    for s in sentinels:
        try:
            with open(s, "rb") as f:
                ok = f.read() == SENTINEL
        except OSError:
            ok = False
        if not ok:
            fail("deletions or changes outside klgpu's files", case, s)
            plant(s)  # restore, so one loss is counted once


def check_folder(case, folder):
    """Nothing of klgpu's, or one whole run whose manifest's files all match; no temp files."""
    if not os.path.isdir(folder):
        return
    names = os.listdir(folder)
    temps = [n for n in names if ".tmp" in n]
    if temps:
        fail("partial outputs", case, f"{folder}: temp files left: {temps[:3]}")
    manifest = os.path.join(folder, "manifest.json")
    if manifest in planted_manifests and open(manifest).read() == planted_manifests[manifest]:
        return  # still the planted manifest, which klgpu did not write: nothing of klgpu's to check
    if not os.path.exists(manifest):
        ours = [n for n in names if n.endswith((".npy", ".png", ".csv", ".json", ".svg", ".gif", ".html"))
                and os.path.join(folder, n) not in sentinels]
        if ours:
            fail("partial outputs", case, f"{folder}: {ours[:3]} without a manifest")
        return
    try:
        with open(manifest) as f:
            files = json.load(f)["files"]
    except (OSError, ValueError, KeyError) as e:
        fail("partial outputs", case, f"{manifest}: unreadable ({e})")
        return
    for entry in files:
        if entry["path"] == "manifest.json":
            continue  # the manifest cannot hold its own hash
        if "sha256" not in entry:
            fail("partial outputs", case, f"{entry['path']}: listed without a hash")
            continue
        path = os.path.join(folder, entry["path"])
        try:
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
        except OSError:
            fail("partial outputs", case, f"{entry['path']} listed but missing")
            continue
        if digest != entry["sha256"]:
            fail("partial outputs", case, f"{entry['path']} is not the file its manifest lists (mixed runs)")


NUMBER = re.compile(r"=\s*(-?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|NaN|∞|-∞|Infinity|-Infinity))")


def check_output(case, rc, out, err, values=False):
    counts["cases"] += 1
    counts["exit 0" if rc == 0 else "exit 2" if rc == 2 else "exit other"] += 1
    if rc != 0:
        lines = [l for l in err.strip().splitlines() if l.strip()]
        if re.search(r"^\s+at \S+\(", err, re.M) or "Unhandled exception" in err or len(lines) != 1:
            fail("stack traces or multi-line errors", case, err.strip()[:200])
    elif values:
        if "NaN" in out:
            fail("NaN or negative with exit 0", case, "NaN in the output")
        for m in NUMBER.finditer(out):
            t = m.group(1)
            if t in ("NaN",):
                fail("NaN or negative with exit 0", case, "NaN")
            elif t not in ("∞", "Infinity", "-∞", "-Infinity") and float(t) < 0:
                fail("NaN or negative with exit 0", case, f"value {t}")


def klgpu(*args, timeout=120):
    p = subprocess.run(["dotnet", DLL, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def case(name, args, folder=None, values=False, timeout=120):
    rc, out, err = klgpu(*args, timeout=timeout)
    check_output(name, rc, out, err, values)
    if folder:
        check_folder(name, folder)  # before check_sentinels restores a lost sentinel, which would look like a mixed run
    check_sentinels(name)
    return rc


# ---- spec fuzzing and extremes: eval, whose values are parsed ----
SPECS = [
    "N(0,1)", "0.5*N(-2,1) + 0.5*N(2,1)", "N(0,-1)", "N(0,0)", "N(0,1", "N(0,1))", "0.5*N(0,1)", "2*N(0,1) + -1*N(1,1)",
    "N(nan,1)", "N(0,inf)", "N(1e308,1)", "N(0,1e-308)", "N(0,1e200)", "N(0,1e-320)", "", " ", "N()", "N(0,1,2)",
    "T(1e308,0,1)", "T(0,0,1)", "T(-1,0,1)", "L(0,1e-308)", "L(0,0)", "0.5*N(-1e300,1)+0.5*N(1e300,1)",
    "0.5*N(0,1e-6)+0.5*N(1,1e6)", "two-modes(d=2, sep=1e308)", "two-modes(d=0, sep=1)", "two-modes(d=3, sep=-1)",
    "two-modes(d=1e9, sep=1)", "@/nonexistent.json", "@/etc/hostname", "N(0,1) + N(1,1)", "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)",
    "N(0x10,1)", "N(1,2)*0.5", "ÑN(0,1)", "N(0,1)" * 50, "N(0," + "9" * 400 + ")",
]
QS = ["N(0,1)", "N(-1,0.8571428571428572)", "N(0,1e-200)", "N(-5,1e6)", "N(0,1e-8)", "N(0,-2)", "T(3,0,1)"]
for i, spec in enumerate(SPECS):
    case(f"eval target #{i} {spec[:40]!r}", ["eval", "--target", spec, "--q", QS[i % len(QS)]], values=True, timeout=60)
for q in QS:
    for d in ["forward", "reverse", "js", "hellinger", "tv", "pearson", "renyi:2", "alpha:3", "ksd", "bogus", "renyi:nan"]:
        case(f"eval -d {d} --q {q}", ["eval", "--target", "0.5*N(-1e6,1) + 0.5*N(1e6,1)" if d == "ksd" else "0.5*N(-2,1) + 0.5*N(2,1)",
                                       "--q", q, "-d", d], values=True, timeout=60)

# ---- ranges, into a folder holding a user's file ----
ranges = os.path.join(WORK, "ranges")
plant(os.path.join(ranges, "notes.txt"))
for mu, sigma in [("-1:1:0", "0.1:1:8"), ("1:-1:8", "0.1:1:8"), ("-1:1:8", "0:1:8"), ("-1:1:8", "-1:1:8"),
                  ("-1e308:1e308:8", "0.1:1:8"), ("-1:1:8", "1e-320:1:8"), ("nan:1:8", "0.1:1:8"), ("-1:1:1e9", "0.1:1:8"),
                  ("-1:1:100000", "0.1:1:100000"), ("a:b:c", "0.1:1:8"), ("0.3:0.3", "0.1:1:8"), ("-1:1:1", "0.1:1:1")]:
    case(f"landscape --mu {mu} --sigma {sigma}", ["landscape", "--mu", mu, "--sigma", sigma, "--out", ranges], folder=ranges)
case("basins --starts grid:1x1", ["basins", "--starts", "grid:1x1", "--out", ranges], folder=ranges)
case("sweep --param d=1:1:0", ["sweep", "--param", "d=1:1:0", "--out", ranges], folder=ranges)
case("bench --grid 1e9", ["bench", "--grid", "1000000000"], timeout=60)

# ---- folders ----
home = os.path.join(WORK, "home")
plant(os.path.join(home, "thesis.tex"))
os.environ["HOME"] = home
foreign = os.path.join(WORK, "foreign")
plant(os.path.join(foreign, "data.csv"))
planted = os.path.join(WORK, "planted")
plant(os.path.join(planted, "notes.txt"))
plant(os.path.join(planted, "forward.npy"))  # a user's own array under a name klgpu writes
with open(os.path.join(planted, "manifest.json"), "w") as f:
    json.dump({"tool": "klgpu", "command": "landscape", "files": [{"path": "notes.txt", "role": "grid", "sha256": "0" * 64}]}, f)
with open(os.path.join(planted, "manifest.json")) as f:
    planted_manifests[os.path.join(planted, "manifest.json")] = f.read()
plant(os.path.join(WORK, "outside.txt"))
small = ["landscape", "--mu", "-2:2:16", "--sigma", "0.2:2:16"]
for name, out in [("--out /", "/"), ("--out home", home), ("--out a folder of other files", foreign),
                  ("--out a planted manifest", planted), ("--out ../ escape", os.path.join(planted, "..")),
                  ("--out a file", os.path.join(WORK, "outside.txt")), ("--out /proc/x", "/proc/klgpu-battery")]:
    case(name, [*small, "--out", out], folder=out if os.path.isdir(out) and out not in ("/", home) else None)
good = os.path.join(WORK, "good")
plant(os.path.join(WORK, "beside-good.txt"))
case("a clean run", [*small, "--out", good], folder=good)
case("a second run into its own folder", [*small, "--mu", "-3:3:12", "--out", good], folder=good)


def signalled(name, sig, delay):
    """Start a 512² landscape over a complete earlier run and stop it after delay seconds."""
    out = os.path.join(WORK, f"signal-{name}")
    klgpu(*small, "--out", out)
    p = subprocess.Popen(["dotnet", DLL, "landscape", "--mu", "-5:5:512", "--sigma", "0.05:5:512", "--out", out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    time.sleep(delay)
    p.send_signal(sig)
    try:
        out_text, err = p.communicate(timeout=60)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out_text, err = p.communicate()
        rc = -9
        fail("partial outputs", name, "did not stop within 60 s of the signal")
    counts["cases"] += 1
    counts["exit 0" if rc == 0 else "exit 2" if rc == 2 else "exit other"] += 1
    if re.search(r"^\s+at \S+\(", err, re.M):
        fail("stack traces or multi-line errors", name, err[:200])
    check_sentinels(name)
    check_folder(name, out)
    # The next run clears what a killed run left.
    case(f"{name}, then a run into the same folder", [*small, "--out", out], folder=out)


for delay in (0.5, 1.5, 3.0):
    signalled(f"SIGINT after {delay} s", signal.SIGINT, delay)
    signalled(f"SIGTERM after {delay} s", signal.SIGTERM, delay)

# SIGKILL leaves temp files behind; the next run must clear them and leave one whole run.
killed = os.path.join(WORK, "killed")
klgpu(*small, "--out", killed)
p = subprocess.Popen(["dotnet", DLL, "landscape", "--mu", "-5:5:512", "--sigma", "0.05:5:512", "--out", killed],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
time.sleep(2.5)
p.kill()
p.wait()
check_sentinels("SIGKILL")
case("after SIGKILL, a run into the same folder", [*small, "--out", killed], folder=killed)

# ---- concurrent runs into one folder ----
shared = os.path.join(WORK, "concurrent")
procs = [subprocess.Popen(["dotnet", DLL, "landscape", "--mu", f"-{2 + k}:{2 + k}:96", "--sigma", "0.2:2:96", "--out", shared],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL) for k in range(3)]
for k, p in enumerate(procs):
    o, e = p.communicate(timeout=300)
    check_output(f"concurrent run {k}", p.returncode, o, e)
check_sentinels("concurrent")
check_folder("concurrent", shared)

# ---- run files ----
runs = os.path.join(WORK, "runs")
os.makedirs(runs, exist_ok=True)
RUNFILES = {
    "duplicate keys": '{"tool": "klgpu", "command": "landscape", "parameters": {"mu": "-1:1:8", "mu": "-2:2:8"}}',
    "another tool": '{"tool": "other", "command": "landscape", "parameters": {}}',
    "another version": '{"tool": "klgpu", "version": "99.0", "command": "landscape", "parameters": {}}',
    "unknown command": '{"tool": "klgpu", "command": "rm", "parameters": {}}',
    "unknown key": '{"tool": "klgpu", "command": "landscape", "parameters": {"frobnicate": 1}}',
    "not json": "{tool: klgpu",
    "empty": "",
    "an array": "[]",
    "out escaping": '{"tool": "klgpu", "command": "landscape", "out": "/", "parameters": {"mu": "-1:1:8", "sigma": "0.2:1:8"}}',
}
for name, text in RUNFILES.items():
    path = os.path.join(runs, name.replace(" ", "-") + ".json")
    with open(path, "w") as f:
        f.write(text)
    case(f"run file: {name}", ["run", path])
case("run of a real manifest", ["run", os.path.join(good, "manifest.json"), "--out", os.path.join(WORK, "rerun")],
     folder=os.path.join(WORK, "rerun"))

check_sentinels("end")
shutil.rmtree(WORK, ignore_errors=True)
width = max(len(k) for k in counts)
print("hostile battery:")
for k, v in counts.items():
    print(f"  {k:<{width}}  {v}")
for f in failures:
    print("  FAILED " + f)
bad = sum(counts[k] for k in ("deletions or changes outside klgpu's files", "partial outputs", "NaN or negative with exit 0",
                              "stack traces or multi-line errors"))
sys.exit(1 if bad else 0)
