"""Figures and explorers of Chapter 15 (model selection and ensembles).

Matplotlib for the static figures, ipywidgets for the live explorer and plotly for
the explorer of the static site, as in every chapter.
"""

import numpy as np

from scratchlearn.base import clone
from scratchlearn.model_selection import cross_val_score
from scratchlearn.viz.common import PlotlyFigure, show_figure_in

TRAIN, TEST = "#9ecae1", "#d95f02"
CLASS_COLOURS = ["#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]


# -- a single split versus cross-validation -------------------------------------


def plot_split_spread(ax, split_scores, cv_scores):
    """Histogram of test scores over many random splits, with the k-fold scores."""
    bins = np.arange(split_scores.min() - 0.0125, split_scores.max() + 0.025, 0.0125)
    ax.hist(split_scores, bins=bins, color="#bdbdbd", edgecolor="white")
    ax.axvline(split_scores.mean(), color="k", linestyle="--", label="mean of splits")
    for score in cv_scores:
        ax.axvline(score, color=TEST, alpha=0.6, linewidth=1)
    ax.axvline(
        cv_scores.mean(), color=TEST, linewidth=3, label="5-fold CV: folds and mean"
    )
    ax.set_xlabel("test accuracy")
    ax.set_ylabel("number of random splits")
    ax.legend(loc="upper left", fontsize=8)


# -- folds as index bars -------------------------------------------------------


def plot_folds(ax, splits, y, title=None):
    """One bar per fold over the sample indices (test samples coloured), and the
    class of each sample below."""
    from matplotlib.colors import ListedColormap

    n_samples = len(y)
    for k, (_, test) in enumerate(splits):
        is_test = np.zeros(n_samples)
        is_test[test] = 1
        ax.scatter(
            np.arange(n_samples),
            np.full(n_samples, k),
            c=is_test,
            cmap=ListedColormap([TRAIN, TEST]),
            vmin=0,
            vmax=1,
            marker="_",
            s=60,
            linewidths=8,
        )
    classes, y_index = np.unique(y, return_inverse=True)
    ax.scatter(
        np.arange(n_samples),
        np.full(n_samples, len(splits) + 0.5),
        c=y_index,
        cmap=ListedColormap(CLASS_COLOURS[: len(classes)]),
        marker="_",
        s=60,
        linewidths=8,
    )
    ax.set_yticks(
        [*range(len(splits)), len(splits) + 0.5],
        [*(f"fold {k + 1}" for k in range(len(splits))), "class"],
    )
    ax.set_ylim(len(splits) + 1.2, -0.8)
    ax.set_xlim(-1, n_samples)
    ax.set_xlabel("sample index")
    if title:
        ax.set_title(title, fontsize=10)


# -- grid and random search ------------------------------------------------------


def score_table(search, x_name, y_name):
    """Mean CV scores of a 2-D grid search as a (n_y, n_x) table, with its axes."""
    params = search.cv_results_["params"]
    xs = sorted({p[x_name] for p in params})
    ys = sorted({p[y_name] for p in params})
    table = np.full((len(ys), len(xs)), np.nan)
    for p, score in zip(params, search.cv_results_["mean_test_score"], strict=True):
        table[ys.index(p[y_name]), xs.index(p[x_name])] = score
    return np.array(xs), np.array(ys), table


def plot_heatmap(ax, xs, ys, table, *, x_label, y_label, vmin=None, vmax=None):
    """The CV score over a grid (columns xs, rows ys), the best cell outlined."""
    image = ax.imshow(
        table, origin="lower", cmap="viridis", vmin=vmin, vmax=vmax, aspect="auto"
    )
    ax.set_xticks(range(len(xs)), [f"{x:g}" for x in xs], fontsize=8)
    ax.set_yticks(range(len(ys)), [f"{y:g}" for y in ys], fontsize=8)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    row, column = np.unravel_index(np.nanargmax(table), table.shape)
    ax.scatter([column], [row], marker="s", s=180, facecolor="none", edgecolor="red")
    return image


def plot_search_points(ax, grid_points, random_points, *, x_label, y_label):
    """Where a grid and a random search of the same budget put their candidates."""
    ax.scatter(*np.transpose(grid_points), marker="s", color="k", label="grid")
    ax.scatter(*np.transpose(random_points), marker="o", color=TEST, label="random")
    ax.set_xscale("log")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.legend(fontsize=8)


def coarse_indices(n_fine, resolution):
    """Evenly spaced indices of a fine grid axis: a coarser grid inside it."""
    return np.round(np.linspace(0, n_fine - 1, resolution)).astype(int)


# -- curves ------------------------------------------------------------------


def plot_curves(ax, x, train_scores, test_scores, *, x_label, title=None):
    """Mean training and test scores over folds, with one-standard-deviation bands."""
    for scores, colour, label in (
        (train_scores, "#2171b5", "training"),
        (test_scores, TEST, "cross-validated test"),
    ):
        mean, std = scores.mean(axis=1), scores.std(axis=1)
        ax.plot(x, mean, "o-", color=colour, label=label)
        ax.fill_between(x, mean - std, mean + std, color=colour, alpha=0.2)
    ax.set_xlabel(x_label)
    ax.set_ylabel("accuracy")
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title, fontsize=10)


