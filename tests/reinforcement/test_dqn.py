"""The deep Q-network (Chapter 35): the epsilon schedule, the targets of a hand-made
batch (terminal transitions do not bootstrap, time-limit cuts do; DQN's max against
Double DQN's choice), the replay buffer, the batch update's gradient by finite
differences, the Polyak update, a short seeded run reproduced exactly, the greedy
evaluation against a plain loop, and clear errors for bad settings and environments
DQN cannot learn."""

import gymnasium as gym
import numpy as np
import pytest

from scratchlearn import NotFittedError
from scratchlearn.base import clone
from scratchlearn.deep import Dense, Sequential, losses
from scratchlearn.deep.gradient_check import numerical_gradient
from scratchlearn.reinforcement import (
    DQN,
    ReplayBuffer,
    check_environment,
    evaluate,
    linear_epsilon,
    play_episode,
    soft_update,
    td_targets,
)

# --- exploration and targets --------------------------------------------------------


def test_epsilon_falls_in_a_straight_line_then_stays():
    steps = np.array([0, 250, 500, 1000, 5000])
    np.testing.assert_allclose(
        linear_epsilon(steps, 1.0, 0.1, 1000), [1.0, 0.775, 0.55, 0.1, 0.1]
    )
    assert linear_epsilon(7, 0.3, 0.3, 0) == pytest.approx(0.3)


def test_targets_of_a_hand_made_batch():
    """Three transitions: one in mid-episode, one whose next state is terminal (the
    pole fell), one cut by the time limit (truncated, so stored as not
    terminated). Only the terminal one stops at its reward."""
    rewards = np.array([1.0, 1.0, 1.0])
    terminated = np.array([0.0, 1.0, 0.0])
    next_q_target = np.array([[2.0, 5.0], [7.0, 3.0], [4.0, 6.0]])
    next_q_online = np.array([[9.0, 1.0], [0.0, 8.0], [1.0, 2.0]])
    gamma = 0.5
    dqn = td_targets(rewards, terminated, next_q_target, gamma)
    # r + gamma * max over the target network's values, except the terminal one.
    np.testing.assert_allclose(dqn, [1 + 0.5 * 5, 1.0, 1 + 0.5 * 6])
    double = td_targets(rewards, terminated, next_q_target, gamma, next_q_online)
    # The online network chooses (actions 0, 1, 1); the target network evaluates.
    np.testing.assert_allclose(double, [1 + 0.5 * 2, 1.0, 1 + 0.5 * 6])


def test_double_dqn_targets_are_never_above_dqn_targets():
    rng = np.random.default_rng(2)
    next_q_target, next_q_online = rng.normal(size=(2, 50, 3))
    rewards, terminated = rng.normal(size=50), rng.integers(0, 2, 50)
    dqn = td_targets(rewards, terminated, next_q_target, 0.9)
    double = td_targets(rewards, terminated, next_q_target, 0.9, next_q_online)
    assert np.all(double <= dqn + 1e-15)
    assert np.any(double < dqn)


def test_ties_go_to_the_lower_action():
    targets = td_targets(np.zeros(1), np.zeros(1), np.array([[1.0, 1.0]]), 1.0)
    assert targets[0] == 1.0
    agent = fitted_agent()
    state = np.zeros((1, 4))
    agent.q_network_.layers[-1].params["kernel"][:] = 0.0  # every action worth
    agent.q_network_.layers[-1].params["bias"][:] = 0.0  # the same
    assert agent.predict(state)[0] == 0


# --- the replay buffer ------------------------------------------------------------


def test_the_buffer_is_a_ring_that_keeps_the_newest():
    buffer = ReplayBuffer(3, 2)
    for i in range(5):
        buffer.add([i, -i], i % 2, float(i), [i + 1, -i - 1], i == 4)
    assert len(buffer) == 3 and buffer.n_added == 5
    # Slots 0 and 1 were overwritten by transitions 3 and 4.
    np.testing.assert_array_equal(buffer.rewards, [3.0, 4.0, 2.0])
    np.testing.assert_array_equal(buffer.states[:, 0], [3, 4, 2])
    np.testing.assert_array_equal(buffer.terminated, [0.0, 1.0, 0.0])
    states, actions, rewards, next_states, terminated = buffer.sample(
        1000, np.random.default_rng(0)
    )
    assert states.shape == (1000, 2) and actions.shape == (1000,)
    assert set(rewards) == {2.0, 3.0, 4.0}
    np.testing.assert_array_equal(states[:, 0], rewards)  # rows kept together
    np.testing.assert_array_equal(next_states[:, 0], rewards + 1)
    np.testing.assert_array_equal(terminated, rewards == 4.0)


def test_an_empty_buffer_says_so():
    with pytest.raises(ValueError, match="empty"):
        ReplayBuffer(3, 2).sample(4, np.random.default_rng(0))


# --- learning ---------------------------------------------------------------------

SHORT = {
    "hidden_units": (16,),
    "learning_starts": 100,
    "epsilon_decay_steps": 300,
    "target_update_interval": 50,
    "batch_size": 16,
}


