"""Figures and the explorer of Chapter 20 (Gaussian mixtures).

On two features each component of a fitted
:class:`~scratchlearn.unsupervised.GaussianMixture` is drawn as the ellipses where
its density is one and two standard deviations from its mean (in its own,
Mahalanobis, distance). The explorer changes the number of components and the
covariance type, and shows the BIC of every such model, so that the reader sees
which one BIC picks and why.
"""

import numpy as np

from scratchlearn.unsupervised.experiments import mixture_runs
from scratchlearn.unsupervised.gaussian_mixture import (
    COVARIANCE_TYPES,
    full_covariances,
    n_parameters,
)
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import (
    COLOURS,
    VALIDATION_COLOUR,
    curve,
    ellipse_points,
    translucent,
)

# ColorBrewer's Dark2 has eight colours; the book's COLOURS are its first six.
COMPONENT_COLOURS = [*COLOURS, "#a6761d", "#666666"]
# The static explorer precomputes 1-6 components; the live one offers up to 8.
N_COMPONENTS = tuple(range(1, 7))
LIVE_N_COMPONENTS = tuple(range(1, len(COMPONENT_COLOURS) + 1))
# The explorer draws one ellipse per component, at two standard deviations (about
# 86% of a 2-D Gaussian's mass), as a smoothed 24-gon: the static figure stores
# every setting's ellipses.
EXPLORER_ELLIPSE = {"n_stds": (2,), "n_points": 25}
# One line style per covariance type on the BIC panel.
DASHES = {"full": "solid", "tied": "dash", "diag": "dot", "spherical": "dashdot"}
MATPLOTLIB_DASHES = {"full": "-", "tied": "--", "diag": ":", "spherical": "-."}
DESCRIPTION = (
    "A Gaussian mixture fitted to two-feature data: each component's ellipses at one "
    "and two standard deviations and its mean, and the BIC of every number of "
    "components and covariance type"
)


def component_ellipses(model, **ellipse):
    """The ellipses of each component of a fitted 2-feature mixture: a list of
    (xs, ys), one per component; ``ellipse`` goes to :func:`ellipse_points`."""
    covariances = full_covariances(
        model.covariances_, model.covariance_type, model.n_components, 2
    )
    return [
        ellipse_points(mean, covariance, **{"n_points": 60, **ellipse})
        for mean, covariance in zip(model.means_, covariances, strict=True)
    ]


# --- matplotlib ---------------------------------------------------------------------


def plot_mixture(model, X, ax, *, title=None, feature_names=("x1", "x2")):
    """The points of ``X`` in the colour of their most probable component, each
    component's ellipses at one and two standard deviations and its mean (+)."""
    labels = model.predict(X)
    for k, (xs, ys) in enumerate(component_ellipses(model)):
        colour = COMPONENT_COLOURS[k % len(COMPONENT_COLOURS)]
        members = X[labels == k]
        ax.scatter(*members.T, s=12, color=colour, edgecolor="k", linewidth=0.3)
        ax.plot(xs, ys, color=colour, linewidth=1.8)
        ax.plot(*model.means_[k], marker="+", markersize=12, color="k")
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_aspect("equal", adjustable="datalim")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_bic(table, ax, *, n_components=N_COMPONENTS):
    """BIC against the number of components, one line per covariance type, the
    lowest marked."""
    for covariance_type, values in table.items():
        ax.plot(
            n_components,
            values,
            linestyle=MATPLOTLIB_DASHES[covariance_type],
            marker="o",
            markersize=4,
            color="black",
            label=covariance_type,
        )
    best_type = min(table, key=lambda name: min(table[name]))
    best_k = n_components[int(np.argmin(table[best_type]))]
    ax.plot(
        best_k,
        min(table[best_type]),
        marker="*",
        markersize=16,
        color=VALIDATION_COLOUR,
    )
    ax.set(xlabel="number of components", ylabel="BIC (lower is better)")
    ax.legend(fontsize=8)
    return best_type, best_k


