#!/usr/bin/python3
"""illustrations: the seed report's figures from real runs (trajectories, gradients, histograms)."""
import numpy as np
from matplotlib.patches import Ellipse
import sgdsde_style as S

args = S.cli(__doc__.splitlines()[0])
f = S.open_results()


def contour(ax, group, levels=20, log=False):
    x, v = S.read(f, group + "/x"), S.read(f, group + "/value")
    y = S.read(f, group + "/y") if group + "/y" in f else x   # square grids store x only
    vv = np.log1p(v - v.min()) if log else v
    ax.contour(x, y, vv.T, levels=levels, colors="0.78", linewidths=0.4)


def ellipse(ax, centre, cov, nsig=2.0, **kw):
    w, V = np.linalg.eigh(cov)
    ang = np.degrees(np.arctan2(V[1, 1], V[0, 1]))
    e = Ellipse(centre, 2 * nsig * np.sqrt(w[1]), 2 * nsig * np.sqrt(w[0]), angle=ang, fill=False, **kw)
    ax.add_patch(e)
    return e


# ---- GD vs SGD on a convex loss -----------------------------------------------------------------
gd = S.read(f, "/sgd/convex/gd_trajectory")
sgd = S.read(f, "/sgd/convex/sgd_trajectory")
fin = S.read(f, "/sgd/convex/final_states")
Sd = S.read(f, "/theory/convex/covariance_discrete")
fig, ax = S.figure()
contour(ax, "/theory/convex/landscape", levels=14)
ax.scatter(fin[0, :1500], fin[1, :1500], s=1, color=S.style("sgd")["color"], alpha=0.15, linewidths=0,
           label="SGD, stationary states")
S.line(ax, gd[0], gd[1], "gd", markers=True, markersize=2, label="GD")
S.line(ax, sgd[0], sgd[1], "sgd", linewidth=0.8, label="SGD, one run")
ellipse(ax, (0, 0), Sd, color="k", ls=":", lw=1.0, label=r"2-s.d. ellipse of $S$ (discrete Lyapunov)")
ax.set_aspect("equal")
ax.set_xlabel(S.label["theta1"])
ax.set_ylabel(S.label["theta2"])
eta, T = S.need_attr(f, "/sgd/convex", "eta"), S.need_attr(f, "/sgd/convex", "T")
ax.set_title(rf"$\eta={eta:g}$, $T={T:g}$", fontsize=7)
leg = ax.legend(loc="lower right", fontsize=5.5)
cloud = (getattr(leg, "legend_handles", None) or leg.legendHandles)[0]  # matplotlib ≥ 3.7 / older
cloud.set_sizes([6.0])  # the cloud's faint dots, made visible in the legend
cloud.set_alpha(0.8)
S.save(fig, "illustrations_gd_vs_sgd_convex")

# ---- exact vs minibatch gradients ---------------------------------------------------------------
SB = S.read(f, "/theory/gradients/sigma_b")
B = S.need_attr(f, "/sgd/gradients", "batch")
fig, ax = S.figure()
contour(ax, "/theory/surface", levels=18)
for i, name in enumerate(S.children(f, "/sgd/gradients")):
    g = f"/sgd/gradients/{name}"
    p, gx, mb = S.read(f, g + "/point"), S.read(f, g + "/exact_gradient"), S.read(f, g + "/minibatch_gradients")
    n = min(mb.shape[1], 40)
    for k in range(n):   # a few minibatch gradients as arrows from the point
        ax.annotate("", xy=(p[0] + mb[0, k], p[1] + mb[1, k]), xytext=(p[0], p[1]),
                    arrowprops=dict(arrowstyle="-", color=S.style("sgd")["color"], lw=0.3, alpha=0.5))
    ax.scatter(p[0] + mb[0, :400], p[1] + mb[1, :400], s=0.8, color=S.style("sgd")["color"], alpha=0.35,
               linewidths=0, label=rf"$g_B$ ($B={B}$)" if i == 0 else None)
    ax.annotate("", xy=(p[0] + gx[0], p[1] + gx[1]), xytext=(p[0], p[1]),
                arrowprops=dict(arrowstyle="-|>", color="k", lw=1.0, mutation_scale=7))
    ellipse(ax, (p[0] + gx[0], p[1] + gx[1]), SB, color="k", ls=":", lw=0.8,
            label=r"2-s.d. ellipse of $\Sigma_B$" if i == 0 else None)
    ax.plot([p[0]], [p[1]], "ko", ms=2)