def fitted_agent(total_timesteps=200, **params):
    agent = DQN(**{**SHORT, "random_state": 0, **params})
    return agent.learn(gym.make("CartPole-v1"), total_timesteps)


class Logged(gym.Wrapper):
    """Remembers the (terminated, truncated) flags of every step."""

    def __init__(self, env):
        super().__init__(env)
        self.flags = []

    def step(self, action):
        state, reward, terminated, truncated, info = self.env.step(action)
        self.flags.append((terminated, truncated))
        return state, reward, terminated, truncated, info


def test_time_limit_cuts_are_stored_as_not_terminated():
    """Random play on CartPole cut at 12 steps: the steps where the pole fell are
    stored as terminal transitions; the steps the time limit cut are not (so their
    targets bootstrap), and nothing else is terminal."""
    env = Logged(gym.make("CartPole-v1", max_episode_steps=12))
    agent = DQN(
        hidden_units=(8,), learning_starts=10_000, epsilon_decay_steps=0,
        epsilon_end=1.0, random_state=3,
    ).learn(env, 600)  # fmt: skip
    terminated, truncated = np.array(env.flags).T
    assert (truncated & ~terminated).any() and terminated.any(), "both endings occur"
    np.testing.assert_array_equal(agent.replay_buffer_.terminated[:600], terminated)
    ends = np.flatnonzero(terminated | truncated) + 1
    np.testing.assert_array_equal(agent.episode_ends_, ends)
    # Each episode's return is its length (CartPole pays 1 per step).
    np.testing.assert_array_equal(agent.episode_returns_, np.diff(ends, prepend=0))


def test_the_batch_update_follows_the_gradient_of_the_huber_loss():
    """The gradient that one update applies equals finite differences of the mean
    Huber loss between Q(s, a) of the actions taken and the fixed targets."""
    agent = fitted_agent()
    rng = np.random.default_rng(5)
    batch = agent.replay_buffer_.sample(16, rng)
    states, actions, rewards, next_states, terminated = batch
    targets = td_targets(
        rewards,
        terminated,
        agent.target_network_.forward(next_states),
        agent.gamma,
        agent.q_network_.forward(next_states),
    )
    applied = []
    network = agent.q_network_
    network.apply_gradients = lambda: applied.append(
        [dict(layer.grads) for layer in network.layers]
    )
    agent._update(batch)
    rows = np.arange(16)
    for layer, grads in zip(network.layers, applied[0], strict=True):
        for name, param in layer.params.items():

            def loss():
                q = network.forward(states)
                return losses.Huber(agent.huber_delta).loss(targets, q[rows, actions])

            numeric = numerical_gradient(loss, param)
            np.testing.assert_allclose(grads[name], numeric, atol=1e-7)


def test_soft_update_moves_the_target_a_fraction_tau():
    online = Sequential([Dense(3), Dense(2)], random_state=0).build((4,))
    target = Sequential([Dense(3), Dense(2)], random_state=1).build((4,))
    before = target.get_weights()
    soft_update(target, online, 0.25)
    after = target.get_weights()
    for new, old, w in zip(after, before, online.get_weights(), strict=True):
        np.testing.assert_allclose(new, 0.25 * w + 0.75 * old, rtol=1e-15)
    soft_update(target, online, 1.0)
    for new, w in zip(target.get_weights(), online.get_weights(), strict=True):
        np.testing.assert_array_equal(new, w)