# --- the explorer ---------------------------------------------------------------------


def mixture_traces(model, X):
    """Plotly traces of a fitted 2-feature mixture: each component's ellipse (at
    two standard deviations, lightly filled, named with its weight), the points of
    ``X`` over them and the means."""
    import plotly.graph_objects as go

    traces = []
    for k, (xs, ys) in enumerate(component_ellipses(model, **EXPLORER_ELLIPSE)):
        colour = COMPONENT_COLOURS[k]
        traces.append(
            go.Scatter(
                x=xs[:-1],  # no NaN break after a single ellipse
                y=ys[:-1],
                mode="lines",
                line={"color": colour, "width": 2, "shape": "spline"},
                fill="toself",
                fillcolor=translucent(colour, 0.12),
                name=f"component {k + 1} ({model.weights_[k]:.0%})",
                hoverinfo="skip",
                # One component is the same model for "full" and "tied", computed
                # two ways: equal to the last bit on one machine, not on another.
                # Naming the type keeps their traces apart (the static figure
                # stores equal traces once), so that it is the same everywhere.
                meta=model.covariance_type,
            )
        )
    points = {"size": 4, "color": "rgba(80,80,80,0.45)"}
    means = {"symbol": "x", "size": 9, "color": "black"}
    return [
        *traces,
        go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", marker=points, name="data"),
        go.Scatter(
            x=model.means_[:, 0],
            y=model.means_[:, 1],
            mode="markers",
            marker=means,
            name="means",
        ),
    ]


def bic_curves(table, n_components):
    """One plotly line per covariance type: BIC against ``n_components``."""
    return [
        curve(
            values,
            x=n_components,
            name=f"BIC, {covariance_type}",
            colour="black",
            dash=DASHES[covariance_type],
            markers=True,
        )
        for covariance_type, values in table.items()
    ]


def explorer(X, *, feature_names=("x1", "x2"), random_state=0, n_init=1):
    """The mixture of the chosen type and number of components fitted to ``X``
    (points, each component's ellipse and mean; left) and the BIC of every number
    of components for every covariance type (right), the chosen model marked."""
    import plotly.graph_objects as go

    # Each model fitted once, live or static.
    fitted, table, best = mixture_runs(
        X, LIVE_N_COMPONENTS, random_state=random_state, n_init=n_init
    )
    curves = [(line, 2) for line in bic_curves(table, LIVE_N_COMPONENTS)]

    def draw(covariance_type, n_components):
        model = fitted(covariance_type, n_components)
        bic = table[covariance_type][n_components - 1]
        chosen = go.Scatter(
            x=[n_components],
            y=[bic],
            mode="markers",
            marker={
                "size": 13,
                "color": VALIDATION_COLOUR,
                "symbol": "circle-open-dot",
            },
            name="this model",
            meta=covariance_type,  # as the ellipses': one trace per setting
        )
        count = n_parameters(n_components, X.shape[1], covariance_type)
        title = (
            f"{n_components} {covariance_type} component(s): BIC {bic:.1f}, mean "
            f"log-likelihood {model.score(X):.3f}, {count} parameters"
            f"; lowest BIC of all: {best[1]} {best[0]}"
        )
        return View([*mixture_traces(model, X), *curves, (chosen, 2)], title=title)

    return Explorer(
        [
            Control("covariance_type", COVARIANCE_TYPES, label="covariance type"),
            Control(
                "n_components",
                N_COMPONENTS,
                label="components",
                live_values=LIVE_N_COMPONENTS,
                start=3,
            ),
        ],
        draw,
        name="gaussian-mixture-explorer",
        panels=(1, 2),
        subplots={"column_widths": [0.55, 0.45], "horizontal_spacing": 0.1},
        axis_titles=[feature_names, ("number of components", "BIC (lower is better)")],
        layout={"yaxis.scaleanchor": "x"},
        description=DESCRIPTION,
    )
