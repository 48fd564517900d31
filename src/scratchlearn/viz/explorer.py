"""One builder for every chapter's explorer, live and static.

A chapter declares *what* varies and *what* is shown; this module owns *how*:

- ``Control`` names one hyperparameter, the values the static explorer precomputes
  and (optionally) the finer choice the live explorer offers;
- the chapter's ``draw`` function turns one setting (a keyword per control) into a
  ``View``: plotly traces, each in a panel, a title, and layout changes;
- ``Explorer(controls, draw, ...)`` builds from them both the live explorer
  (ipywidgets controls that redraw with a running kernel) and the static one (a
  plotly figure with every setting precomputed, a slider for the last control and
  a menu for the others, which works on the website with no kernel).

Example, a whole chapter explorer (Chapter 1's k-nearest neighbours)::

    def draw(k, weights):
        model = KNeighborsClassifier(k, weights=weights).fit(X, y)
        return View(
            [*region_traces(model, X), *class_points(X, y)],
            title=f"k={k}: validation accuracy {model.score(X_val, y_val):.3f}",
        )

    explorer = Explorer(
        [Control("weights", ["uniform", "distance"]),
         Control("k", [1, 3, 5, 9, 15], live_values=range(1, 41))],
        draw,
        name="knn-explorer",
    )
    explorer.live()      # in a notebook with a kernel
    explorer.static()    # the figure the website shows

Identical traces of different settings (the training points, say) are stored once
and shown by every setting that draws them.
"""

import dataclasses
import itertools
import numbers
from collections.abc import Callable, Sequence

from scratchlearn.viz.common import PlotlyFigure

# Sizes shared by every explorer (pixels), so that the book looks the same
# throughout.
PANEL_HEIGHT = 380
TITLE_SPACE = 60  # two lines of title
MENU_SPACE = 44
SUBPLOT_TITLE_SPACE = 26
BOTTOM_SPACE = 110  # axis titles and the slider
TITLE_FONT = {"size": 12}


@dataclasses.dataclass(frozen=True)
class Control:
    """One hyperparameter an explorer varies.

    Parameters
    ----------
    name : str
        The keyword that the explorer's ``draw`` function receives.
    values : sequence
        The values the static explorer precomputes, in display order.
    label : str, optional
        What the reader sees (default: ``name``).
    live_values : sequence, optional
        A finer choice for the live explorer (default: ``values``).
    start : optional
        The value shown first (default: the middle of ``values``).
    """

    name: str
    values: Sequence
    label: str | None = None
    live_values: Sequence | None = None
    start: object = None

    def __post_init__(self):
        values = tuple(self.values)
        if not values:
            raise ValueError(f"Control {self.name!r} needs at least one value.")
        if self.start is not None and self.start not in values:
            raise ValueError(
                f"Control {self.name!r}: start={self.start!r} is not one of its "
                f"values {values}."
            )
        live = None if self.live_values is None else tuple(self.live_values)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "live_values", live)
        object.__setattr__(self, "label", self.label or self.name)

    @property
    def options(self):
        """What the live explorer offers."""
        return self.live_values or self.values

    @property
    def first(self):
        """The value shown first: ``start``, else the middle number of a slider or
        the first entry of a menu."""
        if self.start is not None:
            return self.start
        return self.values[len(self.values) // 2] if self.numeric else self.values[0]

    @property
    def numeric(self):
        """Numbers (``None`` among them allowed, as "no limit"): a slider."""
        given = [v for v in self.values if v is not None]
        return bool(given) and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in given
        )


