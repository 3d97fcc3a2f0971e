"""Shared style and plumbing of every paper/plots/plot_<name>.py (docs/figures.md).

A plot script is three lines of boilerplate plus its drawing code:

    import sgdsde_style as S
    args = S.cli()                       # --results DIR, --figures DIR; applies the style
    f = S.open_results()                 # results/<name>.h5 (name from the script's file name)
    ...
    x = S.read(f, "/sgd/histogram/edges")     # clear one-line error if the dataset is missing
    fig, ax = S.figure()
    S.hist_density(ax, edges, counts, "sgd")
    S.save(fig, "stationary_distribution_double_well")   # figures/<...>.pdf and .png

Everything a script reads comes from the HDF5 results file; nothing is typed by hand.
A missing file, dataset or attribute ends the script with a single line on stderr,
"plot_<name>: results/<name>.h5 has no dataset '/sgd/histogram' — run the experiment first",
and exit status 1 (tests/plots/run_plot_tests.py checks it).
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

# ---- palette: Okabe & Ito (2008), colour-blind safe ---------------------------------------------
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
# A cycle for things that are not models (optimizers, schedules, landscapes, values of η/B …).
CYCLE = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple",
                                "sky_blue", "black", "yellow")]
MARKER_CYCLE = ["o", "s", "^", "D", "v", "P", "X", "*"]

# The same colour, marker and line style for the same model in every figure.
MODELS = {
    "sgd": dict(color=OKABE_ITO["vermillion"], marker="o", linestyle="-", label="SGD"),
    "sde_em": dict(color=OKABE_ITO["blue"], marker="s", linestyle="--", label="SDE (Euler–Maruyama)"),
    "sde_lm": dict(color=OKABE_ITO["sky_blue"], marker="D", linestyle="-.",
                   label="SDE (Leimkuhler–Matthews)"),
    "sme2": dict(color=OKABE_ITO["reddish_purple"], marker="^", linestyle=(0, (5, 1, 1, 1, 1, 1)),
                 label="SME-2"),
    "fp": dict(color=OKABE_ITO["bluish_green"], marker="", linestyle="-", label="Fokker–Planck"),
    "gibbs": dict(color=OKABE_ITO["black"], marker="", linestyle=":", label="Gibbs / theory"),
    "theory": dict(color=OKABE_ITO["black"], marker="", linestyle=":", label="theory"),
    # GD is black (solid, with markers): orange was too close to SGD's vermillion to tell apart.
    "gd": dict(color=OKABE_ITO["black"], marker="v", linestyle="-", label="GD / gradient flow"),
    # Isotropic Langevin dynamics at a constant T standing in for state-dependent noise.
    "iso": dict(color=OKABE_ITO["reddish_purple"], marker="P", linestyle="-.", label="isotropic Langevin"),
    # The exact law of SGD's Gaussian chain (Euler–Maruyama at dt = η): SGD's prediction at finite η.
    "em_chain": dict(color=OKABE_ITO["orange"], marker="", linestyle="-", label=r"EM chain at $dt=\eta$"),
    # The seed report's temperature T = σ²/η (THEORY.md §2): shown only to be refuted.
    "wrong_T": dict(color=OKABE_ITO["grey"], marker="x", linestyle=(0, (1, 1)),
                    label=r"seed report, $T=\sigma^2/\eta$"),
}
MODELS["sde"] = MODELS["sde_em"]

# ---- THEORY.md symbols in mathtext ---------------------------------------------------------------
label = {
    "theta": r"$\theta$",
    "theta1": r"$\theta_1$",
    "theta2": r"$\theta_2$",
    "w": r"$w$",
    "x": r"$x$",
    "y": r"$y$",
    "eta": r"learning rate $\eta$",
    "B": r"batch size $B$",
    "eta_over_B": r"$\eta/B$",
    "sigma2": r"$\sigma^2$",
    "T": r"temperature $T = \eta\sigma^2/(2B)$",
    "T_short": r"$T$",
    "inv_T": r"$1/T$",
    "Sigma_B": r"$\Sigma_B$",
    "Sigma_1": r"$\Sigma_1$",
    "H": r"$H$",
    "tau": r"escape time $\tau$",
    "tau_short": r"$\tau$",
    "E_tau": r"mean escape time $\mathbb{E}\,\tau$",
    "log_tau": r"$\ln\,\mathbb{E}\,\tau$",
    "tau_steps": r"escape time $\tau/\eta$ (steps)",
    "k": r"step $k$",
    "t": r"time $t = k\eta$",
    "loss": r"$L(\theta)$",
    "density": r"density $p(\theta)$",
    "p_inf": r"$p_\infty(\theta)$",
    "gibbs": r"$p_\infty \propto e^{-L/T}$",
    "DeltaL": r"$\Delta L$",
    "DeltaL_over_T": r"$\Delta L / T$",
    "rate": r"escape rate $k$",
    "grad_norm2": r"$\|\nabla L(\theta_k)\|^2$",
    "S": r"stationary covariance $S$",
    "S_jj": r"$S_{jj}$",
    "h_j": r"curvature $h_j$",
    "W1": r"$W_1$ distance",
    "TV": r"total variation",
    "weak_error": r"weak error $|\mathbb{E}\,\varphi(\theta_k) - \mathbb{E}\,\varphi(\Theta_{k\eta})|$",
    "flat_fraction": r"fraction in the flat basin",
    "lr": r"learning rate $\eta_k$",
    "count": "count",
}

# ---- rcParams: serif (STIX, matching Times in the paper), sized for an A4 article --------------
COLUMN_WIDTH = 3.3   # inches: half of the paper's text width (two figures side by side)
PAGE_WIDTH = 6.3     # inches: the paper's full text width
RC = {
    "font.family": "serif",
    "font.serif": ["STIXGeneral", "DejaVu Serif"],
    "mathtext.fontset": "stix",
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "legend.handlelength": 2.2,
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "axes.linewidth": 0.6,
    "axes.grid": False,
    "axes.formatter.use_mathtext": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.2,
    "lines.markersize": 3.5,
    "errorbar.capsize": 1.5,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.direction": "out",
    "ytick.direction": "out",
    "figure.dpi": 150,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.02,
    "figure.constrained_layout.use": True,
    "pdf.fonttype": 42,
    "image.cmap": "cividis",
}


def apply_style() -> None:
    plt.rcParams.update(RC)


# ---- command line and context --------------------------------------------------------------------
class _Context:
    script = Path(sys.argv[0]).stem or "plot"
    results = REPO / "results"
    figures = REPO / "paper" / "figures"
    written: list[Path] = []


CTX = _Context()


def experiment_name() -> str:
    """plot_<name>.py → <name>."""
    s = CTX.script
    return s[len("plot_"):] if s.startswith("plot_") else s


def fail(message: str) -> "NoReturn":  # noqa: F821
    """Ends the script with one line on stderr, prefixed with the script name, exit status 1."""
    raise SystemExit(f"{CTX.script}: {message}")


def _excepthook(kind, value, tb):
    """Uncaught errors still end with one clear line naming the script (and a traceback for
    anything that is not a plain missing key / unreadable file, to help the author)."""
    if issubclass(kind, KeyError):
        sys.stderr.write(f"{CTX.script}: missing data {value} in the results file — "
                         "run the experiment first (or update the plot script to its schema)\n")
    elif issubclass(kind, OSError):
        sys.stderr.write(f"{CTX.script}: {value}\n")
    else:
        traceback.print_exception(kind, value, tb)
        sys.stderr.write(f"{CTX.script}: failed: {kind.__name__}: {value}\n")
    sys.exit(1)


def cli(description: str | None = None, argv=None) -> argparse.Namespace:
    """Parses --results DIR and --figures DIR, applies the style; returns the arguments
    (args.results, args.figures as Paths; args.name the experiment name)."""
    p = argparse.ArgumentParser(prog=CTX.script, description=description or __doc__.splitlines()[0])
    p.add_argument("--results", type=Path, default=REPO / "results",
                   help="folder holding <name>.h5 (default: results/)")
    p.add_argument("--figures", type=Path, default=REPO / "paper" / "figures",
                   help="folder for the PDF and PNG figures (default: paper/figures/)")
    args = p.parse_args(argv)
    CTX.results, CTX.figures = args.results, args.figures
    args.name = experiment_name()
    sys.excepthook = _excepthook
    apply_style()
    return args


def _shown(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


# ---- reading -------------------------------------------------------------------------------------
def open_results(name_or_path: str | os.PathLike | None = None) -> h5py.File:
    """Opens results/<name>.h5 read-only (name defaults to the script's experiment name;
    a path ending in .h5 is used as is)."""
    if name_or_path is None:
        name_or_path = experiment_name()
    p = Path(name_or_path)
    path = p if (p.suffix == ".h5" or len(p.parts) > 1) else CTX.results / f"{p}.h5"
    if not path.is_file():
        fail(f"{_shown(path)} not found — run the experiment first "
             f"(build/release/bin/{p.stem} --profile paper --out {_shown(path)})")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        fail(f"{_shown(path)} is not a readable HDF5 file ({e})")


def _fname(f) -> str:
    return _shown(Path(f.file.filename))


def need(f, path: str, kind: str | None = None):
    """f[path], or a clear exit if it is missing. kind: None, "dataset" or "group"."""
    if path not in f:
        what = kind or "dataset"
        fail(f"{_fname(f)} has no {what} '{path}' — run the experiment first")
    obj = f[path]
    if kind == "dataset" and not isinstance(obj, h5py.Dataset):
        fail(f"{_fname(f)}: '{path}' is not a dataset")
    if kind == "group" and not isinstance(obj, h5py.Group):
        fail(f"{_fname(f)}: '{path}' is not a group")
    return obj


def _decode(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray) and v.dtype.kind in "OS":
        return [x.decode() if isinstance(x, bytes) else x for x in v.tolist()]
    return v


def read(f, path: str):
    """The value of dataset `path` (numpy array, or Python scalar / str for 0-d data)."""
    d = need(f, path, "dataset")
    if d.dtype.kind in "OS":
        v = d.asstr()[()] if d.shape == () else list(d.asstr()[()])
        return v
    v = d[()]
    return v.item() if isinstance(v, np.ndarray) and v.shape == () else v


def need_attr(f, obj_path: str, attr: str):
    """Attribute `attr` of the group or dataset `obj_path` ("/" for the file)."""
    obj = need(f, obj_path, "object") if obj_path not in ("/", "") else f
    if attr not in obj.attrs:
        fail(f"{_fname(f)} has no attribute '{attr}' on '{obj_path or '/'}' — run the experiment first")
    v = _decode(obj.attrs[attr])
    if isinstance(v, np.ndarray) and v.shape == ():
        v = v.item()
    if isinstance(v, np.generic):
        v = v.item()
    return v


def attr(f, obj_path: str, name: str, default=None):
    """Optional attribute (default if absent)."""
    if obj_path not in ("/", "") and obj_path not in f:
        return default
    obj = f if obj_path in ("/", "") else f[obj_path]
    if name not in obj.attrs:
        return default
    v = _decode(obj.attrs[name])
    return v.item() if isinstance(v, (np.generic,)) or (isinstance(v, np.ndarray) and v.shape == ()) else v


def children(f, group: str) -> list[str]:
    """Sorted names of the members of a group (clear exit if the group is missing)."""
    return sorted(need(f, group, "group").keys())


def checks(f) -> list[dict]:
    """Rows of /summary/checks: dicts with name, measured, stderr, predicted, tolerance, passed,
    kind, description (the last two optional in the file)."""
    g = need(f, "/summary/checks", "group")
    names = read(f, "/summary/checks/name")
    n = len(names)

    def col(key, alt=None, default=np.nan):
        for k in (key, alt):
            if k and k in g:
                return np.asarray(g[k][()]).reshape(-1)
        return np.full(n, default)

    measured, stderr = col("measured"), col("stderr", "std_error")
    predicted, tol = col("predicted"), col("tolerance")
    passed = col("passed", default=0).astype(bool)
    kind = list(g["kind"].asstr()[()]) if "kind" in g else ["two_sided"] * n
    desc = list(g["description"].asstr()[()]) if "description" in g else [""] * n
    return [dict(name=names[i], measured=float(measured[i]), stderr=float(stderr[i]),
                 predicted=float(predicted[i]), tolerance=float(tol[i]), passed=bool(passed[i]),
                 kind=kind[i], description=desc[i]) for i in range(n)]


# ---- drawing helpers -----------------------------------------------------------------------------
def figure(ncols: int = 1, nrows: int = 1, width: str | float = "column", aspect: float = 0.75,
           height: float | None = None, **kw):
    """fig, axes sized for the paper: width "column" (3.3 in, half the text width), "page"
    (6.3 in) or inches; height = aspect × width / ncols × nrows unless given."""
    w = {"column": COLUMN_WIDTH, "page": PAGE_WIDTH}.get(width, width)
    h = height if height is not None else aspect * w / ncols * nrows
    return plt.subplots(nrows, ncols, figsize=(w, h), **kw)


def style(model: str, **overrides) -> dict:
    """Plot keyword arguments (color, marker, linestyle, label) of a model (see MODELS)."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; one of {sorted(MODELS)}")
    kw = dict(MODELS[model])
    kw.update(overrides)
    return kw