# -- voting -------------------------------------------------------------------


def out_of_fold_probabilities(members, X, y, cv):
    """Each member's predicted probabilities for the samples of each test fold.

    Returns a list over folds of ``(test_indices, probabilities)`` with
    probabilities of shape (n_members, n_test, n_classes): what a soft vote with
    any weights needs, so the explorer can re-weigh without refitting.
    """
    _, y_index = np.unique(y, return_inverse=True)
    folds = []
    for train, test in cv.split(X, y):
        probabilities = np.stack(
            [
                clone(member).fit(X[train], y_index[train]).predict_proba(X[test])
                for _, member in members
            ]
        )  # (n_members, n_test, n_classes)
        folds.append((test, probabilities))
    return folds, y_index


def soft_vote_accuracy(folds, y_index, weights):
    """Mean over folds of the accuracy of the weighted soft vote."""
    weights = np.asarray(weights, dtype=float)
    scores = []
    for test, probabilities in folds:
        vote = np.tensordot(weights, probabilities, axes=1)  # (n_test, n_classes)
        scores.append(np.mean(np.argmax(vote, axis=1) == y_index[test]))
    return float(np.mean(scores))


def plot_vote(ax, names, member_scores, vote_score, label="soft vote"):
    """Bars: each member's CV accuracy and the vote's."""
    heights = [*member_scores, vote_score]
    colours = ["#bdbdbd"] * len(member_scores) + [TEST]
    ax.bar([*names, label], heights, color=colours)
    low = min(heights) - 0.02
    ax.set_ylim(low, 1.0)
    for position, height in enumerate(heights):
        ax.text(position, height + 0.002, f"{height:.3f}", ha="center", fontsize=8)
    ax.set_ylabel("cross-validated accuracy")


# -- the explorers ---------------------------------------------------------------