def test_the_target_network_is_refreshed_every_interval_only():
    agent = fitted_agent(149, target_update_interval=50)  # last copy at step 100
    copied = agent.target_network_.get_weights()
    current = agent.q_network_.get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(copied, current, strict=True))
    agent = fitted_agent(150, target_update_interval=50)  # a copy at step 150
    for a, b in zip(
        agent.target_network_.get_weights(), agent.q_network_.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(a, b)


def test_a_short_seeded_run_is_reproducible():
    first, second = fitted_agent(600), fitted_agent(600)
    assert first.n_updates_ == 501
    np.testing.assert_array_equal(first.episode_returns_, second.episode_returns_)
    for a, b in zip(
        first.q_network_.get_weights(), second.q_network_.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(a, b)
    other = fitted_agent(600, random_state=1)
    assert not np.array_equal(first.episode_returns_, other.episode_returns_)


def test_learning_keeps_the_best_checked_weights_and_stops_when_asked():
    env, eval_env = gym.make("CartPole-v1"), gym.make("CartPole-v1")
    agent = DQN(**SHORT, random_state=0).learn(
        env, 600, eval_env=eval_env, eval_interval=100, n_eval_episodes=2
    )
    np.testing.assert_array_equal(agent.eval_steps_, [100, 200, 300, 400, 500, 600])
    assert agent.solved_at_ is None
    # Stop at the first check whose every episode reaches the bar.
    low_bar = agent.eval_returns_.min() - 100
    stopped = DQN(**SHORT, random_state=0).learn(
        env, 600, eval_env=eval_env, eval_interval=100, stop_return=low_bar
    )
    assert stopped.solved_at_ == 100 == stopped.n_steps_


def test_the_chapters_agent_solves_cartpole_with_seed_2():
    """The chapter's agent (reinforcement.experiments.SETTINGS, Double DQN) with
    seed 2, the quickest of seeds 0-2 to learn: training stops at a check whose 10
    greedy episodes all last 500 steps, within 10,000 steps, and 20 other greedy
    episodes average at least 475. (Seeds 0, 1 and 2 over 100 episodes each, the
    chapter's target, take longer: benchmarks/bench_dqn.py measures them.)"""
    from scratchlearn.reinforcement import experiments

    agent = experiments.train(2, max_steps=10_000)
    assert agent.solved_at_ is not None and agent.solved_at_ <= 10_000
    assert agent.double
    returns = evaluate(agent, gym.make("CartPole-v1"), 20, seed=1_000)
    assert returns.mean() >= 475


# --- playing and evaluating ------------------------------------------------------


def test_evaluation_is_a_plain_greedy_loop():
    """What evaluate reports is what a hand-written loop over Gymnasium's episodes
    with the network's argmax gives."""
    agent = fitted_agent(1500)
    env = gym.make("CartPole-v1")
    expected = []
    for episode in range(5):
        state, _ = env.reset(seed=100 + episode)
        total, done = 0.0, False
        while not done:
            q = agent.q_network_.forward(state[np.newaxis].astype(np.float64))
            state, reward, terminated, truncated, _ = env.step(int(np.argmax(q)))
            total += reward
            done = terminated or truncated
        expected.append(total)
    # Played side by side in copies of env; the same episodes as one by one.
    np.testing.assert_array_equal(evaluate(agent, env, 5, seed=100), expected)
    singles = [play_episode(agent, env, seed=100 + i).total_return for i in range(5)]
    np.testing.assert_array_equal(singles, expected)
    assert len(set(expected)) > 1, "episodes of different lengths"


def test_an_episode_records_every_state():
    agent = fitted_agent()
    episode = play_episode(agent, gym.make("CartPole-v1"), seed=4)
    n_steps = len(episode.actions)
    assert episode.states.shape == (n_steps + 1, 4)
    assert episode.total_return == n_steps
    assert episode.terminated != episode.truncated
    last = episode.states[-1]
    assert episode.terminated == (abs(last[0]) > 2.4 or abs(last[2]) > 12 * np.pi / 180)


# --- clear errors -----------------------------------------------------------------


def test_environments_a_dqn_cannot_learn_get_a_clear_error():
    with pytest.raises(ValueError, match=r"Discrete action space.*Box"):
        DQN().learn(gym.make("Pendulum-v1"), 10)
    with pytest.raises(ValueError, match=r"vector of numbers.*Discrete"):
        DQN().learn(gym.make("FrozenLake-v1"), 10)
    with pytest.raises(TypeError, match="Gymnasium's API"):
        DQN().learn("CartPole-v1", 10)
    assert check_environment(gym.make("CartPole-v1")) == (4, 2, 0)


INVALID = [
    ({"hidden_units": [64]}, TypeError),
    ({"hidden_units": (64, 0)}, ValueError),
    ({"learning_rate": 0.0}, ValueError),
    ({"gamma": 1.5}, ValueError),
    ({"buffer_size": 0}, ValueError),
    ({"batch_size": 2.5}, TypeError),
    ({"train_freq": 0}, ValueError),
    ({"target_update_interval": 0}, ValueError),
    ({"tau": 0.0}, ValueError),
    ({"tau": 1.5}, ValueError),
    ({"epsilon_start": -0.1}, ValueError),
    ({"epsilon_end": 2.0}, ValueError),
    ({"double": "yes"}, TypeError),
    ({"huber_delta": -1.0}, ValueError),
    ({"random_state": "seed"}, TypeError),
]


@pytest.mark.parametrize(("params", "error"), INVALID, ids=lambda p: str(p))
def test_invalid_settings_are_refused_before_learning(params, error):
    name = next(iter(params))
    with pytest.raises(error, match=name):
        DQN(**params).learn(gym.make("CartPole-v1"), 10)


@pytest.mark.parametrize("total_timesteps", [0, -5, 2.5, True])
def test_invalid_lengths_are_refused(total_timesteps):
    with pytest.raises((TypeError, ValueError), match="total_timesteps"):
        DQN().learn(gym.make("CartPole-v1"), total_timesteps)


def test_estimator_habits():
    agent = DQN(gamma=0.9, random_state=4)
    assert agent.get_params()["gamma"] == 0.9
    assert repr(agent) == "DQN(gamma=0.9, random_state=4)"
    assert clone(agent).get_params() == agent.get_params()
    with pytest.raises(NotFittedError):
        agent.predict(np.zeros((1, 4)))
    with pytest.raises(ValueError, match="no parameter"):
        agent.set_params(epsilon=0.1)
    fitted = fitted_agent()
    with pytest.raises(ValueError, match=r"shape \(n_states, 4\)"):
        fitted.predict(np.zeros(4))