ax.plot([], [], color="k", lw=1.0, label=r"exact $\nabla L$")
ax.set_aspect("equal")
ax.set_xlim(-3.5, 3.8)
ax.set_ylim(-3.2, 3.2)
ax.set_xlabel(S.label["theta1"])
ax.set_ylabel(S.label["theta2"])
leg = ax.legend(loc="lower left", fontsize=5.5)
cloud = (getattr(leg, "legend_handles", None) or leg.legendHandles)[0]
cloud.set_sizes([6.0])  # the faint dots of g_B, made visible in the legend
cloud.set_alpha(0.8)
S.save(fig, "illustrations_exact_vs_stochastic_gradients")

# ---- 3-D trajectory on the cover surface -------------------------------------------------------------
x, v = S.read(f, "/theory/surface/x"), S.read(f, "/theory/surface/value")
st, gt = S.read(f, "/sgd/surface/sgd_trajectory"), S.read(f, "/sgd/surface/gd_trajectory")
fig = S.figure()[0]
fig.clf()
ax = fig.add_subplot(projection="3d")
X, Y = np.meshgrid(x, x, indexing="ij")
ax.plot_surface(X, Y, v, cmap="cividis", alpha=0.55, linewidth=0, rstride=2, cstride=2, antialiased=True)


def lift(t):
    xx, yy = t[0], t[1]
    # L along the path, from the stored grid (bilinear interpolation)
    from scipy.interpolate import RegularGridInterpolator
    return RegularGridInterpolator((x, x), v)(np.c_[xx, yy]) + 0.02


try:
    zs, zg = lift(st), lift(gt)
except ImportError:  # scipy missing: nearest grid value
    idx = lambda t: np.clip(np.searchsorted(x, t), 0, len(x) - 1)
    zs, zg = v[idx(st[0]), idx(st[1])] + 0.02, v[idx(gt[0]), idx(gt[1])] + 0.02
ax.plot(st[0], st[1], zs, color=S.style("sgd")["color"], lw=0.8, label="SGD")
ax.plot(gt[0], gt[1], zg, color=S.style("gd")["color"], lw=1.2, label="GD")
ax.set_xlabel(S.label["theta1"], labelpad=-6)
ax.set_ylabel(S.label["theta2"], labelpad=-6)
ax.set_zlabel(S.label["loss"], labelpad=-6)
ax.tick_params(pad=-3, labelsize=6)
ax.view_init(elev=38, azim=-60)
ax.legend(loc="upper left", fontsize=6)
S.save(fig, "illustrations_surface3d")

# ---- saddle escape -----------------------------------------------------------------------------------
fig, ax = S.figure()
contour(ax, "/theory/saddle/landscape", levels=16)
names = [n for n in S.children(f, "/sgd/saddle") if n.startswith("sgd_trajectory_")]
for i, n in enumerate(names):
    t = S.read(f, f"/sgd/saddle/{n}")
    S.line(ax, t[0], t[1], "sgd", linewidth=0.7, alpha=0.8, label="SGD from the saddle" if i == 0 else None)
gd0, gdd = S.read(f, "/sgd/saddle/gd_at_saddle"), S.read(f, "/sgd/saddle/gd_from_delta")
S.line(ax, gdd[0], gdd[1], "gd", linestyle="--", linewidth=1.6, label=r"GD from $y_0=\delta$")
ax.plot(gd0[0, -1:], gd0[1, -1:], marker="o", color=S.style("gd")["color"], ls="none", ms=5,
        label="GD from the saddle (stays)")
