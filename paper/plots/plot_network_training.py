#!/usr/bin/python3
"""network_training: training loss and test accuracy of the 784-16-16-10 perceptron on Fashion-MNIST, per optimizer."""
import numpy as np
import sgdsde_style as S

args = S.cli(__doc__.splitlines()[0])
f = S.open_results()
names = [n for n in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam") if f"/sgd/{n}/mean" in f]
if not names:
    S.fail("no optimizer curves under /sgd")
M = S.need_attr(f, f"/sgd/{names[0]}", "networks")
fig, (a1, a2) = S.figure(ncols=2, width="page", height=2.6)
for i, n in enumerate(names):
    g = f"/sgd/{n}"
    ep = np.asarray(S.read(f, g + "/epochs"))
    mean = np.asarray(S.read(f, g + "/mean"))
    sd = np.asarray(S.read(f, g + "/sd"))
    lr = S.need_attr(f, g, "learning_rate")
    c = S.CYCLE[i % len(S.CYCLE)]
    se = sd / np.sqrt(M)
    S.band(a1, ep, mean[:, 0], se[:, 0], "sgd", color=c, linestyle="-", linewidth=1.0,
           label=rf"{n} ($\eta={lr:g}$)")
    S.band(a2, ep, mean[:, 3], se[:, 3], "sgd", color=c, linestyle="-", linewidth=1.0, label=None)
a1.set_yscale("log")
a1.set_xlabel("epoch")
a1.set_ylabel("training loss (cross-entropy)")
# below both panels: the curves cross every corner of (a) at one profile or another
fig.legend(*a1.get_legend_handles_labels(), loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=6,
           fontsize=6, frameon=False, handlelength=1.5, columnspacing=1.2)
S.panel_label(a1, "(a)")
a2.set_xlabel("epoch")
a2.set_ylabel("test accuracy")
last = max(float(np.asarray(S.read(f, f"/sgd/{n}/mean"))[-1, 3]) for n in names)
a2.set_ylim(max(0.0, last - 0.25), min(1.0, last + 0.05))
a2.set_title(f"mean of {M} networks, $\\pm 1$ s.e.", fontsize="small")
S.panel_label(a2, "(b)")
S.save(fig, "network_training")