def show(value):
    """A control value as the reader sees it: ``0.001``, ``100``, ``None``, ``relu``."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclasses.dataclass
class View:
    """What one setting shows.

    Parameters
    ----------
    traces : list
        Plotly traces. A trace alone goes in the first panel; ``(trace, panel)``
        puts it in column ``panel`` (1-based) of a one-row layout, and
        ``(trace, (row, col))`` anywhere.
    title : str
        The figure's title for this setting (the live explorer's too).
    layout : dict
        Layout changes for this setting, in plotly's dotted form
        (``{"xaxis.range": [0, 1]}``).
    """

    traces: list
    title: str = ""
    layout: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(eq=False)  # an explorer is itself, not its fields
class Explorer:
    """Build a chapter's live and static explorers from its controls and ``draw``.

    Parameters
    ----------
    controls : list of Control
        The last one is the static explorer's slider; the others make its menu
        (one entry per combination of their values).
    draw : callable
        ``draw(**setting)`` returns the :class:`View` of one setting.
    name : str
        Fixes the figure's element id, so that stored outputs reproduce.
    panels : (rows, cols)
        The subplot grid the traces are drawn in.
    layout : dict
        Layout shared by every setting: axis titles, ranges, subplot sizes.
    axis_titles : sequence of (str, str), optional
        The x and y axis titles of each panel, in plotly's order of axes (``None``
        leaves one untitled).
    subplot_titles : sequence of str, optional
    subplots : dict, optional
        More arguments of plotly's ``make_subplots`` (column widths, spacing).
    description : str, optional
        What the figure shows, for readers who cannot see it (screen readers);
        the controls are described after it.
    height : int, optional
    """

    controls: Sequence[Control]
    draw: Callable[..., View]
    _: dataclasses.KW_ONLY
    name: str
    panels: tuple = (1, 1)
    layout: dict = dataclasses.field(default_factory=dict)
    subplot_titles: Sequence | None = None
    description: str = ""
    height: int | None = None
    subplots: dict = dataclasses.field(default_factory=dict)
    axis_titles: Sequence = ()

    def __post_init__(self):
        if not self.controls:
            raise ValueError("An explorer needs at least one control.")
        self.controls, self.layout = list(self.controls), dict(self.layout)
        for number, titles in enumerate(self.axis_titles, start=1):
            for axis, title in zip("xy", titles, strict=True):
                if title is not None:
                    suffix = number if number > 1 else ""
                    self.layout.setdefault(f"{axis}axis{suffix}.title.text", title)

    # --- both explorers ---------------------------------------------------------

    def view(self, **setting):
        view = self.draw(**setting)
        if not isinstance(view, View):
            raise TypeError(
                f"{self.name}: draw() must return a View, not {type(view).__name__}."
            )
        return view

    def _has_menu(self):
        """Whether the static figure has a menu: some control before the last
        offers more than one static value (one that offers only one keeps it,
        unsaid; the live explorer still offers its ``live_values``)."""
        return any(len(c.values) > 1 for c in self.controls[:-1])

    def _empty_figure(self):
        """The panels, sized. From the top: the menu (if any), the title (up to
        two lines), the panels' titles (if any), the panels; below them the
        slider."""
        from plotly.subplots import make_subplots

        rows, cols = self.panels
        figure = make_subplots(
            rows=rows, cols=cols, subplot_titles=self.subplot_titles, **self.subplots
        )
        menu = MENU_SPACE if self._has_menu() else 0
        top = TITLE_SPACE + menu + (SUBPLOT_TITLE_SPACE if self.subplot_titles else 0)
        height = self.height or top + PANEL_HEIGHT + BOTTOM_SPACE
        figure.update_layout(
            height=height,
            margin={"t": top, "b": BOTTOM_SPACE},
            title={
                "font": TITLE_FONT,
                "x": 0.0,
                "xanchor": "left",
                "xref": "paper",
                "yref": "container",
                "y": 1 - (menu + 18) / height,  # clear of the menu, two lines fit
                "yanchor": "top",
            },
        )
        figure.update_layout(self.layout)
        return figure

    def figure(self, **setting):
        """The plotly figure of one setting (what the live explorer draws)."""
        figure = self._empty_figure()
        view = self.view(**setting)
        for item in view.traces:
            figure.add_trace(*_placed(item))
        figure.update_layout(_relayout(view))
        return figure

    # --- the live explorer --------------------------------------------------------

    def widgets(self):
        """One ipywidgets control per ``Control``: a slider over numbers, toggle
        buttons over a few words, a menu over more. Each widget's value is the
        position of the chosen value (a widget cannot hold ``None``); see
        :meth:`setting`."""
        import ipywidgets as widgets

        made = []
        for control in self.controls:
            options = control.options
            start = options.index(control.first) if control.first in options else 0
            common = {
                "options": [(show(v), index) for index, v in enumerate(options)],
                "value": start,
                "description": control.label,
                "style": {"description_width": "initial"},
            }
            if control.numeric:
                widget = widgets.SelectionSlider(continuous_update=False, **common)
            elif len(options) <= 4:
                widget = widgets.ToggleButtons(**common)
            else:
                widget = widgets.Dropdown(**common)
            made.append(widget)
        return made

    def setting(self, widgets):
        """The setting the ``widgets`` (from :meth:`widgets`) show."""
        return {
            control.name: control.options[widget.value]
            for control, widget in zip(self.controls, widgets, strict=True)
        }

    def live(self):
        """Display the controls and the figure; every change redraws it."""
        import ipywidgets as widgets
        from IPython.display import display

        controls = self.widgets()
        out = widgets.Output()

        def redraw(_change=None):
            figure = self.figure(**self.setting(controls))
            show_in(out, PlotlyFigure(figure, f"{self.name}-live"))

        for widget in controls:
            widget.observe(redraw, names="value")
        redraw()
        rows = [widgets.HBox(controls[i : i + 3]) for i in range(0, len(controls), 3)]
        display(widgets.VBox([*rows, out]))

    # --- the static explorer -------------------------------------------------------

    def static(self):
        """Every setting precomputed in one plotly figure: a slider over the last
        control and a menu over the combinations of the others (none if they offer
        one value each). Identical traces of different settings are stored once."""
        from plotly.io.json import to_json_plotly

        *menu_controls, slider_control = self.controls
        figure, shown, views, index_of = self._empty_figure(), {}, {}, {}
        combos = list(itertools.product(*(c.values for c in menu_controls)))
        for combo in combos:
            for step in slider_control.values:
                setting = dict(zip((c.name for c in menu_controls), combo, strict=True))
                view = self.view(**setting, **{slider_control.name: step})
                views[combo, step] = view
                shown[combo, step] = set()
                for item in view.traces:
                    trace, row, col = _placed(item)
                    key = (row, col, to_json_plotly(trace.to_plotly_json()))
                    if key not in index_of:
                        index_of[key] = len(figure.data)
                        figure.add_trace(trace, row=row, col=col)
                    shown[combo, step].add(index_of[key])

        def entry(combo):
            """The restyle and relayout that show menu entry ``combo``."""
            on = shown[combo, slider_control.first]
            slider = self._slider(combo, shown, views, len(figure.data))
            visible = [index in on for index in range(len(figure.data))]
            return {"visible": visible}, {
                "sliders": [slider],
                **_relayout(views[combo, slider_control.first]),
            }

        first = tuple(c.first for c in menu_controls)
        restyle, relayout = entry(first)
        for trace, on in zip(figure.data, restyle["visible"], strict=True):
            trace.visible = on
        figure.update_layout(relayout)
        if self._has_menu():
            buttons = [
                {
                    "label": self._menu_label(combo),
                    "method": "update",
                    "args": [*entry(combo)],
                }
                for combo in combos
            ]
            height, top = figure.layout.height, figure.layout.margin.t
            menu = {
                "type": "dropdown",
                "x": 0,
                "xanchor": "left",
                "y": 1 + (top - 6) / (height - top - BOTTOM_SPACE),
                "yanchor": "top",
                "active": combos.index(first),
                "buttons": buttons,
            }
            figure.update_layout(updatemenus=[menu])
        return PlotlyFigure(figure, self.name, description=self.accessible_text())

    def _menu_label(self, combo):
        """A menu entry's label; a control with one static value says nothing."""
        return ", ".join(
            f"{c.label} = {show(v)}"
            for c, v in zip(self.controls[:-1], combo, strict=True)
            if len(c.values) > 1
        )

    def _slider(self, combo, shown, views, n_traces):
        """The slider of one menu entry. Its steps restyle only the traces whose
        visibility changes from step to step within that entry: the menu entry (or
        the figure's first state) has already shown the traces that every step
        shows and hidden the others. No list of which traces when they are all."""
        control = self.controls[-1]
        steps = control.values
        each = [shown[combo, step] for step in steps]
        varying = sorted(set().union(*each) - set.intersection(*each))
        which = [] if len(varying) == n_traces else [varying]

        def restyle(on):
            return {"visible": [i in on for i in varying]} if varying else {}

        return {
            "active": steps.index(control.first),
            "currentvalue": {"prefix": f"{control.label} = "},
            "pad": {"t": 40},
            "steps": [
                {
                    "label": show(step),
                    "method": "update",
                    "args": [restyle(on), _relayout(views[combo, step]), *which],
                }
                for step, on in zip(steps, each, strict=True)
            ],
        }

    def accessible_text(self):
        """The figure described in words, with how to use its controls."""
        *menu_controls, slider_control = self.controls
        parts = [self.description.strip()] if self.description else []
        parts.append(
            f"Interactive figure: a slider sets {slider_control.label} "
            f"({', '.join(show(v) for v in slider_control.values)})"
        )
        varied = [c.label for c in menu_controls if len(c.values) > 1]
        if varied:
            parts.append("a menu sets " + " and ".join(varied))
        return "; ".join(parts) + "."


