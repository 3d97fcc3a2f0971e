#!/usr/bin/python3
"""landscape_atlas: every landscape of the library on its box, contours of L with the critical
points marked by kind (minimum, saddle, maximum) — the methods section's atlas figure.

Reads results/landscape_atlas.h5 (experiments/landscape_atlas.cpp, docs/results-schema.md):
/landscapes/<name>/{x[, y], value, gradient, critical_points/{location, kind}} with attributes
dim, box_lo, box_hi (and slice_axes, slice_origin for d > 2, sampled on the (θ1, θ2) plane);
value[i, j] = L(x_i, y_j), gradient[k, i, j] = ∂_k L(x_i, y_j).
Writes landscape_atlas.pdf/.png (landscapes sampled on a plane) and landscape_atlas_1d.pdf/.png
(1-D landscapes).
"""
import numpy as np

import sgdsde_style as S

args = S.cli(__doc__.splitlines()[1])
f = S.open_results()

TITLES = {"double_well": "double well", "himmelblau": "Himmelblau", "muller_brown": "Müller–Brown",
          "rosenbrock": "Rosenbrock", "quartic_saddle": "quartic saddle", "flat_sharp_wells":
          "flat and sharp wells", "cover_surface": "cover surface", "quadratic": "quadratic",
          "log_cosh_wells": "log-cosh wells", "rotated_double_wells": "rotated double wells"}
KIND_STYLE = {
    "minimum": dict(marker="o", color=S.OKABE_ITO["blue"], label="minimum", s=22),
    "saddle": dict(marker="X", color=S.OKABE_ITO["vermillion"], label="saddle", s=28),
    "maximum": dict(marker="^", color=S.OKABE_ITO["orange"], label="maximum", s=24),
}

names = S.children(f, "/landscapes")
if not names:
    S.fail(f"{S._fname(f)}: '/landscapes' holds no landscape — run the experiment first")


def title(name):
    g = f"/landscapes/{name}"
    t = TITLES.get(name, name.replace("_", " "))
    d = int(S.need_attr(f, g, "dim"))
    return t + (f" ($d={d}$, slice)" if d > 2 else "")


def critical_points(name, dim):
    """[(location (dim,), kind)] of the critical points lying on the sampled plane / line."""
    g = f"/landscapes/{name}/critical_points"
    if f"{g}/location" not in f:
        return []
    loc = np.asarray(S.read(f, f"{g}/location"), float).reshape(-1, dim)
    kinds = S.read(f, f"{g}/kind")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    if dim > 2:
        origin = np.asarray(S.need_attr(f, f"/landscapes/{name}", "slice_origin"), float)
        span = np.asarray(S.need_attr(f, f"/landscapes/{name}", "box_hi"), float) - \
            np.asarray(S.need_attr(f, f"/landscapes/{name}", "box_lo"), float)
        on_plane = np.all(np.abs(loc[:, 2:] - origin[2:]) <= 1e-6 * np.maximum(span[2:], 1), axis=1)
        loc, kinds = loc[on_plane], [k for k, keep in zip(kinds, on_plane) if keep]
    return list(zip(loc, kinds))


def levels_for(z, n=14):
    """Contour levels equally spaced in quantiles of L over the box: Rosenbrock and Müller–Brown
    span orders of magnitude, quantile levels show every basin."""
    zf = z[np.isfinite(z)]
    lv = np.unique(np.quantile(zf, np.linspace(0.0, 0.97, n)))
    return lv if len(lv) > 2 else n


plane = [n for n in names if np.ndim(S.need(f, f"/landscapes/{n}/value", "dataset")) == 2]
line = [n for n in names if np.ndim(S.need(f, f"/landscapes/{n}/value", "dataset")) == 1]

