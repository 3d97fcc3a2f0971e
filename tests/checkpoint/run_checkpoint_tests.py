#!/usr/bin/python3
"""Checkpoint and resume of the experiments (issue 18; docs/reliability.md, "Checkpoint and resume").

  run_checkpoint_tests.py --bin BUILD/bin [--only kill,refuse,mpi] [--keep]

1. kill: for an SGD, an SDE and a first-passage experiment, a run with --checkpoint-every 0.2 --resume is
   killed (SIGKILL to the process and every descendant: mpirun and its ranks) at random times (fixed seed), resumed until it finishes, and
   its results file compared with an uninterrupted run's, dataset by dataset and attribute by attribute,
   bit for bit, except the root attributes that describe the run (started_at, wall_seconds, threads,
   mpi_ranks, mpi_library). Resumes alternate between 2 threads and 1. Afterwards the folder holds the
   results file only (no checkpoint, no temporary), and at least one resume restored finished blocks.
2. refuse: a checkpoint resumed with another seed, another configuration, another code version (the
   version string rewritten and the checksum recomputed here), truncated, with a flipped byte in its
   payload or its header, or not a checkpoint at all: one line on stderr, exit code 2, no results file,
   the checkpoint untouched; --checkpoint-every without --resume beside an existing checkpoint likewise;
   bad --checkpoint-every values. (--resume without a checkpoint starts from the beginning with one
   notice: the first run of each case in 1.)
3. mpi (when mpirun is installed): the first-passage experiment under mpirun -np 2, killed and resumed,
   equals the single-process run bit for bit; a single process's checkpoint resumed on 2 ranks is
   refused with one line.
CPU time in all: about 35 s (114 s of wall time on a 2-core machine under a load average of 12).
"""
import argparse
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

RUN_ATTRS = {"started_at", "wall_seconds", "threads", "mpi_ranks", "mpi_library"}
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
EVERY = "0.2"
# (experiment, --set overrides that keep it short, what it covers)
CASES = [
    ("eta_over_b", ["particles=10000"], "SGD, 20 blocks per call"),
    ("stationary_distribution", ["particles=10000", "compare.replicates=10", "skewed.particles=20000",
                                 "double_well.time=20.0", "label_noise.time=10.0", "double_well.small_dt_factor=2",
                                 "label_noise.small_dt_factor=2", "double_well.lm_time=2.0"], "SGD and SDE (Euler-Maruyama, Leimkuhler-Matthews), 20 blocks per call"),
    ("kramers_rate", ["particles=200"], "first passages of SGD, SDE, label noise; 13 blocks per call, stopped when all passed"),
]
failures = []


def report(ok, what, detail=""):
    print(("PASS " if ok else "FAIL ") + what + (f": {detail}" if detail and not ok else ""), flush=True)
    if not ok:
        failures.append(what)


def same(va, vb):
    """Bitwise equality of two values read by h5py (strings by value: object arrays hold pointers)."""
    va, vb = np.asarray(va), np.asarray(vb)
    if va.dtype != vb.dtype or va.shape != vb.shape:
        return False
    if va.dtype.kind == "O":
        return va.tolist() == vb.tolist()
    return va.tobytes() == vb.tobytes()


def differences(a, b):
    """Datasets and attributes of two HDF5 files that differ (bitwise), as a list of strings."""
    out = []
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        def items(f):
            d = {}
            f.visititems(lambda name, obj: d.__setitem__(name, obj))
            return d
        ia, ib = items(fa), items(fb)
        if set(ia) != set(ib):
            out.append(f"objects differ: {sorted(set(ia) ^ set(ib))[:5]}")
        for name in sorted(set(ia) & set(ib)):
            oa, ob = ia[name], ib[name]
            if isinstance(oa, h5py.Dataset) and not same(oa[()], ob[()]):
                out.append(f"dataset {name}")
            for key in set(oa.attrs) | set(ob.attrs):
                if key not in oa.attrs or key not in ob.attrs or not same(oa.attrs[key], ob.attrs[key]):
                    out.append(f"attribute {name}@{key}")
        for key in (set(fa.attrs) | set(fb.attrs)) - RUN_ATTRS:
            if key not in fa.attrs or key not in fb.attrs or not same(fa.attrs[key], fb.attrs[key]):
                out.append(f"root attribute {key}")
    return out


def mpirun(k):
    return ["mpirun", "-q", "--oversubscribe", "-np", str(k)]


def command(binary, name, sets, out, threads, extra=(), ranks=1):
    cmd = [str(binary / name), "--profile", "quick", "--quiet", "--threads", str(threads), "--out", str(out)]
    for s in sets:
        cmd += ["--set", s]
    return (mpirun(ranks) if ranks > 1 else []) + cmd + list(extra)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=600)


def lines(text):
    return [l for l in text.splitlines() if l.strip()]


