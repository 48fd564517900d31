"""Figures and explorers of Chapter 2 (linear and polynomial regression).

The explorers fit a polynomial of one feature, ``x``, two ways: in closed form
(``solver="lstsq"``) and by gradient descent (``solver="gd"``) with a chosen learning
rate. :func:`explore` does the fitting for one setting; the live explorer draws its
result with matplotlib, the static one precomputes many settings into a plotly figure.
"""

import dataclasses

import numpy as np

from scratchlearn.preprocessing import PolynomialFeatures, StandardScaler
from scratchlearn.supervised import LinearRegression
from scratchlearn.viz.common import PlotlyFigure, rounded

TRAIN_COLOUR = "#1b9e77"
VALIDATION_COLOUR = "#d95f02"
LSTSQ_COLOUR = "#444444"
GD_COLOUR = "#7570b3"


def polynomial_features(x_train, degree):
    """The features of a degree-``degree`` polynomial in ``x``, standardised.

    Returns a function mapping ``x`` of shape (n_samples,) to the standardised
    columns ``x, x^2, ..., x^degree``, shape (n_samples, degree). The powers and the
    scaler are fitted on ``x_train`` only, and reused unchanged on other data.
    """
    powers = PolynomialFeatures(degree).fit(np.reshape(x_train, (-1, 1)))
    scaler = StandardScaler().fit(powers.transform(np.reshape(x_train, (-1, 1))))

    def features(x):
        return scaler.transform(powers.transform(np.reshape(x, (-1, 1))))

    return features


def stable_lr_limit(Z):
    """The largest learning rate for which batch gradient descent converges.

    The mean squared error is a quadratic whose Hessian is
    :math:`H = \\frac{2}{n} [Z, 1]^\\top [Z, 1]`. Gradient descent shrinks the error
    along each eigenvector of :math:`H` by a factor :math:`|1 - \\eta \\lambda|` per
    step, so it converges exactly when :math:`\\eta < 2 / \\lambda_{\\max}`.
    """
    design = np.column_stack([Z, np.ones(len(Z))])  # (n_samples, n_features + 1)
    hessian = 2.0 * design.T @ design / len(Z)  # (n_features + 1, n_features + 1)
    return 2.0 / np.linalg.eigvalsh(hessian)[-1]


def descend(Z, y, lr, n_epochs):
    """Batch gradient descent for ``n_epochs``, even when it diverges.

    Returns ``(model, losses, failure)``: the fitted model (``None`` if it diverged),
    the training MSE from epoch 0 (all coefficients 0) onwards, and ``None`` or the
    first sentence of the error that ``fit`` raised.

    When the loss overflows, ``fit`` raises instead of returning a history. Full-batch
    descent is deterministic, so a shorter run repeats the first epochs of the longer
    one exactly: halving ``n_epochs`` until ``fit`` succeeds recovers the losses on the
    way to the overflow, to draw them.
    """
    start = float(np.mean(y**2))  # the loss of the all-zero start
    try:
        model = LinearRegression(solver="gd", learning_rate=lr, max_iter=n_epochs).fit(
            Z, y
        )
    except ValueError as error:
        failure = str(error).split(":")[0]
        epochs = n_epochs // 2
        while epochs >= 1:
            try:
                shorter = LinearRegression(
                    solver="gd", learning_rate=lr, max_iter=epochs
                )
                losses = shorter.fit(Z, y).loss_history_
                return None, np.concatenate([[start], losses]), failure
            except ValueError:
                epochs //= 2
        return None, np.array([start]), failure
    losses = np.concatenate([[start], model.loss_history_])
    if losses[-1] > losses[0]:
        # The loss grows without having overflowed yet: diverging all the same.
        return None, losses, "Gradient descent diverges: the loss grows every epoch"
    return model, losses, None


@dataclasses.dataclass
class Setting:
    """What one setting of the explorer shows (see :func:`explore`)."""

    degree: int
    lr: float
    lr_limit: float
    lstsq_curve: np.ndarray
    lstsq_mse: tuple
    gd_curve: np.ndarray | None
    gd_mse: tuple | None
    losses: np.ndarray
    failure: str | None

    def title(self, n_epochs, separator="\n"):
        """Both fits' training and validation errors, in words."""
        lstsq = (
            f"degree {self.degree}, closed form: MSE train {self.lstsq_mse[0]:.3f}, "
            f"validation {self.lstsq_mse[1]:.3f}"
        )
        if self.failure is None:
            gd = (
                f"gradient descent, lr={self.lr:.3g}, {n_epochs} epochs: MSE train "
                f"{self.gd_mse[0]:.3f}, validation {self.gd_mse[1]:.3f}"
            )
        else:
            gd = (
                f"lr={self.lr:.3g}: {self.failure} "
                f"(it converges for lr < 2/λmax = {self.lr_limit:.3f})"
            )
        return lstsq + separator + gd


