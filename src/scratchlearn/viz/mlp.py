"""Figures and explorers of Chapter 25 (a multilayer perceptron with dropout and
batch normalisation, on digits).

The explorers train the chapter's network (:func:`scratchlearn.deep.mlp.train_mlp`)
on a subset of the digits for a few epochs and draw its learning curves: the loss
(training and validation) and the accuracy, epoch by epoch. The live one (ipywidgets)
moves the learning rate, batch size, optimizer, dropout rate, schedule and batch
norm; the static one (plotly) is precomputed over dropout x optimizer x batch norm.
"""

import time

import numpy as np

from scratchlearn.deep.mlp import OPTIMIZER_NAMES, SCHEDULE_NAMES, MLPConfig, train_mlp
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in

COLOURS = {"train": "#d95f02", "validation": "#1b9e77"}

# What the explorers train: the chapter's network, on a subset, for a few epochs.
EXPLORER_CONFIG = MLPConfig(epochs=12, schedule="constant")

# The static explorer's grid. Each optimizer gets a learning rate that suits it
# (SGD with momentum takes larger steps than the adaptive methods).
DROPOUTS = (0.0, 0.2, 0.5)
OPTIMIZERS = {"momentum": 0.05, "rmsprop": 0.001, "adam": 0.003}
OPTIMIZER_LABELS = {
    "sgd": "SGD",
    "momentum": "SGD + momentum 0.9",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}