ye = S.need_attr(f, "/sgd/saddle", "y_escape")
ax.axhline(ye, color="0.4", lw=0.6, ls=":")
ax.axhline(-ye, color="0.4", lw=0.6, ls=":", label=r"$|y| = y_e$")
ax.set_xlim(-0.6, 0.6)
ax.set_xlabel(r"$x$")
ax.set_ylabel(r"$y$")
ax.legend(loc="upper right", fontsize=5.5)
S.save(fig, "illustrations_saddle_escape")

# ---- flat vs sharp -----------------------------------------------------------------------------------
w, Lw = S.read(f, "/theory/flat_sharp/w"), S.read(f, "/theory/flat_sharp/loss")
tt = S.read(f, "/sgd/flat_sharp/time")
fig, (a1, a2) = S.figure(nrows=2, height=3.6, gridspec_kw=dict(height_ratios=[1, 1.6]))
S.line(a1, w, Lw, "theory", linestyle="-", label=r"$L(w)$")
a1.set_ylim(0, 3 * Lw[np.argmin(np.abs(w))] + 0.2)
a1.set_xlabel(S.label["w"])
a1.set_ylabel(S.label["loss"])
y_text = 1.2 * Lw[np.argmin(np.abs(w - S.need_attr(f, "/sgd/flat_sharp", "barrier")))]  # above the barrier
a1.text(-1, y_text, "flat", ha="center", va="bottom", fontsize=7)
a1.text(1, y_text, "sharp", ha="center", va="bottom", fontsize=7)
lab = S.read(f, "/sgd/flat_sharp/label_noise/trajectories")
add = S.read(f, "/sgd/flat_sharp/additive/trajectories")
for i in range(add.shape[0]):
    a2.plot(tt, add[i], color="0.6", lw=0.4, alpha=0.8, label="additive noise (same size at the sharp min.)" if i == 0 else None)
for i in range(lab.shape[0]):
    a2.plot(tt, lab[i], color=S.CYCLE[i % len(S.CYCLE)], lw=0.7,
            label="label noise (one colour per run)" if i == 0 else None)
a2.axhline(S.need_attr(f, "/sgd/flat_sharp", "barrier"), color="k", lw=0.5, ls=":", label="barrier")
fl = S.need_attr(f, "/sgd/flat_sharp/label_noise", "flat_fraction")
fa = S.need_attr(f, "/sgd/flat_sharp/additive", "flat_fraction")
a2.set_title(rf"fraction in the flat basin at the end: label {fl:.2f}, additive {fa:.2f}", fontsize=7)
a2.set_xlabel(S.label["t"])
a2.set_ylabel(S.label["w"])
a2.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, fontsize=5.5)  # the runs fill the panel
S.save(fig, "illustrations_flat_vs_sharp")

# ---- double-well trajectories ------------------------------------------------------------------------
tr, t = S.read(f, "/sgd/double_well/trajectories"), S.read(f, "/sgd/double_well/time")
fig, ax = S.figure(aspect=0.6)
for i in range(tr.shape[0]):
    ax.plot(t, tr[i], color=S.CYCLE[i % len(S.CYCLE)], lw=0.5, alpha=0.9)
for m in (-1, 1):
    ax.axhline(m, color="k", lw=0.5, ls=":", label="minima $w=\\pm1$" if m == 1 else None)
ax.plot([], [], color="0.5", lw=0.5, label="SGD runs (one colour each)")
T = S.need_attr(f, "/sgd/double_well", "T")
eta = S.need_attr(f, "/sgd/double_well", "eta")
ax.set_title(rf"$L(w)=w^4-2w^2$, $T={T:g}$, $\eta={eta:g}$", fontsize=7)
ax.set_xlabel(S.label["t"])
ax.set_ylabel(S.label["w"])
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, fontsize=6)  # the runs fill the panel
S.save(fig, "illustrations_double_well_trajectories")