def line(ax, x, y, model: str, markers: bool = False, **kw):
    """A curve in the model's style (markers off by default)."""
    s = style(model, **kw)
    if not markers and "marker" not in kw:
        s["marker"] = ""
    return ax.plot(x, y, **s)


def errorbar(ax, x, y, err, model: str, **kw):
    """Estimated points with error bars (err: one standard error, or (lower, upper))."""
    s = style(model, **kw)
    s.setdefault("linestyle", "none")
    if "linestyle" not in kw:
        s["linestyle"] = "none"
    return ax.errorbar(x, y, yerr=err, elinewidth=0.8, **s)


def band(ax, x, y, err=None, lo=None, hi=None, model: str = "sgd", alpha: float = 0.25,
         nsigma: float = 1.0, **kw):
    """A curve with a shaded band: y ± nsigma·err, or [lo, hi]."""
    s = style(model, **kw)
    s["marker"] = kw.get("marker", "")
    (ln,) = ax.plot(x, y, **s)
    x, y = np.asarray(x), np.asarray(y)
    if err is not None:
        lo, hi = y - nsigma * np.asarray(err), y + nsigma * np.asarray(err)
    if lo is not None and hi is not None:
        ax.fill_between(x, lo, hi, color=s["color"], alpha=alpha, linewidth=0)
    return ln