def descendants(pid):
    """The ids of every process below pid (from /proc)."""
    children = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def alive(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def kill_tree(p):
    """SIGKILL to p and every descendant, by id (mpirun puts each rank in a process group of its own);
    returns when none is left (zombies of reparented ranks count as gone)."""
    victims = [p.pid] + descendants(p.pid)
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    p.wait()
    for _ in range(200):
        if not any(alive(pid) for pid in victims[1:]):
            break
        time.sleep(0.05)


def run_killed(cmd, after, checkpoint):
    """Starts cmd and SIGKILLs it and all its descendants (mpirun and its ranks alike) `after` seconds later, or as soon after that as `checkpoint` exists (so that every kill has progress
    to lose), unless it finished first. Returns (finished, exit code, stderr)."""
    with tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=ENV)
        try:
            p.wait(timeout=after)
        except subprocess.TimeoutExpired:
            while not checkpoint.exists() and p.poll() is None:
                time.sleep(0.02)
        finished = p.poll() is not None
        if not finished:
            kill_tree(p)
        err.seek(0)
        return finished, p.returncode, err.read()


def kill_and_resume(binary, name, sets, folder, reference, ref_seconds, rng, ranks=1, label=None):
    label = label or name
    out = folder / f"{name}.h5"
    restored, kills, log = 0, 0, []
    for attempt in range(8):
        threads = (2 if attempt % 2 == 0 else 1) if ranks == 1 else 1
        cmd = command(binary, name, sets, out, threads, ["--checkpoint-every", EVERY, "--resume"], ranks)
        last = attempt >= 3  # three kills at most, then it may finish
        ck = folder / (f".{out.name}.checkpoint" + (".r0" if ranks > 1 else ""))
        # the first run is killed early (a run may be faster than the reference was, on a quieter machine)
        after = 600 if last else rng.uniform(0.1, 0.3 if attempt == 0 else 0.6) * ref_seconds
        finished, code, err = run_killed(cmd, after, ck)
        if attempt == 0:
            notice = lines(err)
            report(len(notice) == 1 and "no checkpoint" in notice[0] and "starting from the beginning" in notice[0],
                   f"{label}: --resume without a checkpoint: one notice, starts from the beginning", str(notice[:3]))
        m = re.search(r"resuming from .* \((\d+) finished blocks\)", err)
        restored += int(m.group(1)) > 0 if m else 0
        log.append(f"{'exit ' + str(code) if finished else 'killed'}"
                   f"{' (restored ' + m.group(1) + ' blocks)' if m else ''}")
        if not finished:
            kills += 1
            continue
        report(code == 0, f"{label}: the resumed run finishes", err.strip()[-300:])
        break
    print(f"     {label}: " + ", ".join(log))
    report(kills >= 1 and restored >= 1, f"{label}: killed at least once and resumed from finished blocks",
           f"{kills} kills, {restored} resumes restored blocks")
    if out.exists():
        d = differences(reference, out)
        report(not d, f"{label}: killed and resumed equals an uninterrupted run bit for bit", "; ".join(d[:5]))
    left = sorted(p.name for p in folder.iterdir() if p.name != out.name)
    report(out.exists() and not left, f"{label}: no checkpoint or temporary left", f"left {left}")


def checksum(payload):
    """src/checkpoint.cpp's checksum (64-bit words through h <- rotl(h ^ w, 29) * odd, then fmix64)."""
    mask = (1 << 64) - 1
    odd = 0x9E3779B97F4A7C15
    rotl = lambda x, r: ((x << r) | (x >> (64 - r))) & mask
    h = 0x243F6A8885A308D3 ^ len(payload)
    n = len(payload) // 8 * 8
    for (w,) in struct.iter_unpack("<Q", payload[:n]):
        h = (rotl(h ^ w, 29) * odd) & mask
    tail = int.from_bytes(payload[n:], "little")
    h = (rotl(h ^ tail, 29) * odd) & mask
    h ^= h >> 33
    h = (h * 0xff51afd7ed558ccd) & mask
    h ^= h >> 33
    h = (h * 0xc4ceb9fe1a85ec53) & mask
    h ^= h >> 33
    return h


def with_code_version(data, version):
    """The checkpoint with its code version string replaced and its checksum recomputed."""
    head, payload = data[:20], data[20:-8]
    pos = 0
    strings = []
    for _ in range(3):  # experiment, config, code version
        (n,) = struct.unpack_from("<Q", payload, pos)
        strings.append((pos, n))
        pos += 8 + n
    at, n = strings[2]
    v = version.encode()
    payload = payload[:at] + struct.pack("<Q", len(v)) + v + payload[at + 8 + n:]
    head = head[:12] + struct.pack("<Q", len(payload))
    return head + payload + struct.pack("<Q", checksum(payload))


