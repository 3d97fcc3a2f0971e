#!/usr/bin/python3
"""The experiments and the ensemble runner across MPI ranks (issue 17; docs/cluster.md).

  run_mpi_tests.py --bin BUILD/bin --tests BUILD/tests [--only NAME,...]

1. Cross-rank reductions: mpi_observers (every observer, uneven blocks per rank, diverging particles)
   alone and under mpirun -np 2 and -np 3: its raw output files equal byte for byte.
2. Experiments at the quick profile made smaller (SMALL: fewer particles, shorter runs — bitwise
   identity across ranks does not depend on the sizes, and every block, observer and reduction of
   the quick profile still runs; stationary_distribution, kramers_rate, network_training): the
   results file of one process (2 threads) and of mpirun -np 2 and -np 3 (1 thread each) equal dataset
   by dataset and attribute by attribute, bit for bit, except the root attributes that name the run
   (started_at, wall_seconds, threads, mpi_ranks, mpi_library).
3. Failures: a rank made to fail mid-run (SGDSDE_FAIL_RANK) ends the job with exit code 1, exactly one
   line on stderr naming the rank, and no file; bad input gives one line, exit code 2 and no file;
   SIGINT to mpirun during a run leaves no file and no temporary.
CI runs as root: OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM) are set here; --oversubscribe lets 3 ranks share 2 cores.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

RUN_ATTRS = {"started_at", "wall_seconds", "threads", "mpi_ranks", "mpi_library"}
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
# --set overrides that keep each run to a few seconds (several blocks per rank remain).
SMALL = {
    "stationary_distribution": ["particles=6000", "compare.replicates=10", "skewed.particles=20000",
                                "double_well.time=20.0", "label_noise.time=10.0", "double_well.small_dt_factor=2",
                                "label_noise.small_dt_factor=2", "double_well.lm_time=2.0"],
    "kramers_rate": ["particles=150", "eyring_kramers.particles=100"],
    "network_training": ["data.train=4000", "epochs=1.0"],
}
failures = []


def report(ok, what, detail=""):
    print(("PASS " if ok else "FAIL ") + what + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures.append(what)


def mpirun(k):
    return ["mpirun", "-q", "--oversubscribe", "-np", str(k)]


def run(cmd, env=None):
    return subprocess.run(cmd, capture_output=True, text=True, env=env or ENV, timeout=900)


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
            if isinstance(oa, h5py.Dataset):
                if not same(oa[()], ob[()]):
                    out.append(f"dataset {name}")
            for key in set(oa.attrs) | set(ob.attrs):
                if key not in oa.attrs or key not in ob.attrs or not same(oa.attrs[key], ob.attrs[key]):
                    out.append(f"attribute {name}@{key}")
        for key in (set(fa.attrs) | set(fb.attrs)) - RUN_ATTRS:
            if key not in fa.attrs or key not in fb.attrs or not same(fa.attrs[key], fb.attrs[key]):
                out.append(f"root attribute {key}")
        if fb.attrs.get("mpi_ranks", 1) < 1:
            out.append("mpi_ranks missing")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, type=Path)
    ap.add_argument("--tests", required=True, type=Path)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    tmp = Path(tempfile.mkdtemp(prefix="sgdsde_mpi_"))

    # 1. reductions
    files = []
    for k in (1, 2, 3):
        out = tmp / f"observers_{k}.bin"
        cmd = ([] if k == 1 else mpirun(k)) + [str(args.tests / "mpi_observers"), str(out)]
        r = run(cmd, dict(ENV, OMP_NUM_THREADS="2" if k == 1 else "1"))
        report(r.returncode == 0 and out.exists(), f"mpi_observers with {k} rank(s) runs", r.stderr.strip())
        files.append(out)
    if all(f.exists() for f in files):
        base = files[0].read_bytes()
        for k, f in zip((2, 3), files[1:]):
            report(f.read_bytes() == base, f"mpi_observers: {k} ranks give the bytes of one process",
                   f"{len(base)} vs {f.stat().st_size} bytes")

    # 2. experiments
    for name in ("stationary_distribution", "kramers_rate", "network_training"):
        if only and name not in only:
            continue
        if name == "network_training" and not Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").exists():
            print("SKIP network_training: dataset-fashion-mnist is not installed")
            continue
        outs = {}
        for k in (1, 2, 3):
            out = tmp / f"{name}_{k}.h5"
            threads = "2" if k == 1 else "1"
            cmd = ([] if k == 1 else mpirun(k)) + [str(args.bin / name), "--profile", "quick", "--quiet",
                                                   "--threads", threads, "--out", str(out)]
            cmd += [a for kv in SMALL[name] for a in ("--set", kv)]
            r = run(cmd)
            report(r.returncode == 0 and out.exists(), f"{name} with {k} rank(s) runs", r.stderr.strip()[-400:])
            outs[k] = out
        for k in (2, 3):
            if outs[1].exists() and outs[k].exists():
                d = differences(outs[1], outs[k])
                report(not d, f"{name}: {k} ranks equal one process bit for bit", "; ".join(d[:5]))
                with h5py.File(outs[k], "r") as f:
                    report(int(f.attrs["mpi_ranks"]) == k and len(str(f.attrs["mpi_library"])) > 0,
                           f"{name}: provenance names {k} ranks and the MPI library")

    # 3. failures
    d = tmp / "fail"
    d.mkdir()
    r = run(mpirun(3) + [str(args.bin / "stationary_distribution"), "--profile", "quick", "--quiet", "--threads", "1",
                         "--out", str(d / "x.h5")] + [a for kv in SMALL["stationary_distribution"] for a in ("--set", kv)],
            dict(ENV, SGDSDE_FAIL_RANK="2"))
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    report(r.returncode == 1 and len(lines) == 1 and "rank 2 of 3" in lines[0] and not any(d.iterdir()),
           "a rank failing mid-run: exit 1, one line naming the rank, no file",
           f"exit {r.returncode}, stderr {lines[:4]}, files {[p.name for p in d.iterdir()]}")
    r = run(mpirun(2) + [str(args.bin / "kramers_rate"), "--profile", "quick", "--set", "seed=-3", "--out", str(d / "y.h5")])
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    report(r.returncode == 2 and len(lines) == 1 and not any(d.iterdir()),
           "bad input under mpirun: exit 2, one line, no file", f"exit {r.returncode}, stderr {lines[:4]}")

    # SIGINT to mpirun during a run: it stops the ranks (SIGTERM, then SIGKILL at once) and leaves no
    # file and no temporary (the temporary exists only while rank 0 commits).
    e = tmp / "sigint"
    e.mkdir()
    p = subprocess.Popen(mpirun(2) + [str(args.bin / "stationary_distribution"), "--profile", "paper", "--quiet",
                                      "--threads", "1", "--out", str(e / "z.h5")],
                         env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.0)
    still_running = p.poll() is None
    p.send_signal(signal.SIGINT)
    p.wait(timeout=60)
    report(still_running and p.returncode != 0 and not any(e.iterdir()),
           "SIGINT to mpirun during a run: no file, no temporary",
           f"running at SIGINT {still_running}, exit {p.returncode}, files {[q.name for q in e.iterdir()]}")

    print(f"{'all passed' if not failures else str(len(failures)) + ' failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
