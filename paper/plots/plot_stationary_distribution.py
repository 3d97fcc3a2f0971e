#!/usr/bin/python3
"""stationary_distribution: SGD and SDE stationary histograms vs Fokker-Planck and Gibbs at T = eta sigma^2/(2B)."""
import numpy as np
import sgdsde_style as S

args = S.cli(__doc__.splitlines()[0])
f = S.open_results()


def density_of(path):
    """Bin masses of a probabilities group as a density on its edges."""
    e = np.asarray(S.read(f, path + "/edges_x"), float)
    p = np.asarray(S.read(f, path + "/probabilities"), float)
    return e, p / p.sum() / np.diff(e)


def centres(e):
    return 0.5 * (e[1:] + e[:-1])


# ---- double well: (a) histograms vs FP / Gibbs / wrong T, (b) label noise vs exp(-Phi)/D and Gibbs ----
cs = "double_well_additive"
T = S.need_attr(f, "/theory/" + cs, "T")
Tw = S.need_attr(f, "/theory/" + cs, "T_wrong")
eta = S.need_attr(f, "/theory/" + cs, "eta")
B = S.need_attr(f, "/theory/" + cs, "B")
fig, (ax, bx) = S.figure(ncols=2, width="page", aspect=0.85)
peak = 0.0
for g, model in (("/sgd/%s/histogram" % cs, "sgd"), ("/sde/%s/lm/histogram" % cs, "sde_lm")):
    peak = max(peak, S.hist_density(ax, S.read(f, g + "/edges_x"), S.read(f, g + "/counts"), model).max())
S.line(ax, S.read(f, "/fokker_planck/%s/x" % cs), S.read(f, "/fokker_planck/%s/density" % cs), "fp",
       label=f"Fokker–Planck, $T={T:.3g}$")
e, p = density_of("/theory/%s/gibbs" % cs)
S.line(ax, centres(e), p, "gibbs", label=r"Gibbs $e^{-L/T}$, $T=\eta\sigma^2/(2B)$")
g = "/sde/%s/wrong_T/histogram" % cs
S.hist_density(ax, S.read(f, g + "/edges_x"), S.read(f, g + "/counts"), "wrong_T", errors=False,
               label=rf"SDE at seed's $T=\sigma^2/\eta={Tw:.0f}$")
ax.set_xlabel(S.label["w"])
ax.set_ylabel(S.label["density"])
ax.set_title(rf"$L=w^4-2w^2$, $\eta={eta:g}$, $B={B}$", fontsize="medium")
ax.set_ylim(0, max(1.9, 1.8 * peak))  # room for the legend above the peaks
ax.legend(fontsize="x-small", loc="upper right", ncol=2, frameon=False)
S.panel_label(ax, "(a)")

cs = "label_noise"
for g, model in (("/sgd/%s/histogram" % cs, "sgd"),):
    S.hist_density(bx, S.read(f, g + "/edges_x"), S.read(f, g + "/counts"), model, label="SGD")
S.line(bx, S.read(f, "/fokker_planck/%s/x" % cs), S.read(f, "/fokker_planck/%s/density" % cs), "fp",
       label=r"FP, $D=\eta\Sigma_B(\theta)/2$")
Ti = S.need_attr(f, "/theory/" + cs, "T_iso")
e, p = density_of("/theory/%s/gibbs_T_iso" % cs)
S.line(bx, centres(e), p, "gibbs", label=rf"Gibbs at $\bar T=\mathbb{{E}}_{{p_\infty}}D={Ti:.3g}$")
# the barrier line stops below the legend (upper right), which it would otherwise cross
bx.axvline(S.need_attr(f, "/theory/" + cs, "barrier"), ymax=0.6, color="0.6", lw=0.6, ls="--", label="barrier")
bx.set_xlabel(S.label["theta"])
bx.set_ylabel(S.label["density"])
bx.set_title("label noise: flat (left) vs sharp (right) minimum", fontsize="medium")
bx.set_ylim(0, 1.9)
bx.legend(fontsize="x-small", loc="upper right", frameon=False)
S.panel_label(bx, "(b)")
S.save(fig, "stationary_distribution_double_well")

