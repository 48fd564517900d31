"""Figures and explorers of Chapter 7 (Gaussian naive Bayes).

On two features, each class of a fitted :class:`~scratchlearn.supervised.GaussianNB`
is an axis-aligned Gaussian: its contours are ellipses whose axes are the feature
axes (that is the "naive" independence). The figures draw the ellipses at one and two
standard deviations over the regions where each class wins. The explorers move the
prior of one class, which shifts the boundaries but not the Gaussians, and
``var_smoothing``, which widens every Gaussian by the same amount.
"""

import numpy as np

from scratchlearn.supervised import GaussianNB
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in
from scratchlearn.viz.figures import COLOURS, predicted_regions

# The explorers' var_smoothing values: none to speak of, then ever wider Gaussians.
SMOOTHINGS = (1e-9, 1e-2, 1e-1, 1.0)
PRIORS = (0.02, 0.1, 0.2, 0.4, 0.6, 0.8, 0.95)


def priors_with(class_counts, index, prior):
    """Class priors where class ``index`` has ``prior`` and the other classes share
    ``1 - prior`` in proportion to their numbers of training samples.

    Returns an array of shape (n_classes,) summing to 1.
    """
    others = np.array(class_counts, dtype=float)
    others[index] = 0.0
    priors = (1.0 - prior) * others / others.sum()
    priors[index] = prior
    return priors


def ellipse_lines(model, n_stds=(1, 2), n_points=48):
    """Contours of each class's Gaussian of a 2-feature model, as lines to draw.

    The density of class ``c`` is constant where
    ``sum_j (x_j - theta_cj)^2 / var_cj`` is constant: on ellipses with half-axes
    ``k * sqrt(var_c0)`` and ``k * sqrt(var_c1)``, ``k`` standard deviations.

    Returns
    -------
    list of (xs, ys), one per class
        The ellipses of ``n_stds`` one after the other, separated by NaN (a break in
        the line for matplotlib and plotly alike).
    """
    # One column per ellipse, and a last row of NaN to break the line between them.
    angles = np.append(np.linspace(0.0, 2.0 * np.pi, n_points), np.nan)
    circle = (
        np.array(n_stds, dtype=float)
        * np.column_stack([np.cos(angles), np.sin(angles)])[:, :, np.newaxis]
    )  # (n_points + 1, 2, n_ellipses): unit circles scaled by k
    lines = []
    for mean, variance in zip(model.theta_, model.var_, strict=True):
        # (n_points + 1, 2, n_ellipses) -> x and y, each ellipse after the other
        points = mean[:, np.newaxis] + np.sqrt(variance)[:, np.newaxis] * circle
        lines.append((points[:, 0, :].T.ravel(), points[:, 1, :].T.ravel()))
    return lines


