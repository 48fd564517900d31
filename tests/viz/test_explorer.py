"""The explorer builder (scratchlearn.viz.explorer): one declaration gives a static
figure with a slider step per value and a menu entry per combination, traces shared
between settings stored once, and live widgets that map back to the declared values
(None included)."""

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from scratchlearn.viz.explorer import Control, Explorer, View, shown_traces


def draw(shape, size):
    """A background trace shared by every setting, and one that depends on both."""
    background = go.Scatter(x=[0.0, 1.0], y=[0.0, 1.0], name="background")
    points = go.Scatter(x=np.arange(3.0), y=np.full(3, float(size or 0)), name=shape)
    return View(
        [(background, 1), (points, 2)],
        title=f"{shape}, {size}",
        layout={"yaxis2.range": [0, (size or 0) + 1]},
    )


@pytest.fixture
def explorer():
    return Explorer(
        [
            Control("shape", ["circle", "square"]),
            Control("size", [1, 2, None], live_values=[1, 2, 3, None], start=2),
        ],
        draw,
        name="test-explorer",
        panels=(1, 2),
        description="A test figure",
    )


def test_the_static_figure_has_a_step_per_value_and_an_entry_per_combination(explorer):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == ["1", "2", "None"]
    (menu,) = figure.layout.updatemenus
    assert [b.label for b in menu.buttons] == ["shape = circle", "shape = square"]
    # 1 shared background + 2 shapes x 3 sizes.
    assert len(figure.data) == 1 + 2 * 3
    # The first view shown is the declared start (size 2, the first shape).
    assert figure.layout.title.text == "circle, 2"
    assert sum(bool(trace.visible) for trace in figure.data) == 2


def test_each_step_shows_its_own_traces_title_and_layout(explorer):
    figure = explorer.static().figure
    for entry, button in enumerate(figure.layout.updatemenus[0].buttons):
        shape = button.label.split(" = ")[1]
        steps = button.args[1]["sliders"][0]["steps"]
        for index, (step, size) in enumerate(zip(steps, [1, 2, None], strict=True)):
            shown = [figure.data[i] for i in shown_traces(figure, entry, index)]
            assert {trace.name for trace in shown} == {"background", shape}
            points = next(trace for trace in shown if trace.name == shape)
            assert set(points.y) == {float(size or 0)}
            _, layout, indices = step["args"]
            # A step restyles only what changes within its entry: the 3 sizes, not
            # the background every step shows, nor the other shape's traces.
            assert sorted(indices) == sorted(
                i for i, t in enumerate(figure.data) if t.name == shape
            )
            assert layout["title.text"] == f"{shape}, {size}"
            assert layout["yaxis2.range"] == [0, (size or 0) + 1]


def test_steps_reached_in_any_order_show_the_same(explorer):
    """A step's restyle does not depend on the step before it: going 3 -> 1 shows
    what opening the entry and going to 1 shows."""
    figure = explorer.static().figure.to_plotly_json()
    for entry in range(2):
        slider = figure["layout"]["updatemenus"][0]["buttons"][entry]["args"][1]
        first = set(shown_traces(figure, entry, 0))
        state = set(shown_traces(figure, entry, 2))
        restyle, _, indices = slider["sliders"][0]["steps"][0]["args"]
        for index, on in zip(indices, restyle["visible"], strict=True):
            state.discard(index)
            if on:
                state.add(index)
        assert state == first


def test_without_a_menu_the_steps_restyle_what_changes():
    controls = [
        Control("shape", ["circle"], live_values=["circle", "square"]),
        Control("size", [1, 2]),
    ]
    figure = Explorer(controls, draw, name="one-entry", panels=(1, 2)).static().figure
    assert not figure.layout.updatemenus  # one entry: no menu
    for index, size in enumerate([1, 2]):
        shown = [figure.data[i].name for i in shown_traces(figure, step=index)]
        assert shown == ["background", "circle"]
        _, layout, indices = figure.layout.sliders[0].steps[index]["args"]
        assert list(indices) == [1, 2]  # the two circles; the background stays
        assert layout["title.text"].endswith(str(size))

    def points_only(shape, size):
        return draw(shape, size).traces[1:]

    def only(shape, size):
        return View(points_only(shape, size), title=f"{shape}, {size}")

    figure = Explorer(controls, only, name="no-list", panels=(1, 2)).static().figure
    for index in range(2):  # every trace changes: no list of which
        restyle, _ = figure.layout.sliders[0].steps[index]["args"]
        assert restyle["visible"] == [index == 0, index == 1]


def test_identical_traces_are_stored_once(explorer):
    figure = explorer.static().figure
    assert [trace.name for trace in figure.data].count("background") == 1


def test_live_widgets_map_back_to_the_declared_values(explorer):
    shape, size = explorer.widgets()
    assert type(size).__name__ == "SelectionSlider"  # numbers, with None as a value
    assert type(shape).__name__ == "ToggleButtons"
    assert [label for label, _ in size.options] == ["1", "2", "3", "None"]
    assert explorer.setting([shape, size]) == {"shape": "circle", "size": 2}
    size.value = 3  # the position of None
    shape.value = 1
    assert explorer.setting([shape, size]) == {"shape": "square", "size": None}
    figure = explorer.figure(**explorer.setting([shape, size]))
    assert figure.layout.title.text == "square, None"
    size.value = 2  # a live-only value
    assert explorer.figure(**explorer.setting([shape, size])).layout.title.text == (
        "square, 3"
    )


def test_the_static_figure_is_described_for_screen_readers(explorer):
    data, metadata = explorer.static()._repr_mimebundle_()
    about = metadata["application/vnd.plotly.v1+json"]
    assert about["name"] == "test-explorer"
    assert about["description"].startswith("A test figure; Interactive figure")
    assert "a slider sets size (1, 2, None)" in about["description"]
    assert "a menu sets shape" in about["description"]
    json.dumps(data)  # plain JSON, stored once


def test_a_draw_that_returns_no_view_is_a_clear_error():
    broken = Explorer([Control("k", [1, 2])], lambda k: [k], name="broken")
    with pytest.raises(TypeError, match="draw\\(\\) must return a View"):
        broken.static()


def test_controls_are_checked_when_declared():
    with pytest.raises(ValueError, match="at least one value"):
        Control("k", [])
    with pytest.raises(ValueError, match="start=4 is not one of its values"):
        Control("k", [1, 2], start=4)
    with pytest.raises(ValueError, match="at least one control"):
        Explorer([], draw, name="empty")


def test_axis_titles_name_each_panels_axes_and_the_layout_can_override_them():
    explorer = Explorer(
        [Control("shape", ["circle"]), Control("size", [1, 2])],
        draw,
        name="titled",
        panels=(1, 2),
        axis_titles=[("x", "y"), ("step", None)],
        layout={"yaxis.title.text": "given"},
    )
    layout = explorer.figure(shape="circle", size=1).layout
    assert layout.xaxis.title.text == "x"
    assert layout.yaxis.title.text == "given"
    assert layout.xaxis2.title.text == "step"
    assert layout.yaxis2.title.text is None
