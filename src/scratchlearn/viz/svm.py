"""Figures and the explorer of Chapter 9 (support vector machines).

On two features a fitted :class:`~scratchlearn.supervised.SVC` is drawn as its
decision function over a grid: the boundary ``f(x) = 0`` (solid), the edges of the
margin ``f(x) = -1`` and ``f(x) = +1`` (dashed) and the support vectors (circled).
The explorer moves ``C`` and the RBF kernel's ``gamma``.
"""

import functools

import numpy as np

from scratchlearn.supervised import SVC
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import (
    COLOURS,
    class_points,
    grid_over,
    plot_decision_boundary,
)
from scratchlearn.viz.figures import (
    FEATURE_NAMES as NAMES,
)

# The static explorer's settings: from a soft, wide margin to a hard, narrow one,
# and from smooth to wiggly RBF kernels; the live explorer's are finer.
CS = (0.1, 1.0, 10.0, 100.0, 1000.0)
GAMMAS = (0.1, 1.0, 10.0)
LIVE_CS = tuple(float(f"{10.0**e:.3g}") for e in np.arange(-2, 3.01, 0.25))
LIVE_GAMMAS = tuple(float(f"{10.0**e:.3g}") for e in np.arange(-2, 2.01, 0.25))
DESCRIPTION = (
    "An RBF support vector machine's decision function on two features: its "
    "boundary, the edges of its margin and its support vectors"
)
# Beyond the margin's edges only the class matters: the shading saturates there.
SHOWN_RANGE = 2.0


def decision_grid(model, X, resolution=100):
    """The decision function over a grid covering ``X``: ``xs`` (resolution,),
    ``ys`` (resolution,) and the values (resolution, resolution), a row per ``y``."""
    xs, ys, points = grid_over(X, resolution)
    values = model.decision_function(points).reshape(len(ys), len(xs))
    return xs, ys, values


def plot_margin(model, X, y, ax, *, resolution=120, title=None, **names):
    """Draw a fitted 2-feature SVC: regions, boundary, margin and support vectors
    (``names``: ``feature_names``, the axes' titles)."""
    plot_decision_boundary(model, X, y, ax, resolution=resolution, title=title, **names)
    xs, ys, values = decision_grid(model, X, resolution)
    styles = {"colors": "k", "linestyles": ["--", "-", "--"], "linewidths": [1, 2, 1]}
    ax.contour(xs, ys, values, levels=[-1, 0, 1], **styles)
    label = f"support vectors ({len(model.support_)})"
    ax.scatter(*model.support_vectors_.T, s=70, fc="none", ec="k", lw=1.0, label=label)
    ax.legend(loc="upper left", fontsize=8)
    return ax


def explorer(X_train, y_train, X_val, y_val, *, resolution=32, feature_names=NAMES):
    """The decision function of an RBF SVC on two features (shaded, pale inside the
    margin, with its boundary and the margin's edges), its support vectors circled,
    and its accuracy on the training and the validation set."""
    corners = grid_over(X_train, 2)[:2]  # of the decision function's grid
    # Strong colours beyond the margin, pale ones inside it.
    colourscale = [[0, COLOURS[0]], [0.25, COLOURS[0]], [0.5, "white"]]
    colourscale += [[0.75, COLOURS[1]], [1, COLOURS[1]]]

    @functools.cache  # the live explorer refits only settings it has not seen
    def fitted(C, gamma):
        return SVC(C=C, gamma=gamma).fit(X_train, y_train)

    def draw(gamma, C):
        import plotly.graph_objects as go

        model = fitted(C, gamma)
        xs, ys, values = decision_grid(model, X_train, resolution)
        contour = go.Contour(
            x=xs,
            y=ys,
            z=np.clip(values, -SHOWN_RANGE, SHOWN_RANGE),
            zmin=-SHOWN_RANGE,
            zmax=SHOWN_RANGE,
            contours={"start": -1, "end": 1, "size": 1, "coloring": "fill"},
            colorscale=colourscale,
            opacity=0.35,
            line={"width": 1.5, "color": "black"},
            showscale=False,
            hoverinfo="skip",
        )
        support = go.Scatter(
            x=model.support_vectors_[:, 0],
            y=model.support_vectors_[:, 1],
            mode="markers",
            marker={"size": 11, "color": "rgba(0,0,0,0)"},
            marker_line={"width": 1.2, "color": "black"},
            name="support vectors",
            hoverinfo="skip",
        )
        names = [f"class {label}" for label in model.classes_]
        return View(
            [contour, *class_points(X_train, y_train, names=names), support],
            title=(
                f"C = {C:g}, gamma = {gamma:g}: {len(model.support_)} support "
                f"vectors; train accuracy {model.score(X_train, y_train):.3f}, "
                f"validation {model.score(X_val, y_val):.3f}"
            ),
        )

    return Explorer(
        [
            Control("gamma", GAMMAS, live_values=LIVE_GAMMAS, start=1.0),
            Control("C", CS, live_values=LIVE_CS, start=1.0),
        ],
        draw,
        name="svm-explorer",
        axis_titles=[feature_names],
        layout={
            "xaxis.range": list(corners[0]),
            "yaxis.range": list(corners[1]),
        },
        description=DESCRIPTION,
    )
