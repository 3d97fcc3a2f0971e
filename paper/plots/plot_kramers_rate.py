#!/usr/bin/python3
"""kramers_rate: ln E tau vs 1/T for SGD and SDE against the exact MFPT quadrature and Kramers;
the approach to Kramers / Eyring-Kramers (1-D and 2-D); the discrete-monitoring delay."""
import numpy as np
import sgdsde_style as S

args = S.cli(__doc__.splitlines()[0])
f = S.open_results()
T = S.read(f, "/theory/T")
invT = 1.0 / T
o = np.argsort(invT)

fig, ax = S.figure()
S.line(ax, invT[o], np.log(S.read(f, "/theory/tau_quadrature")[o]), "theory", label="exact MFPT quadrature")
S.line(ax, invT[o], np.log(S.read(f, "/theory/tau_kramers")[o]), "gibbs", linestyle="--", label="Kramers $1/k$")
S.line(ax, invT[o], np.log(S.read(f, "/theory/tau_chain_eta")[o]), "sgd", linestyle=":",
       label=r"EM chain at $dt=\eta$ (exact)")
for model, grp, shift in (("sgd", "/sgd", 0.0), ("sde_em", "/sde/em_small", 0.04)):
    m, se = S.read(f, grp + "/mean"), S.read(f, grp + "/std_error")
    lbl = "SGD" if model == "sgd" else rf"SDE, EM $dt={S.need_attr(f, '/theory', 'dt_small'):g}$"
    S.errorbar(ax, invT + shift, np.log(m), se / m, model, label=lbl)
ax.set_xlabel(S.label["inv_T"])
ax.set_ylabel(S.label["log_tau"])
slope = S.need_attr(f, "/sgd", "arrhenius_slope")
slope_se = S.need_attr(f, "/sgd", "arrhenius_slope_se")
ax.text(0.97, 0.05, rf"SGD slope {slope:.3f} $\pm$ {slope_se:.3f}, $\Delta L$ = {S.need_attr(f, '/theory', 'barrier'):g}",
        transform=ax.transAxes, ha="right", fontsize=7)
ax.legend(fontsize=7)
S.save(fig, "kramers_rate_arrhenius")

fig, ax = S.figure()
T_low = S.need_attr(f, "/sgd/escape_time_lowest_T", "T")
edges = S.read(f, "/sgd/escape_time_lowest_T/histogram/edges_x")
S.hist_density(ax, edges, S.read(f, "/sgd/escape_time_lowest_T/histogram/counts"), "sgd")
e2 = S.read(f, "/sde/escape_time_lowest_T/histogram/edges_x")
S.hist_density(ax, e2, S.read(f, "/sde/escape_time_lowest_T/histogram/counts"), "sde_em")
i = int(np.argmin(T))
tau = S.read(f, "/theory/tau_chain_eta")[i]
t = np.linspace(0, edges[-1], 300)
S.line(ax, t, np.exp(-t / tau) / tau, "theory", label=rf"$e^{{-t/\bar\tau}}/\bar\tau$, $\bar\tau$ = EM-chain MFPT = {tau:.0f}")
ax.set_yscale("log")
lo, hi = ax.get_ylim()
ax.set_ylim(lo, hi * (hi / lo) ** 0.45)  # room above the histograms for the legend (upper right)
ax.set_xlabel(S.label["tau"])
ax.set_ylabel("density")
ax.set_title(rf"escape $-1\to+1$ at $T = {T_low:.3g}$", fontsize=8)
ax.legend(fontsize=7)
S.save(fig, "kramers_rate_escape_times")

# ---- approach to the asymptote: tau / tau_Kramers vs T (1-D) and tau / tau_EK (2-D) ----------------
fig, (a1, a2) = S.figure(ncols=2, width="page", aspect=0.8)
tk = S.read(f, "/theory/tau_kramers")
c1 = S.need_attr(f, "/theory", "kramers_c1")
Tl = np.linspace(0.0, T.max() * 1.05, 100)
S.line(a1, T[o[::-1]], (S.read(f, "/theory/tau_quadrature") / tk)[o[::-1]], "theory", linestyle="-",
       label="exact quadrature / Kramers")
S.line(a1, Tl, 1 + c1 * Tl, "gibbs", label=rf"$1 + c_1 T$, $c_1 = {c1:.3g}$")
m, se = S.read(f, "/sde/em_small/mean"), S.read(f, "/sde/em_small/std_error")
S.errorbar(a1, T, m / tk, se / tk, "sde_em",
           label=rf"SDE, EM $dt={S.need_attr(f, '/theory', 'dt_small'):g}$")