# ---- the relaxation from one point: lower-basin mass vs time, SGD and SDE against the chain and FP ----
fig, axs = S.figure(ncols=2, width="page", aspect=0.8)
for a, cs, what in ((axs[0], "double_well_additive", "left-well mass"), (axs[1], "label_noise", "flat-basin mass")):
    tg = "/theory/" + cs
    times = list(np.asarray(S.read(f, tg + "/snapshot_times"), float))
    split = 0.0 if cs == "double_well_additive" else S.need_attr(f, tg, "barrier")

    def lower(edges, mass, below=0.0, above=0.0):
        e = np.asarray(edges, float)
        m = np.asarray(mass, float)
        ib = min(max(int(np.floor((split - e[0]) / (e[1] - e[0]))), 0), len(m) - 1)
        frac = (split - e[ib]) / (e[1] - e[0])
        return (below + m[:ib].sum() + frac * m[ib]) / (below + m.sum() + above)

    def hist_lower(g):
        c = np.asarray(S.read(f, g + "/counts"), float)  # in range (out of range: negligible here)
        m = lower(S.read(f, g + "/edges_x"), c)
        return m, np.sqrt(m * (1 - m) / c.sum())

    sgd = [hist_lower("/sgd/%s/snapshots/%d/histogram" % (cs, j)) for j in range(len(times))]
    sde = [hist_lower("/sde/%s/em_small_dt/snapshots/%d/histogram" % (cs, j)) for j in range(len(times))]
    # SGD's reference: its exact chain where its noise is a finite set of shifts, else the Gaussian one.
    exact = ("%s/snapshots/0/sgd_chain" % tg) in f
    ref = "sgd_chain" if exact else "em_chain"
    ch = [lower(S.read(f, "%s/snapshots/%d/%s/edges_x" % (tg, j, ref)),
                S.read(f, "%s/snapshots/%d/%s/probabilities" % (tg, j, ref))) for j in range(len(times))]
    fp = [lower(S.read(f, "/fokker_planck/%s/snapshots/%d/edges_x" % (cs, j)),
                S.read(f, "/fokker_planck/%s/snapshots/%d/probabilities" % (cs, j))) for j in range(len(times))]
    # The end of the run (relaxed): SGD's final histogram, its chain's law then, the stationary FP law.
    t_end = S.need_attr(f, tg, "time")
    sgd_end = hist_lower("/sgd/%s/histogram" % cs)
    ch_end = lower(S.read(f, "%s/%s/edges_x" % (tg, ref)), S.read(f, "%s/%s/probabilities" % (tg, ref)))
    fp_end = lower(S.read(f, "/fokker_planck/%s/stationary/edges_x" % cs),
                   S.read(f, "/fokker_planck/%s/stationary/probabilities" % cs))
    a.errorbar([t_end], [sgd_end[0]], yerr=[5 * sgd_end[1]], fmt="o", ms=3, capsize=2, color=S.style("sgd")["color"])
    a.plot([t_end], [fp_end], "x", color=S.style("fp")["color"], label="stationary Fokker–Planck")
    a.errorbar(times, [m for m, _ in sgd], yerr=[5 * s for _, s in sgd], fmt="o", ms=3, capsize=2,
               color=S.style("sgd")["color"], label="SGD (bars: 5 s.e.)")
    a.errorbar(times, [m for m, _ in sde], yerr=[5 * s for _, s in sde], fmt="s", ms=3, capsize=2, mfc="none",
               color=S.style("sde_em")["color"], label=r"SDE, EM at $dt=\eta/%d$" % round(
                   S.need_attr(f, tg, "eta") / S.need_attr(f, tg, "dt_small")))
    a.plot(times, ch, "-", color=S.style("em_chain")["color"], lw=1, label=(r"SGD's exact chain" if exact else r"EM chain at $dt=\eta$"))
    a.plot(times[-1:] + [t_end], ch[-1:] + [ch_end], ":", color=S.style("em_chain")["color"], lw=0.8,
           label="the same chain, to the end of the run")
    a.plot(times, fp, "--", color=S.style("fp")["color"], lw=1, label="Fokker–Planck $p(\\theta,t)$")
    a.set_xscale("log")
    a.set_xlabel(S.label["t"])
    a.set_ylabel(what)
    a.set_title(cs.replace("_", " ") + ", all particles started at %g" % S.need_attr(f, tg, "start"),
                fontsize="small")
    a.legend(fontsize="x-small", frameon=False, loc="best")
for a, t in zip(axs, "ab"):
    S.panel_label(a, f"({t})")
S.save(fig, "stationary_distribution_relaxation")