if plane:
    ncols = min(3, len(plane))
    nrows = -(-len(plane) // ncols)
    fig, axes = S.figure(ncols, nrows, width="page", aspect=0.82, squeeze=False)
    seen = {}
    for ax, name in zip(axes.flat, plane):
        g = f"/landscapes/{name}"
        x = np.asarray(S.read(f, f"{g}/x"), float)
        y = np.asarray(S.read(f, f"{g}/y"), float)
        value = np.asarray(S.read(f, f"{g}/value"), float)
        if value.shape != (len(x), len(y)):
            S.fail(f"{S._fname(f)}: {g}/value has shape {value.shape}, expected ({len(x)}, {len(y)})")
        z = value.T  # rows along y for contour
        lv = levels_for(z)
        ax.contourf(x, y, z, levels=lv, cmap="Greys_r", alpha=0.55, extend="max")
        ax.contour(x, y, z, levels=lv, colors="k", linewidths=0.3, alpha=0.6)
        if f"{g}/gradient" in f:  # descent directions −∇L, normalised, on a coarse grid
            gr = np.asarray(S.read(f, f"{g}/gradient"), float)
            if gr.shape == (2, len(x), len(y)):
                step = max(1, len(x) // 11)
                X, Y = np.meshgrid(x[::step], y[::step], indexing="ij")
                u, v = -gr[0, ::step, ::step], -gr[1, ::step, ::step]
                nrm = np.hypot(u, v)
                nrm[nrm == 0] = 1
                ax.quiver(X, Y, u / nrm, v / nrm, color=S.OKABE_ITO["sky_blue"], width=0.005,
                          scale=28, headwidth=3.5, alpha=0.9, zorder=3)
        dim = int(S.need_attr(f, g, "dim"))
        for loc, kind in critical_points(name, dim):
            st = KIND_STYLE.get(kind, KIND_STYLE["minimum"])
            h = ax.scatter(loc[0], loc[1], marker=st["marker"], color=st["color"], s=st["s"],
                           edgecolors="white", linewidths=0.5, zorder=5)
            seen.setdefault(kind, (h, st["label"]))
        ax.set_title(title(name))
        ax.set_xlim(x[0], x[-1])
        ax.set_ylim(y[0], y[-1])
        ax.set_xlabel(S.label["theta1"])
        ax.set_ylabel(S.label["theta2"])
    spare = list(axes.flat)[len(plane):]
    for ax in spare:
        ax.set_axis_off()
    if seen:
        order = [k for k in ("minimum", "saddle", "maximum") if k in seen]
        handles, labels = [seen[k][0] for k in order], [seen[k][1] for k in order]
        if spare:
            spare[0].legend(handles, labels, loc="center", title="critical points")
        else:
            fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(order))
    S.save(fig, "landscape_atlas")

if line:
    fig, ax = S.figure(width="column")
    lo_hi = []
    for i, name in enumerate(line):
        g = f"/landscapes/{name}"
        x = np.asarray(S.read(f, f"{g}/x"), float)
        z = np.asarray(S.read(f, f"{g}/value"), float)
        color = S.CYCLE[i % len(S.CYCLE)]
        ax.plot(x, z, color=color, label=title(name))
        for loc, kind in critical_points(name, 1):
            st = KIND_STYLE.get(kind, KIND_STYLE["minimum"])
            ax.scatter(loc[0], np.interp(loc[0], x, z), marker=st["marker"], color=st["color"],
                       s=st["s"], edgecolors="white", linewidths=0.5, zorder=5)
        cps = [np.interp(loc[0], x, z) for loc, _ in critical_points(name, 1)]
        lo_hi.extend(cps or [z.min(), np.quantile(z, 0.5)])
    lo, hi = min(lo_hi), max(lo_hi)
    r = max(hi - lo, 1.0)
    ax.set_ylim(lo - 0.15 * r, hi + 1.6 * r)  # the wells and their barriers, not the walls
    ax.set_xlabel(S.label["theta"])
    ax.set_ylabel(S.label["loss"])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3)  # the walls fill the top
    S.save(fig, "landscape_atlas_1d")
