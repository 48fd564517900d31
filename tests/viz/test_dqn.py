"""Chapter 35's pictures and explorers (scratchlearn.viz.dqn): CartPole drawn from
its state (checked by hand), the moving average, the training explorer (one menu
entry per epsilon decay, one slider step per target update interval, each drawing
the returns of a run with its settings) and the replay explorer (one slider step per
recorded frame, each drawing the cart of that state; a live-only frame too)."""

import numpy as np
import pytest

from scratchlearn.reinforcement import DQN, experiments
from scratchlearn.viz import dqn as dqn_plots
from scratchlearn.viz.explorer import shown_traces

SHORT = {"hidden_units": (8,), "learning_starts": 50, "batch_size": 8}


def test_the_cart_is_drawn_from_the_state():
    state = np.array([1.0, 0.3, np.pi / 6, -0.2])
    cart_x, cart_y, pole_x, pole_y = dqn_plots.cart_geometry(state)
    np.testing.assert_allclose(cart_x, [0.75, 1.25, 1.25, 0.75, 0.75])
    np.testing.assert_allclose(cart_y, [0, 0, 0.3, 0.3, 0])
    # The pole (length 1) leans right by 30 degrees from the cart's top.
    np.testing.assert_allclose(pole_x, [1.0, 1.5])
    np.testing.assert_allclose(pole_y, [0.3, 0.3 + np.sqrt(3) / 2])
    # 30 degrees is past the 12 at which the pole counts as fallen: drawn red.
    assert dqn_plots.is_failed(state) and dqn_plots.is_failed([2.5, 0, 0, 0])
    assert not dqn_plots.is_failed([2.3, 0, 0.2, 0])  # 11.5 degrees
    rect, pole = dqn_plots.cart_shapes(state)
    assert (rect["x0"], rect["x1"]) == (0.75, 1.25)
    assert pole["x1"] == pytest.approx(1.5)
    assert pole["line"]["color"] == dqn_plots.FALLEN_COLOUR
    _, standing = dqn_plots.cart_shapes([0.0, 0, 0.1, 0])
    assert standing["line"]["color"] == dqn_plots.POLE_COLOUR


def test_the_still_picture_of_a_frame():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    dqn_plots.plot_cart([2.0, 0, -0.3, 0], ax, title="fallen")
    pole = ax.lines[-1]
    np.testing.assert_allclose(pole.get_xdata(), [2.0, 2.0 + np.sin(-0.3)])
    assert pole.get_color() == dqn_plots.FALLEN_COLOUR  # past 12 degrees
    plt.close(fig)


@pytest.fixture
def quick_training(monkeypatch):
    """The training explorer's runs, shortened to 300 steps each."""
    runs = {}

    def train(seed=0, double=True, max_steps=None, **changes):
        key = (changes["epsilon_decay_steps"], changes["target_update_interval"])
        if key not in runs:
            params = {**experiments.SETTINGS, **SHORT, **changes}
            env = experiments.make_environment()
            runs[key] = DQN(**params, random_state=seed).learn(
                env,
                300,
                eval_env=experiments.make_environment(),
                eval_interval=100,
                n_eval_episodes=2,
            )
        return runs[key]

    monkeypatch.setattr(dqn_plots, "train", train)
    return runs


def test_training_explorer_draws_each_settings_run(quick_training):
    figure = dqn_plots.training_explorer().static().figure
    (menu,) = figure.layout.updatemenus
    decays, intervals = dqn_plots.EPSILON_DECAYS, dqn_plots.TARGET_INTERVALS
    assert [b.label for b in menu.buttons] == [f"epsilon decay = {d}" for d in decays]
    (slider,) = figure.layout.sliders
    assert [s.label for s in slider.steps] == [str(i) for i in intervals]
    spec = figure.to_plotly_json()
    for entry, decay in enumerate(decays):
        steps = spec["layout"]["updatemenus"][0]["buttons"][entry]["args"][1]
        for position, interval in enumerate(intervals):
            agent = quick_training[decay, interval]
            traces = [figure.data[i] for i in shown_traces(spec, entry, position)]
            assert len(traces) == 3
            by_name = {trace.name.split(" ")[0]: trace for trace in traces}
            line, checks = by_name["training"], by_name["greedy"]
            epsilon = by_name["epsilon"]
            np.testing.assert_array_equal(line.x, agent.episode_ends_)
            np.testing.assert_allclose(
                line.y, experiments.moving_average(agent.episode_returns_)
            )
            np.testing.assert_array_equal(checks.x, [100, 200, 300])
            np.testing.assert_allclose(checks.y, agent.eval_returns_)
            assert epsilon.y[0] == 1.0 and epsilon.y[-1] >= 0.02
            title = steps["sliders"][0]["steps"][position]["args"][1]["title.text"]
            assert f"over {decay:,} steps" in title
            assert f"every {interval:,} steps: not solved in 300 steps" in title


@pytest.fixture(scope="module")
def agents():
    trained = DQN(**{**experiments.SETTINGS, **SHORT}, random_state=0)
    trained.learn(experiments.make_environment(), 400)
    return {"untrained": experiments.untrained_agent(), "trained": trained}


def test_replay_explorer_draws_the_state_of_each_frame(agents):
    explorer = dqn_plots.replay_explorer(agents, seed=3)
    figure = explorer.static().figure
    spec = figure.to_plotly_json()
    (menu,) = figure.layout.updatemenus
    assert [b.label for b in menu.buttons] == ["agent = untrained", "agent = trained"]
    frames = explorer.controls[-1].values
    assert frames[0] == 0 and np.all(np.diff(frames) <= dqn_plots.FRAME_STEP)
    for entry, agent in enumerate(agents.values()):
        episode, q_values = experiments.record(agent, 3)
        assert frames[-1] >= len(episode.actions)
        button = spec["layout"]["updatemenus"][0]["buttons"][entry]
        steps = button["args"][1]["sliders"][0]["steps"]
        assert len(steps) == len(frames)
        for frame, step in zip(frames, steps, strict=True):
            shown = min(frame, len(episode.actions))
            cart, pole, marker = step["args"][1]["shapes"]
            expected = dqn_plots.cart_shapes(episode.states[shown])
            assert (cart, pole) == tuple(expected)
            assert marker["x0"] == shown
            assert step["args"][1]["xaxis2.range"] == [0, len(episode.actions)]
            assert (
                f"step {shown} of {len(episode.actions)}"
                in (step["args"][1]["title.text"])
            )
        lines = [figure.data[i] for i in shown_traces(spec, entry, 0)][2:]
        for action, line in enumerate(lines):
            np.testing.assert_allclose(line.y, q_values[:, action])


def test_a_live_only_frame_draws_its_state(agents):
    explorer = dqn_plots.replay_explorer(agents, seed=3)
    assert 3 not in explorer.controls[-1].values
    assert 3 in explorer.controls[-1].live_values
    episode, _ = experiments.record(agents["trained"], 3)
    figure = explorer.figure(agent="trained", frame=3)
    cart, pole, _ = figure.layout.shapes
    expected_cart, expected_pole = dqn_plots.cart_shapes(episode.states[3])
    assert cart.x0 == pytest.approx(expected_cart["x0"])
    assert pole.x1 == pytest.approx(expected_pole["x1"])
    action = dqn_plots.ACTIONS[episode.actions[3]]
    assert figure.layout.title.text.endswith(
        f"step 3 of {len(episode.actions)}: {action}"
    )
