#!/usr/bin/python3
"""flat_vs_sharp: flat-basin occupation and escape-time ratio vs eta/B, relaxation, activated regime, illustration."""
import numpy as np
import sgdsde_style as S

args = S.cli(__doc__.splitlines()[0])
f = S.open_results()

eta = S.need_attr(f, "/sgd", "eta")
x = np.asarray(S.read(f, "/theory/B_over_eta"))
eob = np.asarray(S.read(f, "/theory/eta_over_B"))
order = np.argsort(eob)
# The SME run by Euler-Maruyama: at dt = eta it is SGD's own Gaussian chain, and is named so.
dt_sde = S.need_attr(f, "/sde", "dt")
sde_label = (r"SGD's Gaussian chain (EM, $dt=\eta$)" if abs(dt_sde - eta) <= 1e-12 * eta
             else rf"SME SDE (EM, $dt={dt_sde / eta:g}\,\eta$)")

# ---- occupation of the flat basin vs eta/B ----------------------------------------------------
fig, ax = S.figure()
S.errorbar(ax, eob, S.read(f, "/sgd/flat_occupation"), S.read(f, "/sgd/flat_occupation_se"), "sgd")
S.errorbar(ax, eob * 1.02, S.read(f, "/sde/flat_occupation"), S.read(f, "/sde/flat_occupation_se"), "sde_em",
           label=sde_label)
S.line(ax, eob[order], np.asarray(S.read(f, "/theory/flat_mass_stationary"))[order], "fp",
       label=r"Fokker–Planck, $p_\infty\propto e^{-\Phi}/D$")
S.line(ax, eob[order], np.asarray(S.read(f, "/theory/flat_mass_chain"))[order], "theory",
       linestyle="--", label=r"Gaussian chain at $dt=\eta$")
S.line(ax, eob[order], np.asarray(S.read(f, "/theory/flat_mass_gibbs_isotropic"))[order], "gibbs",
       label=r"isotropic Gibbs at $T_{\rm iso}=D(-1)$")
ax.axhline(S.need_attr(f, "/theory", "gibbs_low_T_flat_mass"), color="0.6", lw=0.6, ls=(0, (1, 2)),
           label=r"isotropic Gibbs, $T\to0$: $\frac{\sqrt{H_s/H_f}}{1+\sqrt{H_s/H_f}}$")
ax.set_xlabel(S.label["eta_over_B"])
ax.set_ylabel(S.label["flat_fraction"])
ax.set_ylim(0.5, 1.0)
# below the axes: every corner of the panel holds data at some eta/B
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize=6, handlelength=1.8,
          columnspacing=1.0)
S.save(fig, "flat_vs_sharp_occupation")

# ---- ln(tau_flat / tau_sharp) vs B/eta ----------------------------------------------------------
def ratio(g):
    a, ase = np.asarray(S.read(f, g + "/tau_flat")), np.asarray(S.read(f, g + "/tau_flat_se"))
    b, bse = np.asarray(S.read(f, g + "/tau_sharp")), np.asarray(S.read(f, g + "/tau_sharp_se"))
    return np.log(a / b), np.hypot(ase / a, bse / b)

fig, ax = S.figure()
xs = np.sort(x)
for g, model, lab in (("/sgd", "sgd", "SGD"), ("/sde", "sde_em", sde_label),
                      ("/isotropic", "iso", r"isotropic Langevin, $T_{\rm iso}=D(-1)$")):
    r, rse = ratio(g)
    S.errorbar(ax, x, r, rse, model, label=lab)
    a, b = S.need_attr(f, g, "ln_ratio_intercept"), S.need_attr(f, g, "ln_ratio_slope")
    ax.plot(xs, a + b * xs, color=S.style(model)["color"], lw=0.6, alpha=0.6)
ax.plot([], [], color="0.45", lw=0.6, alpha=0.6, label="weighted linear fits (thin, same colours)")
q = np.log(np.asarray(S.read(f, "/theory/tau_flat_quadrature")) / np.asarray(S.read(f, "/theory/tau_sharp_quadrature")))
qi = np.log(np.asarray(S.read(f, "/theory/tau_flat_isotropic_quadrature")) /
            np.asarray(S.read(f, "/theory/tau_sharp_isotropic_quadrature")))
o = np.argsort(x)
S.line(ax, x[o], q[o], "fp", label=r"MFPT quadrature, $D=\eta\Sigma_B/2$")
S.line(ax, x[o], qi[o], "gibbs", label=r"MFPT quadrature, $D=T_{\rm iso}$")
Hf, Hs = S.need_attr(f, "/theory", "H_flat"), S.need_attr(f, "/theory", "H_sharp")
ax.axhline(0.5 * np.log(Hs / Hf), color="0.6", lw=0.6, ls=(0, (1, 2)),
           label=r"Kramers, isotropic: $\frac{1}{2}\ln(H_s/H_f)$")
ax.set_xlabel(r"$B/\eta$")
ax.set_ylabel(r"$\ln(\tau_{\rm flat}/\tau_{\rm sharp})$")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize=6, handlelength=1.8,
          columnspacing=1.0)
S.save(fig, "flat_vs_sharp_escape_ratio")