def make_checkpoint(binary, name, sets, folder):
    """Runs until a checkpoint exists, then kills the run; returns the checkpoint's path."""
    out = folder / f"{name}.h5"
    ck = folder / f".{name}.h5.checkpoint"
    p = subprocess.Popen(command(binary, name, sets, out, 2, ["--checkpoint-every", "0.05"]),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    deadline = time.time() + 120
    while not ck.exists() and p.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # a few more blocks
    if p.poll() is None:
        kill_tree(p)
    p.wait()
    # Killed while writing a checkpoint, it leaves its temporary: the next run of that output removes
    # it (a dead process's); removed here so that the refusals below find the folder as they leave it.
    for t in folder.glob(f"..{name}.h5.checkpoint.tmp-*"):
        t.unlink()
    return ck if ck.exists() else None


def refusals(binary, folder):
    name, sets = "kramers_rate", []
    ck = make_checkpoint(binary, name, sets, folder)
    report(ck is not None, "refuse: a killed run left a checkpoint")
    if ck is None:
        return
    good = ck.read_bytes()
    out = folder / f"{name}.h5"

    def refused(what, extra, expect, data=None, extra_sets=()):
        ck.write_bytes(good if data is None else data)
        before = sorted(p.name for p in folder.iterdir())
        r = run(command(binary, name, list(sets) + list(extra_sets), out, 2, extra))
        err = lines(r.stderr)
        after = sorted(p.name for p in folder.iterdir())
        ok = (r.returncode == 2 and len(err) == 1 and re.search(expect, err[0]) is not None and before == after
              and ck.read_bytes() == (good if data is None else data))
        report(ok, f"refuse: {what}: one line, exit 2, no file, checkpoint untouched",
               f"exit {r.returncode}, stderr {err[:3]}, files {before} -> {after}")
        if ok:
            print(f"     {err[0]}")

    resume = ["--resume"]
    refused("another seed", resume + ["--seed", "7"], r"seed")
    refused("another configuration", resume, r"another configuration", extra_sets=["particles=300"])
    refused("another code version", resume, r"code version", data=with_code_version(good, "v0.0-other"))
    refused("truncated", resume, r"truncated", data=good[: len(good) // 2])
    refused("truncated to its header", resume, r"truncated", data=good[:10])
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x10
    refused("a flipped byte in the payload", resume, r"corrupt", data=bytes(flipped))
    flipped = bytearray(good)
    flipped[14] ^= 0x01  # the payload size
    refused("a flipped byte in the header", resume, r"truncated or corrupt", data=bytes(flipped))
    refused("not a checkpoint", resume, r"not an sgdsde checkpoint", data=b"hello, world\n" * 10)
    refused("an existing checkpoint without --resume", ["--checkpoint-every", EVERY], r"add --resume")
    for bad in ("0", "-1", "abc", "nan"):
        refused(f"--checkpoint-every {bad}", ["--checkpoint-every", bad], r"checkpoint-every")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, type=Path)
    ap.add_argument("--only", default="kill,refuse,mpi")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = ap.parse_args()
    only = set(args.only.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="sgdsde_checkpoint_"))
    rng = random.Random(18)
    t_start = time.time()
    references = {}

    for name, sets, what in CASES:
        if "kill" not in only and not (name == "kramers_rate" and "mpi" in only):
            continue
        ref = tmp / "reference" / f"{name}.h5"
        ref.parent.mkdir(exist_ok=True)
        t0 = time.time()
        r = run(command(args.bin, name, sets, ref, 2))
        seconds = time.time() - t0
        report(r.returncode == 0, f"{name}: the uninterrupted run", r.stderr.strip()[-300:])
        references[name] = (ref, seconds, sets)
        if "kill" not in only or r.returncode != 0:
            continue
        print(f"     {name} ({what}): {seconds:.1f} s uninterrupted")
        folder = tmp / name
        folder.mkdir()
        kill_and_resume(args.bin, name, sets, folder, ref, seconds, rng)

    if "refuse" in only:
        folder = tmp / "refuse"
        folder.mkdir()
        refusals(args.bin, folder)

    if "mpi" in only and shutil.which("mpirun") and "kramers_rate" in references:
        ref, seconds, sets = references["kramers_rate"]
        folder = tmp / "mpi"
        folder.mkdir()
        kill_and_resume(args.bin, "kramers_rate", sets, folder, ref, seconds * 1.5, rng, ranks=2,
                        label="kramers_rate on 2 MPI ranks")
        # A single process's checkpoint is refused by 2 ranks.
        single = tmp / "mpi_single"
        single.mkdir()
        ck = make_checkpoint(args.bin, "kramers_rate", sets, single)
        if ck is not None:
            r = run(command(args.bin, "kramers_rate", sets, single / "kramers_rate.h5", 1, ["--resume"], ranks=2))
            err = lines(r.stderr)
            report(r.returncode == 2 and len(err) == 1 and "another number of MPI ranks" in err[0]
                   and sorted(p.name for p in single.iterdir()) == [ck.name],
                   "mpi: a single process's checkpoint resumed on 2 ranks: one line, exit 2, no file",
                   f"exit {r.returncode}, stderr {err[:3]}")
        else:
            report(False, "mpi: a killed run left a checkpoint")
    elif "mpi" in only:
        print("SKIP mpi: mpirun is not installed")

    print(f"{'all passed' if not failures else str(len(failures)) + ' failed'} ({time.time() - t_start:.0f} s)")
    if args.keep or failures:
        print(f"scratch folder: {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
