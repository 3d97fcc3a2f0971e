#!/usr/bin/python3
"""schedules_and_optimizers: gradient-norm plateau vs the bound, schedules (SGD vs SDE), optimizers."""
import numpy as np
import sgdsde_style as S

args = S.cli(__doc__.splitlines()[0])
f = S.open_results()

beta = S.need_attr(f, "/theory", "beta")
sigma2 = S.need_attr(f, "/theory", "sigma2")
L_star = S.need_attr(f, "/theory", "L_star")

# ---- plateau: running average of ‖∇L‖² per (η, B) against ηβV/B, V = tr Σ₁ -------------------------------
etas = S.read(f, "/sgd/plateau/eta")
batches = S.read(f, "/sgd/plateau/batch")
plateau_term = S.read(f, "/theory/plateau/plateau_term")
chain = S.read(f, "/theory/plateau/chain_stationary")
stat = S.read(f, "/sgd/plateau/stationary")
stat_se = S.read(f, "/sgd/plateau/stationary_se")
ratio = S.read(f, "/sgd/plateau/eta_over_b")
cols = S.sequential(len(etas))
fig, (ax, ax2) = S.figure(nrows=2, width="column", height=4.4)
for c in range(len(etas)):
    g = f"/sgd/plateau/case_{c}"
    k = np.asarray(S.read(f, g + "/steps"), float)
    m = np.asarray(S.read(f, g + "/grad_norm2_mean"))
    run = np.cumsum(m) / np.arange(1, len(m) + 1)   # running mean over the recorded steps
    lab = rf"$\eta={etas[c]:g}$, $B={int(batches[c])}$"
    ax.plot(np.maximum(k, 1), run, color=cols[c], label=lab, lw=1.0)
    ax.axhline(plateau_term[c], color=cols[c], ls="--", lw=0.7)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel(S.label["k"])
ax.set_ylabel(r"running mean of $\|\nabla L(\theta_k)\|^2$")
ax.legend(fontsize=5.5, loc="lower left", ncol=2, handlelength=1.2)
ax.set_title(r"dashed: the plateau term $\eta\beta V/B$ of the bound, $V=\mathrm{tr}\,\Sigma_1$", fontsize=7)
order = np.argsort(ratio)
S.errorbar(ax2, ratio, stat, stat_se, "sgd", label="SGD (2nd half)")
S.line(ax2, ratio[order], chain[order], "theory", label="exact SGD chain")
S.line(ax2, ratio[order], plateau_term[order], "gibbs", linestyle="--", label=r"$\eta\beta V/B$")
ax2.set_xscale("log")
ax2.set_yscale("log")
ax2.set_xlabel(S.label["eta_over_B"])
ax2.set_ylabel(r"plateau of $\|\nabla L\|^2$")
slope = S.need_attr(f, "/sgd/plateau", "slope")
slope_se = S.need_attr(f, "/sgd/plateau", "slope_se")
ax2.set_title(rf"stationary plateau: log-log slope ${slope:.3f}\pm{slope_se:.3f}$", fontsize=7)
ax2.legend(fontsize=6, loc="upper left")
S.save(fig, "schedules_and_optimizers_plateau")

# ---- schedules: η_k, ‖∇L‖², and the mean loss of SGD vs the SDE with T(t) = η(t)σ²/(2B) -----------
names = S.read(f, "/sgd/schedules/names")
fig, axes = S.figure(nrows=3, width="column", height=4.6, sharex=True)
for i, n in enumerate(names):
    g, gd = f"/sgd/schedules/{n}", f"/sde/schedules/{n}"
    c = S.CYCLE[i % len(S.CYCLE)]
    lr = S.read(f, g + "/lr_all")
    axes[0].plot(np.arange(len(lr)), lr, color=c, label=n.replace("_", " "), lw=1.0)
    k = S.read(f, g + "/steps")
    S.band(axes[1], k, S.read(f, g + "/grad_norm2_mean"), S.read(f, g + "/grad_norm2_se"), "sgd", color=c,
           label=None, linestyle="-", linewidth=0.9)
    S.band(axes[2], k, S.read(f, g + "/loss_mean") - L_star, S.read(f, g + "/loss_se"), "sgd", color=c,
           label=None, linestyle="-", linewidth=0.9)
    axes[2].plot(S.read(f, gd + "/steps"), S.read(f, gd + "/loss_fine_mean") - L_star, color="k",
                 ls=(0, (2, 2)), lw=0.6, label="SDE, $T(t)=\\eta(t)\\sigma^2/(2B)$" if i == 0 else None)
axes[0].set_ylabel(S.label["lr"])
axes[0].legend(fontsize=5.5, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 1.0))
axes[1].set_yscale("log")
axes[1].set_ylabel(r"$\mathbb{E}\,\|\nabla L(\theta_k)\|^2$")
axes[2].set_yscale("log")
axes[2].set_ylabel(r"$\mathbb{E}\,L(\theta_k) - L^*$")
axes[2].set_xlabel(S.label["k"])
axes[2].legend(fontsize=5, loc="upper right")
S.save(fig, "schedules_and_optimizers_schedules")

# ---- optimizers: trajectories on the contour and loss curves -----------------------------------
onames = S.read(f, "/sgd/optimizers/names")
x = S.read(f, "/theory/landscape/x")
V = S.read(f, "/theory/landscape/value")
theta0 = S.need_attr(f, "/theory", "theta0")
fig, (a1, a2) = S.figure(ncols=2, width="page", height=2.6)
a1.contour(x, x, V.T, levels=18, colors="0.75", linewidths=0.4)
for i, n in enumerate(onames):
    g = f"/sgd/optimizers/{n}"
    tr = S.read(f, g + "/trajectories")   # records × d × particles
    c = S.CYCLE[i % len(S.CYCLE)]
    lr = S.need_attr(f, g, "lr")
    if tr.shape[1] >= 2:
        a1.plot(tr[:, 0, 0], tr[:, 1, 0], color=c, lw=0.6, alpha=0.9)
    k = S.read(f, g + "/steps")
    S.band(a2, np.maximum(k, 1), S.read(f, g + "/loss_mean") - L_star, S.read(f, g + "/loss_se"), "sgd", color=c,
           linestyle="-", label=rf"{n} ($\eta={lr:g}$)", linewidth=1.0)
a1.plot([theta0[0]], [theta0[1]], marker="*", color="k", ms=7, ls="none", label=r"start $\theta_0$")
a1.set_xlim(-3.2, 3.2)
a1.set_ylim(-3.6, 1.2)
a1.set_xlabel(S.label["theta1"])
a1.set_ylabel(S.label["theta2"])
a1.legend(loc="upper left", fontsize=6)
a2.set_xscale("log")
a2.set_yscale("log")
a2.set_xlabel(S.label["k"])
a2.set_ylabel(r"$\mathbb{E}\,L(\theta_k) - L^*$")
a2.legend(fontsize=5.5, loc="lower left", ncol=2)
S.save(fig, "schedules_and_optimizers_optimizers")
