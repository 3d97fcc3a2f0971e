#!/usr/bin/python3
"""The project's ensembles and Fokker-Planck solver side by side with NumPy/SciPy, in one run.

Usage: /usr/bin/python3 bench/compare_numpy.py [--build build/perf] [--quick] [--only em,sgd,linreg,fp]

For each case the same problem is run by the project's binary (bench/ensemble_throughput,
bench/bench_fokker_planck, bench/bench_rng from --build) and by the code a competent NumPy user
would write (vectorised over particles, numpy.random.Generator, scipy.sparse spsolve), on the same
sizes, one after the other. Printed per case: wall and CPU seconds of both, rates, the ratio
C++ / NumPy (wall; NumPy runs on one core as NumPy users run it) and the statistic that shows the two
did the same work:
  - EM ensembles: fraction of final states nearest each minimum, difference in standard errors
    sqrt(p(1-p)/M) of the two independent ensembles (|z| < 5 expected; different random streams);
  - SGD ensembles: the same fractions (informative only: the two data sets ξ differ, so the
    effective temperatures differ by O(1/sqrt(N)));
  - Fokker-Planck stationary: L1 distance of each density to the discrete Gibbs density (the
    Scharfetter-Gummel scheme is Gibbs-exact), hence L1(C++, SciPy) <= their sum.
The EM cases also print C++ normals consumed per second per thread (wall; and per CPU-second) against
the project's one-thread normal generation rate (bench_rng, the ceiling: one normal per coordinate
and step).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_fokker_planck_scipy import generator, gibbs, pinned_stationary  # noqa: E402  (the same SG discretisation)

HIMMELBLAU_MINIMA = np.array([[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848127]])


class Clock:
    """Wall (perf_counter) and CPU (process_time) seconds of a with-block."""

    def __enter__(self):
        self.w0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.w0, time.process_time() - self.c0


# ---------------------------------------------------------------- NumPy ensembles
def em_double_well_plain(M, K, T=0.25, dt=1e-3, seed=1):
    rng = np.random.default_rng(seed)
    x = np.full(M, -1.0)
    c = math.sqrt(2 * T * dt)
    for _ in range(K):
        x = x - dt * 4.0 * x * (x * x - 1.0) + c * rng.standard_normal(M)
    return x[None, :]


def em_double_well_inplace(M, K, T=0.25, dt=1e-3, seed=1):
    rng = np.random.default_rng(seed)
    x = np.full(M, -1.0)
    g, z = np.empty(M), np.empty(M)
    c = math.sqrt(2 * T * dt)
    for _ in range(K):
        np.multiply(x, x, out=g)
        g -= 1.0
        g *= x
        g *= 4.0 * dt  # dt L'(x)
        x -= g
        rng.standard_normal(out=z)
        z *= c
        x += z
    return x[None, :]


def em_himmelblau_inplace(M, K, T=1.0, dt=1e-4, seed=1):
    rng = np.random.default_rng(seed)
    X = np.empty((2, M))
    X[0], X[1] = 3.0, 2.0
    x, y = X[0], X[1]
    f1, f2, gx, gy, t = (np.empty(M) for _ in range(5))
    z = np.empty((2, M))
    c = math.sqrt(2 * T * dt)
    for _ in range(K):
        np.multiply(x, x, out=f1)
        f1 += y
        f1 -= 11.0
        np.multiply(y, y, out=f2)
        f2 += x
        f2 -= 7.0
        np.multiply(x, f1, out=gx)
        gx *= 4.0
        np.multiply(f2, 2.0, out=t)
        gx += t
        np.multiply(y, f2, out=gy)
        gy *= 4.0
        np.multiply(f1, 2.0, out=t)
        gy += t
        gx *= dt
        gy *= dt
        x -= gx
        y -= gy
        rng.standard_normal(out=z)
        z *= c
        X += z
    return X


def sgd_double_well(M, K, B, N=10_000, T=0.25, eta=1e-3, seed=1):
    """Additive-noise SGD as the project's ensemble_throughput runs it: ξ_i ~ N(0, σ²), centred,
    σ² = 2BT/η; each step samples B indices per run with replacement and gathers."""
    rng = np.random.default_rng(seed)
    sigma = math.sqrt(2 * B * T / eta)
    xi = rng.standard_normal(N) * sigma
    xi -= xi.mean()
    x = np.full(M, -1.0)
    for _ in range(K):
        if B == 1:
            s = xi[rng.integers(0, N, size=M)]
        else:
            s = xi[rng.integers(0, N, size=(M, B))].mean(axis=1)
        x -= eta * (4.0 * x * (x * x - 1.0) + s)
    return x[None, :]


def sgd_linear_regression(M, K, B=32, d=100, N=10_000, sigma=1.0, eta=0.01, seed=1):
    """Label-noise linear regression (inputs N(0, I), y = a·w* + σε, w* = 1), runs as rows of Θ."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((N, d))
    eps = rng.standard_normal(N) * sigma
    y = A @ np.ones(d) + (eps - eps.mean())
    theta = np.zeros((M, d))
    for _ in range(K):
        idx = rng.integers(0, N, size=(M, B))
        Ab = A[idx]  # (M, B, d)
        r = np.einsum("mbd,md->mb", Ab, theta) - y[idx]
        theta -= (eta / B) * np.einsum("mb,mbd->md", r, Ab)
    return theta


