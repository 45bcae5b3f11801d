"""
==================================================
How sure is a balanced accuracy? Test-set size
==================================================

A balanced accuracy measured on a test set is an estimate, and its precision is
set by the *smallest* class. This example simulates a classifier with known
per-class recalls (0.90 on the majority class, 0.70 on a class ten times
smaller, so a true balanced accuracy of 0.80), evaluates it on test sets of
growing size and draws the 95% intervals of
:func:`~sklearn_balanced.metrics.balanced_accuracy_interval`: the posterior
interval of Brodersen et al. (2010) and the stratified bootstrap.
"""

# %%
# Simulated test sets
# -------------------
import matplotlib.pyplot as plt
import numpy as np

from sklearn_balanced.metrics import balanced_accuracy_interval

TRUE_RECALL = np.array([0.90, 0.70])
PRIOR = np.array([10, 1]) / 11
rng = np.random.default_rng(0)


def simulate(n_samples):
    """True and predicted labels of one test set of ``n_samples`` points."""
    support = np.maximum(np.round(PRIOR * n_samples).astype(int), 1)
    y_true = np.repeat([0, 1], support)
    correct = rng.random(y_true.size) < TRUE_RECALL[y_true]
    y_pred = np.where(correct, y_true, 1 - y_true)
    return y_true, y_pred


sizes = np.array([44, 110, 220, 550, 1100, 2200, 5500, 11000])
rows = []
for n in sizes:
    y_true, y_pred = simulate(n)
    posterior = balanced_accuracy_interval(y_true, y_pred)
    bootstrap = balanced_accuracy_interval(
        y_true, y_pred, method="bootstrap", n_resamples=2000, random_state=0
    )
    rows.append((posterior, bootstrap))
    print(
        f"n={n:>6} (minority {y_true.sum():>4})  BA={posterior.score:.3f}  "
        f"posterior [{posterior.low:.3f}, {posterior.high:.3f}]  "
        f"bootstrap [{bootstrap.low:.3f}, {bootstrap.high:.3f}]  "
        f"P(BA <= 0.5)={posterior.p_below_chance:.1e}"
    )

# %%
# The intervals shrink like one over the square root of the minority count
# ------------------------------------------------------------------------
# Each test set gives a different point estimate; the intervals cover the true
# value 0.80 and narrow as the test set grows. With 4 minority samples the
# posterior interval is about 30 points wide. The bootstrap interval is
# misleadingly narrow there: when all four minority samples happen to be found,
# every bootstrap replicate finds them all too. From a few dozen minority
# samples on, the two intervals agree.
fig, ax = plt.subplots(figsize=(8, 4.5))
for shift, (index, label, color) in zip(
    [0.96, 1.04],
    [(0, "posterior", "C0"), (1, "bootstrap", "C1")],
    strict=True,
):
    results = [row[index] for row in rows]
    score = np.array([result.score for result in results])
    low = np.array([result.low for result in results])
    high = np.array([result.high for result in results])
    ax.errorbar(
        sizes * shift,
        score,
        yerr=[score - low, high - score],
        fmt="o",
        capsize=3,
        color=color,
        label=f"95% {label} interval",
    )
ax.axhline(TRUE_RECALL.mean(), color="k", linestyle="--", label="true BA = 0.80")
ax.set(
    xscale="log",
    xlabel="test-set size (minority class is 1/11)",
    ylabel="balanced accuracy",
    title="Interval width against test-set size",
)
ax.legend(loc="lower right")

# %%
# Width against the minority count
# --------------------------------
# Once the minority class has a few dozen samples, the width follows
# :math:`1/\sqrt{n_1}`, with :math:`n_1` the minority count: four times more
# minority samples halve the interval.
minority = np.maximum(np.round(PRIOR[1] * sizes), 1)
widths = np.array([row[0].high - row[0].low for row in rows])
fig, ax = plt.subplots(figsize=(6, 4))
ax.loglog(minority, widths, "o-", label="posterior interval width")
reference = widths[-1] * np.sqrt(minority[-1] / minority)
ax.loglog(minority, reference, "k:", label=r"$\propto 1/\sqrt{n_1}$")
ax.set(xlabel="minority-class samples", ylabel="width of the 95% interval")
ax.legend()
fig.tight_layout()

plt.show()
