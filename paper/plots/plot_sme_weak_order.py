#!/usr/bin/python3
"""sme_weak_order: weak errors of gradient flow, SME-1 and SME-2 against SGD vs eta (theta, theta^2, noise-induced variance), with order fits."""
import numpy as np
import sgdsde_style as S

args = S.cli(__doc__.splitlines()[0])
f = S.open_results()
eta = np.asarray(S.read(f, "/sgd/eta"))
models = [("gradient_flow", "gd", "GF"), ("sme1", "sde_em", "SME-1"), ("sme2", "sme2", "SME-2")]
panels = [("theta", r"$\varphi(\theta)=\theta$", r"$|\mathbb{E}\,\theta_K-\mathbb{E}\,\Theta_{K\eta}|$"),
          ("theta2", r"$\varphi(\theta)=\theta^2$", r"$|\mathbb{E}\,\theta_K^2-\mathbb{E}\,\Theta_{K\eta}^2|$"),
          ("var", r"noise-induced variance $V$ (GF: $V=0$)", r"$|V_{\mathrm{SGD}}-V_{\mathrm{model}}|$")]

fig, axes = S.figure(ncols=3, width="page", aspect=1.25)
xx = np.geomspace(eta.min(), eta.max(), 60)
for ax, (fn, title, ylabel) in zip(axes, panels):
    for m, style, name in models:
        g = f"/summary/{fn}/{m}"
        e = np.abs(np.asarray(S.read(f, g + "/weak_error")))
        se = np.asarray(S.read(f, g + "/std_error"))
        p, sp = S.need_attr(f, g, "slope"), S.need_attr(f, g, "slope_se")
        c2 = S.need_attr(f, g, "chi2_per_dof")
        pred = S.need_attr(f, g, "predicted_order")
        S.errorbar(ax, eta, e, 5 * se, style,
                   label=f"{name}: ${p:.3f}\\pm{sp:.2g}$ ({pred:g}); {c2:.2g}")
        # the fitted model ln|e| = a + p ln eta + c1 eta + c2 eta^2
        c = np.asarray(S.read(f, g + "/order_fit_coefficients"))
        ln_fit = c[0] + c[1] * np.log(xx) + sum(c[1 + k] * xx ** k for k in range(1, len(c) - 1))
        S.line(ax, xx, np.exp(ln_fit), style, alpha=0.5, linewidth=0.8, label=None)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(S.label["eta"])
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=7)
    # below the panel: the error curves reach every corner of it at one profile or another
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.24), fontsize=5,
              title="order $\\pm$ s.e. (predicted); $\\chi^2/\\nu$", title_fontsize=5)
S.save(fig, "sme_weak_order")