def explore(x_train, y_train, x_val, y_val, x_grid, degree, lr, n_epochs):
    """Fit a degree-``degree`` polynomial in closed form and by gradient descent."""
    features = polynomial_features(x_train, degree)
    Z_train, Z_val, Z_grid = features(x_train), features(x_val), features(x_grid)

    def errors(model):
        return tuple(
            float(np.mean((model.predict(Z) - y) ** 2))
            for Z, y in ((Z_train, y_train), (Z_val, y_val))
        )

    lstsq = LinearRegression().fit(Z_train, y_train)
    gd, losses, failure = descend(Z_train, y_train, lr, n_epochs)
    return Setting(
        degree=degree,
        lr=lr,
        lr_limit=stable_lr_limit(Z_train),
        lstsq_curve=lstsq.predict(Z_grid),
        lstsq_mse=errors(lstsq),
        gd_curve=None if gd is None else gd.predict(Z_grid),
        gd_mse=None if gd is None else errors(gd),
        losses=losses,
        failure=failure,
    )


def errors_by_degree(x_train, y_train, x_val, y_val, degrees):
    """Training and validation MSE of the closed-form fit for each degree.

    Returns two arrays of shape (len(degrees),).
    """
    train, validation = [], []
    for degree in degrees:
        features = polynomial_features(x_train, degree)
        model = LinearRegression().fit(features(x_train), y_train)
        for errors, x, y in ((train, x_train, y_train), (validation, x_val, y_val)):
            errors.append(float(np.mean((model.predict(features(x)) - y) ** 2)))
    return np.array(train), np.array(validation)


def _limits(x_train, y_train, x_val, y_val):
    """Fixed axes for the explorers: x range, y range of the data, loss range."""
    x_all, y_all = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])
    margin = 0.15 * (y_all.max() - y_all.min())
    return (
        (x_all.min() - 0.1, x_all.max() + 0.1),
        (y_all.min() - margin, y_all.max() + margin),
        # Losses: from below the best fit's to well above the start, so that a
        # diverging run visibly leaves the chart through the top.
        (0.01 * np.var(y_train), 30.0 * np.mean(y_train**2)),
    )


def plot_residuals(x, y, model, ax, *, xlabel="x", ylabel="y"):
    """A fitted line through 1-feature data, with each residual drawn as a segment."""
    y_pred = model.predict(x.reshape(-1, 1))
    ax.vlines(x, y, y_pred, color=VALIDATION_COLOUR, linewidth=0.8, alpha=0.6)
    ax.scatter(x, y, s=12, color=TRAIN_COLOUR, label="patients")
    order = np.argsort(x)
    ax.plot(x[order], y_pred[order], color=LSTSQ_COLOUR, linewidth=2, label="fit")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def plot_loss_curves(histories, minimum, ax):
    """How far above the minimum several gradient-descent runs are, epoch by epoch.

    ``histories`` maps a label to a ``loss_history_``; ``minimum`` is the training MSE
    of the closed-form solution, which no run can go below. Drawing the excess loss on
    a log scale shows what the loss itself hides: the rate of convergence, and the
    noise of mini-batches.
    """
    for label, losses in histories.items():
        epochs = np.arange(1, len(losses) + 1)
        # Rounding can put a converged loss a hair below the minimum; log needs > 0.
        excess = np.maximum(losses - minimum, 1e-12)
        ax.plot(epochs, excess, linewidth=1.2, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training MSE − minimum")
    ax.legend()
    return ax


def live_explorer(x_train, y_train, x_val, y_val, *, max_degree=15, n_epochs=500):
    """ipywidgets controls for the degree and the learning rate; every change refits
    both solvers and redraws the curves, the loss per epoch and the errors by degree.
    """
    import ipywidgets as widgets
    from IPython.display import display

    degree = widgets.IntSlider(value=3, min=1, max=max_degree, description="degree")
    lr = widgets.FloatLogSlider(
        value=0.1,
        base=10,
        min=-3,
        max=0,
        step=0.05,
        description="lr",
        readout_format=".3g",
    )
    image = widgets.Image(format="png")
    figure = _LiveFigure(x_train, y_train, x_val, y_val, max_degree, n_epochs)

    def redraw(_change=None):
        image.value = figure.update(degree.value, lr.value)

    for control in (degree, lr):
        control.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([widgets.HBox([degree, lr]), image]))


