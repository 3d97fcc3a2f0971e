#!/usr/bin/python3
"""saddle_escape: escape-time histograms of SGD and SDE vs the predicted law of tau, and E tau vs T."""
import numpy as np
import sgdsde_style as S

args = S.cli(__doc__.splitlines()[0])
f = S.open_results()
T = S.read(f, "/theory/T")
lam = S.need_attr(f, "/theory", "lambda")
ref = int(S.need_attr(f, "/", "reference_T_index"))

# ---- histograms at the reference temperature (closest to 1e-3) -----------------------------------
tag = f"T{ref}"
fig, ax = S.figure()
S.hist_density(ax, S.read(f, f"/sgd/{tag}/histogram/edges_x"), S.read(f, f"/sgd/{tag}/histogram/counts"), "sgd")
S.hist_density(ax, S.read(f, f"/sde/{tag}/histogram/edges_x"), S.read(f, f"/sde/{tag}/histogram/counts"), "sde_em")
S.line(ax, S.read(f, f"/theory/{tag}/density_t"), S.read(f, f"/theory/{tag}/density"), "theory",
       label=r"predicted density of $\tau$ (Langevin, radius $y_e'$)")
gd_steps = S.read(f, "/gd/steps")
gd_delta = S.read(f, "/gd/delta")
eta = S.need_attr(f, "/gd", "eta")
first = True
for d, k in zip(gd_delta, gd_steps):
    if d > 0 and k >= 0 and k * eta <= ax.get_xlim()[1]:
        ax.axvline(k * eta, **S.style("gd", marker="", label=r"GD from $y_0=\delta$" if first else None),
                   linewidth=0.8)
        first = False
        # at the top of the panel, right of the line: the histograms are low away from their mode
        ax.text(k * eta, ax.get_ylim()[1] * 0.98, rf" $\delta$={d:g}", rotation=90, va="top", ha="left",
                fontsize=6, color=S.style("gd")["color"])
ax.set_xlabel(S.label["tau"])
ax.set_ylabel("density")
ax.set_title(rf"$T = {T[ref]:.2g}$, $\lambda = {lam:g}$, start at the saddle", fontsize=8)
ax.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)  # below: GD lines cross the top
S.save(fig, "saddle_escape_histograms")

# ---- E tau vs T --------------------------------------------------------------------------------
fig, ax = S.figure()
Tg = np.geomspace(T.min() / 2, T.max() * 2, 200)
ye = S.need_attr(f, "/theory", "effective_radius_continuous")
S.line(ax, Tg, (np.log(lam * ye**2 / Tg) + np.euler_gamma + np.log(2)) / (2 * lam), "theory",
       label=r"$\frac{1}{2\lambda}(\ln\frac{\lambda y_e'^2}{T}+\gamma_E+\ln 2)$")
S.errorbar(ax, T, S.read(f, "/sgd/mean"), S.read(f, "/sgd/std_error"), "sgd")
S.errorbar(ax, T * 1.08, S.read(f, "/sde/mean"), S.read(f, "/sde/std_error"), "sde_em")
ax.plot(T, S.read(f, "/theory/sgd_mean"), linestyle="none", marker="_", markersize=10,
        color=S.style("sgd")["color"], label="discrete SGD theory")
ax.set_xscale("log")
ax.set_xlabel(S.label["T"])
ax.set_ylabel(S.label["E_tau"])
ax.legend(fontsize=7)
S.save(fig, "saddle_escape_mean_vs_T")
