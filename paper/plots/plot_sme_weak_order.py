#!/usr/bin/python3
"""sme_weak_order: weak error of gradient flow, SME-1 and SME-2 against SGD vs eta, log-log, with fitted slopes."""
import numpy as np
from matplotlib.ticker import NullFormatter
import sgdsde_style as S

args = S.cli(__doc__.splitlines()[0])
f = S.open_results()
eta = np.asarray(S.read(f, "/sgd/eta"))
order = np.asarray(S.read(f, "/theory/predicted_order"))
models = [("gradient_flow", "gd", "gradient flow"), ("sme1", "sde_em", "SME-1"), ("sme2", "sme2", "SME-2")]
phis = [("theta", r"$\varphi(\theta)=\theta$"), ("theta2", r"$\varphi(\theta)=\theta^2$")]

fig, axes = S.figure(ncols=2, width="page", height=3.0)
for ax, (fn, ftex) in zip(axes, phis):
    for (m, style, name), p in zip(models, order):
        g = f"/summary/{fn}/{m}"
        e = np.abs(np.asarray(S.read(f, g + "/weak_error")))
        se = np.asarray(S.read(f, g + "/std_error"))
        b, sb = S.need_attr(f, g, "slope"), S.need_attr(f, g, "slope_se")
        a = S.need_attr(f, g, "intercept")
        S.errorbar(ax, eta, e, 5 * se, style, label=f"{name}: ${b:.3f}\\pm{sb:.4f}$ ({p:g})")
        # the fitted power law and the theoretical order anchored at the smallest eta
        xx = np.geomspace(eta.min(), eta.max(), 50)
        S.line(ax, xx, np.exp(a) * xx ** b, style, alpha=0.5, linewidth=0.8, label=None)
        S.line(ax, xx, e[-1] * (xx / eta[-1]) ** p, "theory", linewidth=0.8, label=None)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(S.label["eta"])
    ax.set_ylabel(r"$|\mathbb{E}\,\varphi(\theta_K) - \mathbb{E}\,\varphi(\Theta_{K\eta})|$")
    ax.set_title(ftex + " (log-cosh wells, additive noise)")
    ax.plot([], [], color="0.45", alpha=0.5, linewidth=0.8, label="fitted power laws (thin, same colours)")
    S.line(ax, [], [], "theory", linewidth=0.8, label=r"$\propto\eta^{p}$ (bars: 5 s.e.)")
    ax.xaxis.set_minor_formatter(NullFormatter())  # minor labels (3×10⁻², 4×10⁻² …) collide
    # below the panel: the three error curves cross every corner of it
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=5.5,
              title="fitted slope (predicted order)", title_fontsize=5.5)
S.save(fig, "sme_weak_order")
