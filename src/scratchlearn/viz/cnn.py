"""Figures and explorers of Chapter 26 (convolutional networks).

Pictures of images, kernels and feature maps (matplotlib), the training curves of a
network, and the explorers: ipywidgets controls (learning rate, batch size,
optimizer, dropout rate, number of filters) that retrain the chapter's network on a
small subset of the digits and redraw its curves, and a plotly figure that shows
precomputed runs on the static site.
"""

import numpy as np

from scratchlearn.deep.cnn import digits_cnn, feature_maps
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in

# The explorers' settings.
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03)
OPTIMIZERS = ("adam", "rmsprop", "sgd")
BATCH_SIZES = (16, 32, 64, 128)
FILTER_CHOICES = {"4, 8": (4, 8), "8, 16": (8, 16), "16, 32": (16, 32)}


def show_images(images, titles=None, *, n_columns=8, size=1.3, cmap="gray_r"):
    """A grid of 2-D images (``images`` of shape ``(n, height, width)``), each with
    its own title; returns the figure. A diverging colour map (``"RdBu_r"``) is
    centred on zero, for kernels whose weights have both signs."""
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    n_rows = -(-len(images) // n_columns)  # ceil
    fig, axes = plt.subplots(
        n_rows,
        n_columns,
        figsize=(size * n_columns, size * n_rows + 0.3 * (titles is not None)),
        squeeze=False,
    )
    limit = np.abs(images).max() if cmap == "RdBu_r" else None
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index >= len(images):
            continue
        if limit is None:
            ax.imshow(images[index], cmap=cmap)
        else:
            ax.imshow(images[index], cmap=cmap, vmin=-limit, vmax=limit)
        if titles is not None:
            ax.set_title(titles[index], fontsize=8)
    fig.tight_layout()
    return fig


def plot_convolution(image, kernel, output, *, title_kernel="kernel"):
    """Three panels: an image, a kernel and the image convolved with it, every
    value written in its cell (for small examples)."""
    import matplotlib.pyplot as plt

    panels = [("image", image), (title_kernel, kernel), ("output", output)]
    fig, axes = plt.subplots(
        1, 3, figsize=(10, 3.4), gridspec_kw={"width_ratios": [8, 3.5, 8]}
    )
    for ax, (title, values) in zip(axes, panels, strict=True):
        values = np.asarray(values, dtype=float)
        limit = np.abs(values).max() or 1.0
        ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (row, column), value in np.ndenumerate(values):
            ax.text(column, row, f"{value:.3g}", ha="center", va="center", fontsize=7)
        ax.set_title(f"{title} {values.shape[0]}x{values.shape[1]}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


def plot_feature_maps(model, image, layers=(3, 7)):
    """One digit and what the network's blocks make of it: for each index in
    ``layers``, every channel of the output of the first ``index`` layers (by
    default after each block's max pooling)."""
    import matplotlib.pyplot as plt

    maps = [feature_maps(model, image[None], n)[0] for n in layers]
    n_columns = max(m.shape[-1] for m in maps) // 2
    fig = plt.figure(
        figsize=(13, 1.0 + 1.6 * sum(-(-m.shape[-1] // n_columns) for m in maps))
    )
    rows = [1] + [-(-m.shape[-1] // n_columns) for m in maps]
    grid = fig.add_gridspec(sum(rows), n_columns + 2)
    ax = fig.add_subplot(grid[:, :2])
    ax.imshow(image[:, :, 0], cmap="gray_r")
    ax.set_title("input 8x8", fontsize=9)
    ax.set_axis_off()
    row = 0
    for n_layers, values in zip(layers, maps, strict=True):
        name = type(model.layers[n_layers - 1]).__name__
        height, width, channels = values.shape
        for channel in range(channels):
            r, c = divmod(channel, n_columns)
            cell = fig.add_subplot(grid[row + r, 2 + c])
            cell.imshow(values[:, :, channel], cmap="viridis")
            cell.set_axis_off()
            if channel == 0:
                cell.set_title(
                    f"after layer {n_layers} ({name}): {channels} maps of "
                    f"{height}x{width}",
                    fontsize=9,
                    loc="left",
                )
        row += -(-channels // n_columns)
    return fig


def plot_histories(histories, *, title=None):
    """Training loss and validation accuracy per epoch of several runs:
    ``histories`` maps a label to a ``History.history``-like dict (``loss``,
    ``val_accuracy``)."""
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_accuracy) = plt.subplots(1, 2, figsize=(11, 3.6))
    for label, history in histories.items():
        epochs = np.arange(1, len(history["loss"]) + 1)
        ax_loss.plot(epochs, history["loss"], marker=".", label=label)
        ax_accuracy.plot(epochs, history["val_accuracy"], marker=".", label=label)
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("training loss (log scale)")
    ax_accuracy.set_xlabel("epoch")
    ax_accuracy.set_ylabel("validation accuracy")
    ax_accuracy.set_ylim(0.8, 1.0)
    ax_accuracy.legend(fontsize=8)
    for ax in (ax_loss, ax_accuracy):
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def train_small(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    learning_rate=0.003,
    batch_size=32,
    optimizer="adam",
    dropout=0.3,
    filters=(16, 32),
    epochs=8,
    random_state=0,
):
    """Train the chapter's network with these settings (constant learning rate;
    batch normalisation's momentum 0.9, since a short training has few steps);
    returns its ``History.history`` dict."""
    model = digits_cnn(
        filters=filters,
        dropout=dropout,
        batch_norm_momentum=0.9,  # few steps: running statistics must catch up
        optimizer=optimizer,
        learning_rate=learning_rate,
        random_state=random_state,
    )
    history = model.fit(
        X_train,
        y_train,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=(X_val, y_val),
        verbose=0,
    )
    return history.history


def describe(history):
    """One line: the last epoch's training loss and validation accuracy."""
    return (
        f"after {len(history['loss'])} epochs: training loss "
        f"{history['loss'][-1]:.3f}, validation accuracy "
        f"{history['val_accuracy'][-1]:.3f}"
    )


def live_explorer(X_train, y_train, X_val, y_val, *, epochs=8):
    """ipywidgets controls for the learning rate, batch size, optimizer, dropout
    rate and number of filters; every change retrains the network for ``epochs``
    epochs on ``(X_train, y_train)`` (keep it small: a few hundred images) and
    redraws its loss and validation accuracy next to the default setting's."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    learning_rate = widgets.FloatLogSlider(
        value=0.003, base=10, min=-4, max=-1, step=0.25, description="learning rate"
    )
    batch_size = widgets.Dropdown(options=BATCH_SIZES, value=32, description="batch")
    optimizer = widgets.Dropdown(options=OPTIMIZERS, value="adam", description="optim.")
    dropout = widgets.FloatSlider(
        value=0.3, min=0.0, max=0.8, step=0.1, description="dropout"
    )
    filters = widgets.Dropdown(
        options=list(FILTER_CHOICES), value="16, 32", description="filters"
    )
    out = widgets.Output()
    data = (X_train, y_train, X_val, y_val)
    baseline = train_small(*data, epochs=epochs)

    def redraw(_change=None):
        history = train_small(
            *data,
            learning_rate=learning_rate.value,
            batch_size=batch_size.value,
            optimizer=optimizer.value,
            dropout=dropout.value,
            filters=FILTER_CHOICES[filters.value],
            epochs=epochs,
        )
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig = plot_histories(
                {"default (adam, 0.003, 32, 0.3, 16/32)": baseline, "yours": history},
                title=describe(history),
            )
        show_figure_in(out, fig)

    controls = (learning_rate, batch_size, optimizer, dropout, filters)
    for control in controls:
        control.observe(redraw, names="value")
    redraw()
    display(
        widgets.VBox(
            [
                widgets.HBox([learning_rate, dropout]),
                widgets.HBox([optimizer, batch_size, filters]),
                out,
            ]
        )
    )


def precompute_runs(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    optimizers=OPTIMIZERS,
    learning_rates=LEARNING_RATES,
    epochs=6,
):
    """The static explorer's runs: ``{(optimizer, learning_rate): history}``."""
    return {
        (name, lr): train_small(
            X_train,
            y_train,
            X_val,
            y_val,
            optimizer=name,
            learning_rate=lr,
            epochs=epochs,
        )
        for name in optimizers
        for lr in learning_rates
    }


def static_explorer(runs, *, name="cnn-explorer"):
    """The live explorer precomputed for the static site: a plotly figure with a
    menu over the optimizer and a slider over the learning rate, showing the
    training loss and validation accuracy per epoch of each run of ``runs`` (from
    :func:`precompute_runs`)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    optimizers = list(dict.fromkeys(key[0] for key in runs))
    rates = list(dict.fromkeys(key[1] for key in runs))
    figure = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("training loss (log scale)", "validation accuracy"),
    )
    keys, titles = [], {}
    for key, history in runs.items():
        epochs = list(range(1, len(history["loss"]) + 1))
        loss = go.Scatter(
            x=epochs,
            y=rounded(history["loss"], 4),
            mode="lines+markers",
            name="training loss",
            line={"color": "#1f77b4"},
        )
        accuracy = go.Scatter(
            x=epochs,
            y=rounded(history["val_accuracy"], 4),
            mode="lines+markers",
            name="validation accuracy",
            line={"color": "#d62728"},
        )
        figure.add_trace(loss, row=1, col=1)
        figure.add_trace(accuracy, row=1, col=2)
        keys += [key, key]
        titles[key] = f"{key[0]}, learning rate {key[1]:g}: {describe(history)}"

    def visible(chosen):
        return [key == chosen for key in keys]

    def slider(optimizer, rate_index):
        return {
            "active": rate_index,
            "currentvalue": {"prefix": "learning rate = "},
            "pad": {"t": 40},
            "steps": [
                {
                    "label": f"{rate:g}",
                    "method": "update",
                    "args": [
                        {"visible": visible((optimizer, rate))},
                        {"title.text": titles[optimizer, rate]},
                    ],
                }
                for rate in rates
            ],
        }

    start_optimizer, start_rate = optimizers[0], min(2, len(rates) - 1)
    buttons = [
        {
            "label": optimizer,
            "method": "update",
            "args": [
                {"visible": visible((optimizer, rates[start_rate]))},
                {
                    "sliders": [slider(optimizer, start_rate)],
                    "title.text": titles[optimizer, rates[start_rate]],
                },
            ],
        }
        for optimizer in optimizers
    ]
    for trace, is_visible in zip(
        figure.data, visible((start_optimizer, rates[start_rate])), strict=True
    ):
        trace.visible = is_visible
    figure.update_yaxes(type="log", row=1, col=1)
    figure.update_yaxes(range=[0.0, 1.02], row=1, col=2)
    figure.update_xaxes(title_text="epoch")
    figure.update_layout(
        title={
            "text": titles[start_optimizer, rates[start_rate]],
            "font": {"size": 12},
            "y": 0.97,
        },
        height=480,
        showlegend=False,
        margin={"t": 110},
        sliders=[slider(start_optimizer, start_rate)],
        updatemenus=[
            {
                "type": "dropdown",
                "x": 1,
                "xanchor": "right",
                "y": 1.28,
                "active": 0,
                "buttons": buttons,
            }
        ],
    )
    return PlotlyFigure(figure, name)