class _LiveFigure:
    """The live explorer's matplotlib figure.

    Drawn once; a new setting only moves the lines and changes the texts, then the
    figure is rendered to PNG. Rebuilding the axes (their ticks above all) each time
    would take several times longer.
    """

    def __init__(self, x_train, y_train, x_val, y_val, max_degree, n_epochs):
        from matplotlib.figure import Figure
        from matplotlib.ticker import NullLocator

        self.data = (x_train, y_train, x_val, y_val)
        self.n_epochs = n_epochs
        x_range, y_range, self.loss_range = _limits(x_train, y_train, x_val, y_val)
        self.x_grid = np.linspace(*x_range, 200)
        # A Figure outside pyplot: the notebook never shows it by itself (nor again
        # at a later plt.show()); update() renders it for the widget.
        self.figure = Figure(figsize=(9, 6.5))
        grid = self.figure.add_gridspec(2, 2, height_ratios=(1.3, 1))
        curves = self.figure.add_subplot(grid[0, :])
        losses = self.figure.add_subplot(grid[1, 0])
        by_degree = self.figure.add_subplot(grid[1, 1])
        self.figure.subplots_adjust(
            left=0.08, right=0.98, bottom=0.08, top=0.91, hspace=0.5
        )

        curves.scatter(
            x_train, y_train, s=25, color=TRAIN_COLOUR, label="training points"
        )
        curves.scatter(
            x_val,
            y_val,
            s=25,
            facecolors="none",
            edgecolors=VALIDATION_COLOUR,
            label="validation points",
        )
        nothing = np.full_like(self.x_grid, np.nan)
        (self.gd_line,) = curves.plot(
            self.x_grid,
            nothing,
            color=GD_COLOUR,
            linewidth=2.5,
            label="gradient descent",
        )
        (self.lstsq_line,) = curves.plot(
            self.x_grid,
            nothing,
            color=LSTSQ_COLOUR,
            linestyle="--",
            label="closed form (lstsq)",
        )
        self.curves_text = curves.text(
            0.5,
            0.06,
            "",
            ha="center",
            color="crimson",
            fontweight="bold",
            transform=curves.transAxes,
        )
        curves.set(xlim=x_range, ylim=y_range, xlabel="x", ylabel="y")
        curves.legend(loc="upper left", fontsize=8)
        self.title = curves.set_title("", fontsize=10)

        (self.loss_line,) = losses.plot([], [], color=GD_COLOUR)
        self.minimum_line = losses.axhline(
            1.0, color="black", linestyle="--", linewidth=1
        )
        self.losses_text = losses.text(
            0.5,
            0.5,
            "",
            ha="center",
            color="crimson",
            fontsize=16,
            fontweight="bold",
            transform=losses.transAxes,
        )
        losses.set(
            yscale="log",
            ylim=self.loss_range,
            xlim=(0, n_epochs),
            xlabel="epoch",
            ylabel="training MSE",
        )
        self.losses_title = losses.set_title("", fontsize=9)

        degrees = np.arange(1, max_degree + 1)
        train, validation = errors_by_degree(x_train, y_train, x_val, y_val, degrees)
        by_degree.plot(
            degrees,
            train,
            marker="o",
            markersize=3,
            color=TRAIN_COLOUR,
            label="training",
        )
        by_degree.plot(
            degrees,
            validation,
            marker="o",
            markersize=3,
            color=VALIDATION_COLOUR,
            label="validation",
        )
        self.degree_line = by_degree.axvline(1, color="black", linewidth=1)
        by_degree.set(yscale="log", xlabel="degree", ylabel="MSE")
        by_degree.set_title("closed form: error against degree", fontsize=9)
        by_degree.legend(fontsize=8)
        for axes in (losses, by_degree):
            # Minor ticks on a log scale are many, and slow to draw for little gain.
            axes.yaxis.set_minor_locator(NullLocator())

    def update(self, degree, lr):
        """Refit for ``degree`` and ``lr``; return the figure as PNG bytes."""
        import io

        setting = explore(*self.data, self.x_grid, degree, lr, self.n_epochs)
        self.lstsq_line.set_ydata(setting.lstsq_curve)
        diverged = setting.gd_curve is None
        self.gd_line.set_ydata(
            np.full_like(self.x_grid, np.nan) if diverged else setting.gd_curve
        )
        self.curves_text.set_text(f"{setting.failure}" if diverged else "")
        self.title.set_text(setting.title(self.n_epochs))
        # Clipped far above the chart: matplotlib's log scale overflows near 1e308.
        losses = np.minimum(setting.losses, 1e6 * self.loss_range[1])
        self.loss_line.set_data(np.arange(len(losses)), losses)
        self.minimum_line.set_ydata([setting.lstsq_mse[0]] * 2)
        self.losses_text.set_text("diverged" if diverged else "")
        self.losses_title.set_text(
            "gradient descent (dashed: closed form)\nconverges for lr < "
            f"2/λmax = {setting.lr_limit:.3f}"
        )
        self.degree_line.set_xdata([degree] * 2)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=90)
        return buffer.getvalue()


