"""Figures and the explorer of Chapter 7 (Gaussian naive Bayes).

On two features, each class of a fitted :class:`~scratchlearn.supervised.GaussianNB`
is an axis-aligned Gaussian: its contours are ellipses whose axes are the feature
axes (that is the "naive" independence). The figures draw the ellipses at one and two
standard deviations. The explorer moves the prior of one class, which shifts the
boundaries but not the Gaussians, and ``var_smoothing``, which widens every Gaussian
by the same amount.
"""

import numpy as np

from scratchlearn.supervised import GaussianNB
from scratchlearn.supervised.experiments import priors_with
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import (
    COLOURS,
    class_points,
    curve,
    ellipse_points,
    grid_over,
    model_regions,
)
from scratchlearn.viz.figures import (
    FEATURE_NAMES as NAMES,
)

# The static explorer's var_smoothing values: none to speak of, then ever wider
# Gaussians; the live explorer moves in quarter steps of the exponent.
SMOOTHINGS = (1e-9, 1e-2, 1e-1, 1.0)
LIVE_SMOOTHINGS = tuple(float(f"{10.0**e:.3g}") for e in np.arange(-9.0, 1.01, 0.25))
PRIORS = (0.02, 0.1, 0.2, 0.4, 0.6, 0.8, 0.95)
LIVE_PRIORS = tuple(round(p, 2) for p in np.arange(0.01, 0.985, 0.01))


def ellipse_lines(model, n_stds=(1, 2), n_points=48):
    """Contours of each class's Gaussian of a 2-feature model, as lines to draw: one
    ``(xs, ys)`` per class, its ellipses at ``n_stds`` standard deviations separated
    by NaN (a break in the line).

    A class's covariance is diagonal, ``diag(var_c)``: its ellipses have half-axes
    ``k * sqrt(var_c0)`` and ``k * sqrt(var_c1)`` along the feature axes.
    """
    return [
        ellipse_points(mean, np.diag(variance), n_stds, n_points)
        for mean, variance in zip(model.theta_, model.var_, strict=True)
    ]


def plot_gaussians(
    model, X, y, ax, *, title=None, feature_names=NAMES, class_names=None
):
    """Draw a fitted 2-feature model: each class's Gaussian at 1 and 2 standard
    deviations, its mean (+), and the points."""
    names = class_names or [str(label) for label in model.classes_]
    for index, (xs, ys) in enumerate(ellipse_lines(model)):
        colour = COLOURS[index]
        members = y == model.classes_[index]
        ax.scatter(
            *X[members].T, s=18, color=colour, edgecolor="k", linewidth=0.4, alpha=0.8
        )
        ax.plot(xs, ys, color=colour, linewidth=2, label=names[index])
        ax.plot(*model.theta_[index], marker="+", markersize=12, color="k")
    ax.set(xlabel=feature_names[0], ylabel=feature_names[1])
    ax.legend(loc="upper left", fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def explorer(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    feature_names=NAMES,
    class_names=None,
    class_index=1,
    resolution=50,
):
    """Decision regions and Gaussians of naive Bayes on two features as the prior of
    one class (the static explorer's: ``class_index``) and ``var_smoothing`` change,
    with the accuracy on the training and the validation set."""
    classes, counts = np.unique(y_train, return_counts=True)
    names = list(class_names or [str(label) for label in classes])
    n_train = len(y_train)
    corners = grid_over(X_train, 2)[:2]  # of the regions' grid: the axes' ranges

    def draw(class_name, var_smoothing, prior):
        priors = priors_with(counts, names.index(class_name), prior)
        model = GaussianNB(priors=priors, var_smoothing=var_smoothing)
        model.fit(X_train, y_train)
        ellipses = [
            curve(
                ys,
                x=xs,
                name=f"{names[i]}: 1 and 2 std",
                colour=COLOURS[i],
                legend=False,
            )
            for i, (xs, ys) in enumerate(ellipse_lines(model))
        ]
        shares = ", ".join(
            f"{name} {share:.2f}" for name, share in zip(names, priors, strict=True)
        )
        return View(
            [
                model_regions(model, X_train, resolution=resolution),
                *ellipses,
                *class_points(X_train, y_train, names=names),
            ],
            title=(
                f"priors {shares}: train accuracy "
                f"{model.score(X_train, y_train):.3f}, validation "
                f"{model.score(X_val, y_val):.3f}"
            ),
        )

    return Explorer(
        [
            Control("class_name", [names[class_index]], "class", live_values=names),
            Control(
                "var_smoothing", SMOOTHINGS, live_values=LIVE_SMOOTHINGS, start=1e-9
            ),
            Control(
                "prior",
                PRIORS,
                "its prior",
                live_values=LIVE_PRIORS,
                start=min(PRIORS, key=lambda p: abs(p - counts[class_index] / n_train)),
            ),
        ],
        draw,
        name="naive-bayes-explorer",
        axis_titles=[feature_names],
        layout={
            "xaxis.range": list(corners[0]),
            "yaxis.range": list(corners[1]),
        },
        description=(
            "Decision regions of Gaussian naive Bayes on two features, with each "
            "class's Gaussian drawn at one and two standard deviations"
        ),
    )
