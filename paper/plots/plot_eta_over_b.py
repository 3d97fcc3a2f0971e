#!/usr/bin/python3
"""eta_over_b: W1 between SGD stationary laws and Gibbs at a fixed eta/B, vs eta, with the O(eta) prediction."""
import numpy as np
import sgdsde_style as S

args = S.cli(__doc__.splitlines()[0])
f = S.open_results()
g = "/summary/w1_vs_eta"
eta = np.asarray(S.read(f, g + "/eta"))
w1 = np.asarray(S.read(f, g + "/w1"))
se = np.asarray(S.read(f, g + "/w1_se"))
pred = np.asarray(S.read(f, g + "/w1_predicted"))
floor = np.asarray(S.read(f, g + "/floor_mean"))
pair = np.asarray(S.read(f, g + "/w1_to_smallest_eta"))
pair_floor = np.asarray(S.read(f, g + "/w1_to_smallest_eta_floor"))
r = S.need_attr(f, "/theory", "ratio")
T = S.need_attr(f, "/theory", "T")

fig, (ax, bx) = S.figure(ncols=2, width="page", aspect=0.85)
S.errorbar(ax, eta, w1, se, "sgd", label=r"SGD vs Gibbs, $\eta/B$ fixed")
S.line(ax, eta, pred, "theory", markers=True, label=r"predicted: EM chain at $dt=\eta$ vs Gibbs")
S.line(ax, eta, pred + floor, "theory", linestyle="--", color="0.5", label="prediction + sampling floor")
ax.plot(eta, floor, color="0.7", lw=0.8, label="sampling floor (mean)")
S.errorbar(ax, eta, pair, pair_floor, "sde_em", marker="s", label=r"SGD vs smallest-$\eta$ run (± floor)")
ax.set_xlabel(S.label["eta"])
ax.set_ylabel(S.label["W1"])
ax.set_title(rf"$\eta/B={r:g}$, $T={T:.3g}$", fontsize="medium")
ax.set_ylim(bottom=min(0.0, float((w1 - se).min())))
ax.legend(fontsize="x-small", frameon=False, loc="upper left")
S.panel_label(ax, "(a)")

# (b) the histograms of the without-replacement runs and one with-replacement run
peak = 0.0
for name, model, lab in (("with_replacement_B8", "sgd", None),
                         ("without_replacement_uncorrected", "wrong_T", "without repl., uncorrected"),
                         ("without_replacement_corrected", "sde_em", "without repl., corrected")):
    base = "/sgd/" + name
    e = S.read(f, base + "/histogram/edges_x")
    eta_i = S.need_attr(f, base, "eta")
    B_i = S.need_attr(f, base, "B")
    dens = S.hist_density(bx, e, S.read(f, base + "/histogram/counts"), model, errors=False,
                          label=f"{lab or 'with replacement'}: $\\eta={eta_i:g}$, $B={B_i}$")
    peak = max(peak, float(np.max(dens)))
e = np.asarray(S.read(f, "/theory/gibbs/edges_x"))
p = np.asarray(S.read(f, "/theory/gibbs/probabilities"))
S.line(bx, 0.5 * (e[1:] + e[:-1]), p / p.sum() / np.diff(e), "gibbs")
bx.set_xlim(0.3, 1.7)
bx.set_xlabel(S.label["w"])
bx.set_ylabel(S.label["density"])
# room above the highest histogram (the uncorrected run's is narrower and taller) for the legend
bx.set_ylim(0, 1.6 * max(peak, float((p / p.sum() / np.diff(e)).max())))
bx.legend(fontsize="x-small", loc="upper left", frameon=False)
S.panel_label(bx, "(b)")
S.save(fig, "eta_over_b_w1")