def shown_traces(figure, entry=None, step=None):
    """The indices of the traces a static explorer's figure shows once the reader
    picks menu entry ``entry`` (its position; ``None``: as the figure opens) and
    then slider step ``step`` (its position; ``None``: the entry's first), as
    plotly.js would apply the updates. ``figure``: a plotly figure or its JSON."""
    spec = figure if isinstance(figure, dict) else figure.to_plotly_json()
    state = [trace.get("visible", True) is True for trace in spec["data"]]
    layout = spec["layout"]
    slider = layout["sliders"][0]
    if entry is not None:
        restyle, relayout = layout["updatemenus"][0]["buttons"][entry]["args"][:2]
        state = list(restyle["visible"])
        slider = relayout["sliders"][0]
    if step is not None:
        restyle, _, *which = slider["steps"][step]["args"]
        if restyle:
            indices = which[0] if which else range(len(state))
            for index, on in zip(indices, restyle["visible"], strict=True):
                state[index] = on
    return [index for index, on in enumerate(state) if on]


def _placed(item):
    """``(trace, row, col)`` for a trace or a ``(trace, panel)`` pair."""
    trace, panel = item if isinstance(item, tuple) else (item, 1)
    row, col = panel if isinstance(panel, tuple) else (1, panel)
    return trace, row, col


def _relayout(view):
    """The layout update that shows ``view``: its title and its layout changes."""
    return {"title.text": view.title, **view.layout}


def show_in(output, figure):
    """Replace what the ipywidgets ``Output`` widget ``output`` shows by ``figure``
    (a :class:`PlotlyFigure`), in one update: no flicker, and no display message
    from the cell, so stored outputs are the same wherever the notebook runs."""
    data, metadata = figure._repr_mimebundle_()
    output.outputs = (
        {"output_type": "display_data", "data": data, "metadata": metadata},
    )