def _thin(losses, every=20, first=20):
    """Epoch numbers and losses to draw: every epoch at first, then every 20th.

    The static figure carries 40 loss curves; thinning them keeps the page light
    without changing their look. Losses keep 4 significant digits.
    """
    epochs = np.arange(len(losses))
    keep = (epochs < first) | (epochs % every == 0) | (epochs == len(losses) - 1)
    values = [float(f"{value:.4g}") for value in losses[keep]]
    return epochs[keep], values


def _line(x, y, name, colour, *, markers=False, dash=None, width=2, legend=True):
    """A plotly line (or line with markers) with the explorers' styling."""
    import plotly.graph_objects as go

    return go.Scatter(
        x=x,
        y=y,
        name=name,
        mode="lines+markers" if markers else "lines",
        line={"color": colour, "dash": dash, "width": width},
        marker={"size": 5},
        showlegend=legend,
    )


def _text(x, y, text):
    """A word in red at ``(x, y)``, for a run that diverged."""
    import plotly.graph_objects as go

    return go.Scatter(
        x=[x],
        y=[y],
        text=[text],
        mode="text",
        textfont={"color": "crimson", "size": 16},
        showlegend=False,
        hoverinfo="skip",
    )


def static_explorer(
    x_train,
    y_train,
    x_val,
    y_val,
    *,
    degrees=(1, 2, 3, 4, 5, 6, 8, 10, 12, 15),
    lrs=(0.01, 0.1, 0.3, 0.9),
    initial=(1, 2),
    n_epochs=500,
    name="linear-regression-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure with a menu
    for the learning rate and a slider for the degree.

    ``initial`` gives the indices, into ``lrs`` and ``degrees``, of the setting shown
    first.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    x_range, y_range, loss_range = _limits(x_train, y_train, x_val, y_val)
    x_grid = np.linspace(*x_range, 100)
    x_shown = rounded(x_grid, 3)
    figure = make_subplots(
        rows=2,
        cols=2,
        specs=[[{"colspan": 2}, None], [{}, {}]],
        row_heights=[0.55, 0.45],
        vertical_spacing=0.14,
        subplot_titles=(
            "",
            "gradient descent: training MSE per epoch",
            "closed form: MSE against degree",
        ),
    )
    top, losses_cell, degrees_cell = (1, 1), (2, 1), (2, 2)
    # Every trace with its subplot and when it shows: always (None), for one degree
    # ("degree", degree_index) or for one setting ("setting", lr_index, degree_index).
    traces = []

    # The errors by degree are cheap: drawn for every degree, not only the slider's.
    degrees_shown = list(range(1, max(degrees) + 1))
    train_by_degree, val_by_degree = errors_by_degree(
        x_train, y_train, x_val, y_val, degrees_shown
    )
    training_points = go.Scatter(
        x=rounded(x_train, 3),
        y=rounded(y_train, 3),
        mode="markers",
        name="training points",
        marker={"color": TRAIN_COLOUR},
    )
    validation_points = go.Scatter(
        x=rounded(x_val, 3),
        y=rounded(y_val, 3),
        mode="markers",
        name="validation points",
        marker={"color": "white", "line": {"color": VALIDATION_COLOUR, "width": 1.5}},
    )
    traces += [
        (training_points, top, None),
        (validation_points, top, None),
        (
            _line(
                degrees_shown,
                rounded(train_by_degree),
                "training MSE",
                TRAIN_COLOUR,
                markers=True,
            ),
            degrees_cell,
            None,
        ),
        (
            _line(
                degrees_shown,
                rounded(val_by_degree),
                "validation MSE",
                VALIDATION_COLOUR,
                markers=True,
            ),
            degrees_cell,
            None,
        ),
    ]

    titles = {}
    errors_range = [0.5 * train_by_degree.min(), 2.0 * val_by_degree.max()]
    for degree_index, degree in enumerate(degrees):
        for lr_index, lr in enumerate(lrs):
            setting = explore(
                x_train, y_train, x_val, y_val, x_grid, degree, lr, n_epochs
            )
            titles[lr_index, degree_index] = setting.title(n_epochs, "<br>")
            key = ("setting", lr_index, degree_index)
            if setting.gd_curve is None:
                curve = _line([], [], "gradient descent", GD_COLOUR, width=3)
            else:
                curve = _line(
                    x_shown,
                    rounded(setting.gd_curve, 3),
                    "gradient descent",
                    GD_COLOUR,
                    width=3,
                )
            epochs, losses = _thin(setting.losses)
            loss = _line(epochs, losses, "training MSE", GD_COLOUR, legend=False)
            traces += [(curve, top, key), (loss, losses_cell, key)]
            if setting.failure is not None:
                traces += [
                    (_text(0, y_range[0] + 0.3, "gradient descent diverged"), top, key),
                    (
                        _text(n_epochs / 2, np.sqrt(loss_range[1]), "diverged"),
                        losses_cell,
                        key,
                    ),
                ]
        # The closed form does not depend on lr: one set of traces per degree.
        key = ("degree", degree_index)
        lstsq = _line(
            x_shown,
            rounded(setting.lstsq_curve, 3),
            "closed form (lstsq)",
            LSTSQ_COLOUR,
            dash="dash",
        )
        minimum = _line(
            [0, n_epochs],
            [round(setting.lstsq_mse[0], 4)] * 2,
            "closed form's training MSE",
            "black",
            dash="dash",
            width=1,
            legend=False,
        )
        marker = _line(
            [degree, degree],
            errors_range,
            f"degree {degree}",
            "black",
            width=1,
            legend=False,
        )
        traces += [
            (lstsq, top, key),
            (minimum, losses_cell, key),
            (marker, degrees_cell, key),
        ]

    for trace, (row, col), _ in traces:
        figure.add_trace(trace, row=row, col=col)

    def visibility(lr_index, degree_index):
        shown = (None, ("degree", degree_index), ("setting", lr_index, degree_index))
        return [key in shown for _, _, key in traces]

    def slider(lr_index, degree_index):
        return {
            "active": degree_index,
            "currentvalue": {"prefix": f"lr = {lrs[lr_index]:g}, degree = "},
            "pad": {"t": 60},
            "steps": [
                {
                    "label": str(degree),
                    "method": "update",
                    "args": [
                        {"visible": visibility(lr_index, index)},
                        {"title.text": titles[lr_index, index]},
                    ],
                }
                for index, degree in enumerate(degrees)
            ],
        }

    def menu_button(lr_index, degree_index):
        return {
            "label": f"lr = {lrs[lr_index]:g}",
            "method": "update",
            "args": [
                {"visible": visibility(lr_index, degree_index)},
                {
                    "sliders": [slider(lr_index, degree_index)],
                    "title.text": titles[lr_index, degree_index],
                },
            ],
        }

    lr_index, degree_index = initial
    for trace, shown in zip(
        figure.data, visibility(lr_index, degree_index), strict=True
    ):
        trace.visible = shown
    for (row, col), x_title, y_title, x_axis_range, log_y in (
        (top, "x", "y", x_range, False),
        (losses_cell, "epoch", "training MSE", (0, n_epochs), True),
        (degrees_cell, "degree", "MSE", None, True),
    ):
        figure.update_xaxes(title_text=x_title, range=x_axis_range, row=row, col=col)
        # On log axes, one tick per power of ten: the 2s and 5s between crowd them.
        figure.update_yaxes(
            title_text=y_title,
            type="log" if log_y else "linear",
            dtick=1 if log_y else None,
            row=row,
            col=col,
        )
    figure.update_yaxes(range=list(y_range), row=top[0], col=top[1])
    figure.update_yaxes(
        range=list(np.log10(loss_range)), row=losses_cell[0], col=losses_cell[1]
    )
    figure.update_layout(
        title={"text": titles[lr_index, degree_index], "font": {"size": 13}},
        height=850,
        margin={"t": 120, "b": 40},
        legend={
            "orientation": "h",
            "x": 1,
            "xanchor": "right",
            "y": 1.02,
            "yanchor": "bottom",
            "font": {"size": 11},
        },
        sliders=[slider(lr_index, degree_index)],
        updatemenus=[
            {
                "type": "dropdown",
                "x": 0,
                "xanchor": "left",
                "y": 1.2,
                "yanchor": "bottom",
                "active": lr_index,
                # A new lr keeps the degree shown first: a menu cannot read the
                # slider's position.
                "buttons": [
                    menu_button(index, degree_index) for index in range(len(lrs))
                ],
            }
        ],
    )
    return PlotlyFigure(figure, name)
