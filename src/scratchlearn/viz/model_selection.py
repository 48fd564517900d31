"""Figures and explorers of Chapter 15 (model selection and ensembles): folds and
their scores, grid against random search, learning and validation curves, and the
weights of a soft vote."""

import numpy as np

from scratchlearn.model_selection import KFold, StratifiedKFold, cross_val_score
from scratchlearn.supervised.experiments import (
    coarse_indices,
    soft_vote_accuracy,
)
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS

TRAIN, TEST, GREY = "#9ecae1", "#d95f02", "#bdbdbd"
CLASS_COLOURS = [colour for colour in COLOURS if colour != TEST]
# The explorers' precomputed numbers of folds, and the live voting weights.
FOLDS = [2, 3, 4, 5, 6, 8, 10, 12, 15]
WEIGHTS = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]


# -- matplotlib: the chapter's still figures -------------------------------------


def plot_split_spread(ax, split_scores, cv_scores):
    """Histogram of test scores over many random splits, with the k-fold scores."""
    bins = np.arange(split_scores.min() - 0.0125, split_scores.max() + 0.025, 0.0125)
    ax.hist(split_scores, bins=bins, color=GREY, edgecolor="white")
    ax.axvline(split_scores.mean(), color="k", linestyle="--", label="mean of splits")
    for score in cv_scores:
        ax.axvline(score, color=TEST, alpha=0.6, linewidth=1)
    label = "5-fold CV: folds and mean"
    ax.axvline(cv_scores.mean(), color=TEST, linewidth=3, label=label)
    ax.set(xlabel="test accuracy", ylabel="number of random splits")
    ax.legend(loc="upper left", fontsize=8)


def plot_folds(ax, splits, y, title=None):
    """A row per fold over the sample indices (its test samples in orange), and a
    last row with the class of each sample."""
    from matplotlib.colors import ListedColormap

    classes, y_index = np.unique(y, return_inverse=True)
    rows = np.zeros((len(splits) + 1, len(y)))  # 0 training, 1 test, 2+ a class
    for k, (_, test) in enumerate(splits):
        rows[k, test] = 1
    rows[-1] = 2 + y_index
    colours = ListedColormap([TRAIN, TEST, *CLASS_COLOURS[: len(classes)]])
    limits = {"vmin": -0.5, "vmax": len(classes) + 1.5}
    ax.imshow(rows, cmap=colours, **limits, aspect="auto", interpolation="nearest")
    for k in range(len(splits)):
        ax.axhline(k + 0.5, color="white", linewidth=3)
    labels = [f"fold {k + 1}" for k in range(len(splits))]
    ax.set_yticks(range(len(rows)), [*labels, "class"])
    ax.set_xlabel("sample index")
    if title:
        ax.set_title(title, fontsize=10)


def plot_heatmap(ax, xs, ys, table, *, x_label, y_label):
    """The CV score over a grid (columns xs, rows ys), the best cell outlined."""
    image = ax.imshow(table, origin="lower", cmap="viridis", aspect="auto")
    ax.set_xticks(range(len(xs)), [f"{x:g}" for x in xs], fontsize=8)
    ax.set_yticks(range(len(ys)), [f"{y:g}" for y in ys], fontsize=8)
    ax.set(xlabel=x_label, ylabel=y_label)
    row, column = np.unravel_index(np.nanargmax(table), table.shape)
    ax.scatter([column], [row], marker="s", s=180, facecolor="none", edgecolor="red")
    return image


def plot_search_points(ax, grid_points, random_points, *, x_label, y_label):
    """Where a grid and a random search of the same budget put their candidates."""
    ax.scatter(*np.transpose(grid_points), marker="s", color="k", label="grid")
    ax.scatter(*np.transpose(random_points), marker="o", color=TEST, label="random")
    ax.set(xscale="log", xlabel=x_label, ylabel=y_label)
    ax.legend(fontsize=8)


def plot_curves(ax, x, train_scores, test_scores, *, x_label, title=None):
    """Mean training and test scores over folds, with one-standard-deviation bands."""
    for scores, colour, label in (
        (train_scores, "#2171b5", "training"),
        (test_scores, TEST, "cross-validated test"),
    ):
        mean, std = scores.mean(axis=1), scores.std(axis=1)
        ax.plot(x, mean, "o-", color=colour, label=label)
        ax.fill_between(x, mean - std, mean + std, color=colour, alpha=0.2)
    ax.set(xlabel=x_label, ylabel="accuracy")
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title, fontsize=10)


def plot_vote(ax, names, member_scores, vote_score, label="soft vote"):
    """Bars: each member's CV accuracy and the vote's."""
    heights = [*member_scores, vote_score]
    ax.bar([*names, label], heights, color=[GREY] * len(member_scores) + [TEST])
    ax.set_ylim(min(heights) - 0.02, 1.0)
    for position, height in enumerate(heights):
        ax.text(position, height + 0.002, f"{height:.3f}", ha="center", fontsize=8)
    ax.set_ylabel("cross-validated accuracy")


# -- voting without refitting ------------------------------------------------------


# -- the explorers -------------------------------------------------------------------


