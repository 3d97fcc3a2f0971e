#!/usr/bin/python3
"""The project's perceptron (784-16-16-10, sigmoid, softmax + cross-entropy) side by side with PyTorch.

Usage: /usr/bin/python3 bench/compare_torch.py [--build build/bench] [--threads 2] [--quick]
                                               [--only sgd,ensemble,per_sample,hvp] [--blas-dir DIR]
                                               [--rounds R]

For each case the same work is done by the project's binary (bench/network_throughput from --build)
and by the code a competent PyTorch user would write, one after the other, in float64
(torch.set_default_dtype(torch.float64)), on the same network, batch size, thread count
(torch.set_num_threads / --threads) and data (the gzip IDX files of Debian's dataset-fashion-mnist
read with NumPy, standardised as data::Standardisation does: per-pixel mean of the training set, one
global scale, the root mean square of the centred training inputs):
  (a) sgd:        one network, plain SGD (eta = 0.1, batches with replacement) at B = 1, 32, 128:
                  nn.Sequential + torch.optim.SGD, per step sample -> forward -> loss -> zero_grad ->
                  backward -> step. Statistic: mean training loss on the first 10 000 samples after the
                  run (different random streams and inits: informative, should be close).
  (b) ensemble:   256 independent networks at B = 32: stacked weights (M, n_in, n_out), torch.bmm,
                  autograd on the summed per-network mean losses, a manual SGD update under no_grad.
                  C++: SgdEnsemble + run_ensemble, one network per block over the threads; also
                  with blocks of M/2 networks (b'), the same trajectories.
  (c) per_sample: per-sample gradients of a batch of 128 (functorch: vmap of grad over
                  make_functional), at the C++ theta_0 (read from --theta-out), so ||G||_F must agree.
                  C++ per_sample_gradients runs on the calling thread: with P threads it takes P
                  batches at once (batches per second); PyTorch uses P intra-op threads on each batch.
  (d) hvp:        Hessian-vector products of the mean loss on the first 10 000 training samples, at
                  the C++ theta_0 and v_j = sin(j + 1) in the library's parameter order, so ||Hv||
                  must agree. PyTorch: double backpropagation (grad with create_graph, then grad of
                  <g, v>), the forward pass and first gradient redone per product as the C++ side does;
                  also printed, the variant that keeps the first-gradient graph and only redoes the
                  second backward (retain_graph; a Lanczos-style loop at one theta).
Printed: a table with both rates (wall), wall and CPU seconds, the ratio C++ / PyTorch (wall), and
the check values. The ratio is per wall second; the machine may be shared (load average printed).

--rounds R runs the whole set of cases R times in turn (C++ then PyTorch for each case, case after
case, round after round), so that both sides of a ratio see the same state of a noisy machine and a
slow spell is not one side's alone. The summary then gives, per case, the median of the R ratios and
their range: one ratio is one sample of a quantity that moves by tens of per cent from minute to
minute on a shared VM.

--blas-dir DIR re-runs this script with DIR (a folder holding a libblas.so.3, e.g. OpenBLAS's
openblas-pthread folder from `apt-get download libopenblas0-pthread; dpkg -x`) first on
LD_LIBRARY_PATH and OPENBLAS_NUM_THREADS = --threads: Debian's python3-torch calls the BLAS through
the libblas.so.3 alternative, which is the reference (netlib) BLAS when no optimised BLAS is
installed; float64 matrix products in PyTorch go to that BLAS (oneDNN does not do float64). The C++
side uses Eigen's own kernels and is not affected. The BLAS PyTorch loaded is printed.
"""
import argparse
import gzip
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

FOLDER = "/usr/share/datasets/fashion-mnist"
WIDTHS = (784, 16, 16, 10)
LR = 0.1


class Clock:
    """Wall (perf_counter) and CPU (process_time, all threads) seconds of a with-block."""

    def __enter__(self):
        self.w0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.w0, time.process_time() - self.c0