# ---- relaxation from the sharp minimum: flat-basin fraction vs t / t_rel ------------------------
tt = np.asarray(S.read(f, "/theory/occupation_times"))  # (snapshots + end) x points
trel = np.asarray(S.read(f, "/theory/t_rel_plan"))
occ, occse = np.asarray(S.read(f, "/sgd/flat_occupation_t")), np.asarray(S.read(f, "/sgd/flat_occupation_t_se"))
chain_t, fp_t = np.asarray(S.read(f, "/theory/flat_mass_chain_t")), np.asarray(S.read(f, "/fokker_planck/flat_mass_t"))
batch = np.asarray(S.read(f, "/theory/batch"))
fig, ax = S.figure()
for i in np.argsort(batch):
    u = np.concatenate([[0.0], tt[:, i] / trel[i]])
    c = S.CYCLE[int(i) % len(S.CYCLE)]
    ax.errorbar(tt[:, i] / trel[i], occ[:, i], yerr=5 * occse[:, i], color=c, marker="o", ms=3, ls="none",
                elinewidth=0.8, label=f"SGD, $B={batch[i]:g}$ (bars: 5 se)")
    ax.plot(u, np.concatenate([[0.0], fp_t[:, i]]), color=c, lw=0.8)
    ax.plot(u, np.concatenate([[0.0], chain_t[:, i]]), color=c, lw=0.8, ls="--")
ax.plot([], [], color="0.3", lw=0.8, label=r"Fokker–Planck $p(\theta,t)$ (lines through the snapshots)")
ax.plot([], [], color="0.3", lw=0.8, ls="--", label=r"Gaussian chain at $dt=\eta$")
ax.set_xlabel(r"$t/t_{\rm rel}$, $t_{\rm rel}=1/(1/\tau_{\rm flat}+1/\tau_{\rm sharp})$")
ax.set_ylabel(S.label["flat_fraction"])
ax.set_ylim(0.0, 1.0)
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize=6, handlelength=1.8,
          columnspacing=1.0)
S.save(fig, "flat_vs_sharp_relaxation")

# ---- activated regime: escape times vs Delta L / D, SGD against quadrature, chain and Xie --------
if "activated" in f:
    fig, ax = S.figure()
    for well, mk in (("flat", "o"), ("sharp", "s")):
        dl = np.asarray(S.read(f, f"/activated/barrier_over_D_{well}"))
        o = np.argsort(dl)
        t = np.asarray(S.read(f, f"/activated/sgd_tau_{well}"))
        tse = np.asarray(S.read(f, f"/activated/sgd_tau_{well}_se"))
        S.errorbar(ax, dl, np.log(t), 5 * tse / t, "sgd", marker=mk, label=f"SGD, {well} well (bars: 5 se)")
        S.line(ax, dl[o], np.log(np.asarray(S.read(f, f"/activated/tau_{well}_quadrature")))[o], "fp", markers=True,
               marker=mk, mfc="none", label=f"exact quadrature, {well}")
        S.line(ax, dl[o], np.log(np.asarray(S.read(f, f"/activated/tau_{well}_chain")))[o], "em_chain",
               linestyle="--", label=f"Gaussian chain, {well}")
        S.line(ax, dl[o], np.log(np.asarray(S.read(f, f"/activated/tau_{well}_xie")))[o], "theory", markers=True,
               marker=mk, mfc="none", label=f"Xie et al., {well}")
    ax.set_xlabel(r"$\Delta L/D(m)$ at the minimum left")
    ax.set_ylabel(r"$\ln\tau$")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize=6, handlelength=1.8,
              columnspacing=1.0)
    S.save(fig, "flat_vs_sharp_activated")

# ---- illustration: L, D(θ), stationary densities and SGD trajectories ---------------------------
th = np.asarray(S.read(f, "/landscape/theta"))
L = np.asarray(S.read(f, "/landscape/loss"))
tr = np.asarray(S.read(f, "/sgd/trajectories"))
B = S.need_attr(f, "/sgd/trajectories", "batch")
fig, (a0, a1) = S.figure(ncols=1, nrows=2, aspect=0.5, sharex=True)
a0.plot(th, L, color="k", lw=1.0, label=r"$L(\theta)$")
a0.set_ylabel(S.label["loss"])
a0.set_ylim(-0.05, 3 * S.need_attr(f, "/theory", "barrier_height"))
a0b = a0.twinx()
a0b.spines["right"].set_visible(True)
S.line(a0b, th, S.read(f, "/landscape/p_stationary"), "fp", label=r"$p_\infty\propto e^{-\Phi}/D$")
S.line(a0b, th, S.read(f, "/landscape/p_gibbs"), "gibbs", label=r"Gibbs, $T_{\rm iso}=D(-1)$")
a0b.set_ylabel(S.label["p_inf"])
h0, l0 = a0.get_legend_handles_labels()
h1, l1 = a0b.get_legend_handles_labels()
a0.legend(h0 + h1, l0 + l1, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=6)
k = np.arange(tr.shape[1])
stride = max(1, tr.shape[1] // 4000)
for p in range(min(2, tr.shape[0])):
    a1.plot(tr[p, ::stride], k[::stride] * eta, lw=0.4, color=S.CYCLE[p % len(S.CYCLE)], alpha=0.8)
a1.set_xlabel(S.label["theta"])
a1.set_ylabel(S.label["t"])
a1.set_title(f"SGD trajectories, $\\eta={eta:g}$, $B={B}$ (flat minimum at $-1$, sharp at $+1$)", fontsize=7)
S.save(fig, "flat_vs_sharp_landscape")  # not illustrations_…: that one is plot_illustrations.py's
