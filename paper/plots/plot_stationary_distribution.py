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
for g, model in (("/sgd/%s/histogram" % cs, "sgd"), ("/sde/%s/em/histogram" % cs, "sde_em"),
                 ("/sde/%s/lm/histogram" % cs, "sde_lm")):
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
for g, model in (("/sgd/%s/histogram" % cs, "sgd"), ("/sde/%s/em/histogram" % cs, "sde_em")):
    S.hist_density(bx, S.read(f, g + "/edges_x"), S.read(f, g + "/counts"), model,
                   label="SGD" if model == "sgd" else "SME (Euler–Maruyama)")
S.line(bx, S.read(f, "/fokker_planck/%s/x" % cs), S.read(f, "/fokker_planck/%s/density" % cs), "fp",
       label=r"FP, $D=\eta\Sigma_B(\theta)/2$")
Ti = S.need_attr(f, "/theory/" + cs, "T_iso")
e, p = density_of("/theory/%s/gibbs_T_iso" % cs)
S.line(bx, centres(e), p, "gibbs", label=rf"Gibbs at $\bar T=\mathbb{{E}}_{{p_\infty}}D={Ti:.3g}$")
bx.axvline(S.need_attr(f, "/theory/" + cs, "barrier"), color="0.6", lw=0.6, ls="--", label="barrier")
bx.set_xlabel(S.label["theta"])
bx.set_ylabel(S.label["density"])
bx.set_title("label noise: flat (left) vs sharp (right) minimum", fontsize="medium")
bx.set_ylim(0, 1.9)
bx.legend(fontsize="x-small", loc="upper right", frameon=False)
S.panel_label(bx, "(b)")
S.save(fig, "stationary_distribution_double_well")

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
    im = a.pcolormesh(ex, ey, z.T, cmap="cividis", vmin=0, vmax=vmax, shading="flat")
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