# ---------------------------------------------------------------- data (NumPy)
def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def training_set():
    """(N, 784) float64 standardised as data::Standardisation (pixels / 255, per-pixel mean, one RMS
    scale), labels int64."""
    X = read_idx(os.path.join(FOLDER, "train-images-idx3-ubyte.gz")).reshape(-1, 784).astype(np.float64) / 255.0
    y = read_idx(os.path.join(FOLDER, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    X -= X.mean(axis=0)
    X /= math.sqrt(np.mean(X * X))
    return X, y


# ---------------------------------------------------------------- the library's parameter layout
def split_theta(theta):
    """θ (library layout: W_l column-major n_l × n_{l−1}, then b_l) into [(W (out, in), b)]."""
    out, off = [], 0
    for n_in, n_out in zip(WIDTHS[:-1], WIDTHS[1:]):
        W = theta[off:off + n_in * n_out].reshape(n_in, n_out).T.copy()  # column-major -> (out, in)
        off += n_in * n_out
        b = theta[off:off + n_out].copy()
        off += n_out
        out.append((W, b))
    assert off == theta.size
    return out


def num_params():
    return sum((a + 1) * b for a, b in zip(WIDTHS[:-1], WIDTHS[1:]))


# ---------------------------------------------------------------- the C++ binary
def run_cxx(exe, **kw):
    args = [exe] + [f"--{k.replace('_', '-')}={v}" for k, v in kw.items()]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    vals = {}
    for line in out.splitlines():
        for tok in line.split():
            if "=" in tok:
                k, v = tok.split("=", 1)
                vals[k] = v
    return vals


# ---------------------------------------------------------------- PyTorch
def torch_setup(threads):
    import torch
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(threads)
    return torch


def sequential(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(784, 16), nn.Sigmoid(), nn.Linear(16, 16), nn.Sigmoid(), nn.Linear(16, 10))
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.xavier_normal_(m.weight)  # N(0, 2/(n_in + n_out)), as Init::glorot
            nn.init.zeros_(m.bias)
    return model


def load_theta(torch, model, theta):
    with torch.no_grad():
        lin = [m for m in model if isinstance(m, torch.nn.Linear)]
        for m, (W, b) in zip(lin, split_theta(theta)):
            m.weight.copy_(torch.from_numpy(W))
            m.bias.copy_(torch.from_numpy(b))


def eval_loss(torch, model, X10, y10):
    with torch.no_grad():
        return float(torch.nn.functional.cross_entropy(model(X10), y10))


def timed(step, target):
    """Runs step() for about 0.3 s (warm-up and rate estimate, not counted), then K = target seconds'
    worth of steps under the clock; returns (clock, K)."""
    t0, k = time.perf_counter(), 0
    while k < 3 or time.perf_counter() - t0 < 0.3:
        step()
        k += 1
    K = max(3, int(target * k / (time.perf_counter() - t0)))
    with Clock() as c:
        for _ in range(K):
            step()
    return c, K


def torch_sgd(torch, X, y, B, target):
    """(a) one network, the textbook loop."""
    N = X.shape[0]
    model = sequential(torch)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    lossf = torch.nn.CrossEntropyLoss()

    def step():
        idx = torch.randint(0, N, (B,))
        loss = lossf(model(X[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    c, K = timed(step, target)
    return c, K, eval_loss(torch, model, X[:10000], y[:10000])


def torch_ensemble(torch, X, y, M, B, target, n_eval=8):
    """(b) M networks as stacked weights, bmm, autograd, manual SGD under no_grad."""
    N = X.shape[0]
    params = []
    for n_in, n_out in zip(WIDTHS[:-1], WIDTHS[1:]):
        W = torch.randn(M, n_in, n_out) * math.sqrt(2.0 / (n_in + n_out))
        params += [W.requires_grad_(), torch.zeros(M, 1, n_out, requires_grad=True)]

    def forward(xb):  # xb (M, B, 784) -> logits (M, B, 10)
        a = xb
        for l in range(3):
            a = torch.baddbmm(params[2 * l + 1], a, params[2 * l])
            if l < 2:
                a = torch.sigmoid(a)
        return a

    def step():
        idx = torch.randint(0, N, (M, B))
        logits = forward(X[idx])
        # Sum over networks of each network's mean loss: each network gets its own mean gradient.
        loss = torch.nn.functional.cross_entropy(logits.reshape(M * B, 10), y[idx].reshape(M * B),
                                                 reduction="sum") / B
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None

    c, K = timed(step, target)
    with torch.no_grad():  # mean loss of the first n_eval networks on the first 10 000 samples
        X10, y10 = X[:10000], y[:10000]
        s = 0.0
        for m in range(min(M, n_eval)):
            a = X10
            for l in range(3):
                a = torch.addmm(params[2 * l + 1][m], a, params[2 * l][m])
                if l < 2:
                    a = torch.sigmoid(a)
            s += float(torch.nn.functional.cross_entropy(a, y10))
    return c, K, s / min(M, n_eval)


def torch_per_sample(torch, X, y, theta, B, target):
    """(c) functorch vmap(grad) over make_functional."""
    from functorch import grad, make_functional, vmap
    model = sequential(torch)
    load_theta(torch, model, theta)
    fmodel, params = make_functional(model)

    def loss_one(p, x, t):
        return torch.nn.functional.cross_entropy(fmodel(p, x.unsqueeze(0)), t.unsqueeze(0))

    psg = vmap(grad(loss_one), in_dims=(None, 0, 0))
    G = psg(params, X[:B], y[:B])
    frob = math.sqrt(sum(float((g * g).sum()) for g in G))
    N = X.shape[0]
    r = [0]

    def step():
        idx = (torch.arange(B) + r[0] * B) % N
        r[0] += 1
        psg(params, X[idx], y[idx])  # a tuple of (B, …) per-parameter tensors (no B × P copy)

    c, K = timed(step, target)
    return c, K, frob


def torch_hvp(torch, X, y, theta, n, target):
    """(d) double backpropagation on the first n samples; returns (recompute clock, retained clock, ‖Hv‖)."""
    model = sequential(torch)
    load_theta(torch, model, theta)
    params = list(model.parameters())
    vflat = np.sin(np.arange(1, num_params() + 1, dtype=np.float64))
    v = [torch.from_numpy(a) for Wb in split_theta(vflat) for a in Wb]
    Xn, yn = X[:n], y[:n]

    def hvp():
        loss = torch.nn.functional.cross_entropy(model(Xn), yn)
        g = torch.autograd.grad(loss, params, create_graph=True)
        dot = sum((gi * vi).sum() for gi, vi in zip(g, v))
        return torch.autograd.grad(dot, params)

    hv = hvp()
    norm = math.sqrt(sum(float((h * h).sum()) for h in hv))
    c, K = timed(hvp, target)
    loss = torch.nn.functional.cross_entropy(model(Xn), yn)
    g = torch.autograd.grad(loss, params, create_graph=True)
    dot = sum((gi * vi).sum() for gi, vi in zip(g, v))
    c2, K2 = timed(lambda: torch.autograd.grad(dot, params, retain_graph=True), target)
    return c, K, c2, K2, norm


def blas_in_use():
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if any(s in p for s in ("blas", "lapack", "mkl", "blis")):
                libs.add(os.path.realpath(p))
    return ", ".join(sorted(libs)) or "(none mapped)"


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build/bench")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke test of the script)")
    ap.add_argument("--only", default="sgd,ensemble,per_sample,hvp")
    ap.add_argument("--seconds", type=float, default=4.0, help="seconds per PyTorch measurement")
    ap.add_argument("--blas-dir", default=None, help="folder with the libblas.so.3 PyTorch should load")
    ap.add_argument("--rounds", type=int, default=1, help="runs of the whole set of cases, in turn")
    a = ap.parse_args()
    if a.rounds < 1:
        ap.error("--rounds must be at least 1")
    if a.blas_dir and os.environ.get("COMPARE_TORCH_BLAS") != a.blas_dir:
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = a.blas_dir + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
        env["OPENBLAS_NUM_THREADS"] = str(a.threads)
        env["COMPARE_TORCH_BLAS"] = a.blas_dir
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    only = set(a.only.split(","))
    th = a.threads
    exe = os.path.join(a.build, "bench", "network_throughput")
    q = 0.1 if a.quick else 1.0

    def n(x):
        return max(1, int(x * q))

    torch = torch_setup(th)
    Xn, yn = training_set()
    X, y = torch.from_numpy(Xn), torch.from_numpy(yn)
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"== machine: nproc {os.cpu_count()} | {cpu_model} | load average {os.getloadavg()}")
    print(f"== torch {torch.__version__} | threads {th} (torch.get_num_threads() = {torch.get_num_threads()}) | "
          f"numpy {np.__version__} | BLAS loaded: {blas_in_use()}")
    tmp = tempfile.mkdtemp(prefix="compare_torch_")
    theta_file = os.path.join(tmp, "theta0.bin")
    run_cxx(exe, case="clock", theta_out=theta_file)
    theta = np.fromfile(theta_file, dtype=np.float64)
    assert theta.size == num_params(), theta.size

    rows = []  # (case, unit, cxx rate, cxx wall, cxx cpu, torch rate, torch wall, torch cpu, check)

    def add(case, unit, cr, cw, cc, tr, tw, tc, check):
        rows.append((case, unit, cr, cw, cc, tr, tw, tc, check))
        print(f"  {case:<34}{unit:<16}C++ {cr:>10.3e}/s ({cw:6.2f} s wall, {cc:6.2f} s cpu) | PyTorch {tr:>10.3e}/s "
              f"({tw:6.2f} s wall, {tc:6.2f} s cpu) | x{cr / tr:6.1f} | {check}", flush=True)

    T = a.seconds * q  # seconds per PyTorch measurement (after a 0.3 s warm-up)
    for rnd in range(a.rounds):
        if a.rounds > 1:
            print(f"== round {rnd + 1} of {a.rounds} (load average {os.getloadavg()})", flush=True)
        if "sgd" in only:
            for B, K in ((1, 20000), (32, 8000), (128, 4000)):
                c = run_cxx(exe, case="sgd", batch=B, networks=1, steps=n(K), threads=th)
                tc, K, tl = torch_sgd(torch, X, y, B, T)
                add(f"(a) SGD 1 network B={B}", "net-steps", float(c["network_steps_per_second"]),
                    float(c["wall_seconds"]), float(c["cpu_seconds"]), K / tc.wall, tc.wall, tc.cpu,
                    f"loss10k C++ {float(c['loss_after']):.4f} torch {tl:.4f} (from ~2.3; K differ); "
                    f"C++ {float(c['gflops_executed']):.2f} GFLOP/s executed, {float(c['gflops_nominal']):.2f} nominal")
        if "ensemble" in only:
            M, B = 256, 32
            c = run_cxx(exe, case="sgd", batch=B, networks=M, steps=n(40), threads=th)
            tc, K, tl = torch_ensemble(torch, X, y, M, B, T)
            add(f"(b) SGD ensemble M={M} B={B}", "net-steps", float(c["network_steps_per_second"]),
                float(c["wall_seconds"]), float(c["cpu_seconds"]), M * K / tc.wall, tc.wall, tc.cpu,
                f"loss10k (8 nets) C++ {float(c['loss_after']):.4f} after {c['steps']} steps, torch {tl:.4f} after {K}")
            # The same run with blocks of 128 networks (one per thread at 2 threads): the runner's tile
            # copies and divergence test then touch each cache line of the (d × M, row-major) ensemble
            # once per 8 networks instead of once per network.
            c = run_cxx(exe, case="sgd", batch=B, networks=M, steps=n(40), threads=th, block=M // 2)
            add(f"(b') same, C++ block={M // 2}", "net-steps", float(c["network_steps_per_second"]),
                float(c["wall_seconds"]), float(c["cpu_seconds"]), M * K / tc.wall, tc.wall, tc.cpu,
                f"loss10k (8 nets) C++ {float(c['loss_after']):.4f} (bitwise the block=1 run)")
        if "per_sample" in only:
            B = 128
            c = run_cxx(exe, case="per_sample", batch=B, reps=n(4000), threads=th)
            tc, K, frob = torch_per_sample(torch, X, y, theta, B, T)
            cf = float(c["G_frobenius"])
            add(f"(c) per-sample gradients B={B}", "batches", float(c["batches_per_second"]), float(c["wall_seconds"]),
                float(c["cpu_seconds"]), K / tc.wall, tc.wall, tc.cpu,
                f"||G||_F C++ {cf:.10e} torch {frob:.10e} (rel {abs(cf - frob) / cf:.1e})")
        if "hvp" in only:
            ns = 10000
            c = run_cxx(exe, case="hvp", samples=ns, reps=n(100), threads=th)
            tc, K, tc2, K2, norm = torch_hvp(torch, X, y, theta, ns, T)
            cn = float(c["hv_norm"])
            chk = (f"||Hv|| C++ {cn:.10e} torch {norm:.10e} (rel {abs(cn - norm) / cn:.1e}); "
                   f"C++ Hv vs central diff {float(c['hv_vs_central_difference_rel']):.1e}")
            add(f"(d) Hv N={ns} (recompute)", "products", float(c["products_per_second"]), float(c["wall_seconds"]),
                float(c["cpu_seconds"]), K / tc.wall, tc.wall, tc.cpu, chk)
            add(f"(d') Hv N={ns} (torch graph kept)", "products", float(c["products_per_second"]),
                float(c["wall_seconds"]), float(c["cpu_seconds"]), K2 / tc2.wall, tc2.wall, tc2.cpu,
                "PyTorch second backward only (retain_graph), C++ full product")

    print(f"\n== summary (threads {th}, nproc {os.cpu_count()}, load average {os.getloadavg()})")
    if a.rounds == 1:
        print("| case | unit | C++ /s | PyTorch /s | C++ / PyTorch (wall) | C++ / PyTorch (per CPU-s) |")
        print("|---|---|---:|---:|---:|---:|")
        for case, unit, cr, cw, cc, tr, tw, tc, _ in rows:
            # per CPU second: rate × wall / cpu (work per CPU-second of all threads)
            cpu_ratio = (cr * cw / max(cc, 1e-9)) / (tr * tw / max(tc, 1e-9))
            print(f"| {case} | {unit} | {cr:.3e} | {tr:.3e} | {cr / tr:.1f} | {cpu_ratio:.1f} |")
        return
    print(f"| case | unit | C++ /s (median) | PyTorch /s (median) | C++ / PyTorch: median of {a.rounds} | range |")
    print("|---|---|---:|---:|---:|---:|")
    cases = list(dict.fromkeys(r[0] for r in rows))
    for case in cases:
        mine = [r for r in rows if r[0] == case]
        ratios = [r[2] / r[5] for r in mine]
        print(f"| {case} | {mine[0][1]} | {statistics.median(r[2] for r in mine):.3e} | "
              f"{statistics.median(r[5] for r in mine):.3e} | {statistics.median(ratios):.1f} | "
              f"{min(ratios):.1f}–{max(ratios):.1f} |")


if __name__ == "__main__":
    main()