def _limit_blas_threads():
    """One BLAS thread: the matrices of this network are so small that starting
    threads costs more than it saves (on a busy machine, many times more)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def plot_digits(X, y, n=20, *, predicted=None, columns=10):
    """The first ``n`` digits of ``X`` (rows of 64 pixels), titled by their label
    (and the predicted one, in red when wrong); returns the figure."""
    import matplotlib.pyplot as plt

    rows = int(np.ceil(n / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 0.9, rows * 1.1))
    for index, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if index >= n:
            continue
        ax.imshow(X[index].reshape(8, 8), cmap="gray_r", vmin=0, vmax=X.max())
        title, colour = f"{y[index]}", "black"
        if predicted is not None:
            title = f"{y[index]} as {predicted[index]}"
            colour = "black" if predicted[index] == y[index] else "red"
        ax.set_title(title, fontsize=9, color=colour)
    fig.tight_layout()
    return fig


def plot_block_outputs(outputs, titles, *, reference=None):
    """Heat maps of hidden units' outputs, one panel per array of ``outputs``
    (each (n_samples, n_units): one row per sample); returns the figure.

    With ``reference`` (the outputs at inference), the values that are positive
    there and zero in a panel, the ones dropout switched off, are marked with a
    cross.
    """
    import matplotlib.pyplot as plt

    vmax = max(float(np.max(o)) for o in outputs)
    fig, axes = plt.subplots(1, len(outputs), figsize=(3.6 * len(outputs), 2.8))
    for ax, values, title in zip(np.ravel(axes), outputs, titles, strict=True):
        image = ax.imshow(values, cmap="magma", vmin=0, vmax=vmax, aspect="auto")
        if reference is not None:
            rows, columns = np.nonzero((reference > 0) & (values == 0))
            ax.scatter(columns, rows, marker="x", s=14, color="#1b9e77", linewidth=1)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("hidden unit")
    np.ravel(axes)[0].set_ylabel("sample")
    fig.colorbar(image, ax=axes, shrink=0.8)
    return fig


def plot_learning_curves(history, axes, *, label="", style="-", validation="test"):
    """Loss (``axes[0]``) and accuracy (``axes[1]``) per epoch: training dashed and
    validation solid (or ``style`` for both when given a label)."""
    epochs = np.arange(1, len(history["loss"]) + 1)
    prefix = f"{label} " if label else ""
    for ax, key in zip(axes, ("loss", "accuracy"), strict=True):
        if label:  # comparing models: one colour per model, training thin
            (line,) = ax.plot(
                epochs, history[f"val_{key}"], style, label=f"{prefix}{validation}"
            )
            ax.plot(
                epochs,
                history[key],
                style,
                color=line.get_color(),
                alpha=0.45,
                linewidth=1,
                label=f"{prefix}training",
            )
        else:
            ax.plot(epochs, history[key], "--", color=COLOURS["train"], label="train")
            ax.plot(
                epochs,
                history[f"val_{key}"],
                color=COLOURS["validation"],
                label=validation,
            )
        ax.set_xlabel("epoch")
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
    axes[0].set_yscale("log")
    axes[1].legend(fontsize=8, loc="lower right")
    return axes


def describe(config, history, seconds=None):
    """One line: the settings and the final validation accuracy."""
    text = (
        f"{OPTIMIZER_LABELS[config.optimizer]}, lr {config.learning_rate:.2g} "
        f"({config.schedule}), batch {config.batch_size}, dropout "
        f"{config.dropout:g}, batch norm {'on' if config.batch_norm else 'off'}\n"
        f"validation accuracy {history['val_accuracy'][-1]:.3f}, "
        f"loss {history['val_loss'][-1]:.3f}"
    )
    if seconds is not None:
        text += f"; trained in {seconds:.2f} s of CPU"
    return text


def live_explorer(X_fit, y_fit, X_val, y_val, *, config=EXPLORER_CONFIG):
    """ipywidgets controls for the learning rate, batch size, optimizer, dropout
    rate, schedule and batch norm; every change retrains the network from scratch
    (same seed) and redraws its learning curves."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    style = {"description_width": "initial"}
    learning_rate = widgets.FloatLogSlider(
        value=config.learning_rate,
        base=10,
        min=-4,
        max=0,
        step=0.25,
        description="learning rate",
        style=style,
    )
    batch_size = widgets.SelectionSlider(
        options=[8, 16, 32, 64, 128],
        value=config.batch_size,
        description="batch size",
        style=style,
    )
    optimizer = widgets.Dropdown(
        options=[(OPTIMIZER_LABELS[name], name) for name in OPTIMIZER_NAMES],
        value=config.optimizer,
        description="optimizer",
        style=style,
    )
    dropout = widgets.FloatSlider(
        value=config.dropout,
        min=0.0,
        max=0.7,
        step=0.1,
        description="dropout rate",
        style=style,
    )
    schedule = widgets.Dropdown(
        options=SCHEDULE_NAMES,
        value=config.schedule,
        description="schedule",
        style=style,
    )
    batch_norm = widgets.Checkbox(value=config.batch_norm, description="batch norm")
    out = widgets.Output()
    controls = (learning_rate, batch_size, optimizer, dropout, schedule, batch_norm)

    def redraw(_change=None):
        setting = MLPConfig(
            hidden_units=config.hidden_units,
            epochs=config.epochs,
            random_state=config.random_state,
            learning_rate=learning_rate.value,
            batch_size=batch_size.value,
            optimizer=optimizer.value,
            dropout=round(dropout.value, 2),
            schedule=schedule.value,
            batch_norm=batch_norm.value,
        )
        start = time.process_time()
        with _limit_blas_threads():
            _, history = train_mlp(setting, X_fit, y_fit, (X_val, y_val))
        seconds = time.process_time() - start
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
        plot_learning_curves(history, axes, validation="validation")
        fig.suptitle(describe(setting, history, seconds), fontsize=10)
        fig.tight_layout()
        show_figure_in(out, fig)

    for control in controls:
        control.observe(redraw, names="value")
    redraw()
    display(
        widgets.VBox(
            [
                widgets.HBox([learning_rate, batch_size, dropout]),
                widgets.HBox([optimizer, schedule, batch_norm]),
                out,
            ]
        )
    )


