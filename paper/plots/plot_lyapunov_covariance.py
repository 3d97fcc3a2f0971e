#!/usr/bin/python3
"""lyapunov_covariance: SGD's stationary variances S_jj vs h_j against the discrete and continuous Lyapunov solutions."""
import numpy as np
import sgdsde_style as S

args = S.cli(__doc__.splitlines()[0])
f = S.open_results()
eta = S.need_attr(f, "/sgd", "eta")
B = S.need_attr(f, "/sgd", "batch")
h = np.asarray(S.read(f, "/theory/d100/curvatures"))
diag = lambda p: np.diag(np.asarray(S.read(f, p)))
S_sgd, se_sgd = diag("/sgd/d100/covariance"), diag("/sgd/d100/covariance_se")
S_sde, se_sde = diag("/sde/d100/covariance"), diag("/sde/d100/covariance_se")
S_disc, S_cont = diag("/theory/d100/discrete_lyapunov"), diag("/theory/d100/continuous_lyapunov")

fig, (a0, a1) = S.figure(ncols=2, width="page", height=2.5)
# (a) S_jj h_j (so the continuous solution is flat), log h
for ax in (a0,):
    S.errorbar(ax, h, S_sgd * h, se_sgd * h, "sgd", label=f"SGD ($\\eta={eta:g}$, $B={B}$)", markersize=2)
    S.errorbar(ax, h, S_sde * h, se_sde * h, "sde_em", label="SDE (Euler–Maruyama, small $dt$)", markersize=2)
    S.line(ax, h, S_disc * h, "theory", linestyle="-", label=r"discrete Lyapunov $S=(I-\eta H)S(I-\eta H)^\top+\eta^2\Sigma_B$")
    S.line(ax, h, S_cont * h, "gibbs", label=r"continuous Lyapunov $HS+SH=\eta\Sigma_B$")
    ax.set_xscale("log")
    ax.set_xlabel(S.label["h_j"])
    ax.set_ylabel(r"$h_j\,S_{jj}$")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=1, fontsize=6)  # data fill the panel
    ax.set_title("(a) $d=100$, diagonal $H$: variances times curvature")
# (b) relative gap S_jj/S_cont − 1 vs η h_j: measured vs ηh/(2 − ηh)
g = S_sgd / S_cont - 1
gse = se_sgd / S_cont
S.errorbar(a1, eta * h, g, gse, "sgd", label="SGD, $d=100$")
S.line(a1, eta * h, S_disc / S_cont - 1, "theory", linestyle="-", label=r"predicted $\eta h/(2-\eta h)$")
S.line(a1, eta * h, np.zeros_like(h), "gibbs", label="continuous (SME): no gap")
m = S.need_attr(f, "/theory/d2", "stiff_direction_relative_gap_measured")
p = S.need_attr(f, "/theory/d2", "stiff_direction_relative_gap_predicted")
H2 = np.asarray(S.read(f, "/theory/d2/H"))
hmax = np.linalg.eigvalsh(H2).max()
a1.plot([eta * hmax], [m], marker="*", ms=7, ls="none", color=S.CYCLE[2], label="SGD, $d=2$ stiff direction")
a1.set_xlabel(r"$\eta h_j$")
a1.set_ylabel(r"$S_{jj}/S^{\rm cont}_{jj}-1$")
a1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, fontsize=6)
a1.set_title("(b) the $O(\\eta)$ gap between SGD and the SME")
S.save(fig, "lyapunov_covariance")