# ---- long trajectory and its histogram vs Fokker–Planck ---------------------------------------------
head = S.read(f, "/sgd/long/trajectory_head")
fig, ax = S.figure()
contour(ax, "/theory/long/landscape", levels=16)
ax.plot(head[0], head[1], color=S.style("sgd")["color"], lw=0.25, alpha=0.8)
ax.set_aspect("equal")
ax.set_xlabel(S.label["theta1"])
ax.set_ylabel(S.label["theta2"])
ax.set_title(rf"first {head.shape[1] - 1} steps, $T={S.need_attr(f, '/sgd/long', 'T'):g}$", fontsize=7)
S.save(fig, "illustrations_long_trajectory")

ex, ey = S.read(f, "/sgd/long/histogram/edges_x"), S.read(f, "/sgd/long/histogram/edges_y")
counts = np.asarray(S.read(f, "/sgd/long/histogram/counts"), float)
ref = S.read(f, "/fokker_planck/long/stationary/probabilities")
area = np.outer(np.diff(ex), np.diff(ey))
dens = counts / counts.sum() / area
pref = ref / ref.sum() / area
fig, (a1, a2) = S.figure(ncols=2, height=2.0, sharey=True)
vmax = max(dens.max(), pref.max())
a1.pcolormesh(ex, ey, dens.T, vmin=0, vmax=vmax, shading="flat", rasterized=True)  # no seams in PDF
im = a2.pcolormesh(ex, ey, pref.T, vmin=0, vmax=vmax, shading="flat", rasterized=True)
cx, cy = 0.5 * (ex[1:] + ex[:-1]), 0.5 * (ey[1:] + ey[:-1])
for a in (a1, a2):
    a.contour(cx, cy, pref.T, levels=5, colors="w", linewidths=0.4)
    a.set_aspect("equal")
    a.set_xlabel(S.label["theta1"])
a1.set_ylabel(S.label["theta2"])
metric = list(S.read(f, "/sgd/long/distances/metric"))
tv = S.read(f, "/sgd/long/distances/value")[metric.index("tv")]
bound = S.read(f, "/sgd/long/distances/bound")[metric.index("tv")] if "bound" in f["/sgd/long/distances"] else np.nan
neff = S.need_attr(f, "/sgd/long", "n_eff")
a1.set_title(f"SGD histogram\n(TV = {tv:.3f}, bound {bound:.3f}, $n_\\mathrm{{eff}}$ = {neff:.0f})", fontsize=6.5)
a2.set_title("stationary Fokker–Planck", fontsize=6.5)
fig.colorbar(im, ax=a2, fraction=0.06, pad=0.03, label=S.label["density"])
S.save(fig, "illustrations_long_trajectory_histogram")

# ---- low vs high noise on Himmelblau (extra) ---------------------------------------------------------
fig, ax = S.figure()
contour(ax, "/theory/himmelblau/landscape", levels=25, log=True)
for name, model, col in (("high", "sgd", S.style("sgd")["color"]), ("low", "sgd", S.CYCLE[0])):
    t = S.read(f, f"/sgd/himmelblau/{name}/trajectory")
    T = S.need_attr(f, f"/sgd/himmelblau/{name}", "T")
    fr = S.need_attr(f, f"/sgd/himmelblau/{name}", "fraction_left_start_basin")
    S.line(ax, t[0], t[1], model, color=col, linewidth=0.4 if name == "high" else 0.8,
           label=rf"$T={T:g}$ ({100 * fr:.0f}% of runs change basin)")
cp = S.read(f, "/theory/himmelblau/critical_points")
ax.plot(cp[:4, 0], cp[:4, 1], "k*", ms=4, label="minima")
ax.set_aspect("equal")
ax.set_xlabel(S.label["theta1"])
ax.set_ylabel(S.label["theta2"])
ax.legend(loc="lower left", fontsize=5.5)
S.save(fig, "illustrations_himmelblau_noise")