def plot_gaussians(
    model,
    X,
    y,
    ax,
    *,
    regions=True,
    resolution=150,
    title=None,
    feature_names=("feature 1", "feature 2"),
    class_names=None,
):
    """Draw a fitted 2-feature model: the regions each class wins (optional), each
    class's Gaussian at 1 and 2 standard deviations, its mean, and the points."""
    from matplotlib.colors import ListedColormap

    n_classes = len(model.classes_)
    names = class_names or [str(label) for label in model.classes_]
    if regions:
        grid_x, grid_y, predicted = predicted_regions(model, X, resolution)
        ax.pcolormesh(
            grid_x,
            grid_y,
            predicted,
            cmap=ListedColormap(COLOURS[:n_classes]),
            alpha=0.2,
            shading="auto",
            vmin=-0.5,
            vmax=n_classes - 0.5,
        )
    for index, (xs, ys) in enumerate(ellipse_lines(model)):
        colour = COLOURS[index]
        members = y == model.classes_[index]
        ax.scatter(
            *X[members].T, s=18, color=colour, edgecolor="k", linewidth=0.4, alpha=0.8
        )
        ax.plot(xs, ys, color=colour, linewidth=2, label=names[index])
        ax.plot(*model.theta_[index], marker="+", markersize=12, color="k")
    if regions:  # wide ellipses may reach beyond the regions: clip them there
        ax.set_xlim(grid_x[0], grid_x[-1])
        ax.set_ylim(grid_y[0], grid_y[-1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.legend(loc="upper left", fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def describe(model, X_train, y_train, X_val, y_val, class_names):
    """One line: the priors and both accuracies of a fitted model."""
    priors = ", ".join(
        f"{name} {prior:.2f}"
        for name, prior in zip(class_names, model.class_prior_, strict=True)
    )
    return (
        f"priors: {priors}\ntrain accuracy {model.score(X_train, y_train):.3f}, "
        f"validation accuracy {model.score(X_val, y_val):.3f}"
    )


def live_explorer(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    feature_names=("feature 1", "feature 2"),
    class_names=None,
):
    """ipywidgets controls for the prior of one class and for ``var_smoothing``;
    every change refits the model and redraws its Gaussians and decision regions."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    classes, counts = np.unique(y_train, return_counts=True)
    names = class_names or [str(label) for label in classes]
    chosen = widgets.Dropdown(
        options=[(name, index) for index, name in enumerate(names)],
        value=min(1, len(classes) - 1),
        description="class",
    )
    prior = widgets.FloatSlider(
        value=counts[chosen.value] / counts.sum(),
        min=0.01,
        max=0.98,
        step=0.01,
        description="its prior",
    )
    smoothing = widgets.FloatLogSlider(
        value=1e-9,
        base=10,
        min=-9,
        max=1,
        step=0.25,
        description="var_smoothing",
        readout_format=".2g",
        style={"description_width": "initial"},
    )
    out = widgets.Output()

    def redraw(_change=None):
        priors = priors_with(counts, chosen.value, prior.value)
        model = GaussianNB(priors=priors, var_smoothing=smoothing.value)
        model.fit(X_train, y_train)
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig, ax = plt.subplots(figsize=(6.5, 5))
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.1, top=0.88)
        plot_gaussians(
            model,
            X_train,
            y_train,
            ax,
            resolution=120,
            feature_names=feature_names,
            class_names=names,
            title=describe(model, X_train, y_train, X_val, y_val, names),
        )
        show_figure_in(out, fig)

    def new_class(_change):
        # Start the slider from the chosen class's share of the training set; moving
        # the slider redraws, and if it does not move, redraw here.
        share = round(float(counts[chosen.value] / counts.sum()), 2)
        if prior.value == share:
            redraw()
        prior.value = share

    chosen.observe(new_class, names="value")
    for control in (prior, smoothing):
        control.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([widgets.HBox([chosen, prior]), smoothing, out]))


def static_explorer(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    class_index=1,
    priors=PRIORS,
    smoothings=SMOOTHINGS,
    resolution=50,
    feature_names=("feature 1", "feature 2"),
    class_names=None,
    name="naive-bayes-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure with a
    slider for the prior of class ``class_index`` and a menu for ``var_smoothing``.

    Each setting has its own heatmap of regions; each ``var_smoothing`` its own
    ellipses (the prior does not change the Gaussians). A slider step restyles only
    the heatmaps of the chosen ``var_smoothing``, which keeps the page small.
    """
    import plotly.graph_objects as go

    classes, counts = np.unique(y_train, return_counts=True)
    n_classes = len(classes)
    names = class_names or [str(label) for label in classes]
    colourscale = [
        [edge, COLOURS[i]]
        for i in range(n_classes)
        for edge in (i / n_classes, (i + 1) / n_classes)
    ]
    # Every trace with when it shows: ("setting", smoothing_index, prior_index),
    # ("smoothing", smoothing_index) or always (None).
    traces, titles = [], {}
    for s_index, var_smoothing in enumerate(smoothings):
        for p_index, prior in enumerate(priors):
            model = GaussianNB(
                priors=priors_with(counts, class_index, prior),
                var_smoothing=var_smoothing,
            ).fit(X_train, y_train)
            xs, ys, predicted = predicted_regions(model, X_train, resolution)
            heatmap = go.Heatmap(
                x=rounded(xs, 3),
                y=rounded(ys, 3),
                z=predicted,
                zmin=-0.5,
                zmax=n_classes - 0.5,
                colorscale=colourscale,
                opacity=0.3,
                showscale=False,
                hoverinfo="skip",
            )
            traces.append((heatmap, ("setting", s_index, p_index)))
            titles[s_index, p_index] = f"var_smoothing = {var_smoothing:g}; " + (
                describe(model, X_train, y_train, X_val, y_val, names).replace(
                    "\n", "<br>"
                )
            )
        for index, (xs, ys) in enumerate(ellipse_lines(model)):
            line = go.Scatter(
                x=[None if np.isnan(v) else v for v in rounded(xs, 3)],
                y=[None if np.isnan(v) else v for v in rounded(ys, 3)],
                mode="lines",
                line={"color": COLOURS[index], "width": 2},
                name=f"{names[index]}: 1 and 2 std",
                hoverinfo="skip",
                showlegend=False,
            )
            traces.append((line, ("smoothing", s_index)))
    for index, label in enumerate(classes):
        members = y_train == label
        points = go.Scatter(
            x=rounded(X_train[members, 0], 3),
            y=rounded(X_train[members, 1], 3),
            mode="markers",
            name=names[index],
            marker={
                "color": COLOURS[index],
                "size": 6,
                "line": {"width": 0.5, "color": "black"},
            },
        )
        traces.append((points, None))

    def shown(key, s_index, p_index):
        return key is None or key in (
            ("setting", s_index, p_index),
            ("smoothing", s_index),
        )

    def slider(s_index, p_index):
        heatmaps = [
            (trace_index, key[2])
            for trace_index, (_, key) in enumerate(traces)
            if key is not None and key[:2] == ("setting", s_index)
        ]
        return {
            "active": p_index,
            "currentvalue": {"prefix": f"prior of {names[class_index]} = "},
            "pad": {"t": 40},
            "steps": [
                {
                    "label": f"{prior:g}",
                    "method": "update",
                    "args": [
                        {"visible": [step == index for _, step in heatmaps]},
                        {"title.text": titles[s_index, index]},
                        [trace_index for trace_index, _ in heatmaps],
                    ],
                }
                for index, prior in enumerate(priors)
            ],
        }

    def button(s_index, p_index):
        return {
            "label": f"var_smoothing = {smoothings[s_index]:g}",
            "method": "update",
            "args": [
                {"visible": [shown(key, s_index, p_index) for _, key in traces]},
                {
                    "sliders": [slider(s_index, p_index)],
                    "title.text": titles[s_index, p_index],
                },
            ],
        }

    # Start from the prior closest to the class's share of the training set.
    start = int(
        np.argmin(np.abs(np.array(priors) - counts[class_index] / len(y_train)))
    )
    for trace, key in traces:
        trace.visible = shown(key, 0, start)
    figure = go.Figure([trace for trace, _ in traces])
    xs, ys, _ = predicted_regions(model, X_train, 2)  # the grid's corners
    figure.update_layout(
        title={"text": titles[0, start], "font": {"size": 12}, "y": 0.96},
        height=620,
        xaxis={"title": feature_names[0], "range": [xs[0], xs[-1]]},
        yaxis={"title": feature_names[1], "range": [ys[0], ys[-1]]},
        sliders=[slider(0, start)],
        margin={"t": 120},
        updatemenus=[
            {
                "type": "dropdown",
                "x": 1,
                "xanchor": "right",
                "y": 1.2,
                "buttons": [button(index, start) for index in range(len(smoothings))],
            }
        ],
    )
    return PlotlyFigure(figure, name)
