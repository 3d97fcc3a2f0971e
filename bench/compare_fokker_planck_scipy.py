#!/usr/bin/python3
"""Side-by-side timing of the stationary 2-D Himmelblau Fokker-Planck solve (T = 10):
the same Scharfetter-Gummel discretisation assembled with numpy and solved with scipy.sparse
(SuperLU, one cell pinned and the result rescaled), against the C++ benchmark
bench_fokker_planck (Eigen SparseLU, red-black + nested-dissection ordering).

Usage: /usr/bin/python3 bench/compare_fokker_planck_scipy.py [path/to/bench_fokker_planck] [n ...]
Prints wall and CPU seconds of both and the ratio; both reproduce the discrete Gibbs density.
"""
import json
import subprocess
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def himmelblau(x, y):
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def bernoulli(z):
    out = np.ones_like(z)
    small = np.abs(z) < 1e-4
    out[small] = 1.0 - z[small] * (0.5 - z[small] / 12.0)
    zz = z[~small]
    out[~small] = zz / np.expm1(zz)
    return out


def generator(n, T=10.0, lo=-5.0, hi=5.0):
    h = (hi - lo) / n
    c = lo + (np.arange(n) + 0.5) * h
    X, Y = np.meshgrid(c, c, indexing="ij")  # cell (i, j) -> i + n j (axis 0 fastest)
    L = himmelblau(X, Y).ravel(order="F")
    idx = np.arange(n * n).reshape((n, n), order="F")
    rows, cols, vals = [], [], []
    for k, kp in ((idx[:-1, :].ravel(), idx[1:, :].ravel()), (idx[:, :-1].ravel(), idx[:, 1:].ravel())):
        z = (L[kp] - L[k]) / T
        a = T / h**2 * bernoulli(z)
        b = T / h**2 * bernoulli(-z)
        rows += [k, k, kp, kp]
        cols += [k, kp, k, kp]
        vals += [-a, b, a, -b]
    A = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n * n, n * n))
    return A, L, h


def pinned_stationary(n, T=10.0):
    """The stationary density as a SciPy user solves it: the cell of lowest L pinned to 1, spsolve
    (SuperLU), then normalised. Returns (p, L, h); also the Gibbs reference via gibbs(L, h, T)."""
    A, L, h = generator(n, T)
    pin = int(np.argmin(L))
    A = A.tolil()
    A[pin, :] = 0.0
    A[pin, pin] = 1.0
    A = A.tocsc()
    rhs = np.zeros(n * n)
    rhs[pin] = 1.0
    p = spla.spsolve(A, rhs)
    p /= p.sum() * h * h
    return p, L, h


def gibbs(L, h, T):
    """The discrete Gibbs density exp(−L/T)/Z on the cells (the SG scheme's exact stationary state)."""
    g = np.exp(-(L - L.min()) / T)
    return g / (g.sum() * h * h)


def scipy_stationary(n, T=10.0):
    t0, c0 = time.perf_counter(), time.process_time()
    p, L, h = pinned_stationary(n, T)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    g = gibbs(L, h, T)
    return wall, cpu, np.abs(p - g).max() / g.max()


def cxx_stationary(bench, n):
    out = subprocess.run([bench, f"--benchmark_filter=Stationary.*/{n}/", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True).stdout
    b = json.loads(out)["benchmarks"][0]
    scale = {"ms": 1e-3, "us": 1e-6, "ns": 1e-9, "s": 1.0}[b["time_unit"]]
    return b["real_time"] * scale, b["cpu_time"] * scale, b["max_rel_err_vs_gibbs"]


def main():
    bench = sys.argv[1] if len(sys.argv) > 1 else "build/bench/bench_fokker_planck"
    sizes = [int(a) for a in sys.argv[2:]] or [256, 512]
    print(f"{'n':>5} {'scipy wall':>11} {'scipy cpu':>10} {'scipy err':>10} {'C++ wall':>9} {'C++ cpu':>8} "
          f"{'C++ err':>9} {'cpu ratio':>9}")
    for n in sizes:
        sw, sc, se = scipy_stationary(n)
        cw, cc, ce = cxx_stationary(bench, n)
        print(f"{n:>5} {sw:>11.3f} {sc:>10.3f} {se:>10.1e} {cw:>9.3f} {cc:>8.3f} {ce:>9.1e} {sc / cc:>9.2f}")


if __name__ == "__main__":
    main()
