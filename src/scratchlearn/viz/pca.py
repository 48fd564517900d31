"""Figures and the explorer of Chapter 21 (principal component analysis).

The digits are 8 x 8 images, 64 numbers each. The figures show the principal
components as images themselves, the digits projected onto the first two, and the
share of the variance the first ``k`` components keep. The explorer moves ``k`` and
shows ten digits rebuilt from their first ``k`` coordinates beside the originals.
"""

import numpy as np

from scratchlearn.unsupervised import PCA
from scratchlearn.unsupervised.experiments import one_of_each
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import curve, mosaic

IMAGE_SIDE = 8  # the digits are 8 x 8 pixels
INK = [[0.0, "white"], [1.0, "black"]]  # intensity 0 blank, 16 black
# The static explorer's numbers of components; the live one offers every one.
N_COMPONENTS = (1, 2, 3, 5, 8, 10, 15, 20, 30, 40, 64)
DESCRIPTION = (
    "Ten handwritten digits and the same digits rebuilt from their first k "
    "principal components, with the share of the variance that k components keep"
)


# --- matplotlib ---------------------------------------------------------------------


def plot_images(images, axes, *, titles=None, cmap="gray_r", limits=(0, 16)):
    """One flat 8 x 8 image per axis of ``axes``, without ticks."""
    for index, (image, ax) in enumerate(zip(images, axes, strict=True)):
        ax.imshow(
            image.reshape(IMAGE_SIDE, IMAGE_SIDE),
            cmap=cmap,
            vmin=limits[0],
            vmax=limits[1],
        )
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(titles[index], fontsize=9)
    return axes


def plot_components(model, axes):
    """The first principal components of a PCA fitted to digits, as images: red
    where a component adds ink, blue where it removes it."""
    n = len(axes)
    reach = np.abs(model.components_[:n]).max()
    titles = [f"PC {j + 1}: {model.explained_variance_ratio_[j]:.1%}" for j in range(n)]
    return plot_images(
        model.components_[:n],
        axes,
        titles=titles,
        cmap="RdBu_r",
        limits=(-reach, reach),
    )


def plot_projection(Z, y, ax, *, names=None, title=None):
    """Samples projected onto two components, coloured by class, each class's
    name (default: its label) written at its mean."""
    from matplotlib import colormaps

    colours = colormaps["tab10"]
    for index, label in enumerate(np.unique(y)):
        members = Z[y == label]
        ax.scatter(*members[:, :2].T, s=6, color=colours(index % 10), alpha=0.6)
        ax.text(
            *members[:, :2].mean(axis=0),
            str(label) if names is None else names[index],
            fontsize=14,
            fontweight="bold",
            ha="center",
            va="center",
            bbox={"boxstyle": "round", "fc": "white", "alpha": 0.8},
        )
    ax.set(xlabel="principal component 1", ylabel="principal component 2")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_explained_variance(model, ax, *, shares=(0.5, 0.9, 0.99)):
    """The cumulative share of the variance kept by the first k components, with
    the number of components each of ``shares`` needs marked."""
    cumulative = np.cumsum(model.explained_variance_ratio_)
    ks = np.arange(1, len(cumulative) + 1)
    ax.plot(ks, cumulative, marker="o", markersize=3, color="black")
    for share in shares:
        k = int(np.searchsorted(cumulative, share, side="right")) + 1
        ax.axhline(share, color="grey", linewidth=0.8, linestyle=":")
        ax.plot(k, cumulative[k - 1], marker="o", color="#d62728")
        ax.annotate(
            f"{k} for {share:.0%}",
            (k, cumulative[k - 1]),
            textcoords="offset points",
            xytext=(8, -12),
            fontsize=9,
        )
    ax.set(xlabel="number of components k", ylabel="share of the variance kept")
    return ax


# --- the explorer ---------------------------------------------------------------------


IMAGE = {"colorscale": INK, "zmin": 0, "zmax": 16, "showscale": False}
BARE = {"showticklabels": False, "showgrid": False, "zeroline": False}
# Top left the digits (x, y), right the curve (x2, y2), bottom left the rebuilt
# digits (x3, y3); images with square pixels and their first row on top.
PANELS = {
    "specs": [[{}, {"rowspan": 2}], [{}, None]],
    "column_widths": [0.5, 0.5],
    "vertical_spacing": 0.12,
}
LAYOUT = {
    "xaxis": {**BARE, "scaleanchor": "y"},
    "yaxis": {**BARE, "autorange": "reversed"},
    "xaxis2": {
        "title.text": "number of components k",
        "type": "log",  # the first few components change most
        "tickvals": [1, 2, 5, 10, 20, 40, 64],
    },
    "yaxis2": {"range": [0, 1.02]},
    "xaxis3": {**BARE, "scaleanchor": "y3"},
    "yaxis3": {**BARE, "autorange": "reversed"},
}


def explorer(X, y):
    """Ten digits of ``X`` (one of each class of ``y``; top left) rebuilt from
    their first k principal components (bottom left), and the share of the variance
    k components keep (right)."""
    import plotly.graph_objects as go

    shown = X[one_of_each(y)]  # (10, 64)
    cumulative = np.cumsum(PCA().fit(X).explained_variance_ratio_)
    ks = np.arange(1, len(cumulative) + 1)
    originals = go.Heatmap(z=mosaic(shown), hoverinfo="skip", **IMAGE)
    kept = curve(cumulative, x=ks, name="variance kept", colour="black", legend=False)

    def draw(n_components):
        model = PCA(n_components).fit(X)
        # Clipped to the intensities 0-16, which the colours show anyway: a blank
        # pixel rebuilt as -1e-15 on one machine and +1e-15 on another is then 0
        # on both, not -0 and +0 once rounded for storage.
        rebuilt = np.clip(model.inverse_transform(model.transform(shown)), 0, 16)
        everything_rebuilt = model.inverse_transform(model.transform(X))
        error = np.sqrt(np.mean((X - everything_rebuilt) ** 2))
        share = cumulative[n_components - 1]
        marker = go.Scatter(
            x=[n_components],
            y=[share],
            mode="markers",
            marker={"size": 11, "color": "#d62728"},
            showlegend=False,
        )
        return View(
            [
                (originals, (1, 1)),
                (go.Heatmap(z=mosaic(rebuilt), hoverinfo="skip", **IMAGE), (2, 1)),
                (kept, (1, 2)),
                (marker, (1, 2)),
            ],
            title=(
                f"{n_components} component(s) keep {share:.1%} of the variance; "
                f"the digits rebuilt from them are off by {error:.2f} per pixel "
                "(root mean square, intensities 0-16)"
            ),
        )

    return Explorer(
        [
            Control(
                "n_components",
                N_COMPONENTS,
                label="components k",
                live_values=range(1, 65),
                start=10,
            )
        ],
        draw,
        name="pca-explorer",
        panels=(2, 2),
        subplots=PANELS,
        subplot_titles=("ten digits", "share of the variance kept", "rebuilt from k"),
        layout=LAYOUT,
        description=DESCRIPTION,
    )