# ---- Himmelblau: SGD histogram vs FP density (2-D), and marginals ----
cs = "himmelblau_additive"
T = S.need_attr(f, "/theory/" + cs, "T")
ex = np.asarray(S.read(f, "/sgd/%s/histogram/edges_x" % cs))
ey = np.asarray(S.read(f, "/sgd/%s/histogram/edges_y" % cs))
area = np.diff(ex)[0] * np.diff(ey)[0]
fig, axs = S.figure(ncols=3, width="page", aspect=1.05, constrained_layout=True)
hs = np.asarray(S.read(f, "/sgd/%s/histogram/counts" % cs), float)
he = np.asarray(S.read(f, "/sde/%s/em/histogram/counts" % cs), float)
pf = np.asarray(S.read(f, "/fokker_planck/%s/stationary/probabilities" % cs), float)
vmax = max((hs / hs.sum()).max(), pf.max()) / area
for a, z, title in ((axs[0], hs / hs.sum() / area, "SGD histogram"), (axs[1], pf / area, f"Fokker–Planck, $T={T:.3g}$")):
    im = a.pcolormesh(ex, ey, z.T, cmap="cividis", vmin=0, vmax=vmax, shading="flat",
                      rasterized=True)  # vector cells show hairline seams in PDF viewers
    a.set_aspect("equal")
    a.set_xlabel(S.label["theta1"])
    a.set_ylabel(S.label["theta2"])
    a.set_title(title, fontsize="medium")
fig.colorbar(im, ax=axs[1], fraction=0.046, pad=0.02, label=r"$p(\theta)$")
mx = lambda c: c.sum(axis=1) / c.sum() / np.diff(ex)
S.hist_density(axs[2], ex, hs.sum(axis=1), "sgd")
S.hist_density(axs[2], ex, he.sum(axis=1), "sde_em", errors=False)
S.line(axs[2], centres(ex), mx(pf), "fp")
axs[2].set_xlabel(S.label["theta1"])
axs[2].set_ylabel(r"marginal $p(\theta_1)$")
axs[2].set_ylim(0, 1.6 * mx(pf).max())
axs[2].legend(fontsize="x-small", frameon=False, loc="upper center")
for a, t in zip(axs, "abc"):
    S.panel_label(a, f"({t})")
S.save(fig, "stationary_distribution_himmelblau")

# ---- strongly non-Gaussian (two-point) noise: SGD vs its exact and Gaussian chains, and the κ₃ term ----
cs = "double_well_skewed"
tg = "/theory/" + cs
eta = S.need_attr(f, tg, "eta")
N = S.need_attr(f, tg, "N")
B = S.need_attr(f, tg, "B")
skew = S.need_attr(f, tg, "noise_skewness")
fig, (ax, bx) = S.figure(ncols=2, width="page", aspect=0.85)
g = "/sgd/%s/histogram" % cs
edges = np.asarray(S.read(f, g + "/edges_x"), float)
counts = np.asarray(S.read(f, g + "/counts"), float)
S.hist_density(ax, edges, counts, "sgd", label="SGD (two-point noise)")
e, p_exact = density_of(tg + "/sgd_chain")
S.line(ax, centres(e), p_exact, "theory", label="SGD's exact chain")
e, p_gauss = density_of(tg + "/em_chain")
S.line(ax, centres(e), p_gauss, "em_chain", label=r"Gaussian chain (EM at $dt=\eta$)")
ax.set_xlabel(S.label["w"])
ax.set_ylabel(S.label["density"])
ax.set_title(rf"$L=w^4-2w^2$, $\eta={eta:g}$, $B={B}$, $N={N}$ shifts, skewness ${skew:.2g}$",
             fontsize="medium")
ax.set_ylim(0, 1.5 * max(p_exact.max(), p_gauss.max()))
ax.legend(fontsize="x-small", loc="upper center", frameon=False)
S.panel_label(ax, "(a)")

n = counts.sum()
w = np.diff(edges)
se = np.sqrt(n * (counts / n) * (1 - counts / n)) / (n * w)
S.errorbar(bx, centres(edges), counts / (n * w) - p_gauss, se, "sgd", markersize=2,
           label="SGD $-$ Gaussian chain (±1 s.e.)")
S.line(bx, centres(e), p_exact - p_gauss, "theory", label="exact chain $-$ Gaussian chain")
S.line(bx, S.read(f, tg + "/x"), S.read(f, tg + "/third_cumulant_density_change"), "fp",
       label=r"third-cumulant term $\delta p$ (first order)")
bx.axhline(0.0, color="0.6", lw=0.6)
bx.set_xlabel(S.label["w"])
bx.set_ylabel(r"density change")
bx.set_title(r"$L_{FP}\,\delta p = -\partial^3(\eta^2\kappa_3 p_0/6)$", fontsize="medium")
bx.legend(fontsize="x-small", loc="lower left", frameon=False)
S.panel_label(bx, "(b)")
S.save(fig, "stationary_distribution_skewed")