m, se = S.read(f, "/sgd/mean"), S.read(f, "/sgd/std_error")
S.errorbar(a1, T * 1.015, m / tk, se / tk, "sgd", label=rf"SGD, $\eta = {S.need_attr(f, '/theory', 'eta'):g}$")
a1.axhline(1.0, color="0.6", lw=0.6)
a1.set_xlabel(r"$T$ ($\Delta L = 1$)")
a1.set_ylabel(r"$\mathbb{E}\tau \,/\, \tau_{\mathrm{Kramers}}$")
a1.set_xlim(0, None)
a1.set_title("1-D: $w^4 - 2w^2$", fontsize=8)
# legends below the panels: at the paper profile the runs cover the low temperatures too
a1.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
Tf = S.read(f, "/eyring_kramers/fp/T")
of = np.argsort(Tf)
S.line(a2, Tf[of], S.read(f, "/eyring_kramers/fp/ratio_fp_ek")[of], "fp", marker=".",
       label=r"exact 2-D MFPT (FP) / Eyring–Kramers")
S.line(a2, Tf[of], S.read(f, "/eyring_kramers/fp/ratio_fp_cut")[of], "wrong_T", marker="x",
       label="exact / 1-D Kramers of the cut $y=0$")
icpt = S.need_attr(f, "/eyring_kramers/fp", "intercept")
icpt_cut = S.need_attr(f, "/eyring_kramers/fp", "intercept_cut")
a2.plot([0.0], [icpt], marker="*", color=S.OKABE_ITO["bluish_green"], linestyle="none",
        label=f"extrapolated to $T=0$: {icpt:.3f}")
a2.plot([0.0], [icpt_cut], marker="*", color=S.OKABE_ITO["grey"], linestyle="none",
        label=f"cut, extrapolated: {icpt_cut:.3f}")
Tm = S.read(f, "/eyring_kramers/mc/T")
tek = S.read(f, "/eyring_kramers/mc/tau_eyring_kramers")
m, se = S.read(f, "/eyring_kramers/em_small/mean"), S.read(f, "/eyring_kramers/em_small/std_error")
S.errorbar(a2, Tm, m / tek, se / tek, "sde_em", label="SDE, EM (small $dt$)")
m, se = S.read(f, "/eyring_kramers/sgd/mean"), S.read(f, "/eyring_kramers/sgd/std_error")
S.errorbar(a2, Tm * 1.015, m / tek, se / tek, "sgd", label="SGD")
a2.axhline(1.0, color="0.6", lw=0.6)
a2.set_xlim(-0.01, None)
a2.set_xlabel(r"$T$ ($\Delta L = 1$)")
a2.set_ylabel(r"$\mathbb{E}\tau \,/\, \tau_{\mathrm{EK}}$")
kap, alp = S.need_attr(f, "/eyring_kramers", "kappa"), S.need_attr(f, "/eyring_kramers", "alpha")
a2.set_title(rf"2-D: $(x^2-1)^2 + \frac{{{kap:g}}}{{2}}(1 + {alp:g}x^2)y^2$", fontsize=8)
a2.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
S.save(fig, "kramers_rate_asymptote")

# ---- discrete monitoring: delay of the passage to the barrier top ----------------------------------
fig, ax = S.figure()
d, dse = S.read(f, "/sgd/monitoring_delay"), S.read(f, "/sgd/monitoring_delay_se")
S.errorbar(ax, T, d, dse, "sgd", label=rf"SGD, $\eta={S.need_attr(f, '/theory', 'eta'):g}$")
d, dse = S.read(f, "/sde/em_small/monitoring_delay"), S.read(f, "/sde/em_small/monitoring_delay_se")
S.errorbar(ax, T * 1.015, d, dse, "sde_em", label=rf"EM, $dt={S.need_attr(f, '/theory', 'dt_small'):g}$")
S.line(ax, T[o[::-1]], S.read(f, "/theory/monitoring_delay_bgk_eta")[o[::-1]], "theory",
       label=r"BGK shift $0.5826\sqrt{2T\,dt}$")
S.line(ax, T[o[::-1]], S.read(f, "/theory/monitoring_delay_bgk_dt_small")[o[::-1]], "theory", label="_nolegend_")
S.line(ax, T[o[::-1]], S.read(f, "/theory/monitoring_delay_chain_eta")[o[::-1]], "fp", linestyle="--",
       label="exact chain (seen / bridge)")
S.line(ax, T[o[::-1]], S.read(f, "/theory/monitoring_delay_chain_dt_small")[o[::-1]], "fp", linestyle="--",
       label="_nolegend_")
ax.set_ylim(0, None)
ax.set_xlabel(r"$T$")
ax.set_ylabel(r"delay of $\tau(-1\to 0)$: seen at steps / bridge $- 1$")
ax.legend(fontsize=6)
S.save(fig, "kramers_rate_monitoring")