def folds_explorer(model, X, y):
    """The score of ``model`` on each fold and their mean, for a number of
    stratified or consecutive folds; every setting cross-validates afresh."""
    import plotly.graph_objects as go

    def draw(folds, n_splits):
        splitter = StratifiedKFold if folds == "stratified" else KFold
        scores = cross_val_score(model, X, y, cv=splitter(n_splits))
        mean, std = scores.mean(), scores.std()
        # The mean and a band of one standard deviation, as shapes: lighter to
        # store than traces.
        across = {"xref": "x domain", "x0": 0, "x1": 1, "layer": "below"}
        band = {"type": "rect", "y0": mean - std, "y1": mean + std, **across}
        band.update(fillcolor=TEST, opacity=0.15, line={"width": 0})
        line = {"type": "line", "y0": mean, "y1": mean, **across}
        marker = {"color": TEST, "size": 9}
        folds_x = np.arange(1, n_splits + 1)
        return View(
            [go.Scatter(x=folds_x, y=scores, mode="markers", marker=marker)],
            title=f"{n_splits} {folds} folds: accuracy {mean:.3f} ± {std:.3f}",
            layout={
                "shapes": [band, line],
                "yaxis.range": [min(0.75, scores.min() - 0.05), 1.02],
            },
        )

    return Explorer(
        [
            Control("folds", ["stratified", "consecutive"]),
            Control("n_splits", FOLDS, live_values=range(2, 21), start=5),
        ],
        draw,
        name="model-selection-folds",
        layout={
            "xaxis.title.text": "fold",
            "xaxis.dtick": 1,
            "yaxis.title.text": "test accuracy",
        },
        description="The test accuracy of each fold of a cross-validation",
    )


def search_explorer(xs, ys, table, *, x_label="k", y_label="p"):
    """A fine grid search's scores ``table`` (len(ys), len(xs)) as a heat map, with
    an r x r grid inside it (squares) against r * r random cells (circles)."""
    import plotly.graph_objects as go

    heatmap = go.Heatmap(
        z=table,
        colorscale="Viridis",
        colorbar={"title": {"text": "CV accuracy"}},
        hovertemplate="%{z:.3f}<extra></extra>",
    )

    def cells(rows, columns, name, symbol, colour):
        line = {"width": 1, "color": "white"}
        marker = {"symbol": symbol, "color": colour, "size": 10, "line": line}
        return go.Scatter(x=columns, y=rows, mode="markers", marker=marker, name=name)

    def draw(random_state, grid_size):
        r = grid_size
        coarse = [coarse_indices(len(ys), r), coarse_indices(len(xs), r)]
        rows, columns = np.meshgrid(*coarse, indexing="ij")  # (r, r) each
        rng = np.random.default_rng(random_state)
        picked = rng.choice(table.size, size=min(r * r, table.size), replace=False)
        random_rows, random_columns = np.unravel_index(picked, table.shape)
        grid_best, random_best = table[rows, columns].max(), table.flat[picked].max()
        return View(
            [
                heatmap,
                cells(rows.ravel(), columns.ravel(), "grid", "square", "black"),
                cells(random_rows, random_columns, "random", "circle", TEST),
            ],
            title=(
                f"{r} x {r} grid: best {grid_best:.3f} (squares); {len(picked)} random "
                f"cells: best {random_best:.3f} (circles); all: {np.nanmax(table):.3f}"
            ),
        )

    # Grids whose lines fall on the fine grid's, and no larger than it.
    sizes = [r for r in range(2, len(xs) + 1) if (len(xs) - 1) % (r - 1) == 0]
    ticks = {"x": [f"{x:g}" for x in xs], "y": [f"{y:g}" for y in ys]}
    return Explorer(
        [
            Control("random_state", [0, 1, 2], label="random draw", start=0),
            Control("grid_size", sizes, label="grid size", start=sizes[1]),
        ],
        draw,
        name="model-selection-search",
        axis_titles=[(x_label, y_label)],
        layout={
            **{f"{a}axis.tickvals": list(range(len(ticks[a]))) for a in "xy"},
            **{f"{a}axis.ticktext": ticks[a] for a in "xy"},
            "showlegend": False,  # the title says which cells are which
        },
        description=(
            "A grid search's scores as a heat map, with the cells a coarser grid "
            "and a random search of the same budget try"
        ),
    )


def vote_explorer(names, member_scores, folds, y_index):
    """The members' cross-validated accuracies and their soft vote's, for a weight
    per member; the members' out-of-fold probabilities (from
    :func:`out_of_fold_probabilities`) are re-weighed, never refitted."""
    import plotly.graph_objects as go

    def bars(x, y, colour):
        text = {"texttemplate": "%{y:.3f}", "textposition": "outside"}
        return go.Bar(x=x, y=y, marker={"color": colour}, **text)

    members = bars(list(names), member_scores, GREY)

    def draw(**weights):
        w = [weights[name] for name in names]
        shown = ", ".join(
            f"{name} {weight:g}" for name, weight in zip(names, w, strict=True)
        )
        if sum(w) == 0:
            return View([members], title=f"weights {shown}: no vote")
        score = soft_vote_accuracy(folds, y_index, w)
        title = f"weights {shown}: soft vote accuracy {score:.4f}"
        return View([members, bars(["soft vote"], [score], TEST)], title=title)

    return Explorer(
        [
            Control(name, [0.0, 1.0, 2.0], label=f"{name} weight", live_values=WEIGHTS)
            for name in names
        ],
        draw,
        name="model-selection-vote",
        layout={
            "yaxis.range": [min(member_scores) - 0.03, 1.0],
            "yaxis.title.text": "cross-validated accuracy",
            "showlegend": False,
        },
        description="Each member's cross-validated accuracy and their soft vote's",
    )
