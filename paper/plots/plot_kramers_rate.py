#!/usr/bin/python3
"""kramers_rate: ln E tau vs 1/T for SGD and SDE against the exact MFPT quadrature and Kramers."""
import numpy as np
import sgdsde_style as S

args = S.cli(__doc__.splitlines()[0])
f = S.open_results()
T = S.read(f, "/theory/T")
invT = 1.0 / T
o = np.argsort(invT)

fig, ax = S.figure()
S.line(ax, invT[o], np.log(S.read(f, "/theory/tau_quadrature")[o]), "theory", label="exact quadrature (§5)")
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
S.line(ax, t, np.exp(-t / tau) / tau, "theory", label=rf"$e^{{-t/\bar\tau}}/\bar\tau$, $\bar\tau$ = {tau:.0f}")
ax.set_yscale("log")
ax.set_xlabel(S.label["tau"])
ax.set_ylabel("density")
ax.set_title(rf"escape $-1\to+1$ at $T = {T_low:.3g}$", fontsize=8)
ax.legend(fontsize=7)
S.save(fig, "kramers_rate_escape_times")