def hist_density(ax, edges, counts, model: str, errors: bool = True, **kw):
    """A histogram given as bin edges and raw counts, drawn as a normalised density (step line)
    with ±1 standard-error bars per bin (multinomial: sqrt(n p (1 − p)))."""
    edges = np.asarray(edges, float)
    counts = np.asarray(counts, float)
    n = counts.sum()
    if n <= 0:
        fail("histogram with no samples")
    w = np.diff(edges)
    dens = counts / (n * w)
    s = style(model, **kw)
    s["marker"] = ""
    ax.stairs(dens, edges, color=s["color"], linestyle=s["linestyle"], label=s["label"],
              linewidth=kw.get("linewidth", 1.0))
    if errors:
        p = counts / n
        se = np.sqrt(n * p * (1 - p)) / (n * w)
        mid = 0.5 * (edges[1:] + edges[:-1])
        ax.errorbar(mid, dens, yerr=se, linestyle="none", marker="", color=s["color"],
                    elinewidth=0.6, capsize=0)
    return dens


def sequential(n: int, cmap: str = "cividis"):
    """n colours from a perceptually uniform, colour-blind-safe colour map (for parameter sweeps)."""
    return [plt.get_cmap(cmap)(v) for v in np.linspace(0.05, 0.9, max(n, 1))]


def panel_label(ax, text: str, loc=None):
    """(a), (b) … just above the upper left corner of a panel, outside the data area (a label
    inside the axes ends up on some data point or legend sooner or later); loc = (x, y) in axes
    coordinates puts it there instead (upper-left anchored)."""
    if loc is None:
        ax.text(0.0, 1.015, text, transform=ax.transAxes, ha="right", va="bottom", fontweight="bold")
    else:
        ax.text(*loc, text, transform=ax.transAxes, ha="left", va="top", fontweight="bold")


# ---- writing -------------------------------------------------------------------------------------
def save(fig, name: str) -> list[Path]:
    """Writes <figures>/<name>.pdf (for the paper) and <name>.png (150 dpi, README / viewing),
    prints their paths ("wrote <path>", read by the tests) and closes the figure."""
    CTX.figures.mkdir(parents=True, exist_ok=True)
    out = []
    for ext, meta in (("pdf", {"CreationDate": None, "Creator": "sgdsde"}), ("png", {"Software": "sgdsde"})):
        path = CTX.figures / f"{name}.{ext}"
        fig.savefig(path, metadata=meta)
        out.append(path)
        print(f"wrote {path}")
    plt.close(fig)
    CTX.written.extend(out)
    return out