def well_fractions(X, minima):
    d2 = ((X[:, None, :] - minima.T[:, :, None]) ** 2).sum(axis=0)  # (n_minima, M)
    return np.bincount(d2.argmin(axis=0), minlength=len(minima)) / X.shape[1]


# ---------------------------------------------------------------- the project's binaries
def run_cxx(exe, **kw):
    args = [exe] + [f"--{k}={v}" for k, v in kw.items()]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    vals = {}
    for line in out.splitlines():
        for tok in line.split():
            if "=" in tok:
                k, v = tok.split("=", 1)
                vals[k] = v
    return {
        "rate": float(vals["particle_steps_per_second"]),
        "wall": float(vals["wall_seconds"]),
        "cpu": float(vals["cpu_seconds"]),
        "fractions": np.array([float(v) for v in vals["well_fractions"].split(",")]),
    }


def gbench(exe, flt):
    out = subprocess.run([exe, f"--benchmark_filter={flt}", "--benchmark_format=json"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["benchmarks"]


def z_max(p, q, M1, M2):
    se = np.sqrt(p * (1 - p) / M1 + q * (1 - q) / M2)
    se = np.where(se > 0, se, 1.0 / min(M1, M2))
    return float(np.abs(p - q).max() / se[np.abs(p - q).argmax()]) if len(p) else 0.0


# ---------------------------------------------------------------- SciPy Fokker-Planck
def scipy_stationary(n, T=10.0):
    with Clock() as c:
        p, L, h = pinned_stationary(n, T)
    return c, np.abs(p - gibbs(L, h, T)).sum() * h * h


def scipy_transient_step(n, T=10.0, dt=1e-3, steps=20):
    A, L, h = generator(n, T)
    lu = spla.splu((sp.identity(n * n, format="csc") - dt * A).tocsc())  # implicit Euler, factor once
    p = np.zeros(n * n)
    p[(n // 2) + n * (n // 2)] = 1.0 / (h * h)
    p = lu.solve(p)
    with Clock() as c:
        for _ in range(steps):
            p = lu.solve(p)
    return c.wall / steps, c.cpu / steps


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build/perf")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke test of the script)")
    ap.add_argument("--only", default="em,sgd,linreg,fp",
                    help="comma-separated sections to run: em, sgd, linreg, fp (default: all)")
    ap.add_argument("--no-thp", action="store_true",
                    help="do not run both sides with transparent huge pages for malloc (see below)")
    a = ap.parse_args()
    # Both sides (this interpreter, hence NumPy/SciPy, and the C++ binaries it starts) run with glibc's
    # malloc asking for transparent huge pages (glibc.malloc.hugetlb=1, glibc >= 2.35). On the KVM guest
    # the figures come from, a 4 KiB page fault costs several microseconds, and a fresh sparse LU
    # touches ~10^5 pages: without it the C++ 512^2 stationary solve spends half its time in page
    # faults (docs/benchmarks.md). Tunables are read at start-up, hence the re-exec.
    if not a.no_thp and "glibc.malloc.hugetlb" not in os.environ.get("GLIBC_TUNABLES", ""):
        tun = os.environ.get("GLIBC_TUNABLES")
        os.environ["GLIBC_TUNABLES"] = (tun + ":" if tun else "") + "glibc.malloc.hugetlb=1"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    only = set(a.only.split(","))
    et = os.path.join(a.build, "bench", "ensemble_throughput")
    q = a.quick
    dw_minima = np.array([[-1.0], [1.0]])

    print("== machine: nproc", os.cpu_count(), "| load average", os.getloadavg(),
          "| GLIBC_TUNABLES", os.environ.get("GLIBC_TUNABLES", "(unset)"))
    print("== numpy", np.__version__, "| scipy", __import__("scipy").__version__)

    hdr = f"{'case':<34}{'impl':<22}{'wall s':>8}{'cpu s':>8}{'p-steps/s':>11}{'x NumPy':>8}  stats"
    if "em" in only:
        # Normal generation ceiling (bench_rng, d = 2: two normals per Philox block).
        rng_b = gbench(os.path.join(a.build, "bench", "bench_rng"), "BM_normals/2/")
        ceiling = {}
        for b in rng_b:
            th = b.get("threads", 1)
            ceiling[th] = b["items_per_second"] / th  # per thread (Google Benchmark sums over threads)
            print(f"normals ({b['name']}): {b['items_per_second']:.3e}/s (Google Benchmark items/s: per thread CPU time, "
                  f"summed over threads) = {ceiling[th]:.3e}/s per thread")

        print("\n== Euler-Maruyama ensembles (final states + streaming histogram)")
        print(hdr)
        cases = [("double_well", 100_000, 1000, [("NumPy plain", em_double_well_plain), ("NumPy in place", em_double_well_inplace)]),
                 ("double_well", 1_000_000, 1000, [("NumPy in place", em_double_well_inplace)]),
                 ("himmelblau", 100_000, 1000, [("NumPy in place", em_himmelblau_inplace)]),
                 ("himmelblau", 1_000_000, 200, [("NumPy in place", em_himmelblau_inplace)])]
        if q:
            cases = [(p, M // 100, K // 10, f) for p, M, K, f in cases]
        for prob, M, K, np_impls in cases:
            minima = dw_minima if prob == "double_well" else HIMMELBLAU_MINIMA
            tag = f"{prob} M={M:.0e} K={K}"
            ref = None
            for name, fn in np_impls:
                with Clock() as c:
                    X = fn(M, K)
                rate = M * K / c.wall
                fr = well_fractions(X, minima)
                ref = (rate, fr)
                print(f"{tag:<34}{name:<22}{c.wall:>8.2f}{c.cpu:>8.2f}{rate:>11.3e}{'1':>8}  fractions {np.round(fr, 5)}")
            for th in (1, 2):
                r = run_cxx(et, problem=prob, model="sde", particles=M, steps=K, threads=th)
                z = z_max(r["fractions"], ref[1], M, M)
                per_thread = r["rate"] / th
                ceil = ceiling[1]  # one thread's normal rate: the per-core ceiling
                nz = 1 if prob == "double_well" else 2  # normals per particle-step
                print(f"{tag:<34}{'C++ ' + str(th) + ' thread(s)':<22}{r['wall']:>8.2f}{r['cpu']:>8.2f}{r['rate']:>11.3e}"
                      f"{r['rate'] / ref[0]:>8.1f}  fractions {np.round(r['fractions'], 5)} |z|max={z:.1f}"
                      f" {'agree' if z < 5 else 'DIFFER'}; per thread {nz * per_thread / ceil:.0%} of normal rate"
                      f" (CPU: {nz * M * K / r['cpu'] / ceil:.0%})")

    if "sgd" in only:
        print("\n== SGD ensembles, double well, additive noise N = 1e4, with replacement, eta = 1e-3")
        print(hdr)
        # K such that every run lasts long enough to time two threads: a B = 1 run of 1000 steps on
        # 1e5 runs takes ~0.04 s in C++, where thread start-up and the second core's wake-up are a
        # visible part of the wall time. B = 1 also on M = 1e6: NumPy's per-run-step cost grows once
        # its (M,) temporaries leave L2, the C++ one does not (its state stays in cache block by
        # block), so the ratio depends on M.
        cases = ((1, 1000, 20), (32, 1000, 20)) if q else ((1, 100_000, 5000), (1, 1_000_000, 500), (32, 100_000, 200))
        for B, M, K in cases:
            tag = f"SGD B={B} M={M:.0e} K={K}"
            with Clock() as c:
                X = sgd_double_well(M, K, B)
            np_rate = M * K / c.wall
            fr = well_fractions(X, dw_minima)
            print(f"{tag:<34}{'NumPy gather':<22}{c.wall:>8.2f}{c.cpu:>8.2f}{np_rate:>11.3e}{'1':>8}  fractions {np.round(fr, 5)}")
            for th in (1, 2):
                r = run_cxx(et, problem="double_well", model="sgd", particles=M, steps=K, threads=th, batch=B, samples=10_000)
                z = z_max(r["fractions"], fr, M, M)
                print(f"{tag:<34}{'C++ ' + str(th) + ' thread(s)':<22}{r['wall']:>8.2f}{r['cpu']:>8.2f}{r['rate']:>11.3e}"
                      f"{r['rate'] / np_rate:>8.1f}  fractions {np.round(r['fractions'], 5)} |z|max={z:.1f} (informative)")

    if "linreg" in only:
        # Label-noise linear regression d = 100, N = 1e4, B = 32: NumPy on M = 1000 runs (its (M, B, d)
        # gather is 25 MB per step), C++ bench_sgd on M = 1e4 (run-steps per second do not depend on M here).
        M, K = (100, 5) if q else (1000, 50)
        with Clock() as c:
            sgd_linear_regression(M, K)
        np_rate = M * K / c.wall
        tag = "linreg d=100 B=32"
        print(f"{tag:<34}{'NumPy gather (M=1e3)':<22}{c.wall:>8.2f}{c.cpu:>8.2f}{np_rate:>11.3e}{'1':>8}")
        for b in gbench(os.path.join(a.build, "bench", "bench_sgd"), "LinearRegression"):
            th = b["name"].split("/")[1]
            sc = {"ms": 1e-3, "us": 1e-6, "ns": 1e-9, "s": 1.0}[b["time_unit"]]
            print(f"{tag:<34}{'C++ ' + th + ' thread(s) (M=1e4)':<22}{b['real_time'] * sc:>8.3f}{b['cpu_time'] * sc:>8.3f}"
                  f"{b['run_steps_per_s']:>11.3e}{b['run_steps_per_s'] / np_rate:>8.1f}  (per iteration of 10 steps)")

    if "fp" in only:
        print("\n== Fokker-Planck, 2-D Himmelblau T = 10, Scharfetter-Gummel, stationary solve")
        fp_exe = os.path.join(a.build, "bench", "bench_fokker_planck")
        sizes = [128] if q else [128, 256, 512]
        print(f"{'n':>5}{'scipy wall':>11}{'scipy cpu':>10}{'C++ wall':>9}{'C++ cpu':>8}{'x (wall)':>9}{'x (cpu)':>8}"
              f"{'L1 scipy':>10}{'L1 C++':>10}  (L1 vs the Gibbs density)")
        for n in sizes:
            c, l1s = scipy_stationary(n)
            b = gbench(fp_exe, f"Stationary.*/{n}/")[0]
            sc = {"ms": 1e-3, "us": 1e-6, "ns": 1e-9, "s": 1.0}[b["time_unit"]]
            cw, cc = b["real_time"] * sc, b["cpu_time"] * sc
            print(f"{n:>5}{c.wall:>11.3f}{c.cpu:>10.3f}{cw:>9.3f}{cc:>8.3f}{c.wall / cw:>9.2f}{c.cpu / cc:>8.2f}"
                  f"{l1s:>10.1e}{b['l1_vs_gibbs']:>10.1e}")
        n = 256  # the benchmark's transient size
        sw, scpu = scipy_transient_step(n)
        print(f"transient implicit Euler step at {n}^2 (factor outside): scipy splu.solve {sw * 1e3:.2f} ms wall / "
              f"{scpu * 1e3:.2f} ms cpu")
        for tb in gbench(fp_exe, f"Transient.*/{n}/"):  # one entry per solve thread count (1, 2)
            if tb.get("label") != "implicit_euler":
                continue
            sc = {"ms": 1e-3, "us": 1e-6, "ns": 1e-9, "s": 1.0}[tb["time_unit"]]
            th = int(tb.get("solve_threads", 1))
            print(f"  C++ {th} solve thread(s): {tb['real_time'] * sc * 1e3:.2f} ms wall / "
                  f"{tb['cpu_time'] * sc * 1e3:.2f} ms cpu ({sw / (tb['real_time'] * sc):.1f}x scipy wall)")


if __name__ == "__main__":
    main()