def precompute_grid(
    X_fit,
    y_fit,
    X_val,
    y_val,
    *,
    config=EXPLORER_CONFIG,
    dropouts=DROPOUTS,
    optimizers=OPTIMIZERS,
):
    """Train the explorer's network for every (batch norm, optimizer, dropout) of
    the grid; returns ``{(batch_norm, optimizer, dropout): history}``."""
    runs = {}
    with _limit_blas_threads():
        for batch_norm in (True, False):
            for name, learning_rate in optimizers.items():
                for rate in dropouts:
                    setting = MLPConfig(
                        hidden_units=config.hidden_units,
                        epochs=config.epochs,
                        batch_size=config.batch_size,
                        schedule=config.schedule,
                        random_state=config.random_state,
                        optimizer=name,
                        learning_rate=learning_rate,
                        dropout=rate,
                        batch_norm=batch_norm,
                    )
                    _, history = train_mlp(setting, X_fit, y_fit, (X_val, y_val))
                    runs[batch_norm, name, rate] = (setting, history)
    return runs


def static_explorer(runs, *, name="mlp-explorer"):
    """The live explorer precomputed for the static site: a plotly figure of the
    learning curves of :func:`precompute_grid`'s runs, with a slider over the
    dropout rate and a menu over optimizer and batch norm."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    menus = sorted({(bn, opt) for bn, opt, _ in runs}, key=lambda k: (not k[0], k[1]))
    dropouts = sorted({rate for _, _, rate in runs})
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=("loss (log scale)", "accuracy")
    )
    keys, titles = [], {}
    for key, (setting, history) in runs.items():
        epochs = list(range(1, len(history["loss"]) + 1))
        for col, metric in ((1, "loss"), (2, "accuracy")):
            for kind, prefix, dash in (
                ("train", "", "dash"),
                ("validation", "val_", "solid"),
            ):
                figure.add_trace(
                    go.Scatter(
                        x=epochs,
                        y=rounded(history[prefix + metric], 4),
                        mode="lines",
                        name=kind,
                        line={"color": COLOURS[kind], "dash": dash},
                        legendgroup=kind,
                        showlegend=col == 1,
                        hovertemplate=f"{kind} {metric}: %{{y:.3f}}<extra></extra>",
                    ),
                    row=1,
                    col=col,
                )
                keys.append(key)
        titles[key] = describe(setting, history).replace("\n", "<br>")

    def slider(menu, active):
        return {
            "active": active,
            "currentvalue": {"prefix": "dropout rate = "},
            "pad": {"t": 45},
            "steps": [
                {
                    "label": f"{rate:g}",
                    "method": "update",
                    "args": [
                        {"visible": [k == (*menu, rate) for k in keys]},
                        {"title.text": titles[(*menu, rate)]},
                    ],
                }
                for rate in dropouts
            ],
        }

    start_menu = (True, "adam") if (True, "adam") in menus else menus[0]
    start_rate = min(1, len(dropouts) - 1)
    start = (*start_menu, dropouts[start_rate])
    for trace, key in zip(figure.data, keys, strict=True):
        trace.visible = key == start

    def button(menu):
        label = f"{OPTIMIZER_LABELS[menu[1]]}, batch norm {'on' if menu[0] else 'off'}"
        return {
            "label": label,
            "method": "update",
            "args": [
                {"visible": [k == (*menu, dropouts[start_rate]) for k in keys]},
                {
                    "sliders": [slider(menu, start_rate)],
                    "title.text": titles[(*menu, dropouts[start_rate])],
                },
            ],
        }

    figure.update_yaxes(type="log", row=1, col=1)
    figure.update_yaxes(range=[0.5, 1.0], row=1, col=2)
    figure.update_xaxes(title_text="epoch")
    figure.update_layout(
        title={"text": titles[start], "font": {"size": 12}, "y": 0.97},
        height=520,
        margin={"t": 120},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": -0.35},
        sliders=[slider(start_menu, start_rate)],
        updatemenus=[
            {
                "type": "dropdown",
                "x": 0,
                "xanchor": "left",
                "y": 1.3,
                "active": menus.index(start_menu),
                "buttons": [button(menu) for menu in menus],
            }
        ],
    )
    return PlotlyFigure(figure, name)