def live_explorer(
    model, X_folds, y_folds, fine, vote, *, x_label="k", y_label="p", seed=0
):
    """ipywidgets controls for the number of folds, the grid resolution and the
    voting weights.

    ``model``, ``X_folds``, ``y_folds``: a classifier cross-validated afresh (refit
    on every fold) whenever the number of folds changes. ``fine``: ``(xs, ys,
    table)`` of a fine grid search; a resolution keeps an evenly spaced coarser
    grid inside it and compares it with as many random points of the fine grid.
    ``vote``: ``(names, member_scores, folds, y_index)`` from
    :func:`out_of_fold_probabilities`; the weights re-weigh the members' stored
    out-of-fold probabilities.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    xs, ys, table = fine
    names, member_scores, folds, y_index = vote
    n_folds = widgets.IntSlider(value=5, min=2, max=20, description="folds")
    resolution = widgets.SelectionSlider(
        options=[r for r in range(2, len(xs) + 1) if (len(xs) - 1) % (r - 1) == 0],
        value=3,
        description="grid size",
    )
    weights = [
        widgets.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.5, description=name)
        for name in names
    ]
    out = widgets.Output()

    def redraw(_change=None):
        fig, (left, middle, right) = plt.subplots(1, 3, figsize=(14, 4))
        scores = cross_val_score(model, X_folds, y_folds, cv=n_folds.value)
        left.plot(np.arange(1, len(scores) + 1), scores, "o", color=TEST)
        left.axhline(scores.mean(), color="k")
        left.axhspan(
            scores.mean() - scores.std(), scores.mean() + scores.std(), alpha=0.15
        )
        left.set_ylim(0.75, 1.01)
        left.set_xlabel("fold")
        left.set_ylabel("test accuracy")
        left.set_title(
            f"{n_folds.value} folds: {scores.mean():.3f} ± {scores.std():.3f}",
            fontsize=10,
        )
        r = resolution.value
        rows, columns = coarse_indices(len(ys), r), coarse_indices(len(xs), r)
        coarse = table[np.ix_(rows, columns)]
        rng = np.random.default_rng(seed)
        picked = rng.choice(table.size, size=r * r, replace=False)
        plot_heatmap(
            middle,
            xs,
            ys,
            table,
            x_label=x_label,
            y_label=y_label,
            vmin=np.nanmin(table),
            vmax=np.nanmax(table),
        )
        grid_rows, grid_columns = np.meshgrid(rows, columns, indexing="ij")
        middle.scatter(grid_columns.ravel(), grid_rows.ravel(), marker="s", color="k")
        random_rows, random_columns = np.unravel_index(picked, table.shape)
        middle.scatter(random_columns, random_rows, marker="o", color=TEST)
        middle.set_title(
            f"{r}x{r} grid best {coarse.max():.3f} (black), "
            f"{r * r} random best {table.flat[picked].max():.3f} (orange)",
            fontsize=9,
        )
        w = [slider.value for slider in weights]
        score = soft_vote_accuracy(folds, y_index, w) if sum(w) > 0 else np.nan
        plot_vote(right, names, member_scores, score)
        right.set_title(f"weights {w}", fontsize=10)
        fig.tight_layout()
        show_figure_in(out, fig)

    for control in [n_folds, resolution, *weights]:
        control.observe(redraw, names="value")
    redraw()
    display(
        widgets.VBox([widgets.HBox([n_folds, resolution]), widgets.HBox(weights), out])
    )


def static_explorer(
    fold_scores,
    fine,
    vote_presets,
    member_scores,
    names,
    *,
    x_label="k",
    y_label="p",
    seed=0,
    name="model-selection-explorer",
):
    """The live explorer precomputed for the static site: three panels, each with
    its own slider (number of folds, grid size, voting weights).

    ``fold_scores``: ``{n_folds: scores}``; ``fine``: ``(xs, ys, table)``;
    ``vote_presets``: ``[(weights, accuracy), ...]``.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    xs, ys, table = fine
    figure = make_subplots(
        rows=1,
        cols=3,
        horizontal_spacing=0.09,
        subplot_titles=("scores of the folds", "grid (squares) vs random", "voting"),
    )
    ks = sorted(fold_scores)

    def fold_trace(k):
        scores = np.round(fold_scores[k], 4)
        return {
            "x": [list(range(1, k + 1)), [1, k]],
            "y": [scores.tolist(), [round(float(scores.mean()), 4)] * 2],
        }

    start = ks.index(5) if 5 in ks else 0
    first = fold_trace(ks[start])
    figure.add_trace(
        go.Scatter(
            x=first["x"][0],
            y=first["y"][0],
            mode="markers",
            name="fold score",
            marker={"color": TEST},
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Scatter(
            x=first["x"][1],
            y=first["y"][1],
            mode="lines",
            name="mean",
            line={"color": "black"},
        ),
        row=1,
        col=1,
    )
    labels_x = [f"{x:g}" for x in xs]
    labels_y = [f"{y:g}" for y in ys]
    figure.add_trace(
        go.Heatmap(
            z=np.round(table, 3),
            x=labels_x,
            y=labels_y,
            colorscale="Viridis",
            showscale=False,
            hovertemplate=f"{x_label}=%{{x}}, {y_label}=%{{y}}: %{{z}}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    rng = np.random.default_rng(seed)
    resolutions = [r for r in range(2, len(xs) + 1) if (len(xs) - 1) % (r - 1) == 0]

    def search_points(r):
        rows, columns = coarse_indices(len(ys), r), coarse_indices(len(xs), r)
        grid_rows, grid_columns = np.meshgrid(rows, columns, indexing="ij")
        picked = rng.choice(table.size, size=r * r, replace=False)
        random_rows, random_columns = np.unravel_index(picked, table.shape)
        grid_best = table[np.ix_(rows, columns)].max()
        return {
            "x": [
                [labels_x[c] for c in grid_columns.ravel()],
                [labels_x[c] for c in random_columns],
            ],
            "y": [
                [labels_y[r_] for r_ in grid_rows.ravel()],
                [labels_y[r_] for r_ in random_rows],
            ],
            "name": [
                f"grid {r}x{r}: best {grid_best:.3f}",
                f"{r * r} random: best {table.flat[picked].max():.3f}",
            ],
        }

    points = {r: search_points(r) for r in resolutions}
    initial = points[3] if 3 in points else points[resolutions[0]]
    for index, (symbol, colour) in enumerate((("square", "black"), ("circle", TEST))):
        figure.add_trace(
            go.Scatter(
                x=initial["x"][index],
                y=initial["y"][index],
                mode="markers",
                name=initial["name"][index],
                marker={
                    "symbol": symbol,
                    "color": colour,
                    "size": 9,
                    "line": {"width": 1, "color": "white"},
                },
            ),
            row=1,
            col=2,
        )
    bar_names = [*names, "soft vote"]
    colours = ["#bdbdbd"] * len(names) + [TEST]

    def bars(weights, accuracy):
        return {
            "y": [[round(float(s), 4) for s in member_scores] + [round(accuracy, 4)]]
        }

    figure.add_trace(
        go.Bar(
            x=bar_names,
            y=bars(*vote_presets[0])["y"][0],
            marker={"color": colours},
            name="accuracy",
            showlegend=False,
            texttemplate="%{y:.3f}",
            textposition="outside",
        ),
        row=1,
        col=3,
    )
    low = min(min(member_scores), min(a for _, a in vote_presets)) - 0.02
    figure.update_yaxes(range=[low, 1.0], row=1, col=3)
    figure.update_yaxes(range=[0.75, 1.01], title_text="test accuracy", row=1, col=1)
    figure.update_xaxes(title_text="fold", row=1, col=1)
    figure.update_xaxes(title_text=x_label, row=1, col=2)
    figure.update_yaxes(title_text=y_label, row=1, col=2)

    def slider(x, prefix, steps, active):
        return {
            "x": x,
            "len": 0.27,
            "active": active,
            "currentvalue": {"prefix": prefix, "font": {"size": 11}},
            "pad": {"t": 50},
            "steps": steps,
        }

    figure.update_layout(
        height=520,
        margin={"t": 60, "b": 150},
        legend={"orientation": "h", "y": -0.55, "x": 0.35},
        sliders=[
            slider(
                0.0,
                "folds: ",
                [
                    {
                        "label": str(k),
                        "method": "restyle",
                        "args": [fold_trace(k), [0, 1]],
                    }
                    for k in ks
                ],
                start,
            ),
            slider(
                0.36,
                "grid size: ",
                [
                    {
                        "label": f"{r}x{r}",
                        "method": "restyle",
                        "args": [points[r], [3, 4]],
                    }
                    for r in resolutions
                ],
                resolutions.index(3) if 3 in resolutions else 0,
            ),
            slider(
                0.73,
                "weights: ",
                [
                    {
                        "label": "/".join(f"{w:g}" for w in weights),
                        "method": "restyle",
                        "args": [bars(weights, accuracy), [5]],
                    }
                    for weights, accuracy in vote_presets
                ],
                0,
            ),
        ],
    )
    return PlotlyFigure(figure, name)
